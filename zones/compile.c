/* Compiles records read from a zone file into the immutable lookup structure of zone.h:
 * nodes in canonical order with empty non-terminals filled in, a hash table on lowercased
 * names, zone cuts, wildcards and glue resolved once here instead of on every query. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zones/load.h"
#include "zones/stanza.h"
#include "zones/validate.h"
#include "zones/zone.h"

/* One record flattened to wire form, sorted before nodes are built. */
struct flat_rr {
	uint8_t owner[DNAME_MAX_LEN]; /* lowercased */
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t name_count;
	uint16_t name_off[2];
	uint8_t *rdata; /* malloc'd */
	const ldns_rr *src;
	const char *file;
	unsigned line;
	size_t order; /* position in the source: which RR of a set came first */
};

/* RFC 3597 §4: only names in the RDATA of types RFC 1035 defined may be compressed. */
static bool type_compresses_names(uint16_t type)
{
	switch (type) {
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_MD:
	case LDNS_RR_TYPE_MF:
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_SOA:
	case LDNS_RR_TYPE_MB:
	case LDNS_RR_TYPE_MG:
	case LDNS_RR_TYPE_MR:
	case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_MINFO:
	case LDNS_RR_TYPE_MX: return true;
	default: return false;
	}
}

/* The offset of each label of a valid wire name, leftmost first; returns how many. */
static int label_offsets(const uint8_t *name, uint8_t off[DNAME_MAX_LABELS])
{
	int n = 0;

	for (unsigned pos = 0; name[pos] != 0; pos += 1u + name[pos])
		off[n++] = (uint8_t)pos;
	return n;
}

/* RFC 4034 §6.1 canonical order of two lowercased wire names: label by label from the right.
 * The sorts of a zone's records call this some 20 million times for a million names and
 * cannot stop part way (an abandoned reload waits for them), so it reads the names as they
 * are: no lowering, no hashing. */
static int canonical_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[DNAME_MAX_LABELS], ob[DNAME_MAX_LABELS];
	int i = label_offsets(a, oa) - 1, j = label_offsets(b, ob) - 1;

	for (; i >= 0 && j >= 0; i--, j--) {
		const uint8_t *la = a + oa[i], *lb = b + ob[j];
		size_t n = la[0] < lb[0] ? la[0] : lb[0];
		int c = memcmp(la + 1, lb + 1, n);

		if (c != 0)
			return c;
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	return (i >= 0) - (j >= 0);
}

static int flat_compare(const void *pa, const void *pb)
{
	const struct flat_rr *a = pa, *b = pb;
	int c = canonical_compare(a->owner, b->owner);

	if (c != 0)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->rdlen != b->rdlen)
		return a->rdlen < b->rdlen ? -1 : 1;
	return memcmp(a->rdata, b->rdata, a->rdlen);
}

static int flatten(struct flat_rr *f, const struct zone_source_rr *in, struct diag *d)
{
	const ldns_rr *rr = in->rr;
	const ldns_rdf *owner = ldns_rr_owner(rr);
	size_t rdlen = 0, pos = 0;
	bool compress = type_compresses_names(ldns_rr_get_type(rr));

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		rdlen += ldns_rdf_size(ldns_rr_rdf(rr, i));
	if (rdlen > 65535 - 512) {
		diag_add(d, in->file, in->line, "record data of %zu bytes cannot fit in a message",
			 rdlen);
		return -EINVAL;
	}
	f->rdata = malloc(rdlen ? rdlen : 1);
	if (f->rdata == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *rdf = ldns_rr_rdf(rr, i);

		if (compress && ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME && f->name_count < 2)
			f->name_off[f->name_count++] = (uint16_t)pos;
		if (ldns_rdf_size(rdf) > 0) /* an empty field ("CAA 0 issue \"\"") has no data */
			memcpy(f->rdata + pos, ldns_rdf_data(rdf), ldns_rdf_size(rdf));
		pos += ldns_rdf_size(rdf);
	}
	f->owner_len = (uint8_t)ldns_rdf_size(owner);
	dname_lower(f->owner, ldns_rdf_data(owner), f->owner_len);
	f->type = ldns_rr_get_type(rr);
	f->ttl = ldns_rr_ttl(rr);
	f->rdlen = (uint16_t)rdlen;
	f->src = rr;
	f->file = in->file;
	f->line = in->line;
	return 0;
}

/* Every distinct owner and every ancestor of it down to the apex: the ancestors that own no
 * data are the empty non-terminals that RFC 4592 §2.2.2 says exist. */
struct name_list {
	uint8_t (*names)[DNAME_MAX_LEN];
	size_t count;
	size_t cap;
};

static int names_add(struct name_list *l, const uint8_t *name, size_t len)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->names, cap * sizeof(*l->names));

		if (p == NULL)
			return -ENOMEM;
		l->names = p;
		l->cap = cap;
	}
	memcpy(l->names[l->count++], name, len);
	return 0;
}

static int name_compare(const void *a, const void *b)
{
	return canonical_compare(a, b);
}

static int collect_names(struct name_list *l, const struct flat_rr *rrs, size_t n,
			 const uint8_t *apex)
{
	unsigned apex_labels = dname_label_count(apex);

	for (size_t i = 0; i < n; i++) {
		const uint8_t *name = rrs[i].owner;
		unsigned labels = dname_label_count(name);

		if (i > 0 && rrs[i - 1].owner_len == rrs[i].owner_len &&
		    memcmp(rrs[i - 1].owner, name, rrs[i].owner_len) == 0)
			continue;
		for (;;) {
			if (names_add(l, name, dname_length(name)) < 0)
				return -ENOMEM;
			if (labels-- == apex_labels)
				break; /* also ends the walk at the root zone's apex */
			name += 1u + name[0];
		}
	}
	qsort(l->names, l->count, sizeof(*l->names), name_compare);
	return 0;
}

static void table_insert(struct zone *z, struct zone_node *n)
{
	uint32_t i = n->hash & z->table_mask;

	while (z->table[i] != NULL)
		i = (i + 1) & z->table_mask;
	z->table[i] = n;
}

static struct zone_node *find_name(const struct zone *z, const uint8_t *lower)
{
	size_t len = dname_length(lower);

	return zone_find(z, lower, (uint8_t)len, dname_hash(lower, len));
}

static int build_nodes(struct zone *z, const struct name_list *l)
{
	uint32_t size = 16;

	z->nodes = arena_alloc(&z->arena, sizeof(*z->nodes) * (l->count ? l->count : 1));
	while (size < l->count * 2)
		size *= 2;
	z->table = arena_alloc(&z->arena, sizeof(*z->table) * size);
	if (z->nodes == NULL || z->table == NULL)
		return -ENOMEM;
	z->table_mask = size - 1;
	for (size_t i = 0; i < l->count; i++) {
		struct zone_node *n = &z->nodes[z->node_count];
		size_t len = dname_length(l->names[i]);

		if (z->node_count > 0 &&
		    dname_equal(z->nodes[z->node_count - 1].lower, l->names[i]))
			continue;
		n->lower = arena_dup(&z->arena, l->names[i], len);
		if (n->lower == NULL)
			return -ENOMEM;
		n->name = n->lower; /* replaced by the zone file's spelling when it owns data */
		n->name_len = (uint8_t)len;
		n->labels = (uint8_t)dname_label_count(n->lower);
		n->hash = dname_hash(n->lower, len);
		if (n->lower[0] == 1 && n->lower[1] == '*')
			n->flags |= ZONE_NODE_WILDCARD;
		table_insert(z, n);
		z->node_count++;
	}
	z->apex = &z->nodes[0];
	z->apex->flags |= ZONE_NODE_APEX;
	return 0;
}

static struct zone_rr *encode_rrs(struct zone *z, const struct flat_rr *rrs, size_t n)
{
	struct zone_rr *out = arena_alloc(&z->arena, sizeof(*out) * n);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint8_t *w = arena_alloc(&z->arena, 10u + rrs[i].rdlen);

		if (w == NULL)
			return NULL;
		wire_put_u16(w, rrs[i].type);
		wire_put_u16(w + 2, LDNS_RR_CLASS_IN);
		/* TTL patched once the RRset's lowest TTL is known */
		wire_put_u16(w + 8, rrs[i].rdlen);
		memcpy(w + 10, rrs[i].rdata, rrs[i].rdlen);
		out[i].wire = w;
		out[i].len = (uint16_t)(10u + rrs[i].rdlen);
		out[i].name_count = rrs[i].name_count;
		memcpy(out[i].name_off, rrs[i].name_off, sizeof(out[i].name_off));
	}
	return out;
}

static void set_ttl(struct zone_rrset *set, uint32_t ttl)
{
	set->ttl = ttl;
	for (uint16_t i = 0; i < set->rr_count; i++) {
		uint8_t *w = (uint8_t *)set->rrs[i].wire;

		wire_put_u16(w + 4, (uint16_t)(ttl >> 16));
		wire_put_u16(w + 6, (uint16_t)ttl);
	}
}

/* Attaches the sorted records [first, end) of one owner to its node as RRsets. */
static int attach_rrsets(struct zone *z, struct zone_node *n, const struct flat_rr *rrs,
			 size_t count)
{
	size_t sets = 0;

	for (size_t i = 0; i < count; i++)
		if (i == 0 || rrs[i].type != rrs[i - 1].type)
			sets++;
	n->rrsets = arena_alloc(&z->arena, sizeof(*n->rrsets) * sets);
	n->name = arena_dup(&z->arena, ldns_rdf_data(ldns_rr_owner(rrs[0].src)), n->name_len);
	if (n->rrsets == NULL || n->name == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count;) {
		struct zone_rrset *set = &n->rrsets[n->rrset_count++];
		size_t j = i, first = i;
		uint32_t ttl = rrs[i].ttl;

		while (j < count && rrs[j].type == rrs[i].type) {
			if (rrs[j].ttl < ttl)
				ttl = rrs[j].ttl;
			if (rrs[j].order < rrs[first].order)
				first = j;
			j++;
		}
		set->type = rrs[i].type;
		set->rr_count = (uint16_t)(j - i);
		set->file = rrs[first].file;
		set->line = rrs[first].line;
		set->order = (uint32_t)rrs[first].order;
		set->rrs = encode_rrs(z, rrs + i, j - i);
		if (set->rrs == NULL)
			return -ENOMEM;
		set_ttl(set, ttl);
		i = j;
	}
	return 0;
}

static int attach_all(struct zone *z, const struct flat_rr *rrs, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct zone_node *node = find_name(z, rrs[i].owner);
		int rc;

		while (j < n && rrs[j].owner_len == rrs[i].owner_len &&
		       memcmp(rrs[j].owner, rrs[i].owner, rrs[i].owner_len) == 0)
			j++;
		if (node == NULL)
			return -EINVAL; /* cannot happen: every owner became a node */
		rc = attach_rrsets(z, node, rrs + i, j - i);
		if (rc < 0)
			return rc;
		i = j;
	}
	return 0;
}

static void link_nodes(struct zone *z)
{
	for (uint32_t i = 0; i < z->node_count; i++) {
		struct zone_node *n = &z->nodes[i];

		if (!(n->flags & ZONE_NODE_APEX) && zone_node_rrset(n, LDNS_RR_TYPE_NS) != NULL)
			n->flags |= ZONE_NODE_DELEGATION;
		if (n->flags & ZONE_NODE_APEX)
			continue;
		/* canonical order puts every parent before its children */
		n->parent = find_name(z, n->lower + 1 + n->lower[0]);
		if (n->parent == NULL)
			continue;
		n->cut = n->parent->cut;
		if (n->cut == NULL && (n->flags & ZONE_NODE_DELEGATION))
			n->cut = n;
		if (n->flags & ZONE_NODE_WILDCARD)
			n->parent->wildcard = n;
	}
}

static bool has_address(const struct zone_node *n)
{
	return zone_node_rrset(n, LDNS_RR_TYPE_A) || zone_node_rrset(n, LDNS_RR_TYPE_AAAA);
}

/* At each delegation, the in-zone name servers that have addresses: the glue a referral
 * carries (RFC 9471 §2: glue for in-domain name servers must be sent). At the apex, the same
 * list serves the additional section of an NS answer. */
static int resolve_glue(struct zone *z)
{
	for (uint32_t i = 0; i < z->node_count; i++) {
		struct zone_node *n = &z->nodes[i];
		const struct zone_rrset *ns = zone_node_rrset(n, LDNS_RR_TYPE_NS);

		if (!(n->flags & (ZONE_NODE_DELEGATION | ZONE_NODE_APEX)) || ns == NULL)
			continue;
		n->glue = arena_alloc(&z->arena, sizeof(*n->glue) * ns->rr_count);
		if (n->glue == NULL)
			return -ENOMEM;
		for (uint16_t r = 0; r < ns->rr_count; r++) {
			uint8_t lower[DNAME_MAX_LEN];
			const uint8_t *target = ns->rrs[r].wire + 10;
			size_t len = dname_length(target);
			struct zone_node *g;

			dname_lower(lower, target, len);
			if (!dname_is_subdomain(lower, z->apex->lower))
				continue;
			g = find_name(z, lower);
			if (g != NULL && has_address(g))
				n->glue[n->glue_count++] = g;
		}
	}
	return 0;
}

/* RFC 2308 §3: a negative answer carries the SOA with TTL min(SOA TTL, SOA MINIMUM). */
static int build_negative_soa(struct zone *z)
{
	const struct zone_rrset *soa = zone_node_rrset(z->apex, LDNS_RR_TYPE_SOA);
	const struct zone_rr *rr;
	uint32_t minimum;
	struct zone_rr *copy;

	if (soa == NULL)
		return 0; /* validation reports it */
	rr = &soa->rrs[0];
	minimum = (uint32_t)wire_get_u16(rr->wire + rr->len - 4) << 16 |
		  wire_get_u16(rr->wire + rr->len - 2);
	z->serial = (uint32_t)wire_get_u16(rr->wire + rr->len - 20) << 16 |
		    wire_get_u16(rr->wire + rr->len - 18);
	atomic_init(&z->serial_now, z->serial);
	z->soa = (struct zone_rrset *)soa;
	copy = arena_dup(&z->arena, rr, sizeof(*rr));
	if (copy == NULL || (copy->wire = arena_dup(&z->arena, rr->wire, rr->len)) == NULL)
		return -ENOMEM;
	z->negative_soa = *soa;
	z->negative_soa.rr_count = 1;
	z->negative_soa.rrs = copy;
	set_ttl(&z->negative_soa, soa->ttl < minimum ? soa->ttl : minimum);
	return 0;
}

/* Flattens, drops duplicates (RFC 2181 §5) and reports data outside the zone. */
static int flatten_all(struct flat_rr **out, size_t *count, const struct zone_source *src,
		       struct diag *d)
{
	struct flat_rr *rrs = calloc(src->count ? src->count : 1, sizeof(*rrs));
	const uint8_t *apex = ldns_rdf_data(src->origin);
	size_t n = 0, kept = 0;
	char name[DNAME_STR_MAX], zname[DNAME_STR_MAX];

	if (rrs == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < src->count; i++) {
		int rc = flatten(&rrs[n], &src->rrs[i], d);

		if (rc == -ENOMEM) {
			*out = rrs;
			*count = n;
			return rc;
		}
		if (rc < 0)
			continue;
		rrs[n].order = i;
		if (!dname_is_subdomain(rrs[n].owner, apex)) {
			diag_add(d, rrs[n].file, rrs[n].line,
				 "%s is outside the zone %s: fix the name or its $ORIGIN",
				 dname_to_str(rrs[n].owner, name, sizeof(name)),
				 dname_to_str(apex, zname, sizeof(zname)));
			free(rrs[n].rdata);
			continue;
		}
		n++;
	}
	qsort(rrs, n, sizeof(*rrs), flat_compare);
	for (size_t i = 0; i < n; i++) {
		if (kept > 0 && flat_compare(&rrs[kept - 1], &rrs[i]) == 0) {
			free(rrs[i].rdata);
			continue;
		}
		rrs[kept++] = rrs[i];
	}
	*out = rrs;
	*count = kept;
	return 0;
}

/* File names live in the zone source, which zone_load() frees: the zone keeps its own copies. */
static int intern_files(struct zone *z, const struct zone_source *src, struct flat_rr *rrs,
			size_t n)
{
	const char **copies = arena_alloc(&z->arena, sizeof(*copies) * (src->file_count + 1));

	if (copies == NULL)
		return -ENOMEM;
	for (size_t f = 0; f < src->file_count; f++) {
		copies[f] = arena_dup(&z->arena, src->files[f], strlen(src->files[f]) + 1);
		if (copies[f] == NULL)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < src->file_count; f++)
			if (rrs[i].file == src->files[f]) {
				rrs[i].file = copies[f];
				break;
			}
	z->file = src->file_count ? copies[0] : "";
	z->files = copies;
	z->file_count = src->file_count;
	return 0;
}

/* FAILOVER owners are names of the zone even with no other data; owners outside the zone are
 * reported here, as records outside it are. */
static int collect_failover_names(struct name_list *l, const struct zone_source *src,
				  const uint8_t *apex, struct diag *d)
{
	unsigned apex_labels = dname_label_count(apex);
	char name[DNAME_STR_MAX];

	for (size_t i = 0; i < src->stanza_count; i++) {
		const struct zone_source_stanza *st = &src->stanzas[i];
		uint8_t lower[DNAME_MAX_LEN];
		const uint8_t *p = lower;
		unsigned labels;

		if (st->kind != STANZA_FAILOVER || st->owner == NULL)
			continue;
		dname_lower(lower, ldns_rdf_data(st->owner), ldns_rdf_size(st->owner));
		if (!dname_is_subdomain(lower, apex)) {
			diag_add(d, st->file, st->line, "%s is outside the zone: fix the name",
				 dname_to_str(lower, name, sizeof(name)));
			continue;
		}
		for (labels = dname_label_count(lower); labels >= apex_labels; labels--) {
			if (names_add(l, p, dname_length(p)) < 0)
				return -ENOMEM;
			if (labels == 0)
				break;
			p += 1u + p[0];
		}
	}
	qsort(l->names, l->count, sizeof(*l->names), name_compare);
	return 0;
}

/* The failover stanzas, once the nodes they attach to exist: the sites first, then $GEO-NET
 * and $GEO-MAP, which name them. */
static int compile_stanzas(struct zone *z, const struct zone_source *src, struct diag *d)
{
	struct stanza_ctx c = {
		.d = d,
		.arena = &z->arena,
		.source_files = src->files,
		.zone_files = z->files,
		.file_count = z->file_count,
	};
	int rc = stanza_compile(z, src, &c);

	if (rc == 0)
		rc = geo_stanza_compile(z, src, &c);
	return rc;
}

/* The FAILOVER nodes in canonical order, once the stanzas have attached them: what every walk
 * over a zone's FAILOVER records reads instead of all its nodes. */
static int list_failovers(struct zone *z)
{
	uint32_t count = 0;

	for (uint32_t i = 0; i < z->node_count; i++)
		count += z->nodes[i].failover != NULL;
	if (count == 0)
		return 0;
	z->failovers = arena_alloc(&z->arena, sizeof(*z->failovers) * count);
	if (z->failovers == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < z->node_count; i++)
		if (z->nodes[i].failover != NULL)
			z->failovers[z->failover_count++] = &z->nodes[i];
	return 0;
}

/* An abandoned load (its deadline passed, batond stopping) ends between the phases, each one
 * pass or one sort over the records: about a second for a million names. */
static int stopped(const struct zone_source *src, struct diag *d)
{
	return diag_should_stop(d, src->file_count ? src->files[0] : "?", 0) ? d->stopped : 0;
}

static int build(struct zone *z, const struct zone_source *src, const struct flat_rr *rrs, size_t n,
		 struct diag *d)
{
	struct name_list names = { 0 };
	const uint8_t *apex = ldns_rdf_data(src->origin);
	int rc;

	dname_to_str(apex, z->name_str, sizeof(z->name_str));
	rc = names_add(&names, apex, dname_length(apex));
	if (rc == 0)
		rc = collect_names(&names, rrs, n, apex);
	if (rc == 0)
		rc = collect_failover_names(&names, src, apex, d);
	if (rc == 0)
		rc = stopped(src, d);
	if (rc == 0)
		rc = build_nodes(z, &names);
	free(names.names);
	if (rc == 0)
		rc = stopped(src, d);
	if (rc == 0)
		rc = attach_all(z, rrs, n);
	if (rc == 0)
		rc = stopped(src, d);
	if (rc == 0) {
		link_nodes(z);
		rc = resolve_glue(z);
	}
	if (rc == 0)
		rc = build_negative_soa(z);
	if (rc == 0)
		rc = compile_stanzas(z, src, d);
	if (rc == 0)
		rc = list_failovers(z);
	return rc;
}

int zone_compile(struct zone **out, const struct zone_source *src, struct diag *d)
{
	struct flat_rr *rrs = NULL;
	struct zone *z;
	size_t n = 0, errors = d->count;
	int rc;

	z = calloc(1, sizeof(*z));
	if (z == NULL)
		return -ENOMEM;
	arena_init(&z->arena);
	rc = stopped(src, d);
	if (rc == 0)
		rc = flatten_all(&rrs, &n, src, d);
	if (rc == 0)
		rc = stopped(src, d);
	if (rc == 0)
		rc = intern_files(z, src, rrs, n);
	if (rc == 0)
		rc = build(z, src, rrs, n, d);
	for (size_t i = 0; i < n; i++)
		free(rrs[i].rdata);
	free(rrs);
	if (rc == 0)
		zone_validate(z, src, d);
	if (rc == 0 && d->count > errors)
		rc = -EINVAL;
	if (rc < 0) {
		zone_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

int zone_load(struct zone **out, const char *origin, const char *path, struct diag *d)
{
	struct zone_source src;
	int rc = zone_source_read(&src, origin, path, d);

	/* Compile even after read errors, so one run reports every mistake in the file. */
	if (rc == 0 || rc == -EINVAL) {
		struct zone *z = NULL;
		int crc = src.origin ? zone_compile(&z, &src, d) : -EINVAL;

		if (rc == 0 && crc == 0)
			*out = z;
		else {
			zone_free(z);
			if (rc == 0)
				rc = crc;
		}
	}
	zone_source_fini(&src);
	return rc;
}

void zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	arena_fini(&z->arena);
	free(z);
}
