/* Semantic checks of a compiled zone: what a file can say but a zone must not. */
#include "autoconfig.h"

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "zones/load.h"
#include "zones/validate.h"
#include "zones/zone.h"

#define NAME_BUF (DNAME_MAX_LEN * 4 + 2)

/* The second SOA at the apex in the order the files were read: the one to remove, and the one
 * NSD names. A copy of the first is no second SOA: the compiler dropped it (RFC 2181 §5). */
static const struct zone_source_rr *second_soa(const struct zone_source *src)
{
	const struct zone_source_rr *first = NULL;

	for (size_t i = 0; i < src->count; i++) {
		const struct zone_source_rr *rr = &src->rrs[i];

		if (rr->type != LDNS_RR_TYPE_SOA ||
		    !dname_equal(rr->owner, ldns_rdf_data(src->origin)))
			continue;
		if (first == NULL)
			first = rr;
		else if (first->rdlen != rr->rdlen ||
			 memcmp(first->rdata, rr->rdata, rr->rdlen) != 0)
			return rr;
	}
	return NULL;
}

static void check_apex(const struct zone *z, const struct zone_source *src, struct diag *d)
{
	const struct zone_rrset *soa = zone_node_rrset(z->apex, LDNS_RR_TYPE_SOA);

	if (soa == NULL) {
		diag_add(d, z->file, 0, "zone %s has no SOA record at its apex: add one",
			 z->name_str);
	} else if (soa->rr_count > 1) {
		const struct zone_source_rr *second = second_soa(src);

		diag_add(d, second ? second->file : soa->file, second ? second->line : soa->line,
			 "zone %s has %u SOA records at its apex: keep exactly one", z->name_str,
			 soa->rr_count);
	}
	if (zone_node_rrset(z->apex, LDNS_RR_TYPE_NS) == NULL)
		diag_add(d, soa ? soa->file : z->file, soa ? soa->line : 0,
			 "zone %s has no NS records at its apex: add at least one", z->name_str);
}

/* RFC 2181 §10.1 and RFC 4035 §2.5: beside a CNAME only DNSSEC's RRSIG and NSEC may live. */
static void check_cname(const struct zone_node *n, struct diag *d)
{
	const struct zone_rrset *cname = zone_node_rrset(n, LDNS_RR_TYPE_CNAME);
	char name[NAME_BUF];

	if (cname == NULL)
		return;
	dname_to_str(n->name, name, sizeof(name));
	if (cname->rr_count > 1)
		diag_add(d, cname->file, cname->line,
			 "%s has %u CNAME records: a name can be an alias of only one name", name,
			 cname->rr_count);
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		const struct zone_rrset *other = &n->rrsets[i];
		char *type;

		if (other->type == LDNS_RR_TYPE_CNAME || other->type == LDNS_RR_TYPE_RRSIG ||
		    other->type == LDNS_RR_TYPE_NSEC)
			continue;
		type = ldns_rr_type2str(other->type);
		diag_add(d, cname->file, cname->line,
			 "%s has a CNAME and other data (%s at line %u): a CNAME must stand alone",
			 name, type ? type : "?", other->line);
		free(type);
	}
}

static void check_glue(const struct zone *z, const struct zone_node *n, struct diag *d)
{
	const struct zone_rrset *ns = zone_node_rrset(n, LDNS_RR_TYPE_NS);

	if (ns == NULL || (n->cut != NULL && n->cut != n))
		return; /* NS below a cut is occluded data, not served */
	for (uint16_t r = 0; r < ns->rr_count; r++) {
		const uint8_t *target = ns->rrs[r].wire + 10;
		uint8_t lower[DNAME_MAX_LEN];
		size_t len = dname_length(target);
		const struct zone_node *g;
		char name[NAME_BUF];

		dname_lower(lower, target, len);
		if (!dname_is_subdomain(lower, z->apex->lower))
			continue;
		g = zone_find(z, lower, (uint8_t)len, dname_hash(lower, len));
		if (g != NULL && (zone_node_rrset(g, LDNS_RR_TYPE_A) != NULL ||
				  zone_node_rrset(g, LDNS_RR_TYPE_AAAA) != NULL))
			continue;
		diag_add(d, ns->file, ns->line,
			 "name server %s is inside the zone but has no A or AAAA record: add its "
			 "address (glue)",
			 dname_to_str(target, name, sizeof(name)));
	}
}

/* A FAILOVER owns the name's A and AAAA answers; a CNAME would hide it (RFC 2181 §10.1) and
 * static addresses would contradict it. Below a cut it would never be answered. */
static void check_failover(const struct zone_node *n, struct diag *d)
{
	static const uint16_t conflicts[] = { LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_A,
					      LDNS_RR_TYPE_AAAA };
	const struct zone_failover *f = n->failover;
	char name[NAME_BUF];

	if (f == NULL)
		return;
	dname_to_str(n->name, name, sizeof(name));
	for (unsigned i = 0; i < 3; i++) {
		const struct zone_rrset *set = zone_node_rrset(n, conflicts[i]);
		char *type;

		if (set == NULL)
			continue;
		type = ldns_rr_type2str(conflicts[i]);
		diag_add(d, f->file, f->line,
			 "%s has a FAILOVER and %s records (line %u): the FAILOVER answers A and "
			 "AAAA; remove the %s records",
			 name, type ? type : "?", set->line, type ? type : "?");
		free(type);
	}
	if (n->cut != NULL) {
		char cut[NAME_BUF];

		diag_add(d, f->file, f->line,
			 "%s is at or below the delegation %s: a FAILOVER there is never answered",
			 name, dname_to_str(n->cut->name, cut, sizeof(cut)));
	}
}

/* Where a node's data is first written, for a message about the node as a whole; NULL for an
 * empty non-terminal. */
static const struct zone_rrset *first_rrset(const struct zone_node *n)
{
	const struct zone_rrset *first = NULL;

	for (uint16_t i = 0; i < n->rrset_count; i++)
		if (first == NULL || n->rrsets[i].order < first->order)
			first = &n->rrsets[i];
	return first;
}

/* RFC 6672 §2.4: one DNAME per name, and no name below a DNAME: the DNAME redirects every
 * name below it, so their data would never be answered. NSD refuses both. Nodes come in
 * canonical order (RFC 4034 §6.1), so a DNAME's subtree is the run of nodes after it: `above`
 * is the DNAME node whose run we are in, and the return is that of the next node. */
static const struct zone_node *check_dname(const struct zone_node *n, const struct zone_node *above,
					   struct diag *d)
{
	const struct zone_rrset *dname;
	char name[NAME_BUF], owner[NAME_BUF];

	if (above != NULL && dname_is_subdomain(n->lower, above->lower)) {
		const struct zone_rrset *data = first_rrset(n);
		const struct zone_rrset *at = zone_node_rrset(above, LDNS_RR_TYPE_DNAME);

		if (data == NULL && n->failover == NULL)
			return above; /* an empty non-terminal: the names below it say it all */
		diag_add(d, data ? data->file : n->failover->file,
			 data ? data->line : n->failover->line,
			 "%s is below the DNAME at %s (line %u), which redirects every name below "
			 "it "
			 "(RFC 6672 §2.4): remove %s or the DNAME",
			 dname_to_str(n->name, name, sizeof(name)),
			 dname_to_str(above->name, owner, sizeof(owner)), at->line, name);
		return above;
	}
	dname = zone_node_rrset(n, LDNS_RR_TYPE_DNAME);
	if (dname == NULL)
		return NULL;
	if (dname->rr_count > 1)
		diag_add(
			d, dname->file, dname->line,
			"%s has %u DNAME records: a name can redirect to only one target (RFC 6672 "
			"§2.4): keep one",
			dname_to_str(n->name, name, sizeof(name)), dname->rr_count);
	return n;
}

size_t zone_validate(const struct zone *z, const struct zone_source *src, struct diag *d)
{
	const struct zone_node *dname = NULL;
	size_t before = d->count;

	check_apex(z, src, d);
	for (uint32_t i = 0; i < z->node_count; i++) {
		const struct zone_node *n = &z->nodes[i];
		const struct zone_rrset *soa = zone_node_rrset(n, LDNS_RR_TYPE_SOA);
		char name[NAME_BUF];

		if (soa != NULL && n != z->apex)
			diag_add(d, soa->file, soa->line,
				 "SOA record at %s, which is not the zone apex %s: remove it",
				 dname_to_str(n->name, name, sizeof(name)), z->name_str);
		check_cname(n, d);
		dname = check_dname(n, dname, d);
		check_glue(z, n, d);
		check_failover(n, d);
	}
	return d->count - before;
}
