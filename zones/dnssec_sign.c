/* Signs a compiled zone before it is published: every RRSIG the query path will send is made
 * here, by ldns (OpenSSL underneath), and kept pre-encoded in the zone's arena beside the
 * RRset it covers, so an answer and its signature are one immutable pair. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zones/dnssec.h"
#include "zones/dnssec_internal.h"

/* An RRset as ldns wants it: owner + each pre-encoded RR, with `ttl` (the original TTL the
 * RRSIG records: RFC 4034 §3.1.4). */
static ldns_rr_list *to_ldns(const uint8_t *owner, const struct zone_rrset *set, uint32_t ttl)
{
	ldns_rr_list *list = ldns_rr_list_new();
	size_t owner_len = dname_length(owner);

	for (uint16_t i = 0; list != NULL && i < set->rr_count; i++) {
		uint8_t buf[DNAME_MAX_LEN + 65535 + 10];
		const struct zone_rr *rr = &set->rrs[i];
		size_t pos = 0;
		ldns_rr *out = NULL;

		memcpy(buf, owner, owner_len);
		memcpy(buf + owner_len, rr->wire, rr->len);
		if (ldns_wire2rr(&out, buf, owner_len + rr->len, &pos, LDNS_SECTION_ANSWER) !=
		    LDNS_STATUS_OK) {
			ldns_rr_list_deep_free(list);
			return NULL;
		}
		ldns_rr_set_ttl(out, ttl);
		ldns_rr_list_push_rr(list, out);
	}
	return list;
}

/* One RR of `type` with `rdata`, encoded as struct zone_rr holds it, in the zone's arena. */
int dnssec_encode_rr(struct zone *z, struct zone_rr *out, uint16_t type, uint32_t ttl,
		     const uint8_t *rdata, size_t rdlen)
{
	uint8_t *w = arena_alloc_bytes(&z->arena, 10 + rdlen);

	if (w == NULL)
		return -ENOMEM;
	wire_put_u16(w, type);
	wire_put_u16(w + 2, LDNS_RR_CLASS_IN);
	wire_put_u16(w + 4, (uint16_t)(ttl >> 16));
	wire_put_u16(w + 6, (uint16_t)ttl);
	wire_put_u16(w + 8, (uint16_t)rdlen);
	memcpy(w + 10, rdata, rdlen);
	*out = (struct zone_rr){ .wire = w, .len = (uint16_t)(10 + rdlen) };
	return 0;
}

/* The RRSIGs ldns made, as a zone RRset served with TTL `ttl`. */
static int encode_sigs(struct zone *z, struct zone_rrset **out, ldns_rr_list *sigs, uint32_t ttl)
{
	size_t n = ldns_rr_list_rr_count(sigs);
	struct zone_rrset *set = arena_alloc(&z->arena, sizeof(*set));
	ldns_buffer *buf = ldns_buffer_new(512);
	int rc = 0;

	if (set == NULL || buf == NULL ||
	    (set->rrs = arena_alloc(&z->arena, sizeof(*set->rrs) * n)) == NULL) {
		ldns_buffer_free(buf);
		return -ENOMEM;
	}
	set->type = LDNS_RR_TYPE_RRSIG;
	set->ttl = ttl;
	for (size_t i = 0; i < n && rc == 0; i++) {
		ldns_buffer_clear(buf);
		if (ldns_rr_rdata2buffer_wire(buf, ldns_rr_list_rr(sigs, i)) != LDNS_STATUS_OK) {
			rc = -ENOMEM;
			break;
		}
		rc = dnssec_encode_rr(z, &set->rrs[i], LDNS_RR_TYPE_RRSIG, ttl,
				      ldns_buffer_begin(buf), ldns_buffer_position(buf));
		set->rr_count++;
	}
	ldns_buffer_free(buf);
	if (rc == 0)
		*out = set;
	return rc;
}

int dnssec_sign_set(struct zone *z, ldns_key_list *keys, const uint8_t *owner,
		    struct zone_rrset *set, uint32_t ttl)
{
	ldns_rr_list *list = to_ldns(owner, set, ttl), *sigs;
	struct zone_rrset *sig;
	int rc;

	if (list == NULL)
		return -ENOMEM;
	sigs = ldns_sign_public(list, keys);
	ldns_rr_list_deep_free(list);
	if (sigs == NULL || ldns_rr_list_rr_count(sigs) == 0) {
		ldns_rr_list_deep_free(sigs);
		return -EIO;
	}
	rc = encode_sigs(z, &sig, sigs, ttl);
	ldns_rr_list_deep_free(sigs);
	if (rc == 0)
		set->sig = sig;
	return rc;
}

static bool is_signer_data(uint16_t type)
{
	return type == LDNS_RR_TYPE_DNSKEY || type == LDNS_RR_TYPE_RRSIG ||
	       type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3 ||
	       type == LDNS_RR_TYPE_NSEC3PARAM;
}

/* Records the signer makes cannot also come from the zone file. */
static void refuse_signer_data(const struct zone *z, struct diag *d)
{
	for (uint32_t i = 0; i < z->node_count; i++) {
		const struct zone_node *n = &z->nodes[i];

		for (uint16_t s = 0; s < n->rrset_count; s++) {
			const struct zone_rrset *set = &n->rrsets[s];
			char *type;

			if (!is_signer_data(set->type))
				continue;
			type = ldns_rr_type2str(set->type);
			diag_add(d, set->file, set->line,
				 "%s record in a zone batond signs (dnssec-signing: yes): remove "
				 "it; batond makes its own",
				 type != NULL ? type : "DNSSEC");
			free(type);
		}
	}
}

/* Data this zone is the authority for: not glue or other names below a cut, and at a cut
 * only the DS (RFC 4035 §2.2). */
static bool is_signed_here(const struct zone_node *n, const struct zone_rrset *set)
{
	if (n->cut == NULL)
		return true;
	return n->cut == n && set->type == LDNS_RR_TYPE_DS;
}

static int sign_static(struct zone *z, const struct dnssec_keys *keys)
{
	for (uint32_t i = 0; i < z->node_count; i++) {
		struct zone_node *n = &z->nodes[i];

		for (uint16_t s = 0; s < n->rrset_count; s++) {
			struct zone_rrset *set = &n->rrsets[s];
			ldns_key_list *with =
				set->type == LDNS_RR_TYPE_DNSKEY ? keys->ksk : dnssec_zsk(keys);
			int rc;

			if (!is_signed_here(n, set))
				continue;
			rc = dnssec_sign_set(z, with, n->name, set, set->ttl);
			if (rc < 0)
				return rc;
		}
		if (n->nsec != NULL) {
			int rc = dnssec_sign_set(z, dnssec_zsk(keys), n->name,
						 (struct zone_rrset *)n->nsec, n->nsec->ttl);

			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* The negative answer's SOA is the apex SOA at a lower TTL: the same signature (its original
 * TTL stays the SOA's), sent with that TTL. */
static int sign_negative_soa(struct zone *z)
{
	const struct zone_rrset *sig = z->soa->sig;
	struct zone_rrset *copy = arena_dup(&z->arena, sig, sizeof(*sig));

	if (copy == NULL)
		return -ENOMEM;
	copy->rrs = arena_alloc(&z->arena, sizeof(*copy->rrs) * sig->rr_count);
	if (copy->rrs == NULL)
		return -ENOMEM;
	copy->ttl = z->negative_soa.ttl;
	for (uint16_t i = 0; i < sig->rr_count; i++) {
		const struct zone_rr *rr = &sig->rrs[i];
		int rc = dnssec_encode_rr(z, &copy->rrs[i], LDNS_RR_TYPE_RRSIG, copy->ttl,
					  rr->wire + 10, rr->len - 10u);

		if (rc < 0)
			return rc;
	}
	z->negative_soa.sig = copy;
	return 0;
}

static void set_validity(const struct dnssec_keys *keys, uint32_t now, uint32_t lifetime_s)
{
	ldns_key_list *lists[2] = { keys->ksk, keys->zsk };

	for (unsigned l = 0; l < 2; l++)
		for (size_t i = 0; i < ldns_key_list_key_count(lists[l]); i++) {
			ldns_key *k = ldns_key_list_key(lists[l], i);

			/* an hour back: validators whose clocks run behind still accept */
			ldns_key_set_inception(k, now - 3600);
			ldns_key_set_expiration(k, now + lifetime_s);
		}
}

int dnssec_sign_zone(struct zone *z, const struct dnssec_keys *keys, uint32_t now,
		     uint32_t lifetime_s, struct diag *d)
{
	size_t errors = d->count;
	int rc;

	refuse_signer_data(z, d);
	dnssec_check_failovers(z, d);
	if (d->count > errors)
		return -EINVAL;
	set_validity(keys, now, lifetime_s);
	rc = dnssec_add_dnskeys(z, keys);
	if (rc == 0)
		rc = dnssec_build_nsec(z);
	if (rc == 0)
		rc = sign_static(z, keys);
	if (rc == 0)
		rc = sign_negative_soa(z);
	if (rc == 0)
		rc = dnssec_sign_failovers(z, keys);
	if (rc == -EIO)
		diag_add(d, z->file, 0, "zone %s: signing failed (ldns); check the keys",
			 z->name_str);
	if (rc == 0)
		z->dnssec = true;
	return rc;
}
