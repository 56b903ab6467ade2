/* Unit tests for vip.conf (health/vip/conf.c): a full instance, defaults, and errors that name
 * file:line and the fix. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "health/vip/conf.h"

static const char full[] = "# a site's web VIP\n"
			   "vrrp_instance web {\n"
			   "\tinterface eth0\n"
			   "\tvrid 51\n"
			   "\tpriority 150\n"
			   "\tadvert 10ms   # 1 cs\n"
			   "\tvip 192.0.2.100/24\n"
			   "\tvip 2001:db8::100/64\n"
			   "\tpreempt on\n"
			   "\tpreempt-delay 2s\n"
			   "\tunicast-src 192.0.2.11\n"
			   "\tunicast-peer 192.0.2.12\n"
			   "\tchecksum plain\n"
			   "\tgarp-count 3\n"
			   "\tgarp-interval 20ms\n"
			   "\tgarp-refresh 60s\n"
			   "\ttrack-interface eth1 weight=30\n"
			   "\ttrack-check 192.0.2.11 fault web http port=8080 interval=1s fall=3\n"
			   "\tnotify-master /usr/local/bin/hook master\n"
			   "\twitness 192.0.2.1 arp\n"
			   "\twitness 2001:db8::1\n"
			   "\twitness-timeout 300ms\n"
			   "\tfence /usr/local/sbin/stonith --node b\n"
			   "\tfence-timeout 3s\n"
			   "}\n";

static void test_full_instance(void **state)
{
	struct vip_conf *c = NULL;
	const struct vip_instance_conf *i;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(vip_conf_parse(&c, full, "vip.conf", &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(c->count, 1);
	i = c->instances[0];
	assert_string_equal(i->name, "web");
	assert_string_equal(i->ifname, "eth0");
	assert_int_equal(i->vrid, 51);
	assert_int_equal(i->priority, 150);
	assert_int_equal(i->advert_cs, 1);
	assert_int_equal(i->vip_count, 2);
	assert_int_equal(i->family, AF_INET); /* the first vip's: the IPv6 one moves along */
	assert_int_equal(i->vips[1].family, AF_INET6);
	assert_int_equal(i->vips[1].prefix, 64);
	assert_true(i->preempt);
	assert_int_equal(i->preempt_delay_ms, 2000);
	assert_int_equal(i->peer_count, 1);
	assert_int_equal(i->csum, VRRP_CSUM_PLAIN);
	assert_int_equal(i->garp_count, 3);
	assert_int_equal(i->garp_interval_ms, 20);
	assert_int_equal(i->garp_refresh_ms, 60000);
	assert_int_equal(i->track_count, 2);
	assert_int_equal(i->tracks[0].weight, 30);
	assert_true(i->tracks[1].fault);
	assert_int_equal(i->tracks[1].check.kind, CHECK_HTTP);
	assert_int_equal(i->tracks[1].check.port, 8080);
	assert_int_equal(i->tracks[1].check.fall, 3);
	assert_int_equal(i->tracks[1].line, 18);
	assert_string_equal(i->notify_master, "/usr/local/bin/hook master");
	assert_int_equal(i->witness_count, 2);
	assert_int_equal(i->witnesses[0].method, VIP_WITNESS_ARP);
	assert_int_equal(i->witnesses[1].method, VIP_WITNESS_PING);
	assert_int_equal(i->witness_timeout_ms, 300);
	assert_true(i->has_fence);
	assert_string_equal(i->fence.argv[2], "b");
	assert_null(i->fence.argv[3]);
	assert_int_equal(i->fence.timeout_ms, 3000);
	vip_conf_free(c);
	diag_fini(&d);
}

static void test_defaults(void **state)
{
	struct vip_conf *c = NULL;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(vip_conf_parse(&c,
					"vrrp_instance a {\n interface eth0\n vrid 1\n"
					" vip 2001:db8::1\n}\n",
					"v.conf", &d),
			 0);
	/* keepalived's defaults: priority 100, advert 1 s, preempt, 5 gratuitous ARPs */
	assert_int_equal(c->instances[0]->priority, 100);
	assert_int_equal(c->instances[0]->advert_cs, 100);
	assert_true(c->instances[0]->preempt);
	assert_int_equal(c->instances[0]->garp_count, 5);
	assert_int_equal(c->instances[0]->csum, VRRP_CSUM_PSEUDO);
	assert_int_equal(c->instances[0]->vips[0].prefix, 128);
	vip_conf_free(c);
	diag_fini(&d);
}

static void test_global_defs(void **state)
{
	struct vip_conf *c = NULL;
	struct diag d;
	const struct sockaddr_in6 *sin6;

	(void)state;
	diag_init(&d);
	/* off by default */
	assert_int_equal(vip_conf_parse(&c,
					"vrrp_instance a {\n interface eth0\n vrid 1\n"
					" vip 192.0.2.1\n}\n",
					"v.conf", &d),
			 0);
	assert_int_equal(c->http_listen.ss_family, 0);
	assert_int_equal(c->http_limits.connections, 64);
	assert_int_equal(c->http_limits.timeout_s, 10);
	assert_null(c->username);
	vip_conf_free(c);
	c = NULL;
	assert_int_equal(vip_conf_parse(&c,
					"global_defs {\n http-listen ::1@8053  # loopback\n"
					" username baton\n http-connections 8\n"
					" http-timeout 30\n}\n"
					"vrrp_instance a {\n interface eth0\n vrid 1\n"
					" vip 192.0.2.1\n}\n",
					"v.conf", &d),
			 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->http_listen.ss_family, AF_INET6);
	sin6 = (const struct sockaddr_in6 *)&c->http_listen;
	assert_int_equal(ntohs(sin6->sin6_port), 8053);
	assert_true(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	assert_string_equal(c->username, "baton");
	assert_int_equal(c->username_line, 3);
	assert_int_equal(c->http_limits.connections, 8);
	assert_int_equal(c->http_limits.timeout_s, 30);
	vip_conf_free(c);
	diag_fini(&d);
}

/* Parses `text` and expects exactly one error, equal to `want`. */
static void expect_error(const char *text, const char *want)
{
	struct vip_conf *c = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(vip_conf_parse(&c, text, "vip.conf", &d), -EINVAL);
	assert_null(c);
	if (d.count != 1 || strcmp(d.lines[0], want) != 0) {
		for (size_t i = 0; i < d.count; i++)
			print_message("got: %s\n", d.lines[i]);
		fail_msg("wanted: %s", want);
	}
	diag_fini(&d);
}

#define HEAD "vrrp_instance a {\n interface eth0\n vrid 7\n vip 192.0.2.100/24\n"

static void test_errors(void **state)
{
	(void)state;
	expect_error(HEAD " advert 15ms\n}\n",
		     "vip.conf:5: advert 15ms: VRRPv3 counts in centiseconds; use a multiple of "
		     "10ms");
	expect_error(HEAD " advert 41s\n}\n",
		     "vip.conf:5: advert 41s is out of range: use 10ms to 40.95s");
	expect_error(HEAD " virtual_router_id 7\n}\n",
		     "vip.conf:5: unknown keyword 'virtual_router_id' in vrrp_instance a "
		     "(docs/vip.md maps keepalived's keywords to ours)");
	expect_error(HEAD " vip 192.0.2.300/24\n}\n",
		     "vip.conf:5: '192.0.2.300/24' is not an IPv4 or IPv6 address: write "
		     "192.0.2.10/24 or 2001:db8::10/64");
	expect_error(HEAD " vip 192.0.2.7/33\n}\n",
		     "vip.conf:5: '192.0.2.7/33': the prefix length must be 0 to 32");
	expect_error(HEAD, "vip.conf:1: vrrp_instance a is not closed: add a line with `}`");
	expect_error("vrrp_instance a {\n vrid 7\n vip 192.0.2.1\n}\n",
		     "vip.conf:1: vrrp_instance a: add `interface NAME`");
	expect_error("vrrp_instance a\n",
		     "vip.conf:1: expected `vrrp_instance NAME {` on one line "
		     "(NAME: letters, digits, '-', '_'), found 'vrrp_instance a'");
	expect_error(HEAD "}\nvrrp_instance b {\n interface eth0\n vrid 7\n vip 192.0.2.1\n}\n",
		     "vip.conf:6: vrrp_instance b: vrid 7 on eth0 is already used by a (line 1); "
		     "give it another vrid");
	expect_error(HEAD " priority 256\n}\n",
		     "vip.conf:5: priority 256: use a whole number from 1 to 255");
	expect_error(HEAD " track-check 192.0.2.1 weight=10 web tcp\n}\n",
		     "vip.conf:5: check 'web': tcp checks need port=");
	expect_error(HEAD " track-interface eth1\n}\n",
		     "vip.conf:5: track-interface takes 2 values: track-interface eth1 weight=20 "
		     "(or fault)");
	expect_error(HEAD " witness 2001:db8::1 arp\n}\n",
		     "vip.conf:5: witness 2001:db8::1 arp: ARP is IPv4 only; use ping for IPv6");
	expect_error(HEAD " unicast-peer 2001:db8::2\n}\n",
		     "vip.conf:1: vrrp_instance a: unicast-peer 2001:db8::2 is not of the "
		     "advertised family (that of the first vip)");
	expect_error(HEAD " fence stonith b\n}\n", "vip.conf:5: fence needs an absolute program "
						   "path: fence /usr/local/sbin/stonith --node b");
	expect_error(HEAD " notify-master \"/bin/sh -c x\"\n}\n",
		     "vip.conf:5: notify-master needs an absolute program path and plain arguments "
		     "(no shell, no quotes): notify-master /etc/baton/vip-hook");
	expect_error("# nothing\n", "vip.conf: no vrrp_instance: nothing to do");
	expect_error(
		"global_defs {\n http-listen 127.0.0.1\n}\n" HEAD "}\n",
		"vip.conf:2: http-listen: write ADDRESS@PORT, like 127.0.0.1@8053 or ::1@8053");
	expect_error(
		"global_defs {\n http-listen 127.0.0.1@65536\n}\n" HEAD "}\n",
		"vip.conf:2: http-listen: write ADDRESS@PORT, like 127.0.0.1@8053 or ::1@8053");
	expect_error("global_defs {\n http-listen localhost@8053\n}\n" HEAD "}\n",
		     "vip.conf:2: http-listen: 'localhost' is not an IPv4 or IPv6 address: write "
		     "127.0.0.1@8053 (keep it on loopback: it has no authentication)");
	expect_error("global_defs {\n priority 100\n}\n" HEAD "}\n",
		     "vip.conf:2: global_defs: unknown keyword 'priority': it takes `http-listen "
		     "ADDRESS@PORT`, `http-connections N`, `http-timeout SECONDS` and `username "
		     "USER`; instance keywords go in a vrrp_instance block");
	expect_error("global_defs {\n http-connections 0\n}\n" HEAD "}\n",
		     "vip.conf:2: http-connections: write a number between 1 and 4096, like "
		     "`http-connections 64`");
	expect_error("global_defs {\n http-timeout 10s\n}\n" HEAD "}\n",
		     "vip.conf:2: http-timeout: write a number between 1 and 3600, like "
		     "`http-timeout 10`");
	expect_error("global_defs {\n username\n}\n" HEAD "}\n",
		     "vip.conf:2: username: write `username USER`, like `username baton`");
	expect_error("global_defs {\n}\nglobal_defs {\n}\n" HEAD "}\n",
		     "vip.conf:3: global_defs is defined twice (first at line 1): merge them");
	expect_error(HEAD "}\nglobal_defs {\n", "vip.conf:6: global_defs is not closed: add a "
						"line with `}`");
}

/* The gossip block: every key of batond's gossip: section, spelt keepalived-style (a colon
 * allowed), through the same parser; paths resolved against the file's folder. */
static void test_gossip_block(void **state)
{
	struct vip_conf *c = NULL;
	const struct gossip_conf *g;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(vip_conf_parse(&c,
					"gossip {\n"
					"  name v1\n"
					"  region eu\n"
					"  key v1.key\n"
					"  trusted-keys: /etc/baton/trusted-keys\n"
					"  listen 192.0.2.11@7946\n"
					"  peer b1 192.0.2.53@7946\n"
					"  peer v2 192.0.2.12@7946\n"
					"  round 200ms\n"
					"  fanout 2\n"
					"  relay-fanout 1\n"
					"  full-state-every 5\n"
					"  dead-after 1s\n"
					"}\n" HEAD " site web\n}\n",
					"/etc/baton/vip.conf", &d),
			 0);
	assert_int_equal(d.count, 0);
	g = c->gossip;
	assert_non_null(g);
	assert_int_equal(c->gossip_line, 1);
	assert_string_equal(g->name, "v1");
	assert_string_equal(g->region, "eu");
	assert_string_equal(g->key_path, "/etc/baton/v1.key");
	assert_string_equal(g->trusted_keys_path, "/etc/baton/trusted-keys");
	assert_int_equal(g->listen.ss_family, AF_INET);
	assert_int_equal(g->peer_count, 2);
	assert_string_equal(g->peers[1].name, "v2");
	assert_int_equal(g->peers[1].line, 8);
	assert_int_equal(g->round_ms, 200);
	assert_int_equal(g->fanout, 2);
	assert_int_equal(g->relay_fanout, 1);
	assert_int_equal(g->full_state_every, 5);
	assert_int_equal(g->dead_after_ms, 1000);
	assert_string_equal(c->instances[0]->site, "web");
	vip_conf_free(c);
	diag_fini(&d);
}

#define GOSSIP(lines)                                                                       \
	"gossip {\n name v1\n region eu\n key k\n trusted-keys t\n listen 192.0.2.1@7946\n" \
	" peer v2 192.0.2.2@7946\n" lines "}\n" HEAD " site web\n}\n"

static void test_gossip_errors(void **state)
{
	(void)state;
	expect_error(GOSSIP(" round 0s\n"),
		     "vip.conf:8: gossip: round: use a duration from 1ms to 1h: 500ms, 2s, 1m");
	expect_error(GOSSIP(" fanout many\n"),
		     "vip.conf:8: gossip: fanout: use a whole number from 0 to 1000");
	expect_error(GOSSIP(" peer v3\n"),
		     "vip.conf:8: gossip: peer: write NAME ADDRESS@PORT, NAME as in the trusted "
		     "keys");
	expect_error(
		GOSSIP(" peer v2 192.0.2.3@7946\n"),
		"vip.conf:8: gossip: peer: peer v2 is given twice (first at line 7); keep one");
	expect_error(GOSSIP(" listen 192.0.2.1\n"),
		     "vip.conf:8: gossip: listen: given twice (first at line 6); keep one");
	expect_error(GOSSIP(" quorum 2\n"),
		     "vip.conf:8: gossip: quorum: a vip member counts no votes; remove it (batond "
		     "and baton-probe take the quorum keys)");
	expect_error(GOSSIP(" colour blue\n"),
		     "vip.conf:8: unknown key 'colour' in gossip (known: name, region, key, "
		     "trusted-keys, listen, peer, round, fanout, relay-fanout, full-state-every, "
		     "dead-after, quorum, quorum-regions, quorum-rise, quorum-fall)");
	expect_error(GOSSIP(" round 2s\n dead-after 1s\n"),
		     "vip.conf:9: dead-after (1000 ms) must exceed round (2000 ms): a member is "
		     "dead only after missing heartbeats");
	expect_error("gossip {\n name v1\n region eu\n key k\n trusted-keys t\n peer v2 "
		     "192.0.2.2@7946\n}\n" HEAD " site web\n}\n",
		     "vip.conf:1: no listen: add 'listen: ADDRESS@PORT' under gossip {");
	expect_error(GOSSIP("") "gossip {\n}\n",
		     "vip.conf:15: gossip is defined twice (first at line 1): merge them");
	expect_error("gossip {\n", "vip.conf:1: gossip is not closed: add a line with `}`");
	expect_error(
		"gossip {\n name v1\n region eu\n key k\n trusted-keys t\n listen "
		"192.0.2.1@7946\n peer v2 192.0.2.2@7946\n}\n" HEAD "}\n",
		"vip.conf:9: vrrp_instance a: add `site NAME` (the $SITE its VIPs serve): with "
		"a gossip block each instance is reported under its site");
	expect_error(HEAD " site we/b\n}\n",
		     "vip.conf:5: site 'we/b': write the $SITE name as the zone spells it (1 to 63 "
		     "letters, digits, '-', '_' or '.')");
	expect_error(HEAD " site\n}\n", "vip.conf:5: site takes 1 value: site fra");
}

static void test_missing_file(void **state)
{
	struct vip_conf *c = NULL;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(vip_conf_load(&c, "/nonexistent/vip.conf", &d), -EINVAL);
	assert_string_equal(d.lines[0], "/nonexistent/vip.conf: cannot open: No such file or "
					"directory");
	diag_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_instance), cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),	      cmocka_unit_test(test_global_defs),
		cmocka_unit_test(test_missing_file),  cmocka_unit_test(test_gossip_block),
		cmocka_unit_test(test_gossip_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
