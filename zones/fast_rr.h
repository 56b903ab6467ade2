/* A fast path for plain records of the common types (A, AAAA, NS, CNAME, PTR, MX, TXT): their
 * text straight to wire form, without ldns, which costs most of a large zone's load. */
#ifndef BATON_FAST_RR_H
#define BATON_FAST_RR_H

#include <ldns/ldns.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zones/dname.h"

/* Longest RDATA of any record (RFC 1035 §3.2.1). */
#define FAST_RR_RDATA_MAX 65535

/* One record in wire form: what the fast path or ldns read from an entry. */
struct fast_rr {
	uint8_t owner[DNAME_MAX_LEN];
	uint8_t owner_len;
	uint8_t name_count; /* names of RDATA that may be compressed (RFC 3597 §4): at most 2 */
	uint16_t name_off[2]; /* from the start of RDATA */
	uint16_t type;
	uint32_t ttl;
	uint32_t rdlen;
	uint8_t rdata[FAST_RR_RDATA_MAX];
};

/* What an entry is read against: the current $ORIGIN and the previous owner, both wire form
 * (prev_len 0: none), and the $TTL. */
struct fast_rr_context {
	const uint8_t *origin;
	size_t origin_len;
	const uint8_t *prev;
	size_t prev_len;
	uint32_t default_ttl;
};

/* Reads `text`, one entry as zones/reader.c returns it (a blank first character: the previous
 * owner), into `out` when it is plain: owner (a name of letters, digits, '-', '_', '*', or '@',
 * or blank), an optional TTL (seconds or units as in 1h30m), an optional class IN, one of the
 * types above and its data in the simple forms, no escapes. Returns true with `out` filled,
 * the same record ldns_rr_new_frm_str() gives; false for anything else, errors included, which
 * ldns then reads and reports (with its messages). Allocates nothing. */
bool fast_rr_parse(const char *text, const struct fast_rr_context *ctx, struct fast_rr *out);

/* `rr` (as ldns read it) into `out`. Returns 0, or -EMSGSIZE when its owner or RDATA is too
 * long for `out` (ldns does not bound either). */
int fast_rr_from_ldns(struct fast_rr *out, const ldns_rr *rr);

/* The check that the fast path and ldns never drift: when fast_rr_parse() accepts `text`,
 * reads it with ldns_rr_new_frm_str() as zones/load.c would (a blank owner replaced by the
 * previous one's text) and compares the two. Returns 1 when they agree, 0 when the fast path
 * declines (nothing to compare), -EPROTO when they differ, -ENOMEM. For tests and the fuzzer;
 * not for the query path. */
int fast_rr_agrees(const char *text, const struct fast_rr_context *ctx);

/* Whether `type`'s RDATA names may be compressed (RFC 3597 §4: the types RFC 1035 defined). */
bool fast_rr_type_compresses(uint16_t type);

#endif
