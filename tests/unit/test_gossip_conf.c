/* Unit tests for the gossip keys (health/gossip/conf.c) as probe.conf reads them
 * (health/prober/conf.c): a file with every key, the defaults, and every mistake reported as
 * file:line with its fix. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/gossip/conf.h"
#include "health/gossip/node.h"
#include "health/prober/conf.h"

static char dir[] = "/tmp/baton_gossip_conf.XXXXXX";
static char path[64];

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/probe.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/* Writes text to probe.conf and reads it; c must be finished by the caller. */
static int load(struct probe_conf *c, const char *text, struct diag *d)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	diag_init(d);
	return probe_conf_load(c, path, d);
}

#define KEYS                                     \
	"    name: p-eu\n"                       \
	"    region: eu\n"                       \
	"    key: p-eu.key\n"                    \
	"    trusted-keys: /etc/baton/trusted\n" \
	"    listen: 192.0.2.1@7946\n"           \
	"    peer: p-us 198.51.100.1@7946\n"

static const char full[] = "# a prober in eu\n"
			   "probe:\n" KEYS "    peer: p-ap 2001:db8::3@7947   # IPv6\n"
			   "    round: 500ms\n"
			   "    fanout: 4\n"
			   "    relay-fanout: 1\n"
			   "    full-state-every: 7\n"
			   "    dead-after: 2s\n"
			   "    quorum: 82%\n"
			   "    quorum-regions: 3\n"
			   "    quorum-rise: 2\n"
			   "    quorum-fall: 4\n"
			   "    status-file: p-eu.status\n"
			   "    http-listen: 127.0.0.1@8054\n"
			   "    username: baton\n"
			   "    http-connections: 8\n"
			   "    http-timeout: 30\n"
			   "zone:\n"
			   "    name: example.com\n"
			   "    zonefile: db.example.com\n";

static void test_full(void **state)
{
	struct probe_conf c;
	struct diag d;
	char want[128];
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	(void)state;
	assert_int_equal(load(&c, full, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(c.gossip.name, "p-eu");
	assert_string_equal(c.gossip.region, "eu");
	assert_int_equal(c.gossip.name_line, 3);
	assert_int_equal(c.gossip.region_line, 4);
	snprintf(want, sizeof(want), "%s/p-eu.key", dir);
	assert_string_equal(c.gossip.key_path, want);
	assert_string_equal(c.gossip.trusted_keys_path, "/etc/baton/trusted");
	sin = (const struct sockaddr_in *)&c.gossip.listen;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 7946);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xc0000201);
	assert_int_equal(c.gossip.peer_count, 2);
	assert_string_equal(c.gossip.peers[0].name, "p-us");
	assert_int_equal(c.gossip.peers[0].line, 8);
	assert_string_equal(c.gossip.peers[1].name, "p-ap");
	sin6 = (const struct sockaddr_in6 *)&c.gossip.peers[1].addr;
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 7947);
	assert_int_equal(c.gossip.round_ms, 500);
	assert_int_equal(c.gossip.fanout, 4);
	assert_int_equal(c.gossip.relay_fanout, 1);
	assert_int_equal(c.gossip.full_state_every, 7);
	assert_int_equal(c.gossip.dead_after_ms, 2000);
	assert_int_equal(c.gossip.quorum.mode, QUORUM_PERCENT);
	assert_int_equal(c.gossip.quorum.value, 82);
	assert_int_equal(c.gossip.quorum.min_regions, 3);
	assert_int_equal(c.gossip.quorum.rise, 2);
	assert_int_equal(c.gossip.quorum.fall, 4);
	assert_int_equal(c.gossip.quorum_line, 15);
	assert_int_equal(c.gossip.regions_line, 16);
	snprintf(want, sizeof(want), "%s/p-eu.status", dir);
	assert_string_equal(c.status_path, want);
	sin = (const struct sockaddr_in *)&c.http_listen;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 8054);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(c.http_listen_line, 20);
	assert_string_equal(c.username, "baton");
	assert_int_equal(c.username_line, 21);
	assert_int_equal(c.http_limits.connections, 8);
	assert_int_equal(c.http_limits.timeout_s, 30);
	assert_int_equal(c.zone_count, 1);
	assert_string_equal(c.zones[0].name, "example.com");
	snprintf(want, sizeof(want), "%s/db.example.com", dir);
	assert_string_equal(c.zones[0].zonefile, want);
	probe_conf_fini(&c);
	diag_fini(&d);
}

/* Only what every member needs: everything else is gossip_node_config_default()'s. */
static void test_defaults(void **state)
{
	struct gossip_node_config def;
	struct probe_conf c;
	struct diag d;

	(void)state;
	gossip_node_config_default(&def);
	assert_int_equal(load(&c, "probe:\n" KEYS, &d), 0);
	assert_int_equal(c.gossip.round_ms, def.round_ms);
	assert_int_equal(c.gossip.dead_after_ms, def.dead_after_ms);
	assert_int_equal(c.gossip.fanout, def.fanout);
	assert_int_equal(c.gossip.relay_fanout, def.relay_fanout);
	assert_int_equal(c.gossip.full_state_every, def.full_state_every);
	assert_int_equal(c.gossip.quorum.mode, QUORUM_MAJORITY);
	assert_int_equal(c.gossip.quorum.min_regions, def.quorum.min_regions);
	assert_int_equal(c.gossip.quorum.rise, 1);
	assert_int_equal(c.gossip.quorum.fall, 1);
	assert_null(c.status_path);
	assert_int_equal(c.http_listen.ss_family, 0);
	assert_int_equal(c.zone_count, 0);
	probe_conf_fini(&c);
	diag_fini(&d);
}

static void test_durations(void **state)
{
	static const struct {
		const char *value;
		uint32_t ms;
	} ok[] = {
		{ "250ms", 250 }, { "3", 3000 }, { "2s", 2000 }, { "1m", 60000 }, { "60m", 3600000 }
	};
	struct gossip_conf c;
	char fix[160];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		gossip_conf_init(&c);
		assert_int_equal(gossip_conf_set(&c, "round", ok[i].value, 1, fix, sizeof(fix)), 0);
		assert_int_equal(c.round_ms, ok[i].ms);
		gossip_conf_fini(&c);
	}
	gossip_conf_init(&c);
	assert_int_equal(gossip_conf_set(&c, "not-a-key", "1", 1, fix, sizeof(fix)), -ENOENT);
	assert_int_equal(gossip_conf_set(&c, "quorum", "3", 2, fix, sizeof(fix)), 0);
	assert_int_equal(c.quorum.mode, QUORUM_COUNT);
	assert_int_equal(c.quorum.value, 3);
	gossip_conf_fini(&c);
}

/* A mistake: the text, and what the one report must be after "probe.conf:". */
struct bad {
	const char *text;
	const char *report; /* "LINE: message start" */
};

static const struct bad bads[] = {
	{ "probe:\n" KEYS "    bogus: 1\n",
	  "8: unknown key 'bogus' in probe: (known: name, region" },
	{ "probe:\n" KEYS "    round: 0\n",
	  "8: bad round '0': use a duration from 1ms to 1h: 500ms, 2s, 1m" },
	{ "probe:\n" KEYS "    round: 5h\n", "8: bad round '5h': use a duration" },
	{ "probe:\n" KEYS "    round: 61m\n", "8: bad round '61m': use a duration" },
	{ "probe:\n" KEYS "    dead-after: -1s\n", "8: bad dead-after '-1s': use a duration" },
	{ "probe:\n" KEYS "    fanout: 1001\n",
	  "8: bad fanout '1001': use a whole number from 0 to 1000" },
	{ "probe:\n" KEYS "    relay-fanout: two\n",
	  "8: bad relay-fanout 'two': use a whole number" },
	{ "probe:\n" KEYS "    full-state-every: 3x\n",
	  "8: bad full-state-every '3x': use a whole" },
	{ "probe:\n" KEYS "    quorum: most\n",
	  "8: bad quorum 'most': use majority, a number of probers (3) or a percentage (82%)" },
	{ "probe:\n" KEYS "    quorum-regions: 0\n",
	  "8: bad quorum-regions '0': use a whole number from 1 to 64" },
	{ "probe:\n" KEYS "    quorum-regions: 65\n", "8: bad quorum-regions '65': use a whole" },
	{ "probe:\n" KEYS "    quorum-rise: 0\n",
	  "8: bad quorum-rise '0': use a number of rounds from 1 to 100" },
	{ "probe:\n" KEYS "    quorum-fall: 101\n",
	  "8: bad quorum-fall '101': use a number of rounds" },
	{ "probe:\n" KEYS "    name: p-us\n",
	  "8: bad name 'p-us': given twice (first at line 2); keep one" },
	{ "probe:\n" KEYS "    peer: p-us 198.51.100.9@7946\n",
	  "8: bad peer 'p-us 198.51.100.9@7946': peer p-us is given twice (first at line 7)" },
	{ "probe:\n" KEYS "    peer: p-ap\n",
	  "8: bad peer 'p-ap': write NAME ADDRESS@PORT, NAME as in" },
	{ "probe:\n" KEYS "    peer: p-ap 203.0.113.1\n",
	  "8: bad peer 'p-ap 203.0.113.1': write NAME ADDRESS@PORT, e.g. p-us 198.51.100.1@7946" },
	{ "probe:\n    name: p-eu\n    region: eu\n    key: k\n    trusted-keys: t\n"
	  "    listen: 192.0.2.1\n    peer: p-us 198.51.100.1@7946\n",
	  "6: bad listen '192.0.2.1': write ADDRESS@PORT, e.g. 192.0.2.1@7946" },
	{ "probe:\n    name: p-eu\n    region: eu\n    key: k\n    trusted-keys: t\n"
	  "    listen: 192.0.2.1@0\n    peer: p-us 198.51.100.1@7946\n",
	  "6: bad listen '192.0.2.1@0': write ADDRESS@PORT" },
	{ "probe:\n    name: p-eu\n    region: eu\n    key: k\n    trusted-keys: t\n"
	  "    listen: 192.0.2.1@65536\n    peer: p-us 198.51.100.1@7946\n",
	  "6: bad listen '192.0.2.1@65536': write ADDRESS@PORT" },
	{ "probe:\n    name: a-name-of-sixty-four-characters-which-is-one-more-than-allowed-x\n"
	  "    region: eu\n    key: k\n    trusted-keys: t\n    listen: 192.0.2.1@7946\n"
	  "    peer: p-us 198.51.100.1@7946\n",
	  "2: bad name 'a-name-of-sixty-four-characters-which-is-one-more-than-allowed-x': at most "
	  "63" },
	{ "probe:\n" KEYS "    http-listen: localhost@8053\n",
	  "8: bad http-listen 'localhost@8053': write ADDRESS@PORT, e.g. 127.0.0.1@8053" },
	{ "probe:\n" KEYS "    http-listen: 127.0.0.1@8053\n    http-listen: 127.0.0.1@8054\n",
	  "9: http-listen: given twice (first at line 8); keep one" },
	{ "probe:\n" KEYS "    http-connections: 0\n",
	  "8: bad http-connections '0': write a number between 1 and 4096" },
	{ "probe:\n" KEYS "    http-timeout: 10s\n",
	  "8: bad http-timeout '10s': write a number between 1 and 3600" },
	{ "probe:\n" KEYS "    http-timeout: 5\n    http-timeout: 6\n",
	  "9: http-timeout: given twice (first at line 8); keep one" },
	{ "probe:\n" KEYS "    status-file: a\n    status-file: b\n",
	  "9: status-file: given twice (first at line 8); keep one" },
	{ "probe:\n" KEYS "    username: a\n    username: b\n",
	  "9: username: given twice (first at line 8); keep one" },
	{ "probe:\n" KEYS "    round: 10s\n",
	  "1: dead-after (5000 ms) must exceed round (10000 ms): a member is dead only after" },
	{ "probe:\n" KEYS "    round: 2s\n    dead-after: 2s\n",
	  "9: dead-after (2000 ms) must exceed round (2000 ms)" },
	{ "probe:\n" KEYS "    name:\n", "8: name: has no value" },
	{ "probe:\n" KEYS "    just words\n", "8: 'just words': write key: value" },
	{ "name: p-eu\nprobe:\n" KEYS, "1: name: outside a section: put it under probe:" },
	{ "probe:\n" KEYS "server:\n", "8: unknown section 'server:': use probe: or zone:" },
	{ "probe:\n" KEYS "zone:\n    name: example.com\n",
	  "8: zone: needs both name: and zonefile:" },
	{ "probe:\n" KEYS "zone:\n    name: example.com\n    zonefile: db\n    ttl: 3\n",
	  "11: unknown key 'ttl' in zone: (a zone takes name and zonefile)" },
};

/* Each missing key is reported at the probe: line with what to add. */
static const char *const missing[] = {
	"4: no name: add 'name: NAME' (as in the trusted keys) under probe:",
	"4: no region: add 'region: REGION' under probe:",
	"4: no key: add 'key: NAME.key' (from baton-keygen) under probe:",
	"4: no trusted-keys: add 'trusted-keys: FILE' under probe:",
	"4: no listen: add 'listen: ADDRESS@PORT' under probe:",
	"4: no peer: add 'peer: NAME ADDRESS@PORT' lines under probe:",
};

static bool has_report(const struct diag *d, const char *report)
{
	char want[512];

	snprintf(want, sizeof(want), "%s:%s", path, report);
	for (size_t i = 0; i < d->count; i++)
		if (strncmp(d->lines[i], want, strlen(want)) == 0)
			return true;
	return false;
}

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct probe_conf c;
		struct diag d;

		assert_int_equal(load(&c, bads[i].text, &d), -EINVAL);
		if (d.count != 1 || !has_report(&d, bads[i].report)) {
			for (size_t j = 0; j < d.count; j++)
				print_message("# got: %s\n", d.lines[j]);
			fail_msg("case %zu: want exactly %s:%s", i, path, bads[i].report);
		}
		probe_conf_fini(&c);
		diag_fini(&d);
	}
}

static void test_missing(void **state)
{
	struct probe_conf c;
	struct diag d;

	(void)state;
	assert_int_equal(load(&c, "# nothing yet\n\n\nprobe:\n    round: 1s\n", &d), -EINVAL);
	assert_int_equal(d.count, sizeof(missing) / sizeof(missing[0]));
	for (size_t i = 0; i < d.count; i++)
		assert_true(has_report(&d, missing[i]));
	probe_conf_fini(&c);
	diag_fini(&d);
}

static void test_unreadable(void **state)
{
	struct probe_conf c;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(probe_conf_load(&c, "/nonexistent/probe.conf", &d), -ENOENT);
	assert_int_equal(d.count, 1);
	assert_string_equal(d.lines[0], "/nonexistent/probe.conf: cannot read the configuration: "
					"No such file or directory");
	probe_conf_fini(&c);
	diag_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),	  cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_durations), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing),	  cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
