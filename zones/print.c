/* Prints a compiled zone as a plain master file. ldns turns the pre-encoded wire form back into
 * text, so the output is exactly what would be served. */
#include "autoconfig.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "zones/print.h"

/* One RR: owner + the pre-encoded TYPE CLASS TTL RDLENGTH RDATA, printed by ldns. */
static int print_rr(FILE *out, const uint8_t *owner, const struct zone_rr *rr, uint32_t ttl)
{
	size_t owner_len = dname_length(owner), pos = 0;
	uint8_t wire[DNAME_MAX_LEN + 65536];
	ldns_rr *parsed = NULL;
	char *text;

	memcpy(wire, owner, owner_len);
	memcpy(wire + owner_len, rr->wire, rr->len);
	wire_put_u16(wire + owner_len + 4, (uint16_t)(ttl >> 16));
	wire_put_u16(wire + owner_len + 6, (uint16_t)ttl);
	if (ldns_wire2rr(&parsed, wire, owner_len + rr->len, &pos, LDNS_SECTION_ANSWER) !=
	    LDNS_STATUS_OK)
		return -EINVAL;
	text = ldns_rr2str(parsed);
	ldns_rr_free(parsed);
	if (text == NULL)
		return -ENOMEM;
	fputs(text, out);
	free(text);
	return 0;
}

static int print_rrset(FILE *out, const uint8_t *owner, const struct zone_rrset *set, uint32_t ttl)
{
	for (uint16_t i = 0; i < set->rr_count; i++) {
		int rc = print_rr(out, owner, &set->rrs[i], ttl);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int print_failover(FILE *out, const struct zone_node *n, zone_site_filter *keep, void *arg)
{
	const struct zone_failover *f = n->failover;
	unsigned kept = 0;
	int rc = 0;

	for (uint16_t i = 0; keep != NULL && i < f->site_count; i++)
		kept += keep(f->sites[i], arg);
	fprintf(out, "; FAILOVER policy=%s: %s\n",
		f->policy == POLICY_ORDER      ? "order"
		: f->policy == POLICY_ALL      ? "all"
		: f->policy == POLICY_WEIGHTED ? "weighted"
					       : "geo",
		kept ? "the sites up now" : "every site");
	for (uint16_t i = 0; i < f->site_count && rc == 0; i++) {
		const struct zone_site *site = f->sites[i];

		if (kept && !keep(site, arg))
			continue;
		rc = print_rrset(out, n->name, site->a, f->ttl_max_s);
		if (rc == 0)
			rc = print_rrset(out, n->name, site->aaaa, f->ttl_max_s);
	}
	return rc;
}

int zone_print(FILE *out, const struct zone *z, zone_site_filter *keep, void *arg)
{
	int rc = 0;

	if (z->soa != NULL)
		rc = print_rrset(out, z->apex->name, z->soa, z->soa->ttl);
	for (uint32_t i = 0; i < z->node_count && rc == 0; i++) {
		const struct zone_node *n = &z->nodes[i];

		for (uint16_t s = 0; s < n->rrset_count && rc == 0; s++)
			if (&n->rrsets[s] != z->soa)
				rc = print_rrset(out, n->name, &n->rrsets[s], n->rrsets[s].ttl);
		if (rc == 0 && n->failover != NULL)
			rc = print_failover(out, n, keep, arg);
	}
	if (rc == 0 && ferror(out))
		rc = -EIO;
	return rc;
}
