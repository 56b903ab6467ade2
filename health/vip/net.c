/* VRRP over raw IPv4 and IPv6 sockets. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health/vip/net.h"

static const uint8_t group_v4[4] = { 224, 0, 0, 18 };
static const uint8_t group_v6[16] = { 0xff, 0x02, [15] = 0x12 };

static bool is_vip(const struct vip_instance_conf *conf, int family, const void *addr)
{
	for (unsigned i = 0; i < conf->vip_count; i++)
		if (conf->vips[i].family == family &&
		    memcmp(conf->vips[i].addr, addr, family == AF_INET6 ? 16 : 4) == 0)
			return true;
	return false;
}

int vrrp_sock_source(const struct vip_instance_conf *conf, uint8_t src[16])
{
	struct ifaddrs *list, *ifa;
	int rc = -EADDRNOTAVAIL;

	memset(src, 0, 16);
	if (conf->has_unicast_src) {
		memcpy(src, conf->unicast_src.addr, 16);
		return 0;
	}
	if (getifaddrs(&list) < 0)
		return -errno;
	for (ifa = list; ifa != NULL && rc != 0; ifa = ifa->ifa_next) {
		const void *addr;

		if (ifa->ifa_addr == NULL || strcmp(ifa->ifa_name, conf->ifname) != 0 ||
		    ifa->ifa_addr->sa_family != conf->family)
			continue;
		if (conf->family == AF_INET) {
			addr = &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			if (is_vip(conf, AF_INET, addr))
				continue;
			memcpy(src, addr, 4);
			rc = 0;
		} else {
			const struct in6_addr *a6 =
				&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;

			/* RFC 9568 §5.1.2.1: IPv6 adverts come from the link-local address */
			if (!IN6_IS_ADDR_LINKLOCAL(a6))
				continue;
			memcpy(src, a6, 16);
			rc = 0;
		}
	}
	freeifaddrs(list);
	return rc;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

static int setup_v4(struct vrrp_sock *s)
{
	struct ip_mreqn mreq = { .imr_ifindex = s->ifindex };
	int fd = s->fd;

	memcpy(&mreq.imr_multiaddr, group_v4, 4);
	if (set_int(fd, IPPROTO_IP, IP_TTL, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IP, IP_TOS, VRRP_TOS) < 0 ||
	    set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) < 0)
		return -errno;
	if (s->conf->peer_count == 0 &&
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0)
		return -errno;
	return 0;
}

static int setup_v6(struct vrrp_sock *s)
{
	struct ipv6_mreq mreq = { .ipv6mr_interface = (unsigned)s->ifindex };
	int fd = s->fd;

	memcpy(&mreq.ipv6mr_multiaddr, group_v6, 16);
	if (set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, VRRP_TOS) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, s->ifindex) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0)
		return -errno;
	if (s->conf->peer_count == 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0)
		return -errno;
	return 0;
}

int vrrp_sock_open(struct vrrp_sock *s, const struct vip_instance_conf *conf, int ifindex,
		   const uint8_t *src)
{
	int rc;

	s->family = conf->family;
	s->ifindex = ifindex;
	s->conf = conf;
	memcpy(s->src, src, 16);
	s->fd = socket(s->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
	if (s->fd < 0)
		return -errno;
	if (setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, conf->ifname, strlen(conf->ifname)) < 0)
		rc = -errno;
	else
		rc = s->family == AF_INET ? setup_v4(s) : setup_v6(s);
	if (rc < 0)
		vrrp_sock_close(s);
	return rc;
}

void vrrp_sock_close(struct vrrp_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* One advert to `dst`, with the checksum for that destination. */
static int send_to(struct vrrp_sock *s, const struct vrrp_advert *a, const uint8_t *dst)
{
	uint8_t pkt[VRRP_PACKET_MAX];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct sockaddr_storage to;
	struct iovec iov = { .iov_base = pkt };
	struct msghdr msg = {
		.msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf
	};
	struct cmsghdr *cm;

	iov.iov_len = vrrp_advert_encode(pkt, sizeof(pkt), a, s->src, dst, s->conf->csum);
	memset(&to, 0, sizeof(to));
	memset(&control, 0, sizeof(control));
	cm = (struct cmsghdr *)control.buf;
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&to;
		struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(cm);

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst, 4);
		msg.msg_namelen = sizeof(*sin);
		msg.msg_controllen = CMSG_SPACE(sizeof(*pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi->ipi_ifindex = s->ifindex;
		memcpy(&pi->ipi_spec_dst, s->src, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;
		struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(cm);

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, dst, 16);
		sin6->sin6_scope_id = (uint32_t)s->ifindex;
		msg.msg_namelen = sizeof(*sin6);
		msg.msg_controllen = CMSG_SPACE(sizeof(*pi));
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi->ipi6_ifindex = (unsigned)s->ifindex;
		memcpy(&pi->ipi6_addr, s->src, 16);
	}
	return sendmsg(s->fd, &msg, 0) < 0 ? -errno : 0;
}

int vrrp_sock_send(struct vrrp_sock *s, const struct vrrp_advert *a)
{
	int rc = 0;

	if (s->conf->peer_count == 0)
		return send_to(s, a, s->family == AF_INET ? group_v4 : group_v6);
	for (unsigned i = 0; i < s->conf->peer_count; i++) {
		int err = send_to(s, a, s->conf->peers[i].addr);

		if (err < 0)
			rc = err;
	}
	return rc;
}

static bool is_peer(const struct vrrp_sock *s, const uint8_t *src)
{
	for (unsigned i = 0; i < s->conf->peer_count; i++)
		if (memcmp(s->conf->peers[i].addr, src, s->family == AF_INET6 ? 16 : 4) == 0)
			return true;
	return false;
}

static enum vrrp_drop recv_v6(struct vrrp_advert *a, uint8_t src[16], const uint8_t *pkt,
			      size_t len, struct msghdr *msg)
{
	uint8_t dst[16] = { 0 };
	int hops = -1;

	memcpy(src, &((struct sockaddr_in6 *)msg->msg_name)->sin6_addr, 16);
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
		if (cm->cmsg_type == IPV6_PKTINFO)
			memcpy(dst, &((struct in6_pktinfo *)CMSG_DATA(cm))->ipi6_addr, 16);
	}
	if (memcmp(dst, group_v6, 16) == 0 && hops != VRRP_TTL)
		return VRRP_DROP_TTL;
	return vrrp_advert_decode(a, AF_INET6, src, dst, pkt, len);
}

int vrrp_sock_recv(struct vrrp_sock *s, struct vrrp_advert *a, uint8_t src[16], enum vrrp_drop *why)
{
	uint8_t pkt[2048];
	union {
		struct cmsghdr align;
		uint8_t buf[256];
	} control;
	struct sockaddr_storage from;
	struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
	struct msghdr msg = { .msg_name = &from,
			      .msg_namelen = sizeof(from),
			      .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	ssize_t n = recvmsg(s->fd, &msg, 0);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	memset(src, 0, 16);
	if (s->family == AF_INET)
		*why = vrrp_ipv4_decode(a, src, pkt, (size_t)n, false);
	else
		*why = recv_v6(a, src, pkt, (size_t)n, &msg);
	if (*why == VRRP_ACCEPT && s->conf->peer_count > 0 && !is_peer(s, src))
		*why = VRRP_DROP_PEER;
	return 1;
}
