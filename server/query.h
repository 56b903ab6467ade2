/* Parses a DNS query: header, the one question, and the EDNS OPT record (RFC 6891). */
#ifndef BATON_QUERY_H
#define BATON_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/dns.h"
#include "zones/dname.h"

enum query_status {
	QUERY_OK = 0,
	QUERY_DROP, /* not a query at all (too short for a header, or QR set): no answer */
	QUERY_FORMERR, /* answer FORMERR; `question_len` says whether the question can be echoed */
	QUERY_NOTIMP, /* an opcode other than QUERY */
	QUERY_BADVERS, /* EDNS version above 0 (RFC 6891 §6.1.3) */
};

struct query {
	uint16_t id;
	uint8_t opcode;
	bool rd;
	bool cd;
	struct dname_view qname;
	const uint8_t *question; /* the question as received, client's case: echoed verbatim */
	uint16_t question_len; /* 0 when it could not be parsed */
	uint16_t qtype;
	uint16_t qclass;
	bool edns;
	bool edns_do;
	uint8_t edns_version;
	uint16_t edns_udp_size;
	/* EDNS Client Subnet, as received: checked by ecs_parse() only where ECS is enabled */
	uint8_t ecs_count; /* more than one is FORMERR (RFC 7871 §7.1.2) */
	const uint8_t *ecs_option; /* the option's data */
	uint16_t ecs_option_len;
	/* DNS COOKIE (RFC 7873), as received: checked by cookie_parse() where cookies are on */
	uint8_t cookie_count; /* more than one is FORMERR */
	const uint8_t *cookie_option;
	uint16_t cookie_option_len;
	/* NSID (RFC 5001): asked for; any payload is ignored (§2.3) */
	bool nsid;
};

/* Reads `len` bytes at `pkt` into `q`; `q` points into `pkt`, which must outlive it.
 * Query-path safe: no allocation, every read bounds-checked. */
enum query_status query_parse(struct query *q, const uint8_t *pkt, size_t len);

#endif
