/* The VRRP socket of one instance: raw IP protocol 112 on its interface, multicast to
 * 224.0.0.18 / ff02::12 or unicast to its peers, TTL 255 and TOS 0xc0 (RFC 9568 §5.1). */
#ifndef BATON_VIP_NET_H
#define BATON_VIP_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "health/vip/conf.h"
#include "health/vip/vrrp.h"

struct vrrp_sock {
	int fd;
	int family;
	int ifindex;
	uint8_t src[16]; /* what we send from: the primary address, or the link-local for IPv6 */
	const struct vip_instance_conf *conf;
};

/* The address adverts go out from: conf's unicast-src, else the interface's first IPv4
 * address that is not a VIP, or its IPv6 link-local address. Returns 0 or -EADDRNOTAVAIL. */
int vrrp_sock_source(const struct vip_instance_conf *conf, uint8_t src[16]);

/* Opens the socket for `conf` on `ifindex` with source `src`, joins the group unless unicast.
 * Returns 0 or -errno (then s->fd is -1). */
int vrrp_sock_open(struct vrrp_sock *s, const struct vip_instance_conf *conf, int ifindex,
		   const uint8_t *src);
void vrrp_sock_close(struct vrrp_sock *s);

/* Sends `a` to the group, or to every unicast peer. Returns 0 or the last -errno. */
int vrrp_sock_send(struct vrrp_sock *s, const struct vrrp_advert *a);

/* Reads one queued packet: returns 1 with *why (and on VRRP_ACCEPT *a and its sender in src),
 * 0 when nothing is queued, -errno on a socket error. Checks TTL, version, type, checksum,
 * length, interval, and in unicast mode that the sender is a peer; not the VRID. */
int vrrp_sock_recv(struct vrrp_sock *s, struct vrrp_advert *a, uint8_t src[16],
		   enum vrrp_drop *why);

#endif
