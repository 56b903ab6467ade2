/* One query in, one response out: status handling, payload sizing and EDNS around the lookup. */
#include "autoconfig.h"

#include <ldns/ldns.h>

#include "server/answer.h"
#include "server/lookup.h"
#include "server/query.h"
#include "server/response.h"

#define OPT_RR_LEN 11
#define PLAIN_UDP_MAX 512

/* RFC 6891 §6.2.5: answers fit the smaller of the client's and our payload size, never less
 * than 512; without EDNS, 512 (RFC 1035 §4.2.1). TCP messages may use 64 KiB (RFC 7766). */
static size_t payload_limit(const struct query *q, bool tcp, uint16_t edns_size)
{
	size_t limit;

	if (tcp)
		return ANSWER_TCP_MAX;
	if (!q->edns)
		return PLAIN_UDP_MAX;
	limit = q->edns_udp_size < edns_size ? q->edns_udp_size : edns_size;
	return limit < PLAIN_UDP_MAX ? PLAIN_UDP_MAX : limit;
}

static uint16_t rcode_for_status(enum query_status st)
{
	switch (st) {
	case QUERY_NOTIMP: return RCODE_NOTIMP;
	case QUERY_BADVERS: return RCODE_BADVERS;
	default: return RCODE_FORMERR;
	}
}

static bool is_transfer(uint16_t qtype)
{
	return qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR;
}

size_t answer_query(uint8_t *out, size_t out_size, const uint8_t *pkt, size_t len, bool tcp,
		    const struct answer_source *src)
{
	uint16_t edns_size = src->edns_size;
	struct query q;
	struct response r;
	enum query_status st = query_parse(&q, pkt, len);
	size_t limit;

	if (st == QUERY_DROP)
		return 0;
	if (st == QUERY_FORMERR || st == QUERY_NOTIMP)
		q.edns = false; /* an OPT we could not trust is not echoed */
	limit = payload_limit(&q, tcp, edns_size);
	if (limit > out_size)
		limit = out_size; /* before the OPT room is taken, so the OPT fits in `out` too */
	if (q.edns)
		limit -= OPT_RR_LEN;
	response_init(&r, out, out_size, limit, &q);
	r.edns = q.edns;
	r.edns_size = edns_size;
	r.edns_do = q.edns_do;
	if (st != QUERY_OK)
		r.rcode = rcode_for_status(st);
	else if (q.qclass != LDNS_RR_CLASS_IN || src->zones == NULL || is_transfer(q.qtype))
		r.rcode = RCODE_REFUSED;
	else
		lookup_answer(&r, src, &q);
	return response_finish(&r);
}
