/* One query in, one response out: status handling, payload sizing and EDNS around the lookup. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <string.h>

#include "baton/log.h"
#include "server/addr.h"
#include "server/answer.h"
#include "server/chaos.h"
#include "server/cookie.h"
#include "server/ecs.h"
#include "server/geo.h"
#include "server/lookup.h"
#include "server/query.h"
#include "server/response.h"
#include "server/xfr_request.h"

/* RFC 6891 §6.2.5: answers fit the smaller of the client's and our payload size, never less
 * than 512; without EDNS, 512 (RFC 1035 §4.2.1). TCP messages may use 64 KiB (RFC 7766). */
static size_t payload_limit(const struct query *q, bool tcp, uint16_t edns_size)
{
	size_t limit;

	if (tcp)
		return ANSWER_TCP_MAX;
	if (!q->edns)
		return DNS_PLAIN_UDP_MAX;
	limit = q->edns_udp_size < edns_size ? q->edns_udp_size : edns_size;
	return limit < DNS_PLAIN_UDP_MAX ? DNS_PLAIN_UDP_MAX : limit;
}

static uint16_t rcode_for_status(enum query_status st)
{
	switch (st) {
	case QUERY_NOTIMP: return DNS_RCODE_NOTIMP;
	case QUERY_BADVERS: return DNS_RCODE_BADVERS;
	default: return DNS_RCODE_FORMERR;
	}
}

static bool is_transfer(uint16_t qtype)
{
	return qtype == DNS_TYPE_AXFR || qtype == DNS_TYPE_IXFR;
}

/* RFC 8914 codes for a REFUSED, as NSD 4.6 sends them: another class is Not Supported, a
 * transfer Prohibited, and a name in none of our zones Not Authoritative (§4.21: "SHOULD"). */
static uint16_t refused_ede(const struct query *q)
{
	if (q->qclass != DNS_CLASS_IN)
		return EDE_NOT_SUPPORTED;
	if (is_transfer(q->qtype))
		return EDE_PROHIBITED;
	return EDE_NOT_AUTHORITATIVE;
}

/* May `peer` ask for an IXFR of this zone over TCP? Its address in a provide-xfr network, any
 * key: TSIG is checked over TCP. Without a configuration (tests), yes. */
static bool may_ixfr(const struct answer_source *src, const struct query *q,
		     const struct sockaddr *peer)
{
	const struct config_zone *cz;

	if (src->cfg == NULL)
		return true;
	cz = xfr_config_zone(src->cfg, q->qname.lower);
	return cz != NULL && xfr_acl_allows(cz, peer, XFR_ANY_KEY);
}

/* Transfers over TCP go to xfr.c (tcp.c routes them) when zones are exported. What reaches
 * here is answered as NSD 4.6 does, but for an IXFR over UDP from an address provide-xfr
 * allows: TC, so the client asks again over TCP, where the key is checked (RFC 1995 §2). */
static void answer_transfer(struct response *r, const struct answer_source *src,
			    const struct query *q, bool tcp, const struct sockaddr *peer)
{
	bool served = zoneset_get(src->zones, q->qname.lower) != NULL;

	if (!tcp && q->qtype == DNS_TYPE_AXFR)
		r->rcode = DNS_RCODE_NOTIMP; /* AXFR is TCP only (RFC 5936 §4.2) */
	else if (!served)
		r->rcode = DNS_RCODE_NOTAUTH;
	else if (!tcp && may_ixfr(src, q, peer))
		r->tc = true;
	else
		r->rcode = DNS_RCODE_REFUSED;
}

/* A NOTIFY (RFC 1996) for a zone batond is primary for is refused, as NSD answers a zone
 * without allow-notify, and for a zone it does not serve NXDOMAIN, as NSD 4.6 answers it;
 * logged, at most a few lines a minute. */
static void answer_notify(struct response *r, const struct answer_source *src,
			  const struct query *q)
{
	static __thread struct log_limit limit = LOG_LIMIT_INIT(5, 60);
	bool ours = src->zones != NULL && zoneset_get(src->zones, q->qname.lower) != NULL;
	char zone[DNAME_STR_MAX];

	r->rcode = ours ? DNS_RCODE_REFUSED : DNS_RCODE_NXDOMAIN;
	log_limited(&limit, LOG_LEVEL_INFO, "zone %s: NOTIFY %s",
		    dname_to_str(q->qname.lower, zone, sizeof(zone)),
		    ours ? "refused: batond is its primary" : "for a zone not served");
}

/* Whom a geo answer is for: the ECS address when there is one (RFC 7871 §7.2.1), else the
 * packet's source. A source prefix of 0 is the client's wish to stay unknown, so the resolver's
 * own address decides, and the answer's scope says it holds for everyone. */
static void find_client(struct geo_client *c, const struct ecs *ecs, const struct sockaddr *peer)
{
	const uint8_t *addr;
	size_t len = 0;

	c->present = false;
	c->looked_up = false;
	if (ecs != NULL && ecs->source_len > 0) {
		len = ecs->family == ECS_FAMILY_IPV4 ? 4 : 16;
		addr = ecs->addr;
	} else {
		addr = addr_bytes(peer, &len);
	}
	if (addr == NULL)
		return;
	addr_unmap(&addr, &len);
	c->present = true;
	c->ipv4 = len == 4;
	memcpy(c->addr, addr, len);
}

/* The scope echoed: in the bits of the family the client wrote, and never wider than "any
 * client" when the client sent no address bits. */
static uint8_t echo_scope(const struct ecs *ecs, const struct geo_client *c, uint8_t scope)
{
	if (ecs->source_len == 0 || scope == 0)
		return 0;
	if (ecs->family == ECS_FAMILY_IPV6 && c->ipv4)
		return (uint8_t)(96 + scope);
	return scope;
}

/* The EDNS options batond acts on, read where they are enabled. */
struct options {
	bool bad; /* a malformed or repeated ECS or COOKIE: FORMERR (RFC 7871, RFC 7873) */
	bool has_ecs;
	struct ecs ecs;
	bool cookie_valid; /* the client proved its address with our server cookie */
	struct cookie cookie;
	uint8_t cookie_out[COOKIE_OPTION_MAX];
	uint8_t cookie_out_len; /* 0: no COOKIE in the answer */
};

/* The address bytes a cookie is bound to, as received (a mapped address stays 16 bytes, so
 * cookies already handed out stay valid); none known (tests) counts as 0.0.0.0. */
static const uint8_t *peer_bytes(const struct sockaddr *peer, size_t *len)
{
	static const uint8_t none[4];
	const uint8_t *a = addr_bytes(peer, len);

	if (a != NULL)
		return a;
	*len = 4;
	return none;
}

static void read_options(const struct query *q, const struct answer_source *src,
			 const struct sockaddr *peer, struct options *o)
{
	const struct cookie_secrets *cs = src->cookies;

	if (q->ecs_count > 0 && src->ecs) {
		o->bad = q->ecs_count > 1 ||
			 ecs_parse(&o->ecs, q->ecs_option, q->ecs_option_len) < 0;
		o->has_ecs = !o->bad;
	}
	if (q->cookie_count > 0 && cs != NULL) {
		size_t addr_len;
		const uint8_t *addr = peer_bytes(peer, &addr_len);

		if (q->cookie_count > 1 ||
		    cookie_parse(&o->cookie, q->cookie_option, q->cookie_option_len) < 0) {
			o->bad = true;
			o->has_ecs = false;
			return;
		}
		o->cookie_valid = cookie_valid(&o->cookie, cs->current,
					       cs->has_previous ? cs->previous : NULL, addr,
					       addr_len, src->now_s);
		o->cookie_out_len =
			(uint8_t)cookie_write(o->cookie_out, &o->cookie, o->cookie_valid,
					      cs->current, addr, addr_len, src->now_s);
	}
}

/* What rate limiting charges this response to (NSD's classes). */
static enum rrl_kind rrl_kind_of(const struct response *r, const struct query *q,
				 const uint8_t **name, size_t *name_len)
{
	*name = q->qname.lower;
	*name_len = q->qname.len;
	if (r->rcode == DNS_RCODE_NXDOMAIN && r->rrl_name != NULL) {
		*name = r->rrl_name;
		*name_len = dname_length(r->rrl_name);
		return RRL_NXDOMAIN;
	}
	if (r->rcode != DNS_RCODE_NOERROR)
		return RRL_ERROR;
	if (r->count[SECTION_ANSWER] > 0)
		return RRL_ANSWER;
	if (!r->aa && r->rrl_name != NULL) {
		*name = r->rrl_name;
		*name_len = dname_length(r->rrl_name);
		return RRL_REFERRAL;
	}
	return RRL_NODATA;
}

/* UDP only: TCP proves the address, and so does a valid server cookie. Returns false when
 * the response must not be sent; a slip makes it truncated. */
static bool within_rate(const struct answer_source *src, struct response *r, const struct query *q,
			const struct options *o, const struct sockaddr *peer)
{
	const uint8_t *name;
	size_t name_len;
	enum rrl_kind kind;

	if (src->rrl == NULL || peer == NULL || o->cookie_valid)
		return true;
	kind = rrl_kind_of(r, q, &name, &name_len);
	switch (rrl_charge(src->rrl, peer, kind, name, name_len, src->now_ms, src->rrl_slips)) {
	case RRL_SLIP:
		r->tc = true; /* empties the sections: the client retries over TCP */
		if (src->counters != NULL)
			counter_bump(&src->counters->rrl_slipped);
		return true;
	case RRL_DROP:
		if (src->counters != NULL)
			counter_bump(&src->counters->rrl_dropped);
		return false;
	default: return true;
	}
}

size_t answer_query(uint8_t *out, size_t out_size, const uint8_t *pkt, size_t len, bool tcp,
		    const struct answer_source *src, const struct sockaddr *peer)
{
	uint16_t edns_size = src->edns_size;
	struct query q;
	struct response r;
	struct options o;
	struct geo_client client = { .present = false };
	enum query_status st = query_parse(&q, pkt, len);
	uint16_t nsid_len = chaos_nsid_len(src->chaos, st == QUERY_OK && q.nsid);
	size_t limit;

	if (st == QUERY_DROP) {
		if (src->counters != NULL)
			counter_bump(&src->counters->dropped);
		return 0;
	}
	if (st == QUERY_FORMERR || st == QUERY_NOTIMP)
		q.edns = false; /* an OPT we could not trust is not echoed */
	o.bad = o.has_ecs = o.cookie_valid = false;
	o.cookie_out_len = 0;
	if (st == QUERY_OK)
		read_options(&q, src, peer, &o);
	limit = payload_limit(&q, tcp, edns_size);
	if (limit > out_size)
		limit = out_size; /* before the OPT room is taken, so the OPT fits in `out` too */
	if (q.edns)
		limit -= DNS_OPT_RR_LEN + (o.has_ecs ? ecs_option_len(&o.ecs) : 0) +
			 o.cookie_out_len + nsid_len;
	response_init(&r, out, out_size, limit, &q);
	r.edns = q.edns;
	r.edns_size = edns_size;
	r.edns_do = q.edns_do;
	if (st != QUERY_OK)
		r.rcode = rcode_for_status(st);
	else if (o.bad)
		r.rcode = DNS_RCODE_FORMERR;
	else if (q.opcode == DNS_OPCODE_NOTIFY)
		answer_notify(&r, src, &q);
	else if (q.qclass == DNS_CLASS_CH)
		chaos_answer(&r, src->chaos, &q);
	else if (q.qclass != DNS_CLASS_IN || src->zones == NULL)
		r.rcode = DNS_RCODE_REFUSED;
	else if (is_transfer(q.qtype))
		answer_transfer(&r, src, &q, tcp, peer);
	else {
		find_client(&client, o.has_ecs ? &o.ecs : NULL, peer);
		lookup_answer(&r, src, &q, &client);
	}
	if (r.rcode == DNS_RCODE_REFUSED)
		response_set_ede(&r, refused_ede(&q), NULL);
	if (o.has_ecs) {
		r.ecs = &o.ecs;
		r.ecs_scope =
			r.rcode == DNS_RCODE_REFUSED ? 0 : echo_scope(&o.ecs, &client, r.ecs_scope);
	}
	if (o.cookie_out_len > 0) {
		r.cookie_option = o.cookie_out;
		r.cookie_option_len = o.cookie_out_len;
	}
	if (q.edns && nsid_len > 0) {
		r.nsid_option = src->chaos->nsid_option;
		r.nsid_option_len = nsid_len;
	}
	if (!tcp && !within_rate(src, &r, &q, &o, peer))
		return 0;
	if (src->counters != NULL) {
		counter_bump(&src->counters->rcode[r.rcode < COUNTER_RCODES ? r.rcode : 0]);
		if (q.question_len > 0)
			counter_bump(&src->counters->qtype[counter_type_of(q.qtype)]);
	}
	return response_finish(&r);
}
