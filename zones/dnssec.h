/* DNSSEC for a compiled zone: its keys (the files ldns-keygen and BIND's dnssec-keygen write),
 * and signing when the zone compiles, so that the query path only copies pre-made RRSIGs and
 * NSECs (docs/design.md, "DNSSEC"). */
#ifndef BATON_DNSSEC_H
#define BATON_DNSSEC_H

#include <ldns/ldns.h>
#include <stdint.h>

#include "baton/diag.h"
#include "zones/zone.h"

/* FAILOVER sites a signed zone pre-signs answers for: bit i of a mask is f->sites[i], bit
 * site_count the fallback site, so every answer is one of at most 512 sets. */
#define DNSSEC_FAILOVER_SITES_MAX 8

/* A FAILOVER's answers in a signed zone, indexed by the mask of the sites they join; an entry
 * with rr_count 0 is an answer that cannot happen (or a family no site of it has). Each set
 * has its RRSIG under the FAILOVER's owner. The NSECs prove NODATA for A ([0]) and AAAA ([1]):
 * the node's own NSEC would list a type another site has. */
struct zone_failover_signed {
	uint32_t count; /* 1 << (site_count + 1) */
	struct zone_rrset *a, *aaaa;
	const struct zone_rrset *nsec_nodata[2];
};

/* The keys of one zone: the SEP ones (flags 257: KSK, or CSK when alone) sign the DNSKEY
 * RRset, the others (256: ZSK) everything else; with no ZSK the SEP keys sign everything. */
struct dnssec_keys {
	ldns_key_list *ksk;
	ldns_key_list *zsk;
	ldns_rr_list *dnskeys; /* the public keys, as the .key files give them */
};

/* Reads every K<zone>.+013+*.key / .private and K<zone>.+015+* pair in `dir` into a new
 * *out (free with dnssec_keys_free()). A file that cannot be read or parsed, a .key without
 * its .private or one that does not match it, another algorithm, or no key at all is added to
 * `d` with the file and the fix; the return is then -EINVAL (-ENOMEM, -ENOENT for `dir`).
 * Not for the query path. */
int dnssec_keys_load(struct dnssec_keys **out, const char *zone, const char *dir, struct diag *d);

void dnssec_keys_free(struct dnssec_keys *k);

/* Signs the unpublished zone `z`: adds the DNSKEY RRset at the apex, the NSEC chain over its
 * names in canonical order, an RRSIG for every authoritative RRset and for every answer its
 * FAILOVER records can give, valid from `now` - 1 hour to `now` + `lifetime_s`. Data the
 * signer owns (DNSKEY, RRSIG, NSEC, NSEC3 in the zone file) or a FAILOVER with too many sites
 * is added to `d`: -EINVAL. Not for the query path. */
int dnssec_sign_zone(struct zone *z, const struct dnssec_keys *keys, uint32_t now,
		     uint32_t lifetime_s, struct diag *d);

/* RFC 4034 §6.1 order of two lowercased wire names: <0, 0, >0. Query-path safe. */
int dnssec_canonical_compare(const uint8_t *a, const uint8_t *b);

/* The node whose NSEC covers or matches the lowercased `name` in signed zone `z`: the last
 * chain node at or before it in canonical order. Query-path safe: no allocation, no lock. */
const struct zone_node *dnssec_nsec_for(const struct zone *z, const uint8_t *name);

#endif
