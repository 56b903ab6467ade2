/* VRRPv3 advertisement encoding and decoding (RFC 9568 §5). */
#include "autoconfig.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "health/vip/vrrp.h"

static const uint8_t group_v4[4] = { 224, 0, 0, 18 };

const char *vrrp_drop_name(enum vrrp_drop why)
{
	static const char *const names[VRRP_DROP_KINDS] = {
		[VRRP_ACCEPT] = "accepted",	   [VRRP_DROP_SHORT] = "short",
		[VRRP_DROP_TTL] = "ttl",	   [VRRP_DROP_VERSION] = "version",
		[VRRP_DROP_TYPE] = "type",	   [VRRP_DROP_CHECKSUM] = "checksum",
		[VRRP_DROP_VRID] = "vrid",	   [VRRP_DROP_PEER] = "peer",
		[VRRP_DROP_INTERVAL] = "interval",
	};

	return why < VRRP_DROP_KINDS ? names[why] : "unknown";
}

static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t vrrp_checksum(int family, const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
		       size_t len, bool pseudo)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	uint32_t sum = 0;

	if (pseudo) {
		/* RFC 768 / RFC 8200 §8.1 pseudo-header: addresses, length, next header */
		sum = sum_bytes(sum, src, alen);
		sum = sum_bytes(sum, dst, alen);
		sum += (uint32_t)len + VRRP_PROTO;
	}
	sum = sum_bytes(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t vrrp_advert_encode(uint8_t *out, size_t cap, const struct vrrp_advert *a, const uint8_t *src,
			  const uint8_t *dst, enum vrrp_csum csum)
{
	size_t alen = a->family == AF_INET6 ? 16 : 4;
	size_t len = VRRP_HEADER_LEN + alen * a->count;
	uint16_t sum;

	if (len > cap || a->count > VRRP_ADDRS_MAX)
		return 0;
	out[0] = VRRP_VERSION << 4 | VRRP_TYPE_ADVERT;
	out[1] = a->vrid;
	out[2] = a->priority;
	out[3] = a->count;
	out[4] = (a->interval_cs >> 8) & 0x0f; /* 4 reserved bits, sent as zero */
	out[5] = a->interval_cs & 0xff;
	out[6] = out[7] = 0;
	for (uint8_t i = 0; i < a->count; i++)
		memcpy(out + VRRP_HEADER_LEN + i * alen, a->addrs[i], alen);
	sum = vrrp_checksum(a->family, src, dst, out, len,
			    a->family == AF_INET6 || csum == VRRP_CSUM_PSEUDO);
	out[6] = sum >> 8;
	out[7] = sum & 0xff;
	return len;
}

/* A message whose checksum field is right sums, checksum included, to 0xffff: computing the
 * checksum over it gives 0. */
static bool checksum_ok(int family, const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
			size_t len)
{
	if (vrrp_checksum(family, src, dst, msg, len, true) == 0)
		return true;
	if (family == AF_INET6)
		return false;
	return vrrp_checksum(family, src, group_v4, msg, len, true) == 0 ||
	       vrrp_checksum(family, src, dst, msg, len, false) == 0;
}

enum vrrp_drop vrrp_advert_decode(struct vrrp_advert *a, int family, const uint8_t *src,
				  const uint8_t *dst, const uint8_t *msg, size_t len)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	size_t count;

	if (len < VRRP_HEADER_LEN)
		return VRRP_DROP_SHORT;
	if (msg[0] >> 4 != VRRP_VERSION)
		return VRRP_DROP_VERSION;
	if ((msg[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_DROP_TYPE;
	count = msg[3];
	/* RFC 9568 §7.1: the length must cover the address list; trailing bytes are tolerated,
	 * as keepalived does, since they are covered by the checksum anyway */
	if (len < VRRP_HEADER_LEN + count * alen)
		return VRRP_DROP_SHORT;
	if (!checksum_ok(family, src, dst, msg, len))
		return VRRP_DROP_CHECKSUM;
	a->family = family;
	a->vrid = msg[1];
	a->priority = msg[2];
	a->interval_cs = (uint16_t)((msg[4] & 0x0f) << 8 | msg[5]);
	if (a->interval_cs == 0)
		return VRRP_DROP_INTERVAL;
	a->count = count > VRRP_ADDRS_MAX ? VRRP_ADDRS_MAX : (uint8_t)count;
	for (uint8_t i = 0; i < a->count; i++) {
		memset(a->addrs[i], 0, sizeof(a->addrs[i]));
		memcpy(a->addrs[i], msg + VRRP_HEADER_LEN + i * alen, alen);
	}
	return VRRP_ACCEPT;
}

enum vrrp_drop vrrp_ipv4_decode(struct vrrp_advert *a, uint8_t src[4], const uint8_t *pkt,
				size_t len, bool ttl_always)
{
	size_t ihl, total;

	if (len < 20 || pkt[0] >> 4 != 4)
		return VRRP_DROP_SHORT;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = (size_t)pkt[2] << 8 | pkt[3];
	if (ihl < 20 || ihl > len)
		return VRRP_DROP_SHORT;
	/* a raw socket hands over exactly the datagram; trust the smaller of the two lengths */
	if (total >= ihl && total < len)
		len = total;
	if ((ttl_always || memcmp(pkt + 16, group_v4, 4) == 0) && pkt[8] != VRRP_TTL)
		return VRRP_DROP_TTL;
	memcpy(src, pkt + 12, 4);
	return vrrp_advert_decode(a, AF_INET, pkt + 12, pkt + 16, pkt + ihl, len - ihl);
}
