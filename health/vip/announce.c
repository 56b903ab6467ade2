/* Gratuitous ARP and unsolicited Neighbor Advertisements for the VIPs. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health/vip/announce.h"

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

int vip_iface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IF_NAMESIZE - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rc = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc;
}

void vip_arp_encode(uint8_t out[VIP_ARP_LEN], uint16_t op, const uint8_t sha[6],
		    const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	out[0] = 0, out[1] = 1; /* Ethernet */
	out[2] = 0x08, out[3] = 0x00; /* IPv4 */
	out[4] = 6, out[5] = 4;
	out[6] = (uint8_t)(op >> 8), out[7] = (uint8_t)op;
	memcpy(out + 8, sha, 6);
	memcpy(out + 14, spa, 4);
	memcpy(out + 18, tha, 6);
	memcpy(out + 24, tpa, 4);
}

static int open_icmp6(struct vip_announcer *an)
{
	int hops = 255; /* RFC 4861 §7.1.2: receivers drop NAs with any other hop limit */
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return -errno;
	an->icmp6_fd = fd;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &an->ifindex, sizeof(an->ifindex)) <
		    0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, an->conf->ifname,
		       strlen(an->conf->ifname)) < 0)
		return -errno;
	return 0;
}

int vip_announce_open(struct vip_announcer *an, const struct vip_instance_conf *conf, int ifindex)
{
	bool v4 = false, v6 = false;
	int rc;

	an->arp_fd = an->icmp6_fd = -1;
	an->ifindex = ifindex;
	an->conf = conf;
	for (unsigned i = 0; i < conf->vip_count; i++) {
		v4 |= conf->vips[i].family == AF_INET;
		v6 |= conf->vips[i].family == AF_INET6;
	}
	rc = vip_iface_mac(conf->ifname, an->mac);
	if (rc == 0 && v4) {
		an->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
		if (an->arp_fd < 0)
			rc = -errno;
	}
	if (rc == 0 && v6)
		rc = open_icmp6(an);
	if (rc < 0)
		vip_announce_close(an);
	return rc;
}

void vip_announce_close(struct vip_announcer *an)
{
	if (an->arp_fd >= 0)
		close(an->arp_fd);
	if (an->icmp6_fd >= 0)
		close(an->icmp6_fd);
	an->arp_fd = an->icmp6_fd = -1;
}

static int garp(struct vip_announcer *an, const uint8_t *vip)
{
	uint8_t msg[VIP_ARP_LEN];
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = an->ifindex,
				  .sll_halen = 6 };

	memcpy(to.sll_addr, broadcast, 6);
	/* keepalived's form: a request, target hardware address broadcast, which every Linux
	 * and switch of the last 20 years takes as an update */
	vip_arp_encode(msg, 1, an->mac, vip, broadcast, vip);
	return sendto(an->arp_fd, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0
		       ? -errno
		       : 0;
}

static int unsolicited_na(struct vip_announcer *an, const uint8_t *vip)
{
	uint8_t msg[32] = { ND_NEIGHBOR_ADVERT, 0 };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_scope_id = (uint32_t)an->ifindex };

	memcpy(&to.sin6_addr, all_nodes, 16);
	msg[4] = 0x20; /* Override, not Solicited, not Router */
	memcpy(msg + 8, vip, 16);
	msg[24] = ND_OPT_TARGET_LINKADDR;
	msg[25] = 1; /* units of 8 bytes */
	memcpy(msg + 26, an->mac, 6);
	/* the kernel fills the ICMPv6 checksum (RFC 3542 §3.1) */
	return sendto(an->icmp6_fd, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0
		       ? -errno
		       : 0;
}

unsigned vip_announce_once(struct vip_announcer *an)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < an->conf->vip_count; i++) {
		const struct vip_addr *v = &an->conf->vips[i];
		int rc = v->family == AF_INET ? garp(an, v->addr) : unsolicited_na(an, v->addr);

		failed += rc < 0;
		if (rc == 0 && v->family == AF_INET)
			an->garp_sent++;
		else if (rc == 0)
			an->na_sent++;
	}
	return failed;
}
