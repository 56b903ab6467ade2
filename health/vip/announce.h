/* Telling the link where the VIPs now live: gratuitous ARP for IPv4 (RFC 5227 §3, an ARP
 * request with sender and target both the VIP) and unsolicited Neighbor Advertisements for
 * IPv6 (RFC 4861 §7.2.6, Override set). Bursts and refreshes are timed by the instance. */
#ifndef BATON_VIP_ANNOUNCE_H
#define BATON_VIP_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "health/vip/conf.h"

#define VIP_ARP_LEN 28

struct vip_announcer {
	int arp_fd; /* AF_PACKET, ETH_P_ARP */
	int icmp6_fd; /* raw ICMPv6 */
	int ifindex;
	uint8_t mac[6];
	const struct vip_instance_conf *conf;
	uint64_t garp_sent, na_sent; /* announcements that went out, for the metrics */
};

/* The interface's hardware address. Returns 0 or -errno. */
int vip_iface_mac(const char *ifname, uint8_t mac[6]);

/* An Ethernet/IPv4 ARP message (RFC 826) of operation `op` (1 request, 2 reply). */
void vip_arp_encode(uint8_t out[VIP_ARP_LEN], uint16_t op, const uint8_t sha[6],
		    const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4]);

/* Opens the sockets the families of conf's VIPs need. Returns 0 or -errno (all closed). */
int vip_announce_open(struct vip_announcer *an, const struct vip_instance_conf *conf, int ifindex);
void vip_announce_close(struct vip_announcer *an);

/* One gratuitous ARP per IPv4 VIP and one NA per IPv6 VIP. Returns how many failed to go. */
unsigned vip_announce_once(struct vip_announcer *an);

#endif
