/* Fuzz target for the VRRP advert decoder: the first byte picks the family (even: a whole
 * IPv4 packet as a raw socket returns it; odd: an IPv6 VRRP message from fe80::11 to
 * ff02::12), the rest is the packet. An accepted advert must encode back to a message that
 * decodes to the same advert. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "health/vip/vrrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant violated: %s\n", what);
		abort();
	}
}

static void roundtrip(const struct vrrp_advert *a, const uint8_t *src, const uint8_t *dst)
{
	uint8_t out[VRRP_PACKET_MAX];
	struct vrrp_advert b;
	size_t alen = a->family == AF_INET6 ? 16 : 4;
	size_t n = vrrp_advert_encode(out, sizeof(out), a, src, dst, VRRP_CSUM_PSEUDO);

	require(n == VRRP_HEADER_LEN + alen * a->count, "encoded length");
	require(vrrp_advert_decode(&b, a->family, src, dst, out, n) == VRRP_ACCEPT,
		"our own encoding is dropped");
	require(b.vrid == a->vrid && b.priority == a->priority && b.interval_cs == a->interval_cs &&
			b.count == a->count,
		"round trip changed a field");
	for (uint8_t i = 0; i < a->count; i++)
		require(memcmp(a->addrs[i], b.addrs[i], alen) == 0,
			"round trip changed an address");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 0x11 };
	static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };
	struct vrrp_advert a;
	uint8_t src[16] = { 0 };
	enum vrrp_drop why;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		why = vrrp_advert_decode(&a, AF_INET6, src6, group6, data + 1, size - 1);
		require(why < VRRP_DROP_KINDS, "unknown drop kind");
		if (why == VRRP_ACCEPT)
			roundtrip(&a, src6, group6);
		return 0;
	}
	why = vrrp_ipv4_decode(&a, src, data + 1, size - 1, (data[0] & 2) != 0);
	require(why < VRRP_DROP_KINDS, "unknown drop kind");
	if (why == VRRP_ACCEPT) {
		require(a.interval_cs > 0 && a.interval_cs <= 0xfff, "interval out of range");
		roundtrip(&a, src, data + 1 + 16);
	}
	return 0;
}
