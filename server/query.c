/* Parses a DNS query: header, the one question, and the EDNS OPT record (RFC 6891). */
#include "autoconfig.h"

#include "server/query.h"

/* RFC 6891 §6.1.2: the OPT RDATA is a run of {code, length, data}; an option running past the
 * RDATA makes the record malformed. ECS, COOKIE and NSID are ours to read. */
static enum query_status parse_options(struct query *q, struct wire *w, uint16_t rdlen)
{
	size_t end = wire_offset(w) + rdlen;

	while (!w->error && wire_offset(w) < end) {
		uint16_t code = wire_read_u16(w);
		uint16_t len = wire_read_u16(w);

		if (w->error || wire_offset(w) + len > end)
			return QUERY_FORMERR;
		if (code == DNS_EDNS_OPT_ECS) {
			if (q->ecs_count < 2)
				q->ecs_count++; /* saturates: "more than one" is all that matters */
			q->ecs_option = w->pos;
			q->ecs_option_len = len;
		} else if (code == DNS_EDNS_OPT_COOKIE) {
			if (q->cookie_count < 2)
				q->cookie_count++;
			q->cookie_option = w->pos;
			q->cookie_option_len = len;
		} else if (code == DNS_EDNS_OPT_NSID) {
			q->nsid = true;
		}
		wire_skip(w, len);
	}
	return w->error || wire_offset(w) != end ? QUERY_FORMERR : QUERY_OK;
}

/* RFC 6891 §6.1.1: one OPT at most, owned by the root, only in the additional section. */
static enum query_status parse_opt(struct query *q, struct wire *w)
{
	uint32_t ttl;
	uint16_t rdlen;

	if (q->edns)
		return QUERY_FORMERR;
	q->edns = true;
	q->edns_udp_size = wire_read_u16(w); /* the CLASS field */
	ttl = wire_read_u32(w);
	rdlen = wire_read_u16(w);
	if (w->error || !wire_can(w, rdlen))
		return QUERY_FORMERR;
	q->edns_version = (uint8_t)(ttl >> 16);
	q->edns_do = (ttl & DNS_EDNS_FLAG_DO) != 0;
	return parse_options(q, w, rdlen);
}

static enum query_status skip_records(struct query *q, struct wire *w, unsigned count,
				      bool additional)
{
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *owner = w->pos;
		uint16_t type;

		if (dname_skip(w) < 0)
			return QUERY_FORMERR;
		type = wire_read_u16(w);
		if (w->error)
			return QUERY_FORMERR;
		if (type == DNS_TYPE_OPT) {
			if (!additional || w->pos - owner != 3 || owner[0] != 0)
				return QUERY_FORMERR;
			if (parse_opt(q, w) != QUERY_OK)
				return QUERY_FORMERR;
			continue;
		}
		wire_skip(w, 6);
		wire_skip(w, wire_read_u16(w));
		if (w->error)
			return QUERY_FORMERR;
	}
	return QUERY_OK;
}

enum query_status query_parse(struct query *q, const uint8_t *pkt, size_t len)
{
	struct wire w;
	uint16_t flags, qdcount, ancount, nscount, arcount;
	const uint8_t *question;
	enum query_status st;

	q->question_len = 0;
	q->edns = false;
	q->edns_do = false; /* copied into every response, OPT or not */
	q->edns_version = 0;
	q->edns_udp_size = 0;
	q->ecs_count = 0;
	q->ecs_option = NULL;
	q->ecs_option_len = 0;
	q->cookie_count = 0;
	q->cookie_option = NULL;
	q->cookie_option_len = 0;
	q->nsid = false;
	if (len < DNS_HEADER_LEN)
		return QUERY_DROP;
	wire_init(&w, (uint8_t *)pkt, len);
	q->id = wire_read_u16(&w);
	flags = wire_read_u16(&w);
	if (flags & DNS_FLAG_QR)
		return QUERY_DROP; /* a response: answering it could start a loop */
	q->opcode = (flags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK;
	q->rd = (flags & DNS_FLAG_RD) != 0;
	q->cd = (flags & DNS_FLAG_CD) != 0;
	qdcount = wire_read_u16(&w);
	ancount = wire_read_u16(&w);
	nscount = wire_read_u16(&w);
	arcount = wire_read_u16(&w);
	if (q->opcode != DNS_OPCODE_QUERY && q->opcode != DNS_OPCODE_NOTIFY)
		return QUERY_NOTIMP; /* a NOTIFY is answered (answer.c), the rest are not ours */
	if (qdcount != 1)
		return QUERY_FORMERR;
	question = w.pos;
	if (dname_view_parse(&q->qname, &w) < 0)
		return QUERY_FORMERR;
	q->qtype = wire_read_u16(&w);
	q->qclass = wire_read_u16(&w);
	if (w.error)
		return QUERY_FORMERR;
	q->question = question;
	q->question_len = (uint16_t)(w.pos - question);
	st = skip_records(q, &w, ancount + nscount, false);
	if (st == QUERY_OK)
		st = skip_records(q, &w, arcount, true);
	if (st == QUERY_OK && q->edns && q->edns_version > 0)
		return QUERY_BADVERS;
	return st;
}
