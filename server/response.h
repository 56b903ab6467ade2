/* Encodes a response into a caller's buffer: header, echoed question, RRsets with name
 * compression (RFC 1035 §4.1.4), truncation (TC) and the OPT record. No allocation. */
#ifndef BATON_RESPONSE_H
#define BATON_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/dns.h"
#include "server/ecs.h"
#include "server/query.h"
#include "zones/zone.h"

#define RESPONSE_COMPRESS_MAX 64

enum response_section { SECTION_ANSWER = 0, SECTION_AUTHORITY, SECTION_ADDITIONAL };

/* The Extended DNS Error INFO-CODEs batond sends (RFC 8914 §4); docs/dns.md says why each. */
enum response_ede {
	EDE_OTHER = 0,
	EDE_STALE_ANSWER = 3,
	EDE_PROHIBITED = 18,
	EDE_NOT_AUTHORITATIVE = 20,
	EDE_NOT_SUPPORTED = 21,
};

struct response {
	uint8_t *buf;
	size_t size; /* of `buf` */
	size_t len; /* written and kept: a failed RRset never moves it */
	size_t question_end;
	size_t limit; /* what the client accepts, less room kept for our OPT */
	uint16_t count[3];
	uint16_t rcode; /* enum dns_rcode; may exceed 15: see DNS_RCODE_BADVERS */
	bool aa;
	bool tc;
	bool edns; /* append an OPT record */
	uint16_t edns_size;
	bool edns_do;
	const struct ecs *ecs; /* echo this client subnet in the OPT, or NULL */
	uint8_t ecs_scope; /* its scope: the prefix the answer holds for (0: any client) */
	const uint8_t *cookie_option; /* a whole COOKIE option to add to the OPT, or NULL */
	uint8_t cookie_option_len;
	const uint8_t *nsid_option; /* a whole NSID option to add to the OPT (RFC 5001), or NULL */
	uint16_t nsid_option_len;
	bool has_ede; /* an Extended DNS Error option in the OPT: response_set_ede() */
	uint16_t ede_code; /* enum response_ede */
	const char *ede_text; /* its EXTRA-TEXT, static (outlives the response), or NULL */
	const uint8_t
		*rrl_name; /* what rate limiting charges: the zone, or the cut of a referral */
	bool has_soa_serial; /* write soa_serial into every SOA (zone_serial_now()) */
	uint32_t soa_serial;
	uint16_t compress_count;
	uint16_t compress_off[RESPONSE_COMPRESS_MAX]; /* label starts written so far */
	uint32_t compress_hash[RESPONSE_COMPRESS_MAX]; /* of the name at each, case folded */
	/* 0: a full table takes no more labels. Else it replaces its oldest past the first
	 * compress_keep (compress_next the next to go), so that a long message (a zone transfer's)
	 * points at its recent names too; then a failed write may leave entries pointing at
	 * bytes left out, and the caller must end the message there. */
	uint16_t compress_keep;
	uint16_t compress_next;
};

/* Starts a response to `q` in `buf` of `size` bytes, accepting at most `limit` bytes on the
 * wire. Writes the header and, when the query's question parsed, echoes it. */
void response_init(struct response *r, uint8_t *buf, size_t size, size_t limit,
		   const struct query *q);

/* Adds every RR of `set` to `section` under `owner` (a wire name; NULL means the question's
 * name, written as a pointer to it), and its RRSIGs (set->sig) when the query has DO=1. When
 * the whole RRset does not fit, nothing of it stays, TC is set and -ENOSPC returned
 * (RFC 2181 §9). */
int response_add_rrset(struct response *r, enum response_section section, const uint8_t *owner,
		       const struct zone_rrset *set);

#define RESPONSE_TTL_AS_IS UINT32_MAX

/* The same with every RR's TTL set to `ttl` (RESPONSE_TTL_AS_IS keeps the zone's): answers
 * computed per query, such as FAILOVER's, carry a TTL of their own. */
int response_add_rrset_ttl(struct response *r, enum response_section section, const uint8_t *owner,
			   const struct zone_rrset *set, uint32_t ttl);

/* Adds `set` to the additional section if it fits; unlike response_add_rrset() a miss does
 * not set TC, because the data is only a courtesy (RFC 2181 §9). */
int response_add_optional(struct response *r, const uint8_t *owner, const struct zone_rrset *set);

/* Writes one RR at `w`, a writer whose start is the message's first byte, with its owner
 * (NULL: a pointer to the question's name) and the RDATA names RFC 3597 §4 allows compressed
 * against r->compress_off[], which it extends. The compressor zone transfers share
 * (server/xfr.c): they need only a response whose compress_count is 0 at each message's
 * start. The caller checks w->error and, on error, restores compress_count (and, with
 * compress_keep, ends the message). */
void response_write_rr(struct response *r, struct wire *w, const uint8_t *owner,
		       const struct zone_rr *rr, uint32_t ttl);

/* Gives the response an Extended DNS Error (RFC 8914) with INFO-CODE `code` and EXTRA-TEXT
 * `text` (a static string, or NULL for none), replacing any earlier one. Only a response with
 * EDNS carries one: without, nothing happens. The option is part of the OPT, so its room is
 * taken from what the sections may fill; when what is written already leaves no room, the
 * answer is kept and the EDE left out (it is only advice). Returns whether it will be sent.
 * Query-path safe: no allocation. */
bool response_set_ede(struct response *r, uint16_t code, const char *text);

/* Closes the response: OPT record, counts, flags and rcode. Returns its length. */
size_t response_finish(struct response *r);

#endif
