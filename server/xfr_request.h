/* A zone transfer request (AXFR, RFC 5936; IXFR, RFC 1995) and NOTIFY (RFC 1996), parsed, and
 * who may transfer (provide-xfr). Untrusted input: bounds-checked, fuzzed
 * (tests/fuzz/fuzz_xfr.c). */
#ifndef BATON_XFR_REQUEST_H
#define BATON_XFR_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "server/config.h"
#include "server/tsig.h"

struct xfr_request {
	uint16_t id;
	uint8_t opcode;
	uint16_t flags; /* RD and CD are echoed */
	uint16_t qtype;
	uint16_t qclass;
	uint8_t qname[255]; /* lowercase wire form */
	uint8_t qname_len;
	uint8_t question[255 + 4]; /* as received, for the answers' question section */
	uint16_t question_len;
	bool has_serial; /* IXFR: the client's SOA in the authority section */
	uint32_t serial;
	bool has_tsig;
	struct tsig_rr tsig; /* points into the message */
};

/* Whether the message asks for AXFR or IXFR (opcode QUERY), or is a NOTIFY: what tcp.c and
 * udp.c hand to xfr.c rather than to the query path. Reads the header and question only. */
bool xfr_is_transfer(const uint8_t *msg, size_t len);
bool xfr_is_notify(const uint8_t *msg, size_t len);

/* Parses `msg`: header, one question, for IXFR the SOA in the authority section, and the TSIG
 * record. Returns 0, -EBADMSG (FORMERR: malformed, no question, an IXFR without its SOA, a
 * misplaced TSIG) or -EPROTO (a response: dropped). */
int xfr_request_parse(const uint8_t *msg, size_t len, struct xfr_request *out);

/* Whether provide-xfr lets `peer` transfer `cz`: an entry whose network holds the address and
 * whose key is `key` (an index into cfg.tsig_keys, or -1 for a request without TSIG, which
 * only NOKEY matches; XFR_ANY_KEY: any entry of that network), as NSD's acl_check_incoming().
 * Query-path safe. */
#define XFR_ANY_KEY (-2)
/* The configured zone named `lower` (wire, lowercase), or NULL. No allocation. */
const struct config_zone *xfr_config_zone(const struct config *cfg, const uint8_t *lower);

bool xfr_acl_allows(const struct config_zone *cz, const struct sockaddr *peer, int key);

#endif
