/* The answer algorithm of RFC 1034 §4.3.2 with its amendments. Empty non-terminals exist as
 * nodes, so the closest encloser of a name is simply its longest suffix that is a node, and a
 * wildcard applies only below it (RFC 4592 §3.3.1). */
#include "autoconfig.h"

#include "server/lookup.h"
#include "server/policy.h"

/* Longer chains are almost certainly mistakes; resolvers give up well before this. */
#define CNAME_CHAIN_MAX 12

/* Per-query state of the walk: the CNAMEs followed so far, and what FAILOVER answers from. */
struct chain {
	const struct zone_node *seen[CNAME_CHAIN_MAX];
	unsigned length;
	struct policy_context policy;
};

static void answer_name(struct response *r, const struct zone *z, const struct dname_view *name,
			unsigned apex_label, const uint8_t *owner, uint16_t qtype,
			struct chain *chain);

static void add_negative(struct response *r, const struct zone *z)
{
	response_add_rrset(r, SECTION_AUTHORITY, z->apex->name, &z->negative_soa);
}

/* Addresses of the in-zone name servers of `n`. In a referral they are required glue and a miss
 * sets TC (RFC 9471 §3); beside an NS answer they are a courtesy, as NSD sends them. */
static void add_glue(struct response *r, const struct zone_node *n, bool required)
{
	static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA };

	for (uint16_t i = 0; i < n->glue_count; i++) {
		for (unsigned t = 0; t < 2; t++) {
			const struct zone_rrset *set = zone_node_rrset(n->glue[i], types[t]);
			int rc;

			if (set == NULL)
				continue;
			rc = required ? response_add_rrset(r, SECTION_ADDITIONAL, n->glue[i]->name,
							   set)
				      : response_add_optional(r, n->glue[i]->name, set);
			if (rc < 0)
				return;
		}
	}
}

/* RFC 1034 §4.3.2 step 3b: a referral to the cut, with glue. */
static void add_referral(struct response *r, const struct zone_node *cut)
{
	const struct zone_rrset *ns = zone_node_rrset(cut, DNS_TYPE_NS);

	r->rrl_name = cut->name;
	if (ns != NULL && response_add_rrset(r, SECTION_AUTHORITY, cut->name, ns) == 0)
		add_glue(r, cut, true);
}

static bool is_any_preferred(uint16_t type)
{
	return type == DNS_TYPE_A || type == DNS_TYPE_AAAA || type == DNS_TYPE_SOA ||
	       type == DNS_TYPE_MX || type == DNS_TYPE_PTR;
}

static bool is_dnssec(uint16_t type)
{
	return type == DNS_TYPE_DNSKEY || type == DNS_TYPE_RRSIG || type == DNS_TYPE_NSEC ||
	       type == DNS_TYPE_NSEC3;
}

/* RFC 8482 §4.1: one RRset is a complete answer to ANY. Which one follows NSD, so both servers
 * give the same answer for the same zone: the first address, SOA, MX or PTR RRset in zone-file
 * order; else the last other RRset; DNSSEC data only when there is nothing else. */
static const struct zone_rrset *pick_any(const struct zone_node *n)
{
	const struct zone_rrset *preferred = NULL, *other = NULL, *dnssec = NULL;

	for (uint16_t i = 0; i < n->rrset_count; i++) {
		const struct zone_rrset *set = &n->rrsets[i];

		if (is_any_preferred(set->type)) {
			if (preferred == NULL || set->order < preferred->order)
				preferred = set;
		} else if (!is_dnssec(set->type)) {
			if (other == NULL || set->order > other->order)
				other = set;
		} else if (dnssec == NULL) {
			dnssec = set;
		}
	}
	return preferred ? preferred : other ? other : dnssec;
}

static bool chain_visit(struct chain *c, const struct zone_node *n)
{
	for (unsigned i = 0; i < c->length; i++)
		if (c->seen[i] == n)
			return false;
	if (c->length == CNAME_CHAIN_MAX)
		return false;
	c->seen[c->length++] = n;
	return true;
}

/* Step 3a's restart with the CNAME's target, inside the same zone only: data elsewhere is the
 * resolver's to find. */
static void follow_cname(struct response *r, const struct zone *z, const struct zone_rr *cname,
			 uint16_t qtype, struct chain *chain)
{
	const uint8_t *target = cname->wire + DNS_RR_FIXED_LEN;
	struct dname_view view;

	dname_view_from_wire(&view, target, dname_length(target));
	if (!dname_is_subdomain(view.lower, z->apex->lower))
		return;
	answer_name(r, z, &view, view.labels - z->apex->labels, target, qtype, chain);
}

/* Answers from the node that matched (exactly, or as the wildcard source of synthesis). */
static void answer_node(struct response *r, const struct zone *z, const struct zone_node *n,
			const uint8_t *owner, uint16_t qtype, struct chain *chain)
{
	const struct zone_rrset *set, *cname;

	if (n->failover != NULL && (qtype == DNS_TYPE_A || qtype == DNS_TYPE_AAAA ||
				    (qtype == DNS_TYPE_ANY && n->rrset_count == 0))) {
		policy_answer(r, z, n->failover, &chain->policy,
			      qtype == DNS_TYPE_AAAA ? qtype : DNS_TYPE_A, owner);
		return;
	}
	set = qtype == DNS_TYPE_ANY ? pick_any(n) : zone_node_rrset(n, qtype);
	if (set != NULL) {
		if (response_add_rrset(r, SECTION_ANSWER, owner, set) == 0 &&
		    set->type == DNS_TYPE_NS)
			add_glue(r, n, false);
		return;
	}
	cname = zone_node_rrset(n, DNS_TYPE_CNAME);
	if (cname != NULL && qtype != DNS_TYPE_ANY) {
		/* a CNAME already in the answer closes a loop: stop before repeating it */
		if (chain_visit(chain, n) &&
		    response_add_rrset(r, SECTION_ANSWER, owner, cname) == 0)
			follow_cname(r, z, &cname->rrs[0], qtype, chain);
		return;
	}
	add_negative(r, z);
}

static void answer_name(struct response *r, const struct zone *z, const struct dname_view *name,
			unsigned apex_label, const uint8_t *owner, uint16_t qtype,
			struct chain *chain)
{
	const struct zone_node *n = NULL;
	unsigned l;

	for (l = 0; l <= apex_label; l++) {
		n = zone_find(z, name->lower + name->suffix_off[l],
			      (uint8_t)(name->len - name->suffix_off[l]), name->suffix_hash[l]);
		if (n != NULL)
			break;
	}
	if (n == NULL)
		return; /* unreachable: the apex is a node */
	/* DS at a cut is the parent's data (RFC 4035 §3.1.4.1); everything else there refers. */
	if (n->cut != NULL && !(l == 0 && n->cut == n && qtype == DNS_TYPE_DS)) {
		if (r->count[SECTION_ANSWER] == 0)
			r->aa = false;
		add_referral(r, n->cut);
		return;
	}
	if (l == 0) {
		answer_node(r, z, n, owner, qtype, chain);
	} else if (n->wildcard != NULL) {
		answer_node(r, z, n->wildcard, owner, qtype, chain);
	} else {
		r->rcode = DNS_RCODE_NXDOMAIN; /* RFC 6604 §3: the last name of a chain decides */
		add_negative(r, z);
	}
}

void lookup_answer(struct response *r, const struct answer_source *src, const struct query *q,
		   struct geo_client *client)
{
	const struct zoneset *zs = src->zones;
	struct chain chain = {
		.length = 0,
		.policy = { .health = src->health,
			    .geo = zs->geo,
			    .client = client,
			    .now_ms = (int64_t)src->now_ms },
	};
	unsigned apex_label;
	struct zone *z = zoneset_find(zs, &q->qname, 0, &apex_label);

	if (z != NULL && apex_label == 0 && q->qtype == DNS_TYPE_DS && q->qname.labels > 0) {
		/* DS at the apex of a zone we serve belongs to its parent, when we serve that too. */
		unsigned parent_label;
		struct zone *parent = zoneset_find(zs, &q->qname, 1, &parent_label);

		if (parent != NULL) {
			z = parent;
			apex_label = parent_label;
		}
	}
	if (z == NULL) {
		r->rcode = DNS_RCODE_REFUSED;
		return;
	}
	r->aa = true;
	r->rrl_name = z->apex->name;
	r->has_soa_serial = true;
	r->soa_serial = zone_serial_now(z);
	answer_name(r, z, &q->qname, apex_label, NULL, q->qtype, &chain);
}
