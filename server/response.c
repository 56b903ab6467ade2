/* Encodes a response into a caller's buffer. Every byte goes through a struct wire ending at
 * the client's limit, so the wire's one bounds rule is the truncation rule: an RRset whose
 * writer ends in error is dropped whole. Compression remembers the offset of every label
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

/* A case-insensitive hash of the uncompressed name at `name`: find_suffix() compares only the
 * entries of the same hash, so a miss costs a scan of integers and not of names (a zone
 * transfer writes a million names). Length bytes are below 'A': folding leaves them. */
static uint32_t name_hash(const uint8_t *name)
{
	size_t len = dname_length(name);
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ fold(name[i])) * 16777619u;
	return h;
}

/* A writer over what the answer may still fill: from what is committed up to `limit`. An RRset
 * is written through it and committed only when the writer ends without error. */
static void writer_open(const struct response *r, struct wire *w)
{
	wire_init(w, r->buf, r->limit);
	wire_seek(w, r->len);
}

void response_init(struct response *r, uint8_t *buf, size_t size, size_t limit,
		   const struct query *q)
{
	uint16_t flags = DNS_FLAG_QR | (uint16_t)(q->opcode << DNS_OPCODE_SHIFT);
	struct wire w;

	r->buf = buf;
	r->size = size;
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
	r->nsid_option = NULL;
	r->nsid_option_len = 0;
	r->has_ede = false;
	r->ede_code = 0;
	r->ede_text = NULL;
	r->rrl_name = NULL;
	r->has_soa_serial = false;
	r->compress_count = 0;
	r->compress_keep = 0; /* answers keep their first names only, as before */
	if (q->rd)
		flags |= DNS_FLAG_RD;
	if (q->cd)
		flags |= DNS_FLAG_CD;
	/* the header is there whatever the limit: response_finish() fills in its fields */
	wire_put_u16(buf, q->id);
	wire_put_u16(buf + DNS_HEADER_FLAGS, flags);
	memset(buf + DNS_HEADER_QDCOUNT, 0, DNS_HEADER_LEN - DNS_HEADER_QDCOUNT);
	r->len = DNS_HEADER_LEN;
	if (q->question_len > 0) {
		writer_open(r, &w);
		wire_write(&w, q->question, q->question_len);
		if (!w.error) {
			wire_put_u16(buf + DNS_HEADER_QDCOUNT, 1);
			for (unsigned i = 0; i < q->qname.labels && i < RESPONSE_COMPRESS_MAX;
			     i++) {
				r->compress_hash[r->compress_count] =
					name_hash(q->qname.lower + q->qname.suffix_off[i]);
				r->compress_off[r->compress_count++] =
					(uint16_t)(DNS_HEADER_LEN + q->qname.suffix_off[i]);
			}
			r->len = wire_offset(&w);
		}
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

static int find_suffix(const struct response *r, const uint8_t *pkt, const uint8_t *name,
		       uint32_t hash)
{
	for (uint16_t i = 0; i < r->compress_count; i++)
		if (r->compress_hash[i] == hash &&
		    packet_name_equals(pkt, r->compress_off[i], name))
			return r->compress_off[i];
	return -1;
}

/* Remembers the label written at `at`. A full table takes no more, or, when its user allows
 * (compress_keep), replaces its oldest entry past the first compress_keep. */
static void remember(struct response *r, uint16_t at, uint32_t hash)
{
	uint16_t i = r->compress_count;

	if (i == RESPONSE_COMPRESS_MAX) {
		if (r->compress_keep == 0)
			return;
		i = r->compress_next++;
		if (r->compress_next == RESPONSE_COMPRESS_MAX)
			r->compress_next = r->compress_keep;
	} else {
		r->compress_count++;
	}
	r->compress_hash[i] = hash;
	r->compress_off[i] = at;
}

/* Writes `name` compressed. A label's offset is remembered only once the label is written:
 * compression must never point at bytes a failed write left out. */
static void write_name(struct response *r, struct wire *w, const uint8_t *name)
{
	const uint8_t *label = name;

	while (*label != 0 && !w->error) {
		uint32_t hash = name_hash(label);
		int target = find_suffix(r, w->start, label, hash);
		size_t at = wire_offset(w), n;

		if (target >= 0) {
			wire_write_u16(w, (uint16_t)(DNS_POINTER | target));
			return;
		}
		n = 1u + *label;
		wire_write(w, label, n);
		if (!w->error && at <= DNS_POINTER_MAX)
			remember(r, (uint16_t)at, hash);
		label += n;
	}
	wire_write_u8(w, 0);
}

/* The TTL of the RR whose fixed part starts at `at`, when `ttl` overrides the zone's. */
static void patch_ttl(struct wire *w, size_t at, uint32_t ttl)
{
	if (ttl != RESPONSE_TTL_AS_IS)
		wire_patch_u32(w, at + DNS_RR_TTL, ttl);
}

/* Copies the RR's fixed part and RDATA, compressing the names RFC 3597 §4 allows; their
 * RDLENGTH is then what was written. */
void response_write_rr(struct response *r, struct wire *w, const uint8_t *owner,
		       const struct zone_rr *rr, uint32_t ttl)
{
	size_t fixed_at, rdlen_at, pos = DNS_RR_FIXED_LEN;

	if (owner == NULL)
		wire_write_u16(w, DNS_POINTER | DNS_HEADER_LEN);
	else
		write_name(r, w, owner);
	fixed_at = wire_offset(w);
	if (rr->name_count == 0) {
		wire_write(w, rr->wire, rr->len);
		patch_ttl(w, fixed_at, ttl);
		return;
	}
	wire_write(w, rr->wire, DNS_RR_RDLENGTH);
	patch_ttl(w, fixed_at, ttl);
	rdlen_at = wire_reserve_u16(w);
	for (unsigned i = 0; i < rr->name_count && !w->error; i++) {
		const uint8_t *name = rr->wire + DNS_RR_FIXED_LEN + rr->name_off[i];

		wire_write(w, rr->wire + pos, DNS_RR_FIXED_LEN + rr->name_off[i] - pos);
		write_name(r, w, name);
		pos = DNS_RR_FIXED_LEN + rr->name_off[i] + dname_length(name);
	}
	wire_write(w, rr->wire + pos, rr->len - pos);
	wire_patch_u16(w, rdlen_at, (uint16_t)(wire_offset(w) - rdlen_at - 2));
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
	uint16_t compress_count = r->compress_count;
	const struct zone_rrset *sig = r->edns_do ? set->sig : NULL;
	struct wire w;

	writer_open(r, &w);
	for (uint16_t i = 0; i < set->rr_count && !w.error; i++) {
		response_write_rr(r, &w, owner, &set->rrs[i], ttl);
		/* SERIAL is 20 bytes before the end of an SOA's RDATA (RFC 1035 §3.3.13) */
		if (set->type == DNS_TYPE_SOA && r->has_soa_serial && wire_offset(&w) >= 20)
			wire_patch_u32(&w, wire_offset(&w) - 20, r->soa_serial);
	}
	/* RFC 4035 §3.1.1: with DO=1 the RRSIGs go with the RRset, and the two stay or go
	 * together; the served TTL is the RRset's, at or below the original TTL (§5.3.3) */
	if (sig != NULL)
		for (uint16_t i = 0; i < sig->rr_count && !w.error; i++)
			response_write_rr(r, &w, owner, &sig->rrs[i], ttl);
	if (w.error) {
		/* nothing of it stays: the committed length never moved */
		r->compress_count = compress_count;
		r->tc = true;
		return -ENOSPC;
	}
	r->len = wire_offset(&w);
	r->count[section] += set->rr_count + (sig != NULL ? sig->rr_count : 0);
	return 0;
}

/* RFC 8914 §2: OPTION-CODE, OPTION-LENGTH, INFO-CODE, then EXTRA-TEXT (UTF-8, no NUL). */
#define EDE_FIXED_LEN 6

static size_t ede_len(const struct response *r)
{
	if (!r->has_ede)
		return 0;
	return EDE_FIXED_LEN + (r->ede_text != NULL ? strlen(r->ede_text) : 0);
}

bool response_set_ede(struct response *r, uint16_t code, const char *text)
{
	size_t room = EDE_FIXED_LEN + (text != NULL ? strlen(text) : 0);
	size_t limit = r->limit + ede_len(r); /* an earlier EDE gives its room back */

	if (!r->edns || r->len + room > limit)
		return false;
	r->limit = limit - room;
	r->has_ede = true;
	r->ede_code = code;
	r->ede_text = text;
	return true;
}

static void write_ede(const struct response *r, struct wire *w)
{
	size_t len = ede_len(r);

	wire_write_u16(w, DNS_EDNS_OPT_EDE);
	wire_write_u16(w, (uint16_t)(len - 4));
	wire_write_u16(w, r->ede_code);
	if (r->ede_text != NULL)
		wire_write(w, r->ede_text, len - EDE_FIXED_LEN);
}

/* RFC 6891 §6.1.2: the OPT record, with our NSID (first, where NSD puts it), the echoed ECS,
 * our COOKIE and an Extended DNS Error as options. */
static void write_opt(const struct response *r, struct wire *w)
{
	size_t ecs_len = r->ecs ? ecs_option_len(r->ecs) : 0;

	wire_write_u8(w, 0); /* the root */
	wire_write_u16(w, DNS_TYPE_OPT);
	wire_write_u16(w, r->edns_size);
	wire_write_u8(w, (uint8_t)(r->rcode >> DNS_EXT_RCODE_SHIFT));
	wire_write_u8(w, 0); /* version 0 */
	wire_write_u16(w, r->edns_do ? DNS_EDNS_FLAG_DO : 0);
	wire_write_u16(
		w, (uint16_t)(r->nsid_option_len + ecs_len + r->cookie_option_len + ede_len(r)));
	if (r->nsid_option_len > 0)
		wire_write(w, r->nsid_option, r->nsid_option_len);
	if (r->ecs)
		ecs_write(w, r->ecs, r->ecs_scope);
	if (r->cookie_option_len > 0)
		wire_write(w, r->cookie_option, r->cookie_option_len);
	if (r->has_ede)
		write_ede(r, w);
}

size_t response_finish(struct response *r)
{
	uint16_t flags = wire_get_u16(r->buf + DNS_HEADER_FLAGS);

	if (r->tc) {
		/* A truncated answer is only a signal to retry over TCP: sending part of it would
		 * invite a resolver to cache the part (RFC 2181 §9). NSD sends none, as we do. */
		r->len = r->question_end;
		r->count[0] = r->count[1] = r->count[2] = 0;
	}
	if (r->edns) {
		/* in the room response_init's caller kept free above `limit`; the writer's end is
		 * the buffer's, so a caller that kept too little loses the OPT, not the stack */
		struct wire w;

		wire_init(&w, r->buf, r->size);
		wire_seek(&w, r->len);
		write_opt(r, &w);
		if (!w.error) {
			r->len = wire_offset(&w);
			r->count[SECTION_ADDITIONAL]++;
		}
	}
	flags = (uint16_t)((flags & ~(DNS_FLAG_AA | DNS_RCODE_MASK)) | (r->rcode & DNS_RCODE_MASK));
	if (r->aa)
		flags |= DNS_FLAG_AA;
	if (r->tc)
		flags |= DNS_FLAG_TC;
	wire_put_u16(r->buf + DNS_HEADER_FLAGS, flags);
	wire_put_u16(r->buf + DNS_HEADER_ANCOUNT, r->count[SECTION_ANSWER]);
	wire_put_u16(r->buf + DNS_HEADER_NSCOUNT, r->count[SECTION_AUTHORITY]);
	wire_put_u16(r->buf + DNS_HEADER_ARCOUNT, r->count[SECTION_ADDITIONAL]);
	return r->len;
}
