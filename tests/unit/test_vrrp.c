/* Unit tests for the VRRPv3 wire format (health/vip/vrrp.c): round trips in both families,
 * both IPv4 checksum conventions, and every kind of drop. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "health/vip/vrrp.h"

static const uint8_t src4[4] = { 192, 0, 2, 11 };
static const uint8_t group4[4] = { 224, 0, 0, 18 };
static const uint8_t peer4[4] = { 192, 0, 2, 12 };
static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 0x11 };
static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };

static struct vrrp_advert advert(int family)
{
	struct vrrp_advert a = { .vrid = 51, .priority = 150, .interval_cs = 5, .family = family };

	a.count = 2;
	if (family == AF_INET) {
		memcpy(a.addrs[0], (uint8_t[]){ 192, 0, 2, 100 }, 4);
		memcpy(a.addrs[1], (uint8_t[]){ 192, 0, 2, 101 }, 4);
	} else {
		memcpy(a.addrs[0], (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x64 }, 16);
		memcpy(a.addrs[1], (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x65 }, 16);
	}
	return a;
}

/* An IPv4 packet as a raw socket hands it over: 20-byte header, then the message. */
static size_t ipv4_packet(uint8_t *pkt, uint8_t ttl, const uint8_t *dst, enum vrrp_csum csum)
{
	struct vrrp_advert a = advert(AF_INET);
	size_t n = vrrp_advert_encode(pkt + 20, VRRP_PACKET_MAX - 20, &a, src4, dst, csum);

	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[1] = VRRP_TOS;
	pkt[2] = (uint8_t)((n + 20) >> 8);
	pkt[3] = (uint8_t)(n + 20);
	pkt[8] = ttl;
	pkt[9] = VRRP_PROTO;
	memcpy(pkt + 12, src4, 4);
	memcpy(pkt + 16, dst, 4);
	return n + 20;
}

static void test_roundtrip_v4(void **state)
{
	uint8_t msg[VRRP_PACKET_MAX];
	struct vrrp_advert a = advert(AF_INET), b;
	size_t n = vrrp_advert_encode(msg, sizeof(msg), &a, src4, group4, VRRP_CSUM_PSEUDO);

	(void)state;
	assert_int_equal(n, 8 + 2 * 4);
	assert_int_equal(msg[0], 0x31); /* version 3, type 1 */
	assert_int_equal(msg[1], 51);
	assert_int_equal(msg[2], 150);
	assert_int_equal(msg[3], 2);
	assert_int_equal(msg[4] << 8 | msg[5], 5);
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, src4, group4, msg, n), VRRP_ACCEPT);
	assert_int_equal(b.vrid, 51);
	assert_int_equal(b.priority, 150);
	assert_int_equal(b.interval_cs, 5);
	assert_int_equal(b.count, 2);
	assert_memory_equal(b.addrs[1], a.addrs[1], 4);
}

static void test_roundtrip_v6(void **state)
{
	uint8_t msg[VRRP_PACKET_MAX];
	struct vrrp_advert a = advert(AF_INET6), b;
	size_t n = vrrp_advert_encode(msg, sizeof(msg), &a, src6, group6, VRRP_CSUM_PLAIN);

	(void)state;
	assert_int_equal(n, 8 + 2 * 16);
	/* IPv6 always carries the pseudo-header, whatever was asked for IPv4 */
	assert_int_equal(vrrp_checksum(AF_INET6, src6, group6, msg, n, true), 0);
	assert_int_equal(vrrp_advert_decode(&b, AF_INET6, src6, group6, msg, n), VRRP_ACCEPT);
	assert_memory_equal(b.addrs[0], a.addrs[0], 16);
	/* a plain checksum is not accepted for IPv6: RFC 9568 §5.2.8 leaves no choice there */
	msg[6] = msg[7] = 0;
	{
		uint16_t plain = vrrp_checksum(AF_INET6, src6, group6, msg, n, false);

		msg[6] = (uint8_t)(plain >> 8);
		msg[7] = (uint8_t)plain;
	}
	assert_int_equal(vrrp_advert_decode(&b, AF_INET6, src6, group6, msg, n),
			 VRRP_DROP_CHECKSUM);
}

/* keepalived and RFC 9568 sum the pseudo-header, Cisco IOS does not, and keepalived before
 * its fix for #642 put 224.0.0.18 in the pseudo-header of unicast adverts: all three pass. */
static void test_checksum_conventions(void **state)
{
	uint8_t msg[VRRP_PACKET_MAX];
	struct vrrp_advert a = advert(AF_INET), b;
	size_t n;

	(void)state;
	n = vrrp_advert_encode(msg, sizeof(msg), &a, src4, peer4, VRRP_CSUM_PLAIN);
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, src4, peer4, msg, n), VRRP_ACCEPT);
	n = vrrp_advert_encode(msg, sizeof(msg), &a, src4, peer4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, src4, peer4, msg, n), VRRP_ACCEPT);
	n = vrrp_advert_encode(msg, sizeof(msg), &a, src4, group4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, src4, peer4, msg, n), VRRP_ACCEPT);
	/* the same message from another sender does not match any convention */
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, peer4, peer4, msg, n), VRRP_DROP_CHECKSUM);
	msg[n - 1] ^= 1;
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, src4, group4, msg, n), VRRP_DROP_CHECKSUM);
}

static void test_drops(void **state)
{
	uint8_t pkt[VRRP_PACKET_MAX], src[4];
	struct vrrp_advert b;
	size_t n;

	(void)state;
	n = ipv4_packet(pkt, 255, group4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, false), VRRP_ACCEPT);
	assert_memory_equal(src, src4, 4);
	/* RFC 9568 §7.1: a multicast advert that crossed a router is not ours */
	n = ipv4_packet(pkt, 254, group4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, false), VRRP_DROP_TTL);
	/* unicast: a routed peer is allowed, unless asked otherwise */
	n = ipv4_packet(pkt, 254, peer4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, false), VRRP_ACCEPT);
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, true), VRRP_DROP_TTL);
	n = ipv4_packet(pkt, 255, group4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, 19, false), VRRP_DROP_SHORT);
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, 27, false), VRRP_DROP_SHORT);
	/* the header says two addresses, the packet holds one */
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n - 4, false), VRRP_DROP_SHORT);
	pkt[20] = 0x21; /* VRRPv2 */
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, false), VRRP_DROP_VERSION);
	pkt[20] = 0x32; /* type 2 */
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, false), VRRP_DROP_TYPE);
	pkt[20] = 0x31;
	pkt[25] ^= 0x40; /* interval 5 -> 69: covered by the checksum */
	assert_int_equal(vrrp_ipv4_decode(&b, src, pkt, n, false), VRRP_DROP_CHECKSUM);
	assert_string_equal(vrrp_drop_name(VRRP_DROP_TTL), "ttl");
	assert_string_equal(vrrp_drop_name(VRRP_DROP_CHECKSUM), "checksum");
}

static void test_zero_interval_dropped(void **state)
{
	uint8_t msg[VRRP_PACKET_MAX];
	struct vrrp_advert a = advert(AF_INET), b;
	size_t n;

	(void)state;
	a.interval_cs = 0;
	n = vrrp_advert_encode(msg, sizeof(msg), &a, src4, group4, VRRP_CSUM_PSEUDO);
	assert_int_equal(vrrp_advert_decode(&b, AF_INET, src4, group4, msg, n), VRRP_DROP_INTERVAL);
}

static void test_encode_bounds(void **state)
{
	uint8_t msg[VRRP_PACKET_MAX];
	struct vrrp_advert a = advert(AF_INET6);

	(void)state;
	assert_int_equal(vrrp_advert_encode(msg, 8 + 16, &a, src6, group6, VRRP_CSUM_PSEUDO), 0);
	a.interval_cs = 0xfff;
	assert_int_equal(vrrp_advert_encode(msg, sizeof(msg), &a, src6, group6, VRRP_CSUM_PSEUDO),
			 40);
	assert_int_equal(msg[4], 0x0f); /* 12 bits; the 4 reserved bits stay zero */
	assert_int_equal(msg[5], 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_v4),	      cmocka_unit_test(test_roundtrip_v6),
		cmocka_unit_test(test_checksum_conventions),  cmocka_unit_test(test_drops),
		cmocka_unit_test(test_zero_interval_dropped), cmocka_unit_test(test_encode_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
