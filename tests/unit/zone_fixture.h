/* Test helpers shared by the unit tests that need compiled zones and real queries: a zone from
 * text through a temporary file, and a query asked through the whole answer path. */
#ifndef BATON_TEST_ZONE_FIXTURE_H
#define BATON_TEST_ZONE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "baton/diag.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

#define FIXTURE_PATH_MAX 64
#define FIXTURE_EDNS_SIZE 1232 /* what the tests' server advertises */
#define FIXTURE_QUERY_ID 0xbeef

/* The four lines a test zone starts with (SOA, NS and the NS's address), for tests that count
 * lines from there. */
#define FIXTURE_HEAD                                                \
	"$TTL 3600\n"                                               \
	"@ IN SOA ns1 hostmaster 2024010101 7200 900 1209600 300\n" \
	"@ IN NS ns1\n"                                             \
	"ns1 IN A 192.0.2.1\n"
#define FIXTURE_HEAD_LINES 4

/* A zone loaded from files the test writes, for tests that look at the diagnostics. */
struct zone_file_fixture {
	char path[FIXTURE_PATH_MAX]; /* the zone file, removed by the teardown */
	char extra[FIXTURE_PATH_MAX]; /* a file it includes, when there is one (also removed) */
	struct zone *zone;
	struct diag diag;
};

/* cmocka setup and teardown: `*state` becomes a zeroed struct zone_file_fixture with its diag
 * ready; the teardown frees the zone, the diag and the files. */
int fixture_file_setup(void **state);
int fixture_file_teardown(void **state);

/* Writes `text` to a new fx->path and loads it as the zone `origin` into fx->zone, diagnostics in
 * fx->diag; returns zone_load()'s result. */
int fixture_file_load(struct zone_file_fixture *fx, const char *origin, const char *text);

/* Writes `text` to a new file /tmp/baton_test.XXXXXX and puts its name in `path`.
 * Returns 0 or a negative errno; the caller unlinks the file. */
int fixture_write(char path[FIXTURE_PATH_MAX], const char *text);

/* Compiles the zone `origin` from `text` through a temporary file (removed before returning).
 * The result, diagnostics included, is zone_load()'s. */
int fixture_zone(struct zone **out, const char *origin, const char *text, struct diag *d);

/* Everything a test may set in a query; zeroed fields mean class IN, opcode QUERY, no EDNS. */
struct fixture_query {
	const char *name; /* presentation form, case kept as given */
	uint16_t qtype;
	uint16_t qclass;
	uint8_t opcode;
	bool edns;
	uint16_t edns_udp_size;
	uint8_t edns_version;
	bool edns_do;
	const uint8_t *options; /* the OPT RDATA as sent: code, length, data... */
	size_t options_len;
};

/* Encodes `fq` (ID FIXTURE_QUERY_ID, RD set) into `out`; returns the length. */
size_t fixture_build_query(const struct fixture_query *fq, uint8_t *out, size_t out_size);

/* Asks `fq` through answer_query() with our EDNS size FIXTURE_EDNS_SIZE; returns its result. */
size_t fixture_ask_query(const struct zoneset *zs, const struct fixture_query *fq, bool tcp,
			 uint8_t *out, size_t out_size);

/* The common case: class IN, opcode QUERY, EDNS when `edns` with payload size `bufsize`. */
size_t fixture_ask(const struct zoneset *zs, const char *name, uint16_t qtype, bool edns,
		   uint16_t bufsize, bool tcp, uint8_t *out, size_t out_size);

/* The same, decoded by ldns (the caller frees it with ldns_pkt_free()); fails the test when no
 * answer comes back or it does not parse. */
ldns_pkt *fixture_ask_pkt(const struct zoneset *zs, const char *name, uint16_t qtype, bool edns,
			  uint16_t bufsize, bool tcp);

/* fixture_ask_query() decoded by ldns, as above. */
ldns_pkt *fixture_ask_query_pkt(const struct zoneset *zs, const struct fixture_query *fq, bool tcp);

#endif
