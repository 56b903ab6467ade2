/* Fuzz target: the input is the text of a zone file for fuzz.test, read and compiled as
 * batond would; a zone that compiles is then asked about its own names, and every answer must
 * keep fuzz_check.h's invariants. Every entry the fast path of zones/fast_rr.c reads must read
 * the same with ldns. A first line ";origin=NAME" (a comment to the reader) sets
 * another origin, so the root and single-label zones are fuzzed too. */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "baton/compiler.h"
#include "tests/fuzz/fuzz_check.h"
#include "baton/diag.h"
#include "zones/fast_rr.h"
#include "zones/load.h"
#include "zones/reader.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

/* Compiled zones are asked about this many of their names, to bound the time per input. */
#define QUERY_NODES_MAX 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* $INCLUDE with a path would let the fuzzer read any file (/dev/zero never ends). Relative
 * names resolve against the stream's name below, a directory that does not exist, so they still
 * exercise the error path. */
static bool includes_a_path(const uint8_t *data, size_t size)
{
	bool include = false, slash = false;

	for (size_t i = 0; i < size; i++) {
		if (data[i] == '/')
			slash = true;
		if (data[i] == '$' && size - i >= 8 &&
		    strncasecmp((const char *)data + i, "$include", 8) == 0)
			include = true;
	}
	return include && slash;
}

/* The origin an input asks for on its first line, else fuzz.test. */
static const char *input_origin(const uint8_t *data, size_t size, char *buf, size_t buf_size)
{
	static const char tag[] = ";origin=";
	size_t n = sizeof(tag) - 1, end;

	if (size <= n || memcmp(data, tag, n) != 0)
		return "fuzz.test";
	for (end = n; end < size && end - n < buf_size - 1 && data[end] != '\n'; end++)
		if (data[end] == '\0')
			return "fuzz.test";
	memcpy(buf, data + n, end - n);
	buf[end - n] = '\0';
	return buf;
}

/* A query for `name` (wire, at most 255 bytes) of `qtype`, with EDNS when `edns`. */
static size_t make_query(uint8_t *pkt, const uint8_t *name, size_t name_len, uint16_t qtype,
			 bool edns)
{
	static const uint8_t opt[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0 };
	size_t len = DNS_HEADER_LEN;

	memset(pkt, 0, DNS_HEADER_LEN);
	wire_put_u16(pkt, 0xbeef);
	wire_put_u16(pkt + 2, 0x0100);
	wire_put_u16(pkt + 4, 1);
	memcpy(pkt + len, name, name_len);
	len += name_len;
	wire_put_u16(pkt + len, qtype);
	wire_put_u16(pkt + len + 2, LDNS_RR_CLASS_IN);
	len += 4;
	if (edns) {
		wire_put_u16(pkt + 10, 1);
		memcpy(pkt + len, opt, sizeof(opt));
		len += sizeof(opt);
	}
	return len;
}

/* Asks for each of the first names of the zone, and for a name below each (wildcards,
 * NXDOMAIN, referrals), a few types that take different paths through server/lookup.c. */
static void ask_own_names(const struct zoneset *zs, const struct zone *z)
{
	static const uint16_t qtypes[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_DS,
					   LDNS_RR_TYPE_MX, LDNS_RR_TYPE_NS };
	uint8_t pkt[DNS_HEADER_LEN + DNAME_MAX_LEN + 4 + 11], below[DNAME_MAX_LEN];

	for (uint32_t i = 0; i < z->node_count && i < QUERY_NODES_MAX; i++) {
		const struct zone_node *n = &z->nodes[i];

		for (size_t t = 0; t < ARRAY_SIZE(qtypes); t++)
			fuzz_answer_all(zs, pkt,
					make_query(pkt, n->name, n->name_len, qtypes[t], t & 1));
		if (n->name_len + 3 <= DNAME_MAX_LEN) {
			memcpy(below, "\002zz", 3);
			memcpy(below + 3, n->name, n->name_len);
			fuzz_answer_all(
				zs, pkt,
				make_query(pkt, below, n->name_len + 3u, LDNS_RR_TYPE_TXT, false));
		}
	}
}

/* Each entry of the input the fast path reads, read by ldns too: the records must be the same.
 * Every entry is read against the zone's origin, a previous owner and a $TTL of 0 or 3600 (the
 * load's own $ORIGIN and $TTL do not matter: both readers get the same). */
static void compare_fast_path(const uint8_t *data, size_t size, const char *origin_text)
{
	static const uint8_t prev[] = "\003www\004fuzz\004test";
	ldns_rdf *origin = NULL;
	struct reader r;
	struct reader_entry e;
	struct diag d;
	FILE *fp;
	int rc;

	if (ldns_str2rdf_dname(&origin, origin_text) != LDNS_STATUS_OK)
		return;
	fp = fmemopen((void *)data, size, "r");
	if (fp == NULL) {
		ldns_rdf_deep_free(origin);
		return;
	}
	diag_init(&d);
	reader_init(&r, fp, "fuzz");
	while ((rc = reader_next(&r, &e, &d)) != 0 && rc != -EMSGSIZE && rc != -E2BIG) {
		struct fast_rr_context ctx = {
			.origin = ldns_rdf_data(origin),
			.origin_len = ldns_rdf_size(origin),
			.prev = prev,
			.prev_len = sizeof(prev),
			.default_ttl = (e.line & 1) ? 3600 : 0,
		};

		if (rc < 0)
			continue;
		if (rc == 1 && e.text[0] != '$')
			fuzz_require(fast_rr_agrees(e.text, &ctx) != -EPROTO,
				     "the fast path and ldns read an entry differently");
	}
	reader_fini(&r);
	diag_fini(&d);
	fclose(fp);
	ldns_rdf_deep_free(origin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zone_source src;
	struct zone *z = NULL;
	char origin[DNAME_MAX_LEN * 4 + 2];
	const char *zone_origin;
	struct diag d;
	FILE *fp;
	int rc;

	if (size == 0 || includes_a_path(data, size))
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (fp == NULL)
		return 0;
	zone_origin = input_origin(data, size, origin, sizeof(origin));
	compare_fast_path(data, size, zone_origin);
	diag_init(&d);
	rc = zone_source_read_stream(&src, zone_origin, fp, "/nonexistent-baton-fuzz/fuzz.zone",
				     &d);
	/* as zone_load(): compile even after read errors, so every mistake is reported */
	if ((rc == 0 || rc == -EINVAL) && src.origin != NULL && zone_compile(&z, &src, &d) == 0) {
		fuzz_require(rc != 0 || d.count == 0, "zone compiled with errors reported");
		if (rc == 0) {
			struct zoneset *zs;

			fuzz_require(zoneset_new(&zs, &z, 1) == 0, "out of memory");
			ask_own_names(zs, z);
			zoneset_free(zs); /* drops the zone's only reference: frees it */
			z = NULL;
		}
	}
	zone_free(z);
	zone_source_fini(&src);
	diag_fini(&d);
	fclose(fp);
	return 0;
}
