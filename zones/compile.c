/* Compiles records read from a zone file into the immutable lookup structure of zone.h:
 * nodes in canonical order with empty non-terminals filled in, a hash table on lowercased
 * names, zone cuts, wildcards and glue resolved once here instead of on every query. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zones/load.h"
#include "zones/name_set.h"
#include "zones/stanza.h"
#include "zones/validate.h"
#include "zones/zone.h"

/* One record to place, sorted by node, type and data before RRsets are built. */
struct flat_rr {
	const struct zone_source_rr *rr;
	uint32_t node; /* a name_set id, then the node's index once the names are ordered */
	uint32_t order; /* position in the source: which RR of a set came first */
};

static int flat_compare(const void *pa, const void *pb)
{
	const struct flat_rr *a = pa, *b = pb;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	if (a->rr->type != b->rr->type)
		return a->rr->type < b->rr->type ? -1 : 1;
	if (a->rr->rdlen != b->rr->rdlen)
		return a->rr->rdlen < b->rr->rdlen ? -1 : 1;
	return memcmp(a->rr->rdata, b->rr->rdata, a->rr->rdlen);
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

/* The nodes in canonical order, each name's parent set: it comes before its children. */
static int build_nodes(struct zone *z, const struct name_set *names, const uint32_t *order)
{
	uint32_t size = 16;

	z->nodes = arena_alloc(&z->arena, sizeof(*z->nodes) * names->count);
	while (size < names->count * 2)
		size *= 2;
	z->table = arena_alloc(&z->arena, sizeof(*z->table) * size);
	if (z->nodes == NULL || z->table == NULL)
		return -ENOMEM;
	z->table_mask = size - 1;
	for (uint32_t i = 0; i < names->count; i++) {
		const struct name_set_entry *e = &names->names[order[i]];
		struct zone_node *n = &z->nodes[i];

		n->lower = e->lower;
		n->name = n->lower; /* replaced by the zone file's spelling when it differs */
		n->name_len = e->len;
		n->labels = e->labels;
		n->hash = e->hash;
		if (e->parent != NAME_SET_NONE)
			n->parent = &z->nodes[names->names[e->parent].rank];
		if (n->lower[0] == 1 && n->lower[1] == '*')
			n->flags |= ZONE_NODE_WILDCARD;
		table_insert(z, n);
	}
	z->node_count = names->count;
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
		const struct zone_source_rr *rr = rrs[i].rr;
		uint8_t *w = arena_alloc_bytes(&z->arena, 10u + rr->rdlen);

		if (w == NULL)
			return NULL;
		wire_put_u16(w, rr->type);
		wire_put_u16(w + 2, LDNS_RR_CLASS_IN);
		/* TTL patched once the RRset's lowest TTL is known */
		wire_put_u16(w + 8, (uint16_t)rr->rdlen);
		memcpy(w + 10, rr->rdata, rr->rdlen);
		out[i].wire = w;
		out[i].len = (uint16_t)(10u + rr->rdlen);
		out[i].name_count = rr->name_count;
		memcpy(out[i].name_off, rr->name_off, sizeof(out[i].name_off));
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

/* The zone's copy of a file name the source points to (intern_files() made them). */
static const char *zone_file(const struct zone *z, const struct zone_source *src, const char *file)
{
	for (size_t f = 0; f < src->file_count; f++)
		if (src->files[f] == file)
			return z->files[f];
	return file;
}

/* The owner as the zone file wrote it: shares the lowercased bytes when they are the same. */
static const uint8_t *spelling(struct zone *z, const struct zone_node *n, const uint8_t *owner)
{
	if (memcmp(owner, n->lower, n->name_len) == 0)
		return n->lower;
	return arena_dup_bytes(&z->arena, owner, n->name_len);
}

/* Attaches the sorted records of one owner to its node as RRsets. */
static int attach_rrsets(struct zone *z, const struct zone_source *src, struct zone_node *n,
			 const struct flat_rr *rrs, size_t count)
{
	size_t sets = 0;

	for (size_t i = 0; i < count; i++)
		if (i == 0 || rrs[i].rr->type != rrs[i - 1].rr->type)
			sets++;
	n->rrsets = arena_alloc(&z->arena, sizeof(*n->rrsets) * sets);
	n->name = spelling(z, n, rrs[0].rr->owner);
	if (n->rrsets == NULL || n->name == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count;) {
		struct zone_rrset *set = &n->rrsets[n->rrset_count++];
		size_t j = i, first = i;
		uint32_t ttl = rrs[i].rr->ttl;

		while (j < count && rrs[j].rr->type == rrs[i].rr->type) {
			if (rrs[j].rr->ttl < ttl)
				ttl = rrs[j].rr->ttl;
			if (rrs[j].order < rrs[first].order)
				first = j;
			j++;
		}
		set->type = rrs[i].rr->type;
		set->rr_count = (uint16_t)(j - i);
		set->file = zone_file(z, src, rrs[first].rr->file);
		set->line = rrs[first].rr->line;
		set->order = rrs[first].order;
		set->rrs = encode_rrs(z, rrs + i, j - i);
		if (set->rrs == NULL)
			return -ENOMEM;
		set_ttl(set, ttl);
		i = j;
	}
	return 0;
}

static int attach_all(struct zone *z, const struct zone_source *src, const struct flat_rr *rrs,
		      size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int rc;

		while (j < n && rrs[j].node == rrs[i].node)
			j++;
		rc = attach_rrsets(z, src, &z->nodes[rrs[i].node], rrs + i, j - i);
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
		/* canonical order puts every parent (build_nodes() set it) before its children */
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

/* Every record's owner into the name set, reporting data outside the zone and data too long
 * to send; the records that stay go to *out in source order. */
static int flatten_all(struct flat_rr **out, size_t *count, const struct zone_source *src,
		       struct name_set *names, struct diag *d)
{
	struct flat_rr *rrs = malloc((src->count ? src->count : 1) * sizeof(*rrs));
	const uint8_t *apex = ldns_rdf_data(src->origin), *prev = NULL;
	char name[DNAME_STR_MAX], zname[DNAME_STR_MAX];
	uint32_t id = 0;
	size_t n = 0;

	*out = rrs;
	*count = 0;
	if (rrs == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < src->count; i++) {
		const struct zone_source_rr *rr = &src->rrs[i];
		uint8_t lower[DNAME_MAX_LEN];

		if (rr->rdlen > 65535 - 512) {
			diag_add(d, rr->file, rr->line,
				 "record data of %u bytes cannot fit in a message", rr->rdlen);
			continue;
		}
		/* records in a row with one owner share its bytes (zone_source_rr) */
		if (rr->owner != prev && !dname_is_subdomain(rr->owner, apex)) {
			dname_lower(lower, rr->owner, rr->owner_len);
			diag_add(d, rr->file, rr->line,
				 "%s is outside the zone %s: fix the name or its $ORIGIN",
				 dname_to_str(lower, name, sizeof(name)),
				 dname_to_str(apex, zname, sizeof(zname)));
			continue;
		}
		if (rr->owner != prev) {
			int rc = name_set_add(names, rr->owner, &id);

			if (rc < 0)
				return rc;
			prev = rr->owner;
		}
		rrs[n++] = (struct flat_rr){ rr, id, (uint32_t)i };
	}
	*count = n;
	return 0;
}

/* Once the names are in order: each record's node, then the records sorted by node, type and
 * data, duplicates dropped (RFC 2181 §5). */
static void sort_records(struct flat_rr *rrs, size_t *count, const struct name_set *names)
{
	size_t kept = 0;

	for (size_t i = 0; i < *count; i++)
		rrs[i].node = names->names[rrs[i].node].rank;
	qsort(rrs, *count, sizeof(*rrs), flat_compare);
	for (size_t i = 0; i < *count; i++)
		if (kept == 0 || flat_compare(&rrs[kept - 1], &rrs[i]) != 0)
			rrs[kept++] = rrs[i];
	*count = kept;
}

/* File names live in the zone source, which zone_load() frees: the zone keeps its own copies. */
static int intern_files(struct zone *z, const struct zone_source *src)
{
	const char **copies = arena_alloc(&z->arena, sizeof(*copies) * (src->file_count + 1));

	if (copies == NULL)
		return -ENOMEM;
	for (size_t f = 0; f < src->file_count; f++) {
		copies[f] = arena_dup(&z->arena, src->files[f], strlen(src->files[f]) + 1);
		if (copies[f] == NULL)
			return -ENOMEM;
	}
	z->file = src->file_count ? copies[0] : "";
	z->files = copies;
	z->file_count = src->file_count;
	return 0;
}

/* FAILOVER owners are names of the zone even with no other data; owners outside the zone are
 * reported here, as records outside it are. */
static int collect_failover_names(struct name_set *names, const struct zone_source *src,
				  const uint8_t *apex, struct diag *d)
{
	char name[DNAME_STR_MAX];

	for (size_t i = 0; i < src->stanza_count; i++) {
		const struct zone_source_stanza *st = &src->stanzas[i];
		uint8_t lower[DNAME_MAX_LEN];
		uint32_t id;

		if (st->kind != STANZA_FAILOVER || st->owner == NULL)
			continue;
		dname_lower(lower, ldns_rdf_data(st->owner), ldns_rdf_size(st->owner));
		if (!dname_is_subdomain(lower, apex)) {
			diag_add(d, st->file, st->line, "%s is outside the zone: fix the name",
				 dname_to_str(lower, name, sizeof(name)));
			continue;
		}
		if (name_set_add(names, lower, &id) < 0)
			return -ENOMEM;
	}
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

/* The nodes, then the records on them; the names' set is freed before the records are sorted,
 * so that the peak stays near the zone's own size. */
static int build(struct zone *z, const struct zone_source *src, struct name_set *names,
		 struct flat_rr *rrs, size_t n, struct diag *d)
{
	uint32_t *order = malloc((size_t)names->count * sizeof(*order));
	int rc = order ? name_set_order(names, order) : -ENOMEM;

	dname_to_str(ldns_rdf_data(src->origin), z->name_str, sizeof(z->name_str));
	if (rc == 0)
		rc = build_nodes(z, names, order);
	free(order);
	if (rc == 0)
		sort_records(rrs, &n, names);
	name_set_fini(names);
	if (rc == 0)
		rc = stopped(src, d);
	if (rc == 0)
		rc = attach_all(z, src, rrs, n);
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

/* Reads every owner into a set of names, then builds: the phases between which an abandoned
 * load stops. */
static int compile_into(struct zone *z, const struct zone_source *src, struct diag *d)
{
	const uint8_t *apex = ldns_rdf_data(src->origin);
	struct name_set names;
	struct flat_rr *rrs = NULL;
	size_t n = 0;
	int rc = stopped(src, d);

	if (rc == 0)
		rc = intern_files(z, src);
	if (rc == 0)
		rc = name_set_init(&names, &z->arena, apex, src->count + src->stanza_count);
	else
		memset(&names, 0, sizeof(names));
	if (rc == 0)
		rc = flatten_all(&rrs, &n, src, &names, d);
	if (rc == 0)
		rc = collect_failover_names(&names, src, apex, d);
	if (rc == 0)
		rc = stopped(src, d);
	if (rc == 0)
		rc = build(z, src, &names, rrs, n, d);
	name_set_fini(&names);
	free(rrs);
	return rc;
}

int zone_compile(struct zone **out, const struct zone_source *src, struct diag *d)
{
	size_t errors = d->count;
	struct zone *z = calloc(1, sizeof(*z));
	int rc;

	if (z == NULL)
		return -ENOMEM;
	arena_init(&z->arena);
	rc = compile_into(z, src, d);
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
