/* Site rankings for policy=geo. FAILOVER records of one zone that list the same sites share a
 * table; a table holds one ranking per distinct order that occurs (few: the sites are few) and,
 * per database location, the index of its ranking. */
#include "autoconfig.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "server/geo.h"
#include "zones/site.h"

/* Where a $GEO-NET sends the sites of one table: their indices, in the order written. */
struct geo_net_sites {
	uint16_t count; /* 0: the network names none of this table's sites */
	uint64_t mask;
	uint8_t order[SITE_LIST_MAX];
};

struct geo_table {
	const struct zone *zone;
	uint16_t site_count;
	const struct zone_site *const *sites;
	uint8_t *rankings; /* ranking_count x site_count site indices */
	uint32_t ranking_count;
	uint32_t *by_location; /* location_count + 1: the last is for an unknown location */
	struct geo_net_sites *nets; /* parallel to zone->geo_nets */
};

struct geo_index {
	struct geo_db *db;
	struct geo_table **tables;
	size_t table_count;
	const struct zone_failover **keys; /* open addressing on the record's address */
	struct geo_table **values;
	uint32_t mask;
};

static int site_index(const struct geo_table *t, const struct zone_site *site)
{
	for (uint16_t k = 0; k < t->site_count; k++)
		if (t->sites[k] == site)
			return k;
	return -1;
}

/* Most specific first: CONTINENT/COUNTRY, then COUNTRY, then CONTINENT. */
static const struct zone_geo_map *match_map(const struct zone *z, const struct geo_location *loc)
{
	const struct zone_geo_map *best = NULL;
	int best_rank = 0;

	for (uint32_t i = 0; loc != NULL && i < z->geo_map_count; i++) {
		const struct zone_geo_map *m = &z->geo_maps[i];
		bool continent = strcmp(m->continent, loc->continent) == 0;
		bool country = strcmp(m->country, loc->country) == 0;
		int rank = 0;

		if (m->continent[0] && m->country[0])
			rank = continent && country ? 3 : 0;
		else if (m->country[0])
			rank = country ? 2 : 0;
		else
			rank = continent ? 1 : 0;
		if (rank > best_rank) {
			best = m;
			best_rank = rank;
		}
	}
	return best;
}

/* The order for one location (NULL: unknown): its $GEO-MAP sites first, then the others by
 * distance, ties and unknown coordinates in the order the record lists them. */
static void rank_location(const struct geo_table *t, const struct geo_location *loc, uint8_t *out)
{
	const struct zone_geo_map *map = match_map(t->zone, loc);
	double distance[SITE_LIST_MAX];
	uint64_t used = 0;
	unsigned k = 0, first_rest;

	for (uint16_t i = 0; map != NULL && i < map->site_count; i++) {
		int idx = site_index(t, map->sites[i]);

		if (idx >= 0 && !(used & (1ull << idx))) {
			out[k++] = (uint8_t)idx;
			used |= 1ull << idx;
		}
	}
	first_rest = k;
	for (uint16_t i = 0; i < t->site_count; i++) {
		const struct zone_site *s = t->sites[i];

		distance[i] = 0;
		if (loc != NULL && loc->has_coordinates)
			distance[i] =
				geo_distance(loc->latitude, loc->longitude,
					     s->latitude * M_PI / 180, s->longitude * M_PI / 180);
		if (used & (1ull << i))
			continue;
		/* insertion keeps equal distances in list order */
		unsigned j = k++;

		while (j > first_rest && distance[out[j - 1]] > distance[i]) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = (uint8_t)i;
	}
}

static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t table_size(size_t entries)
{
	uint32_t size = 4;

	while (size < 2 * entries)
		size *= 2;
	return size;
}

/* One ranking per location, stored once per distinct order. */
static int fill_rankings(struct geo_table *t, const struct geo_db *db)
{
	uint32_t locations = db ? db->location_count : 0, n = t->site_count;
	uint32_t slots = table_size(locations + 1), *seen = calloc(slots, sizeof(*seen));
	uint8_t order[SITE_LIST_MAX];

	t->by_location = calloc(locations + 1, sizeof(*t->by_location));
	t->rankings = malloc(n);
	if (seen == NULL || t->by_location == NULL || t->rankings == NULL) {
		free(seen);
		return -ENOMEM;
	}
	for (uint32_t l = 0; l <= locations; l++) {
		uint32_t i;

		rank_location(t, l < locations ? &db->locations[l] : NULL, order);
		for (i = hash_bytes(order, n) & (slots - 1); seen[i] != 0;
		     i = (i + 1) & (slots - 1))
			if (memcmp(t->rankings + (size_t)(seen[i] - 1) * n, order, n) == 0)
				break;
		if (seen[i] == 0) {
			uint8_t *more = realloc(t->rankings, (size_t)(t->ranking_count + 1) * n);

			if (more == NULL) {
				free(seen);
				return -ENOMEM;
			}
			t->rankings = more;
			memcpy(more + (size_t)t->ranking_count * n, order, n);
			seen[i] = ++t->ranking_count;
		}
		t->by_location[l] = seen[i] - 1;
	}
	free(seen);
	return 0;
}

static int fill_nets(struct geo_table *t)
{
	const struct zone *z = t->zone;

	t->nets = calloc(z->geo_net_count + 1, sizeof(*t->nets));
	if (t->nets == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < z->geo_net_count; i++) {
		struct geo_net_sites *ns = &t->nets[i];

		for (uint16_t j = 0; j < z->geo_nets[i].site_count; j++) {
			int idx = site_index(t, z->geo_nets[i].sites[j]);

			if (idx >= 0) {
				ns->order[ns->count++] = (uint8_t)idx;
				ns->mask |= 1ull << idx;
			}
		}
	}
	return 0;
}

static void table_free(struct geo_table *t)
{
	if (t == NULL)
		return;
	free(t->rankings);
	free(t->by_location);
	free(t->nets);
	free(t);
}

static bool same_sites(const struct geo_table *t, const struct zone *z,
		       const struct zone_failover *f)
{
	return t->zone == z && t->site_count == f->site_count &&
	       memcmp(t->sites, f->sites, f->site_count * sizeof(*f->sites)) == 0;
}

static int table_for(struct geo_index *gi, const struct zone *z, const struct zone_failover *f,
		     struct geo_table **out)
{
	struct geo_table *t, **more;

	for (size_t i = gi->table_count; i > 0; i--) {
		if (gi->tables[i - 1]->zone != z)
			break; /* tables are made zone by zone */
		if (same_sites(gi->tables[i - 1], z, f)) {
			*out = gi->tables[i - 1];
			return 0;
		}
	}
	more = realloc(gi->tables, (gi->table_count + 1) * sizeof(*more));
	if (more == NULL)
		return -ENOMEM;
	gi->tables = more;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	gi->tables[gi->table_count++] = t;
	t->zone = z;
	t->site_count = f->site_count;
	t->sites = f->sites;
	if (fill_nets(t) < 0 || fill_rankings(t, gi->db) < 0)
		return -ENOMEM;
	*out = t;
	return 0;
}

static uint32_t hash_pointer(const void *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;

	return (uint32_t)((v >> 4) * 0x9e3779b97f4a7c15ull >> 32);
}

static int count_geo_records(const struct zoneset *zs)
{
	int count = 0;

	for (size_t i = 0; zs != NULL && i < zs->count; i++)
		for (uint32_t n = 0; n < zs->zones[i]->failover_count; n++)
			count += zs->zones[i]->failovers[n]->failover->policy == POLICY_GEO;
	return count;
}

static int index_records(struct geo_index *gi, const struct zoneset *zs)
{
	for (size_t i = 0; zs != NULL && i < zs->count; i++) {
		const struct zone *z = zs->zones[i];

		for (uint32_t n = 0; n < z->failover_count; n++) {
			const struct zone_failover *f = z->failovers[n]->failover;
			struct geo_table *t;
			uint32_t slot;

			if (f->policy != POLICY_GEO)
				continue;
			if (table_for(gi, z, f, &t) < 0)
				return -ENOMEM;
			for (slot = hash_pointer(f) & gi->mask; gi->keys[slot] != NULL;
			     slot = (slot + 1) & gi->mask)
				;
			gi->keys[slot] = f;
			gi->values[slot] = t;
		}
	}
	return 0;
}

int geo_index_build(struct geo_index **out, const struct zoneset *zs, struct geo_db *db)
{
	struct geo_index *gi = calloc(1, sizeof(*gi));
	uint32_t slots = table_size((size_t)count_geo_records(zs));

	if (gi == NULL)
		return -ENOMEM;
	gi->db = db;
	if (db != NULL)
		geo_db_ref(db);
	gi->mask = slots - 1;
	gi->keys = calloc(slots, sizeof(*gi->keys));
	gi->values = calloc(slots, sizeof(*gi->values));
	if (gi->keys == NULL || gi->values == NULL || index_records(gi, zs) < 0) {
		geo_index_free(gi);
		return -ENOMEM;
	}
	*out = gi;
	return 0;
}

void geo_index_free(struct geo_index *gi)
{
	if (gi == NULL)
		return;
	for (size_t i = 0; i < gi->table_count; i++)
		table_free(gi->tables[i]);
	free(gi->tables);
	free(gi->keys);
	free(gi->values);
	geo_db_unref(gi->db);
	free(gi);
}

const struct geo_db *geo_index_db(const struct geo_index *gi)
{
	return gi ? gi->db : NULL;
}

/* ---- the query path ---- */

static const struct geo_table *find_table(const struct geo_index *gi, const struct zone_failover *f)
{
	for (uint32_t i = hash_pointer(f) & gi->mask; gi->keys[i] != NULL; i = (i + 1) & gi->mask)
		if (gi->keys[i] == f)
			return gi->values[i];
	return NULL;
}

/* Leading bits `a` and `b` share, up to `bits`. */
static unsigned common_prefix(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned n = 0;

	while (n < bits) {
		uint8_t diff = a[n / 8] ^ b[n / 8];

		if (diff == 0) {
			n += 8;
			continue;
		}
		n += (unsigned)__builtin_clz((unsigned)diff) - 24;
		break;
	}
	return n < bits ? n : bits;
}

/* The most specific $GEO-NET that holds the client and names a site of `t` (-1: none), and in
 * *boundary the shortest prefix of the client that no other such network cuts into: an answer
 * holds for no wider prefix than that. */
static int match_net(const struct geo_table *t, const struct geo_client *c, unsigned *boundary)
{
	const struct zone *z = t->zone;
	int best = -1;
	unsigned family = c->ipv4 ? AF_INET : AF_INET6, bits = c->ipv4 ? 32 : 128;

	*boundary = 0;
	for (uint32_t i = 0; i < z->geo_net_count; i++) {
		const struct zone_geo_net *n = &z->geo_nets[i];
		unsigned shared;

		if (t->nets[i].count == 0 || n->family != family)
			continue;
		shared = common_prefix(c->addr, n->addr, bits);
		if (shared >= n->prefix_len) {
			if (best < 0 || n->prefix_len > z->geo_nets[best].prefix_len)
				best = (int)i;
		} else if (shared + 1 > *boundary) {
			*boundary = shared + 1;
		}
	}
	return best;
}

static unsigned max_of(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

int geo_pick(const struct geo_index *gi, const struct zone_failover *f,
	     const struct health_view *view, struct geo_client *c, uint8_t *scope_len)
{
	const struct geo_table *t = gi ? find_table(gi, f) : NULL;
	const uint8_t *ranking;
	const struct geo_net_sites *net = NULL;
	unsigned boundary = 0, net_len = 0;
	uint32_t location;
	int matched;

	*scope_len = 0;
	if (t == NULL || !c->present) {
		for (uint16_t k = 0; k < f->site_count; k++)
			if (health_site_is_usable(view, f->sites[k]->health_id))
				return k;
		return -1;
	}
	matched = match_net(t, c, &boundary);
	if (matched >= 0) {
		net = &t->nets[matched];
		net_len = t->zone->geo_nets[matched].prefix_len;
		for (uint16_t i = 0; i < net->count; i++)
			if (health_site_is_usable(view, t->sites[net->order[i]]->health_id)) {
				*scope_len = (uint8_t)max_of(net_len, boundary);
				return net->order[i];
			}
	}
	if (!c->looked_up && gi->db != NULL) {
		geo_db_lookup(gi->db, c->addr, c->ipv4, &c->where);
		c->looked_up = true;
	}
	if (c->looked_up && c->where.location != GEO_LOCATION_NONE)
		location = c->where.location;
	else
		location = gi->db ? gi->db->location_count : 0; /* the unknown location's slot */
	ranking = t->rankings + (size_t)t->by_location[location] * t->site_count;
	for (uint16_t i = 0; i < t->site_count; i++) {
		uint8_t k = ranking[i];

		if (net != NULL && (net->mask & (1ull << k)))
			continue; /* already found down above */
		if (health_site_is_usable(view, t->sites[k]->health_id)) {
			unsigned db_len = c->looked_up ? c->where.prefix_len : 0;

			*scope_len = (uint8_t)max_of(max_of(net_len, db_len), boundary);
			return k;
		}
	}
	return -1;
}
