/* The answer algorithm of RFC 1034 §4.3.2 with its amendments. Empty non-terminals exist as
 * nodes, so the closest encloser of a name is simply its longest suffix that is a node, and a
 * wildcard applies only below it (RFC 4592 §3.3.1). A zone holds no names below a DNAME
 * (zones/validate.c refuses them, as NSD does), so a closest encloser strictly above the
 * name that owns a DNAME is the one DNAME that redirects it (RFC 6672 §3.1). */
#include "autoconfig.h"

#include <string.h>

#include "server/lookup.h"
#include "server/policy.h"
#include "zones/dnssec.h"

/* Longer chains are almost certainly mistakes; resolvers give up well before this. */
#define CNAME_CHAIN_MAX 12
/* NSECs one answer may need: two per name of the chain (RFC 4035 §3.1.3) */
#define PROOF_MAX (2 * CNAME_CHAIN_MAX + 2)

/* An NSEC RRset to send in the authority section, for a query with DO=1 to a signed zone. */
struct proof {
	const uint8_t *owner;
	const struct zone_rrset *nsec;
	uint32_t ttl;
};

/* Per-query state of the walk: the CNAME and DNAME nodes met so far, the names a DNAME
 * redirected (each the lowercased name of a dname_view in a frame still on the stack), and
 * what FAILOVER answers from. */
struct chain {
	const struct zone_node *seen[CNAME_CHAIN_MAX];
	unsigned length;
	const uint8_t *synthesized[CNAME_CHAIN_MAX];
	unsigned synthesized_count;
	struct policy_context policy;
	/* The NSECs the answer needs, sent once the answer section is complete (they go in
	 * the authority section, which a CNAME chain's later answers must precede). */
	struct proof proofs[PROOF_MAX];
	unsigned proof_count, proofs_sent;
	bool dnssec; /* DO=1 and the zone is signed */
};

static void want_nsec(struct chain *c, const struct zone_node *n, const struct zone_rrset *nsec,
		      uint32_t ttl)
{
	if (!c->dnssec || n == NULL || nsec == NULL)
		return;
	for (unsigned i = 0; i < c->proof_count; i++)
		if (c->proofs[i].nsec == nsec)
			return;
	if (c->proof_count < PROOF_MAX)
		c->proofs[c->proof_count++] = (struct proof){ n->name, nsec, ttl };
}

/* The NSEC that matches or covers the lowercased `lower` (RFC 4035 §3.1.3). */
static void want_cover(struct chain *c, const struct zone *z, const uint8_t *lower)
{
	const struct zone_node *n;

	if (!c->dnssec)
		return;
	n = dnssec_nsec_for(z, lower);
	want_nsec(c, n, n != NULL ? n->nsec : NULL, RESPONSE_TTL_AS_IS);
}

static void send_proofs(struct response *r, struct chain *c)
{
	for (; c->proofs_sent < c->proof_count; c->proofs_sent++) {
		const struct proof *p = &c->proofs[c->proofs_sent];

		if (response_add_rrset_ttl(r, SECTION_AUTHORITY, p->owner, p->nsec, p->ttl) < 0)
			return;
	}
}

static void answer_name(struct response *r, const struct zone *z, const struct dname_view *name,
			unsigned apex_label, const uint8_t *owner, uint16_t qtype,
			struct chain *chain);

static void add_negative(struct response *r, const struct zone *z)
{
	response_add_rrset(r, SECTION_AUTHORITY, z->apex->name, &z->negative_soa);
}

/* Addresses of the in-zone name servers of `n`. In a referral they are required glue and a miss
 * sets TC (RFC 9471 §3); beside an NS answer they are a courtesy, as NSD sends them. */
static void add_glue(struct response *r, const struct zone_node *n, bool required,
		     struct chain *chain)
{
	static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA };

	send_proofs(r, chain); /* the authority section ends where the additional starts */

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

/* RFC 1034 §4.3.2 step 3b: a referral to the cut, with glue; signed, its DS or the NSEC that
 * proves there is none (RFC 4035 §3.1.4). */
static void add_referral(struct response *r, const struct zone_node *cut, struct chain *chain)
{
	const struct zone_rrset *ns = zone_node_rrset(cut, DNS_TYPE_NS);
	const struct zone_rrset *ds = zone_node_rrset(cut, DNS_TYPE_DS);

	r->rrl_name = cut->name;
	if (ns == NULL || response_add_rrset(r, SECTION_AUTHORITY, cut->name, ns) < 0)
		return;
	if (chain->dnssec && ds != NULL) {
		if (response_add_rrset(r, SECTION_AUTHORITY, cut->name, ds) < 0)
			return;
	} else {
		want_nsec(chain, cut, cut->nsec, RESPONSE_TTL_AS_IS);
	}
	add_glue(r, cut, true, chain);
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

static bool chain_has_seen(const struct chain *c, const struct zone_node *n)
{
	for (unsigned i = 0; i < c->length; i++)
		if (c->seen[i] == n)
			return true;
	return false;
}

static bool chain_visit(struct chain *c, const struct zone_node *n)
{
	if (chain_has_seen(c, n) || c->length == CNAME_CHAIN_MAX)
		return false;
	c->seen[c->length++] = n;
	return true;
}

/* Records that `lower` is redirected by a DNAME; false when it was already (a loop: the
 * CNAME it gives is in the answer) or the chain is at its limit. */
static bool chain_synthesize(struct chain *c, const uint8_t *lower)
{
	for (unsigned i = 0; i < c->synthesized_count; i++)
		if (dname_equal(c->synthesized[i], lower))
			return false;
	if (c->synthesized_count == CNAME_CHAIN_MAX)
		return false;
	c->synthesized[c->synthesized_count++] = lower;
	return true;
}

/* Step 3a's restart with the CNAME's target, inside the same zone only: data elsewhere is the
 * resolver's to find. The CNAME may be synthesized: its target then lives in the caller's
 * frame, which outlives this restart. */
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

/* NODATA at `n`: the NSEC there, or for an empty non-terminal the one covering it. */
static void add_nodata(struct response *r, const struct zone *z, const struct zone_node *n,
		       struct chain *chain)
{
	add_negative(r, z);
	if (n->nsec_at != NULL)
		want_nsec(chain, n->nsec_at, n->nsec_at->nsec, RESPONSE_TTL_AS_IS);
}

static void answer_failover(struct response *r, const struct zone *z, const struct zone_node *n,
			    const uint8_t *owner, uint16_t qtype, struct chain *chain)
{
	const struct zone_failover_signed *s = n->failover->signed_sets;
	uint16_t answers = r->count[SECTION_ANSWER], authority = r->count[SECTION_AUTHORITY];

	policy_answer(r, z, n->failover, &chain->policy, qtype, owner);
	/* NODATA because the sites picked have no address of this family: the NSEC that says
	 * so, not the chain's, which lists the types any site has */
	if (s != NULL && r->rcode == DNS_RCODE_NOERROR && r->count[SECTION_ANSWER] == answers &&
	    r->count[SECTION_AUTHORITY] > authority)
		want_nsec(chain, n, s->nsec_nodata[qtype == DNS_TYPE_AAAA], RESPONSE_TTL_AS_IS);
}

/* Answers from the node that matched: exactly (`wild` NULL), or as the wildcard source of
 * synthesis for the name `wild`. */
static void answer_node(struct response *r, const struct zone *z, const struct zone_node *n,
			const struct dname_view *wild, const uint8_t *owner, uint16_t qtype,
			struct chain *chain)
{
	const struct zone_rrset *set, *cname;

	/* RFC 4035 §3.1.3.3: an answer from a wildcard proves that no closer name exists */
	if (wild != NULL)
		want_cover(chain, z, wild->lower);
	if (n->failover != NULL && (qtype == DNS_TYPE_A || qtype == DNS_TYPE_AAAA ||
				    (qtype == DNS_TYPE_ANY && n->rrset_count == 0))) {
		answer_failover(r, z, n, owner, qtype == DNS_TYPE_AAAA ? qtype : DNS_TYPE_A, chain);
		return;
	}
	if (qtype == DNS_TYPE_ANY)
		set = pick_any(n);
	else if (qtype == DNS_TYPE_NSEC && chain->dnssec)
		set = n->nsec;
	else
		set = zone_node_rrset(n, qtype);
	if (set != NULL) {
		if (response_add_rrset(r, SECTION_ANSWER, owner, set) == 0 &&
		    set->type == DNS_TYPE_NS)
			add_glue(r, n, false, chain);
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
	add_nodata(r, z, n, chain);
}

/* RFC 6672 §3.1 step 3c: `name` is `prefix` bytes of labels below the DNAME at `n`. Answers
 * with the DNAME, a CNAME from `owner` to the name with the DNAME's owner replaced by its
 * target, and, as for any CNAME, the target's answer. The CNAME has the DNAME's TTL (§3.1) and
 * is written from `rr`, in this frame: no allocation, and it lives as long as the chain
 * behind it. NSD's loop rules, so both servers stop at the same record: a DNAME met again is
 * not repeated, and stops the chain when it redirects into its own subtree; a name
 * redirected again stops it. */
static void answer_dname(struct response *r, const struct zone *z, const struct zone_node *n,
			 const struct dname_view *name, size_t prefix, const uint8_t *owner,
			 uint16_t qtype, struct chain *chain)
{
	const struct zone_rrset *dname = zone_node_rrset(n, DNS_TYPE_DNAME);
	const uint8_t *target = dname->rrs[0].wire + DNS_RR_FIXED_LEN;
	size_t target_len = dname_length(target);
	uint8_t rr_wire[DNS_RR_FIXED_LEN + DNAME_MAX_LEN];
	struct zone_rr rr = { .wire = rr_wire, .name_count = 1, .name_off = { 0 } };
	struct zone_rrset cname = { .type = DNS_TYPE_CNAME, .rr_count = 1, .rrs = &rr };

	if (!chain_has_seen(chain, n)) {
		if (!chain_visit(chain, n) ||
		    response_add_rrset(r, SECTION_ANSWER, n->name, dname) < 0)
			return;
	} else if (dname_is_subdomain(target, n->name)) {
		return;
	}
	if (prefix + target_len > DNAME_MAX_LEN) {
		r->rcode = DNS_RCODE_YXDOMAIN; /* RFC 6672 §2.2 */
		/* NSD 4.6's words, so that the two read alike */
		response_set_ede(r, EDE_OTHER, "DNAME expansion became too large");
		return;
	}
	if (!chain_synthesize(chain, name->lower))
		return;
	/* the prefix lowercased, as NSD writes it */
	wire_put_u16(rr_wire, DNS_TYPE_CNAME);
	wire_put_u16(rr_wire + 2, DNS_CLASS_IN);
	wire_put_u16(rr_wire + DNS_RR_TTL, (uint16_t)(dname->ttl >> 16));
	wire_put_u16(rr_wire + DNS_RR_TTL + 2, (uint16_t)dname->ttl);
	wire_put_u16(rr_wire + DNS_RR_RDLENGTH, (uint16_t)(prefix + target_len));
	memcpy(rr_wire + DNS_RR_FIXED_LEN, name->lower, prefix);
	memcpy(rr_wire + DNS_RR_FIXED_LEN + prefix, target, target_len);
	rr.len = (uint16_t)(DNS_RR_FIXED_LEN + prefix + target_len);
	cname.ttl = dname->ttl;
	if (response_add_rrset(r, SECTION_ANSWER, owner, &cname) < 0)
		return;
	/* the synthesized CNAME is the answer to a CNAME query, as NSD and BIND answer */
	if (qtype != DNS_TYPE_CNAME)
		follow_cname(r, z, &rr, qtype, chain);
}

/* RFC 4035 §3.1.3.2: NSECs that `name` does not exist and that no wildcard at its closest
 * encloser `ce` could have made it. */
static void add_nxdomain_proof(const struct zone *z, const struct zone_node *ce,
			       const struct dname_view *name, struct chain *chain)
{
	uint8_t wild[DNAME_MAX_LEN];

	if (!chain->dnssec)
		return;
	want_cover(chain, z, name->lower);
	/* `name` has a label more than `ce`: "*." fits where it is */
	wild[0] = 1;
	wild[1] = '*';
	memcpy(wild + 2, ce->lower, ce->name_len);
	want_cover(chain, z, wild);
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
		add_referral(r, n->cut, chain);
		return;
	}
	if (l == 0) {
		answer_node(r, z, n, NULL, owner, qtype, chain);
	} else if (zone_node_rrset(n, DNS_TYPE_DNAME) != NULL) {
		answer_dname(r, z, n, name, name->suffix_off[l], owner, qtype, chain);
	} else if (n->wildcard != NULL) {
		answer_node(r, z, n->wildcard, name, owner, qtype, chain);
	} else {
		r->rcode = DNS_RCODE_NXDOMAIN; /* RFC 6604 §3: the last name of a chain decides */
		add_negative(r, z);
		add_nxdomain_proof(z, n, name, chain);
	}
}

void lookup_answer(struct response *r, const struct answer_source *src, const struct query *q,
		   struct geo_client *client)
{
	const struct zoneset *zs = src->zones;
	struct chain chain = {
		.length = 0,
		.synthesized_count = 0,
		.proof_count = 0,
		.proofs_sent = 0,
		.dnssec = false,
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
	chain.dnssec = r->edns_do && z->dnssec;
	/* the exported serial (server/export.c); a signed zone's SOA keeps the serial its RRSIG
	 * covers (batond.conf refuses transfers of a signed zone until they are signed too) */
	r->has_soa_serial = !z->dnssec;
	r->soa_serial = zone_serial_now(z);
	answer_name(r, z, &q->qname, apex_label, NULL, q->qtype, &chain);
	send_proofs(r, &chain);
}
