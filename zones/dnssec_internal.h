/* What the parts of the signer (zones/dnssec_*.c) share; nothing outside them uses it. */
#ifndef BATON_DNSSEC_INTERNAL_H
#define BATON_DNSSEC_INTERNAL_H

#include "zones/dnssec.h"

/* The keys that sign everything but the DNSKEY RRset: the ZSKs, or the SEP keys (CSK). */
static inline ldns_key_list *dnssec_zsk(const struct dnssec_keys *keys)
{
	return ldns_key_list_key_count(keys->zsk) > 0 ? keys->zsk : keys->ksk;
}

/* Encodes one RR (uncompressed RDATA) into the zone's arena. 0 or -ENOMEM. */
int dnssec_encode_rr(struct zone *z, struct zone_rr *out, uint16_t type, uint32_t ttl,
		     const uint8_t *rdata, size_t rdlen);

/* Signs `set` under `owner` with `keys`, its original TTL `ttl`, and hangs the RRSIG RRset
 * (served with TTL `ttl`) on set->sig. 0, -ENOMEM, or -EIO when ldns cannot sign. */
int dnssec_sign_set(struct zone *z, ldns_key_list *keys, const uint8_t *owner,
		    struct zone_rrset *set, uint32_t ttl);

/* The DNSKEY RRset at the apex, TTL the SOA's. */
int dnssec_add_dnskeys(struct zone *z, const struct dnssec_keys *keys);

/* The NSEC chain: n->nsec and n->nsec_at for every node (unsigned yet). */
int dnssec_build_nsec(struct zone *z);

/* An NSEC RRset for `n` with next name `next` and n's types less `skip` (0: none). */
int dnssec_make_nsec(struct zone *z, const struct zone_node *n, const uint8_t *next, uint16_t skip,
		     struct zone_rrset **out);

/* FAILOVERs the signer cannot pre-sign every answer of, into `d`. */
void dnssec_check_failovers(const struct zone *z, struct diag *d);

/* Every answer each FAILOVER can give, signed under its owner (f->signed_sets). */
int dnssec_sign_failovers(struct zone *z, const struct dnssec_keys *keys);

#endif
