/* Encodes a response into a caller's buffer. Compression remembers the offset of every label
 * written so far; a name is compressed against the longest suffix already in the packet. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "server/ecs.h"
#include "server/response.h"

static inline uint8_t fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

void response_init(struct response *r, uint8_t *buf, size_t size, size_t limit,
		   const struct query *q)
{
	uint16_t flags = DNS_FLAG_QR | (uint16_t)(q->opcode << DNS_OPCODE_SHIFT);

	r->buf = buf;
	r->limit = limit < size ? limit : size;
	r->count[0] = r->count[1] = r->count[2] = 0;
	r->rcode = DNS_RCODE_NOERROR;
	r->aa = r->tc = false;
	r->edns = false;
	r->edns_do = false;
	r->ecs = NULL;
	r->ecs_scope = 0;
	r->cookie_option = NULL;
	r->cookie_option_len = 0;
	r->rrl_name = NULL;
	r->compress_count = 0;
	if (q->rd)
		flags |= DNS_FLAG_RD;
	if (q->cd)
		flags |= DNS_FLAG_CD;
	wire_put_u16(buf, q->id);
	wire_put_u16(buf + 2, flags);
	memset(buf + 4, 0, 8);
	r->len = DNS_HEADER_LEN;
	if (q->question_len > 0 && (size_t)DNS_HEADER_LEN + q->question_len <= r->limit) {
		memcpy(buf + r->len, q->question, q->question_len);
		wire_put_u16(buf + 4, 1);
		for (unsigned i = 0; i < q->qname.labels && i < RESPONSE_COMPRESS_MAX; i++)
			r->compress_off[r->compress_count++] =
				(uint16_t)(DNS_HEADER_LEN + q->qname.suffix_off[i]);
		r->len += q->question_len;
	}
	r->question_end = r->len;
}

/* Does the name at `off` in our own packet (pointers allowed: we wrote them, all backwards)
 * equal the uncompressed `name`, ignoring case? */
static bool packet_name_equals(const uint8_t *pkt, uint16_t off, const uint8_t *name)
{
	for (;;) {
		uint8_t l = pkt[off];

		if ((l & DNS_LABEL_POINTER) == DNS_LABEL_POINTER) {
			off = (uint16_t)(wire_get_u16(pkt + off) & DNS_POINTER_MAX);
			continue;
		}
		if (l != *name)
			return false;
		if (l == 0)
			return true;
		for (unsigned i = 1; i <= l; i++)
			if (fold(pkt[off + i]) != fold(name[i]))
				return false;
		off = (uint16_t)(off + 1 + l);
		name += 1 + l;
	}
}

static int find_suffix(const struct response *r, const uint8_t *name)
{
	for (uint16_t i = 0; i < r->compress_count; i++)
		if (packet_name_equals(r->buf, r->compress_off[i], name))
			return r->compress_off[i];
	return -1;
}

/* Writes `name` compressed; returns false when it does not fit. */
static bool write_name(struct response *r, const uint8_t *name)
{
	const uint8_t *label = name;

	while (*label != 0) {
		int target = find_suffix(r, label);
		size_t n;

		if (target >= 0) {
			if (r->len + 2 > r->limit)
				return false;
			wire_put_u16(r->buf + r->len, (uint16_t)(DNS_POINTER | target));
			r->len += 2;
			return true;
		}
		n = 1u + *label;
		if (r->len + n > r->limit)
			return false;
		if (r->len <= DNS_POINTER_MAX && r->compress_count < RESPONSE_COMPRESS_MAX)
			r->compress_off[r->compress_count++] = (uint16_t)r->len;
		memcpy(r->buf + r->len, label, n);
		r->len += n;
		label += n;
	}
	if (r->len + 1 > r->limit)
		return false;
	r->buf[r->len++] = 0;
	return true;
}

/* The TTL of the RR whose fixed part starts at `at`, when `ttl` overrides the zone's. */
static void patch_ttl(struct response *r, size_t at, uint32_t ttl)
{
	if (ttl == RESPONSE_TTL_AS_IS)
		return;
	wire_put_u16(r->buf + at + 4, (uint16_t)(ttl >> 16));
	wire_put_u16(r->buf + at + 6, (uint16_t)ttl);
}

static bool write_rr(struct response *r, const uint8_t *owner, const struct zone_rr *rr,
		     uint32_t ttl)
{
	size_t rdlen_at, rdata_at, pos = 10;

	if (owner == NULL) {
		if (r->len + 2 > r->limit)
			return false;
		wire_put_u16(r->buf + r->len, DNS_POINTER | DNS_HEADER_LEN);
		r->len += 2;
	} else if (!write_name(r, owner)) {
		return false;
	}
	if (rr->name_count == 0) {
		if (r->len + rr->len > r->limit)
			return false;
		memcpy(r->buf + r->len, rr->wire, rr->len);
		patch_ttl(r, r->len, ttl);
		r->len += rr->len;
		return true;
	}
	if (r->len + 10 > r->limit)
		return false;
	memcpy(r->buf + r->len, rr->wire, 8);
	patch_ttl(r, r->len, ttl);
	rdlen_at = r->len + 8;
	r->len += 10;
	rdata_at = r->len;
	for (unsigned i = 0; i < rr->name_count; i++) {
		const uint8_t *name = rr->wire + 10 + rr->name_off[i];
		size_t raw = 10u + rr->name_off[i] - pos;

		if (r->len + raw > r->limit)
			return false;
		memcpy(r->buf + r->len, rr->wire + pos, raw);
		r->len += raw;
		if (!write_name(r, name))
			return false;
		pos = 10u + rr->name_off[i] + dname_length(name);
	}
	if (r->len + (rr->len - pos) > r->limit)
		return false;
	memcpy(r->buf + r->len, rr->wire + pos, rr->len - pos);
	r->len += rr->len - pos;
	wire_put_u16(r->buf + rdlen_at, (uint16_t)(r->len - rdata_at));
	return true;
}

int response_add_optional(struct response *r, const uint8_t *owner, const struct zone_rrset *set)
{
	bool tc = r->tc;
	int rc = response_add_rrset(r, SECTION_ADDITIONAL, owner, set);

	r->tc = tc;
	return rc;
}

int response_add_rrset(struct response *r, enum response_section section, const uint8_t *owner,
		       const struct zone_rrset *set)
{
	return response_add_rrset_ttl(r, section, owner, set, RESPONSE_TTL_AS_IS);
}

int response_add_rrset_ttl(struct response *r, enum response_section section, const uint8_t *owner,
			   const struct zone_rrset *set, uint32_t ttl)
{
	size_t len = r->len;
	uint16_t compress_count = r->compress_count;

	for (uint16_t i = 0; i < set->rr_count; i++) {
		if (!write_rr(r, owner, &set->rrs[i], ttl)) {
			r->len = len;
			r->compress_count = compress_count;
			r->tc = true;
			return -ENOSPC;
		}
	}
	r->count[section] += set->rr_count;
	return 0;
}

size_t response_finish(struct response *r)
{
	uint16_t flags = wire_get_u16(r->buf + 2);

	if (r->tc) {
		/* A truncated answer is only a signal to retry over TCP: sending part of it would
		 * invite a resolver to cache the part (RFC 2181 §9). NSD sends none, as we do. */
		r->len = r->question_end;
		r->count[0] = r->count[1] = r->count[2] = 0;
	}
	if (r->edns) {
		/* response_init's caller kept response_opt_len() bytes free under `limit` */
		uint8_t *p = r->buf + r->len;
		size_t ecs_len = r->ecs ? ecs_option_len(r->ecs) : 0;
		size_t options = ecs_len + r->cookie_option_len;

		p[0] = 0;
		wire_put_u16(p + 1, DNS_TYPE_OPT);
		wire_put_u16(p + 3, r->edns_size);
		p[5] = (uint8_t)(r->rcode >> DNS_EXT_RCODE_SHIFT);
		p[6] = 0; /* version 0 */
		wire_put_u16(p + 7, r->edns_do ? DNS_EDNS_FLAG_DO : 0);
		wire_put_u16(p + 9, (uint16_t)options);
		if (r->ecs)
			ecs_write(p + 11, r->ecs, r->ecs_scope);
		if (r->cookie_option_len > 0)
			memcpy(p + 11 + ecs_len, r->cookie_option, r->cookie_option_len);
		r->len += 11 + options;
		r->count[SECTION_ADDITIONAL]++;
	}
	flags = (uint16_t)((flags & ~(DNS_FLAG_AA | DNS_RCODE_MASK)) | (r->rcode & DNS_RCODE_MASK));
	if (r->aa)
		flags |= DNS_FLAG_AA;
	if (r->tc)
		flags |= DNS_FLAG_TC;
	wire_put_u16(r->buf + 2, flags);
	wire_put_u16(r->buf + 6, r->count[SECTION_ANSWER]);
	wire_put_u16(r->buf + 8, r->count[SECTION_AUTHORITY]);
	wire_put_u16(r->buf + 10, r->count[SECTION_ADDITIONAL]);
	return r->len;
}
