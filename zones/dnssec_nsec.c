/* The DNSKEY RRset and the NSEC chain of a signed zone. Names and their types are fixed when
 * the zone compiles (a FAILOVER name always has A and AAAA to give), so the whole chain is made
 * once here and a negative answer only picks its NSECs: docs/design.md says why this and not
 * compact denial. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "zones/dnssec.h"
#include "zones/dnssec_internal.h"

/* Offsets of each label of a wire name; returns the count (root excluded). */
static unsigned label_offsets(const uint8_t *name, uint8_t *off)
{
	unsigned n = 0;
	size_t at = 0;

	while (name[at] != 0 && n < DNAME_MAX_LABELS) {
		off[n++] = (uint8_t)at;
		at += 1u + name[at];
	}
	return n;
}

int dnssec_canonical_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t off_a[DNAME_MAX_LABELS], off_b[DNAME_MAX_LABELS];
	unsigned na = label_offsets(a, off_a), nb = label_offsets(b, off_b);

	/* RFC 4034 §6.1: label by label from the right, each as unsigned octets, a shorter
	 * label before a longer one it starts; a name before its descendants */
	while (na > 0 && nb > 0) {
		const uint8_t *la = a + off_a[--na], *lb = b + off_b[--nb];
		size_t min = la[0] < lb[0] ? la[0] : lb[0];
		int c = memcmp(la + 1, lb + 1, min);

		if (c != 0)
			return c;
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	return na == nb ? 0 : na < nb ? -1 : 1;
}

const struct zone_node *dnssec_nsec_for(const struct zone *z, const uint8_t *name)
{
	uint32_t lo = 0, hi = z->node_count; /* the answer is below hi */

	/* the apex is first and at or before any name in the zone */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (dnssec_canonical_compare(z->nodes[mid].lower, name) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return z->nodes[lo].nsec_at;
}

static int by_type(const void *pa, const void *pb)
{
	const struct zone_rrset *a = pa, *b = pb;

	return a->type < b->type ? -1 : a->type > b->type;
}

int dnssec_add_dnskeys(struct zone *z, const struct dnssec_keys *keys)
{
	struct zone_node *apex = z->apex;
	size_t n = ldns_rr_list_rr_count(keys->dnskeys);
	struct zone_rrset *sets = arena_alloc(&z->arena, sizeof(*sets) * (apex->rrset_count + 1u));
	struct zone_rrset *set;
	ldns_buffer *buf = ldns_buffer_new(512);
	int rc = 0;

	if (sets == NULL || buf == NULL) {
		ldns_buffer_free(buf);
		return -ENOMEM;
	}
	memcpy(sets, apex->rrsets, sizeof(*sets) * apex->rrset_count);
	set = &sets[apex->rrset_count];
	*set = (struct zone_rrset){ .type = LDNS_RR_TYPE_DNSKEY,
				    .ttl = z->soa->ttl,
				    .file = z->file,
				    .order = UINT32_MAX };
	set->rrs = arena_alloc(&z->arena, sizeof(*set->rrs) * n);
	for (size_t i = 0; set->rrs != NULL && i < n && rc == 0; i++) {
		ldns_buffer_clear(buf);
		rc = ldns_rr_rdata2buffer_wire(buf, ldns_rr_list_rr(keys->dnskeys, i)) ==
				     LDNS_STATUS_OK
			     ? dnssec_encode_rr(z, &set->rrs[set->rr_count++], set->type, set->ttl,
						ldns_buffer_begin(buf), ldns_buffer_position(buf))
			     : -ENOMEM;
	}
	ldns_buffer_free(buf);
	if (set->rrs == NULL || rc < 0)
		return -ENOMEM;
	qsort(sets, apex->rrset_count + 1u, sizeof(*sets), by_type);
	apex->rrsets = sets;
	apex->rrset_count++;
	/* the SOA moved with the array */
	z->soa = (struct zone_rrset *)zone_node_rrset(apex, LDNS_RR_TYPE_SOA);
	return 0;
}

/* Does the NSEC chain hold this name? Names with data this zone is the authority for, and
 * delegations (RFC 4035 §2.3); not empty non-terminals, glue or anything else below a cut. */
static bool in_chain(const struct zone_node *n)
{
	if (n->cut != NULL && n->cut != n)
		return false;
	return n->rrset_count > 0 || n->failover != NULL;
}

static bool failover_has(const struct zone_failover *f, bool v6)
{
	for (uint16_t i = 0; i < f->site_count; i++)
		if ((v6 ? f->sites[i]->v6_count : f->sites[i]->v4_count) > 0)
			return true;
	if (f->fallback == FALLBACK_SITE && f->fallback_site != NULL)
		return (v6 ? f->fallback_site->v6_count : f->fallback_site->v4_count) > 0;
	return false;
}

static void bitmap_set(uint8_t *bits, uint16_t type)
{
	bits[type / 8] |= (uint8_t)(0x80 >> (type % 8));
}

/* The node's types, as the NSEC there lists them: at a cut only NS and DS are this zone's. */
static void node_types(const struct zone_node *n, uint8_t *bits)
{
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		uint16_t t = n->rrsets[i].type;

		if (n->cut == NULL || t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_DS)
			bitmap_set(bits, t);
	}
	if (n->failover != NULL && n->cut == NULL) {
		if (failover_has(n->failover, false))
			bitmap_set(bits, LDNS_RR_TYPE_A);
		if (failover_has(n->failover, true))
			bitmap_set(bits, LDNS_RR_TYPE_AAAA);
	}
	bitmap_set(bits, LDNS_RR_TYPE_RRSIG);
	bitmap_set(bits, LDNS_RR_TYPE_NSEC);
}

/* RFC 4034 §4.1.2: window blocks of the types present. Returns the length written. */
static size_t encode_bitmap(const uint8_t *bits, uint8_t *out)
{
	size_t len = 0;

	for (unsigned w = 0; w < 256; w++) {
		const uint8_t *block = bits + w * 32;
		unsigned used = 0;

		for (unsigned b = 0; b < 32; b++)
			if (block[b] != 0)
				used = b + 1;
		if (used == 0)
			continue;
		out[len++] = (uint8_t)w;
		out[len++] = (uint8_t)used;
		memcpy(out + len, block, used);
		len += used;
	}
	return len;
}

int dnssec_make_nsec(struct zone *z, const struct zone_node *n, const uint8_t *next, uint16_t skip,
		     struct zone_rrset **out)
{
	static __thread uint8_t bits[8192];
	uint8_t rdata[DNAME_MAX_LEN + 256 * 34];
	size_t next_len = dname_length(next), len;
	struct zone_rrset *set = arena_alloc(&z->arena, sizeof(*set));
	struct zone_rr *rr = arena_alloc(&z->arena, sizeof(*rr));

	if (set == NULL || rr == NULL)
		return -ENOMEM;
	memset(bits, 0, sizeof(bits));
	node_types(n, bits);
	if (skip != 0)
		bits[skip / 8] &= (uint8_t) ~(0x80 >> (skip % 8));
	memcpy(rdata, next, next_len);
	len = next_len + encode_bitmap(bits, rdata + next_len);
	/* RFC 9077: the lesser of the SOA's TTL and MINIMUM, as negative answers have */
	if (dnssec_encode_rr(z, rr, LDNS_RR_TYPE_NSEC, z->negative_soa.ttl, rdata, len) < 0)
		return -ENOMEM;
	*set = (struct zone_rrset){ .type = LDNS_RR_TYPE_NSEC,
				    .rr_count = 1,
				    .ttl = z->negative_soa.ttl,
				    .rrs = rr,
				    .file = z->file };
	*out = set;
	return 0;
}

int dnssec_build_nsec(struct zone *z)
{
	struct zone_node *last = NULL;

	for (uint32_t i = 0; i < z->node_count; i++) {
		struct zone_node *n = &z->nodes[i];

		if (in_chain(n)) {
			uint32_t j = i + 1;
			struct zone_rrset *nsec;

			while (j < z->node_count && !in_chain(&z->nodes[j]))
				j++;
			/* the last name's next is the apex: the chain is a loop */
			if (dnssec_make_nsec(z, n,
					     j < z->node_count ? z->nodes[j].lower : z->apex->lower,
					     0, &nsec) < 0)
				return -ENOMEM;
			n->nsec = nsec;
			last = n;
		}
		n->nsec_at = last;
	}
	return 0;
}
