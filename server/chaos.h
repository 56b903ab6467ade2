/* Which server answered: the CHAOS-class TXT names id.server, hostname.bind, version.server and
 * version.bind, and the NSID option (RFC 5001), answered as NSD answers them. */
#ifndef BATON_CHAOS_H
#define BATON_CHAOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/dns.h"

struct response;
struct query;

#define CHAOS_TEXT_MAX 255 /* one TXT character-string (RFC 1035 §3.3) */
/* RFC 5001 sets no bound; this one leaves a 512-byte answer room for the question even with
 * ECS and COOKIE beside it in the OPT. */
#define CHAOS_NSID_MAX 128
#define CHAOS_RR_MAX (DNS_RR_FIXED_LEN + 1 + CHAOS_TEXT_MAX)
#define CHAOS_NSID_OPTION_MAX (4 + CHAOS_NSID_MAX)

/* Built once from the configuration, read by every query: each answer is ready as wire bytes,
 * so the query path only copies them. Plain arrays, so a struct copy stays valid. */
struct chaos {
	bool hide_identity; /* id.server and hostname.bind are REFUSED */
	bool hide_version; /* version.server and version.bind are REFUSED */
	uint8_t identity_rr[CHAOS_RR_MAX]; /* TYPE, CLASS, TTL, RDLENGTH and the TXT RDATA */
	uint16_t identity_rr_len;
	uint8_t version_rr[CHAOS_RR_MAX];
	uint16_t version_rr_len;
	uint8_t nsid_option[CHAOS_NSID_OPTION_MAX]; /* code, length and data, as sent */
	uint16_t nsid_option_len; /* 0: no NSID configured, none sent */
};

/* NSD's defaults: identity is this host's name, version "batond <version>", nothing hidden, no
 * NSID. Not for the query path (gethostname). */
void chaos_init(struct chaos *c);

/* Sets the TXT text of id.server/hostname.bind, or of version.server/version.bind. Returns 0,
 * or -EMSGSIZE for text longer than CHAOS_TEXT_MAX bytes (c is then unchanged). */
int chaos_set_identity(struct chaos *c, const char *text);
int chaos_set_version(struct chaos *c, const char *text);

/* Sets the NSID from nsd.conf's notation: hexadecimal digits (an even number), or "ascii_"
 * and the text itself. An empty value ("ascii_") turns NSID off, as in NSD. Returns NULL, or
 * why `value` is wrong (c is then unchanged). */
const char *chaos_set_nsid(struct chaos *c, const char *value);

/* The length of the NSID option to add to the answer to `q` (a query that parsed), or 0: NSID
 * goes only to a query that asked for it (RFC 5001 §2.2), and only when one is configured.
 * The caller keeps room for it before answering, so a full answer is truncated rather than
 * the option left out (NSD's choice). Query-path safe. */
static inline uint16_t chaos_nsid_len(const struct chaos *c, bool asked)
{
	return c != NULL && asked ? c->nsid_option_len : 0;
}

/* Answers a CHAOS-class question `q` into `r`: TXT (or ANY) for the four names, as a TTL-0 RR
 * owned by the question's name, not authoritative; REFUSED for a hidden name, any other name
 * or type, or `c` NULL. Query-path safe: no allocation. */
void chaos_answer(struct response *r, const struct chaos *c, const struct query *q);

#endif
