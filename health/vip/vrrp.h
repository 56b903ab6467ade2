/* VRRPv3 advertisements on the wire (RFC 9568 §5.1): encoding, decoding and the checks a
 * receiver makes before the state machine sees a packet. No sockets here: the fuzz target and
 * the unit tests drive it with bytes. */
#ifndef BATON_VRRP_H
#define BATON_VRRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_PROTO 112
#define VRRP_VERSION 3
#define VRRP_TYPE_ADVERT 1
#define VRRP_HEADER_LEN 8
#define VRRP_TTL 255
#define VRRP_TOS 0xc0 /* RFC 9568 §5.1.1.4: Internetwork Control */
/* keepalived caps an instance at 20 addresses per advert, and 20 IPv6 addresses keep the
 * packet far below any MTU; we read up to 32 from peers. */
#define VRRP_ADDRS_MAX 32
#define VRRP_PACKET_MAX (60 + VRRP_HEADER_LEN + 16 * VRRP_ADDRS_MAX)

struct vrrp_advert {
	uint8_t vrid;
	uint8_t priority;
	uint16_t interval_cs; /* Max Advertise Interval, 12 bits */
	int family; /* AF_INET or AF_INET6: decides the address size */
	uint8_t count;
	uint8_t addrs[VRRP_ADDRS_MAX][16];
};

/* Why a received packet was dropped: each kind has its own counter. */
enum vrrp_drop {
	VRRP_ACCEPT = 0,
	VRRP_DROP_SHORT, /* shorter than the header or its address list */
	VRRP_DROP_TTL, /* TTL / hop limit not 255 on a multicast advert (RFC 9568 §7.1) */
	VRRP_DROP_VERSION, /* not version 3 */
	VRRP_DROP_TYPE, /* not an advertisement */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_VRID, /* no instance of ours has this VRID on that interface */
	VRRP_DROP_PEER, /* unicast mode: the sender is not a configured peer */
	VRRP_DROP_INTERVAL, /* Max Advertise Interval of 0: a division by zero waiting to happen */
	VRRP_DROP_KINDS
};

/* "short", "ttl", ... for logs and status. */
const char *vrrp_drop_name(enum vrrp_drop why);

/* Which IPv4 checksum we send. RFC 9568 §5.2.8 includes the pseudo-header; some stacks
 * (Cisco IOS among them) compute it over the VRRP message alone, as VRRPv2 did. IPv6 always
 * uses the pseudo-header. */
enum vrrp_csum { VRRP_CSUM_PSEUDO, VRRP_CSUM_PLAIN };

/* The Internet checksum (RFC 1071) of the VRRP message, with the pseudo-header of `src` and
 * `dst` (4 or 16 bytes each, by family) unless `pseudo` is false. */
uint16_t vrrp_checksum(int family, const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
		       size_t len, bool pseudo);

/* Writes the VRRP message of `a` (no IP header) into out[0..cap) with its checksum for the IP
 * addresses `src` and `dst`. Returns its length, or 0 when it does not fit. */
size_t vrrp_advert_encode(uint8_t *out, size_t cap, const struct vrrp_advert *a, const uint8_t *src,
			  const uint8_t *dst, enum vrrp_csum csum);

/* Reads the VRRP message msg[0..len) sent from `src` to `dst` (addresses of `family`) into
 * *a. IPv4 checksums are accepted with the pseudo-header of the real destination, with that of
 * 224.0.0.18 (older keepalived used it for unicast too: acassen/keepalived#642) and
 * without one. Returns
 * VRRP_ACCEPT or why it was dropped; *a is meaningful only on VRRP_ACCEPT. */
enum vrrp_drop vrrp_advert_decode(struct vrrp_advert *a, int family, const uint8_t *src,
				  const uint8_t *dst, const uint8_t *msg, size_t len);

/* Reads a whole IPv4 packet as a raw socket returns it: header (with options) and the VRRP
 * message. A TTL other than 255 is dropped for packets to 224.0.0.18, and for every packet when
 * `ttl_always` (unicast peers may sit behind a router, as keepalived allows). Fills *a and the sender's address (4 bytes) in src. */
enum vrrp_drop vrrp_ipv4_decode(struct vrrp_advert *a, uint8_t src[4], const uint8_t *pkt,
				size_t len, bool ttl_always);

#endif
