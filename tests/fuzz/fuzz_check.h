/* Invariants every response must keep, shared by the fuzz targets: each is a plain check that
 * aborts, not assert(), so an NDEBUG build still reports the violation to the fuzzer. */
#ifndef BATON_FUZZ_CHECK_H
#define BATON_FUZZ_CHECK_H

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/answer.h"
#include "server/chaos.h"
#include "server/cookie.h"
#include "server/dns.h"
#include "server/ecs.h"
#include "server/query.h"
#include "server/response.h"

#define FUZZ_UDP_OUT 4096 /* server/udp.c's UDP_RESPONSE_MAX: the buffer batond passes */

static inline void fuzz_require(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant violated: %s\n", what);
		abort();
	}
}

/* RFC 6891 §6.2.5 and RFC 1035 §4.2.1: what a client accepts, independent of answer.c. */
static inline size_t fuzz_payload_limit(const struct query *q, enum query_status st, bool tcp,
					uint16_t edns_size)
{
	size_t limit;

	if (tcp)
		return ANSWER_TCP_MAX;
	if (!q->edns || (st != QUERY_OK && st != QUERY_BADVERS))
		return 512;
	limit = q->edns_udp_size < edns_size ? q->edns_udp_size : edns_size;
	return limit < 512 ? 512 : limit;
}

/* Every record must carry all the fields its type requires (ldns reads a short RDATA without
 * complaint, other resolvers reject the whole message; RFC 3597 §5 asks the same of zones) and
 * be of a type that can be data at all (RFC 6895 §3.1: not TYPE 0, OPT or a meta-TYPE 128-255). */
static inline void fuzz_require_valid_records(const ldns_rr_list *list)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		uint16_t type = ldns_rr_get_type(rr);
		const ldns_rr_descriptor *desc = ldns_rr_descript(type);

		fuzz_require(desc == NULL ||
				     ldns_rr_rd_count(rr) >= ldns_rr_descriptor_minimum(desc),
			     "record with fewer RDATA fields than its type requires");
		fuzz_require(type != 0 && type != LDNS_RR_TYPE_OPT && (type < 128 || type > 255),
			     "record of a reserved or meta type in a response");
	}
}

/* RFC 7871 §7.2.1 on what came back: a malformed or repeated ECS is FORMERR without an echo; a
 * good one is echoed with the same family, source prefix and address, and a scope no longer
 * than the family's address. */
static inline void fuzz_check_ecs(const struct query *q, const ldns_pkt *parsed, uint16_t flags)
{
	const ldns_rdf *data = ldns_pkt_edns_data(parsed);
	struct ecs sent;
	bool good = q->ecs_count == 1 && ecs_parse(&sent, q->ecs_option, q->ecs_option_len) == 0;
	unsigned echoes = 0;

	if (q->ecs_count > 0 && !good)
		fuzz_require((flags & DNS_RCODE_MASK) == DNS_RCODE_FORMERR,
			     "malformed ECS not answered FORMERR");
	for (size_t off = 0; data != NULL && off + 4 <= ldns_rdf_size(data);) {
		const uint8_t *o = ldns_rdf_data(data) + off;
		uint16_t code = wire_get_u16(o), olen = wire_get_u16(o + 2);

		fuzz_require(off + 4 + olen <= ldns_rdf_size(data), "our OPT option overruns");
		if (code == DNS_EDNS_OPT_ECS) {
			echoes++;
			fuzz_require(good, "ECS echoed for a query without one good ECS");
			fuzz_require(olen == ecs_option_len(&sent) - 4 &&
					     wire_get_u16(o + 4) == sent.family &&
					     o[6] == sent.source_len &&
					     memcmp(o + 8, sent.addr, olen - 4u) == 0,
				     "ECS echo differs from the query's option");
			fuzz_require(o[7] <= (sent.family == ECS_FAMILY_IPV4 ? 32 : 128) &&
					     (sent.source_len > 0 || o[7] == 0),
				     "ECS scope beyond the family or for a /0 source");
		}
		off += 4u + olen;
	}
	if (good && (flags & DNS_RCODE_MASK) != DNS_RCODE_REFUSED &&
	    (flags & DNS_RCODE_MASK) != DNS_RCODE_FORMERR)
		fuzz_require(echoes == 1, "a good ECS was not echoed");
}

/* RFC 7873: a malformed or repeated COOKIE is FORMERR; a good one comes back as the client
 * cookie and a 16-byte server cookie. */
static inline void fuzz_check_cookie(const struct query *q, const ldns_pkt *parsed, uint16_t flags)
{
	const ldns_rdf *data = ldns_pkt_edns_data(parsed);
	struct cookie sent;
	bool good = q->cookie_count == 1 &&
		    cookie_parse(&sent, q->cookie_option, q->cookie_option_len) == 0;
	unsigned echoes = 0;

	if (q->cookie_count > 0 && !good)
		fuzz_require((flags & DNS_RCODE_MASK) == DNS_RCODE_FORMERR,
			     "malformed COOKIE not answered FORMERR");
	for (size_t off = 0; data != NULL && off + 4 <= ldns_rdf_size(data);) {
		const uint8_t *o = ldns_rdf_data(data) + off;
		uint16_t olen = wire_get_u16(o + 2);

		if (wire_get_u16(o) == DNS_EDNS_OPT_COOKIE) {
			echoes++;
			fuzz_require(good && olen == COOKIE_CLIENT_LEN + COOKIE_SERVER_LEN &&
					     memcmp(o + 4, sent.client, COOKIE_CLIENT_LEN) == 0,
				     "COOKIE echo without a good client cookie, or not ours");
		}
		off += 4u + olen;
	}
	if (good && (q->ecs_count == 0 || (flags & DNS_RCODE_MASK) != DNS_RCODE_FORMERR))
		fuzz_require(echoes == 1, "a good COOKIE got no server cookie");
}

/* Answers `pkt` into a heap buffer of exactly `out_size` bytes (so ASan sees any write past
 * it), checks the response, and returns its length (0 when dropped) with its header flags and
 * rcode in *flags. */
static inline size_t fuzz_answer_checked(const struct zoneset *zs, const uint8_t *pkt, size_t len,
					 bool tcp, uint16_t edns_size, size_t out_size,
					 uint16_t *flags)
{
	struct query q;
	enum query_status st = query_parse(&q, pkt, len);
	uint8_t *out = malloc(out_size);
	ldns_pkt *parsed = NULL;
	bool edns_ok = q.edns && (st == QUERY_OK || st == QUERY_BADVERS);
	static const struct cookie_secrets secrets = { .current = { 1, 2, 3, 4 } };
	struct answer_source src = {
		.health = NULL, .ecs = true, .cookies = &secrets, .now_s = 1800000000
	};
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc6336407) };
	size_t n;

	fuzz_require(out != NULL, "out of memory");
	static struct chaos chaos; /* CHAOS TXT answered and NSID sent, as configured */

	if (chaos.version_rr_len == 0) {
		chaos_init(&chaos);
		chaos_set_nsid(&chaos, "ascii_fuzz");
	}
	src.chaos = &chaos;
	src.zones = zs;
	src.edns_size = edns_size;
	n = answer_query(out, out_size, pkt, len, tcp, &src, (const struct sockaddr *)&peer);
	*flags = 0;
	if (st == QUERY_DROP) {
		fuzz_require(n == 0, "a query that query_parse() drops was answered");
		free(out);
		return 0;
	}
	fuzz_require(n >= DNS_HEADER_LEN, "a query that parses got no response");
	fuzz_require(n <= out_size, "response longer than the output buffer");
	fuzz_require(n <= fuzz_payload_limit(&q, st, tcp, edns_size),
		     "response longer than the client's payload limit");
	fuzz_require(wire_get_u16(out) == q.id, "response ID differs from the query ID");
	*flags = wire_get_u16(out + 2);
	fuzz_require((*flags & DNS_FLAG_QR) != 0, "response without QR");
	fuzz_require(((*flags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK) == q.opcode,
		     "response opcode differs from the query's");
	if (wire_get_u16(out + 4) != 0) {
		fuzz_require(wire_get_u16(out + 4) == 1 && q.question_len > 0 &&
				     n >= DNS_HEADER_LEN + (size_t)q.question_len &&
				     memcmp(out + DNS_HEADER_LEN, q.question, q.question_len) == 0,
			     "echoed question differs from the query's");
	}
	if (st == QUERY_FORMERR)
		fuzz_require((*flags & DNS_RCODE_MASK) == DNS_RCODE_FORMERR,
			     "bad query not answered FORMERR");
	if (st == QUERY_NOTIMP)
		fuzz_require((*flags & DNS_RCODE_MASK) == DNS_RCODE_NOTIMP,
			     "unknown opcode not answered NOTIMP");
	if (*flags & DNS_FLAG_TC)
		fuzz_require(wire_get_u16(out + 6) == 0 && wire_get_u16(out + 8) == 0,
			     "truncated response carries answer or authority records");
	/* Whatever we send must parse: ldns is an independent reader of our encoding. */
	fuzz_require(ldns_wire2pkt(&parsed, out, n) == LDNS_STATUS_OK,
		     "ldns cannot parse our response");
	fuzz_require_valid_records(ldns_pkt_answer(parsed));
	fuzz_require_valid_records(ldns_pkt_authority(parsed));
	fuzz_require_valid_records(ldns_pkt_additional(parsed));
	if (edns_ok) {
		fuzz_require(ldns_pkt_edns(parsed) && ldns_pkt_edns_udp_size(parsed) == edns_size,
			     "EDNS query answered without our OPT record");
		if (st == QUERY_OK) {
			fuzz_check_ecs(&q, parsed, *flags);
			fuzz_check_cookie(&q, parsed, *flags);
		}
		if (st == QUERY_BADVERS)
			fuzz_require(ldns_pkt_edns_extended_rcode(parsed) ==
						     DNS_RCODE_BADVERS >> 4 &&
					     (*flags & DNS_RCODE_MASK) ==
						     (DNS_RCODE_BADVERS & DNS_RCODE_MASK),
				     "EDNS version above 0 not answered BADVERS");
	} else {
		fuzz_require(!ldns_pkt_edns(parsed),
			     "OPT record in a response to a non-EDNS query");
	}
	ldns_pkt_free(parsed);
	free(out);
	return n;
}

/* Asks `pkt` over UDP at two advertised sizes and over TCP, and checks that the transports
 * agree: the same packets dropped, and the same rcode unless UDP had to truncate or the query
 * asks for a transfer (AXFR is TCP only, NOTIMP over UDP as NSD answers it: RFC 5936 §4.2). */
static inline void fuzz_answer_all(const struct zoneset *zs, const uint8_t *pkt, size_t len)
{
	uint16_t udp_flags, udp_max_flags, tcp_flags;
	size_t udp = fuzz_answer_checked(zs, pkt, len, false, 1232, FUZZ_UDP_OUT, &udp_flags);
	size_t udp_max =
		fuzz_answer_checked(zs, pkt, len, false, 4096, FUZZ_UDP_OUT, &udp_max_flags);
	size_t tcp = fuzz_answer_checked(zs, pkt, len, true, 1232, ANSWER_TCP_MAX, &tcp_flags);
	struct query q;
	bool transfer = query_parse(&q, pkt, len) == QUERY_OK &&
			(q.qtype == DNS_TYPE_AXFR || q.qtype == DNS_TYPE_IXFR);

	fuzz_require((udp == 0) == (tcp == 0) && (udp_max == 0) == (tcp == 0),
		     "UDP and TCP disagree on dropping a query");
	fuzz_require(tcp == 0 || !(tcp_flags & DNS_FLAG_TC), "TCP response truncated");
	if (transfer)
		return;
	if (udp != 0 && !(udp_flags & DNS_FLAG_TC))
		fuzz_require((udp_flags & DNS_RCODE_MASK) == (tcp_flags & DNS_RCODE_MASK) &&
				     (udp_flags & DNS_FLAG_AA) == (tcp_flags & DNS_FLAG_AA),
			     "UDP and TCP answers differ in rcode or AA");
	if (udp_max != 0 && !(udp_max_flags & DNS_FLAG_TC))
		fuzz_require((udp_max_flags & DNS_RCODE_MASK) == (tcp_flags & DNS_RCODE_MASK),
			     "UDP and TCP answers differ in rcode");
}

#endif
