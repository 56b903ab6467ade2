/* Compiles the failover stanzas of a zone ($CHECK, $SITE, FAILOVER) into zones/failover.h.
 * Every mistake is reported with its file and line and what to write instead; compilation goes
 * on after an error so one run reports them all. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "zones/check_spec.h"
#include "zones/site.h"
#include "zones/stanza.h"
#include "zones/stanza_args.h"

static const struct zone_check *find_check(const struct zone *z, const char *name)
{
	for (uint32_t i = 0; i < z->check_count; i++)
		if (strcmp(z->checks[i].name, name) == 0)
			return &z->checks[i];
	return NULL;
}

static void compile_checks(struct zone *z, const struct zone_source *src, struct stanza_ctx *c)
{
	for (size_t i = 0; i < src->stanza_count; i++) {
		const struct zone_source_stanza *st = &src->stanzas[i];
		struct zone_check *check = &z->checks[z->check_count];

		if (st->kind != STANZA_CHECK)
			continue;
		stanza_at(c, st->file, st->line);
		/* A check with bad parameters is still registered by name, so the sites that use
		 * it do not report it again as undefined; the zone fails anyway. */
		if (check_spec_compile(check, st->args, c) < 0 && check->name == NULL)
			continue;
		if (find_check(z, check->name) != NULL) {
			stanza_error(c,
				     "check '%s' is defined twice (first at line %u): rename one",
				     check->name, find_check(z, check->name)->line);
			continue;
		}
		z->check_count++;
	}
}

/* The site's addresses as RRsets with a zero TTL, patched per answer. */
static struct zone_rrset *address_rrset(struct arena *a, uint16_t type, const uint8_t *addrs,
					unsigned count, unsigned len)
{
	struct zone_rrset *set = arena_alloc(a, sizeof(*set));

	if (set == NULL)
		return NULL;
	set->type = type;
	set->rr_count = (uint16_t)count;
	set->rrs = arena_alloc(a, sizeof(*set->rrs) * (count ? count : 1));
	if (set->rrs == NULL)
		return NULL;
	for (unsigned i = 0; i < count; i++) {
		uint8_t *w = arena_alloc(a, 10 + len);

		if (w == NULL)
			return NULL;
		wire_put_u16(w, type);
		wire_put_u16(w + 2, LDNS_RR_CLASS_IN);
		wire_put_u16(w + 8, (uint16_t)len);
		memcpy(w + 10, addrs + i * len, len);
		set->rrs[i].wire = w;
		set->rrs[i].len = (uint16_t)(10 + len);
	}
	return set;
}

static int site_add_address(struct zone_site *site, const char *text, struct stanza_ctx *c)
{
	uint8_t buf[16];

	if (inet_pton(AF_INET, text, buf) == 1) {
		if (site->v4_count == SITE_ADDRESSES_MAX)
			return stanza_error(c, "site '%s' has more than %d IPv4 addresses",
					    site->name, SITE_ADDRESSES_MAX);
		memcpy(site->v4[site->v4_count++], buf, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, text, buf) == 1) {
		if (site->v6_count == SITE_ADDRESSES_MAX)
			return stanza_error(c, "site '%s' has more than %d IPv6 addresses",
					    site->name, SITE_ADDRESSES_MAX);
		memcpy(site->v6[site->v6_count++], buf, 16);
		return 0;
	}
	return stanza_error(c,
			    "site '%s': '%s' is neither an IPv4 nor an IPv6 address, nor a "
			    "key=value (known: check, geo, weight, region, vip)",
			    site->name, text);
}

static int site_set_checks(struct zone *z, struct zone_site *site, const char *list,
			   struct stanza_ctx *c)
{
	char *copy = strdup(list), *save = NULL;
	int rc = 0;

	if (copy == NULL)
		return -ENOMEM;
	site->checks = arena_alloc(&z->arena, sizeof(*site->checks) * (strlen(list) / 2 + 1));
	for (char *n = strtok_r(copy, ",", &save); n && site->checks;
	     n = strtok_r(NULL, ",", &save)) {
		const struct zone_check *check = find_check(z, n);

		if (check == NULL)
			rc = stanza_error(c, "site '%s' names check '%s', which no $CHECK defines",
					  site->name, n);
		else
			site->checks[site->check_count++] = check;
	}
	free(copy);
	return site->checks ? rc : -ENOMEM;
}

/* The VRRP instance (vip.conf's vrrp_instance) whose reports speak for the site: the name
 * travels in signed VIP reports, so it is bounded as they bound it. */
static int site_set_vip(struct zone *z, struct zone_site *site, const char *name,
			struct stanza_ctx *c)
{
	size_t len = strlen(name);

	if (site->vip != NULL)
		return stanza_error(c, "site '%s': vip= given twice: name one VRRP instance",
				    site->name);
	if (len == 0 || len > ZONE_SITE_VIP_MAX)
		return stanza_error(c,
				    "site '%s': vip=%s: name the vrrp_instance of vip.conf "
				    "(1 to %d characters)",
				    site->name, name, ZONE_SITE_VIP_MAX);
	site->vip = arena_dup(&z->arena, name, len + 1);
	return site->vip ? 0 : -ENOMEM;
}

static int site_param(struct zone *z, struct zone_site *site, const char *key, const char *value,
		      struct stanza_ctx *c)
{
	if (strcmp(key, "check") == 0)
		return site_set_checks(z, site, value, c);
	if (strcmp(key, "geo") == 0) {
		site->has_geo = true;
		return stanza_parse_geo(value, &site->latitude, &site->longitude, c);
	}
	if (strcmp(key, "weight") == 0)
		return stanza_parse_uint(value, 1, 1000000, &site->weight, "weight", c);
	if (strcmp(key, "region") == 0) {
		site->region = arena_dup(&z->arena, value, strlen(value) + 1);
		return site->region ? 0 : -ENOMEM;
	}
	if (strcmp(key, "vip") == 0)
		return site_set_vip(z, site, value, c);
	return stanza_error(
		c, "site '%s': unknown parameter '%s' (known: check, geo, weight, region, vip)",
		site->name, key);
}

static int compile_site(struct zone *z, struct zone_site *site, const char *args,
			struct stanza_ctx *c)
{
	struct stanza_args a;
	int rc = stanza_args_split(&a, args, c);

	if (rc < 0)
		return rc;
	site->weight = 1;
	site->file = c->file;
	site->line = c->line;
	if (a.count == 0 || a.keys[0] != NULL || !stanza_is_identifier(a.values[0])) {
		rc = stanza_error(c, "$SITE needs a name first (letters, digits, '-', '_'): "
				     "$SITE fra 192.0.2.10 check=web");
		goto out;
	}
	site->name = arena_dup(&z->arena, a.values[0], strlen(a.values[0]) + 1);
	for (size_t i = 1; i < a.count && site->name; i++) {
		int err = a.keys[i] ? site_param(z, site, a.keys[i], a.values[i], c)
				    : site_add_address(site, a.values[i], c);

		if (err < 0 && rc == 0)
			rc = err;
	}
	if (site->name != NULL && site->v4_count + site->v6_count == 0)
		rc = stanza_error(c,
				  "site '%s' has no address: list its IPv4 and IPv6 addresses "
				  "after the name",
				  site->name);
	site->a = address_rrset(&z->arena, LDNS_RR_TYPE_A, site->v4[0], site->v4_count, 4);
	site->aaaa = address_rrset(&z->arena, LDNS_RR_TYPE_AAAA, site->v6[0], site->v6_count, 16);
	if (site->name == NULL || site->a == NULL || site->aaaa == NULL)
		rc = -ENOMEM;
out:
	stanza_args_free(&a);
	return rc;
}

static void compile_sites(struct zone *z, const struct zone_source *src, struct stanza_ctx *c)
{
	for (size_t i = 0; i < src->stanza_count; i++) {
		const struct zone_source_stanza *st = &src->stanzas[i];
		struct zone_site *site = &z->sites[z->site_count];
		const struct zone_site *twin;

		if (st->kind != STANZA_SITE)
			continue;
		stanza_at(c, st->file, st->line);
		if (compile_site(z, site, st->args, c) < 0 && site->name == NULL)
			continue;
		twin = site_find(z, site->name);
		if (twin != NULL) {
			stanza_error(c, "site '%s' is defined twice (first at line %u): rename one",
				     site->name, twin->line);
			continue;
		}
		z->site_count++;
	}
}

static int failover_param(struct zone *z, struct zone_failover *f, const char *key,
			  const char *value, struct stanza_ctx *c)
{
	static const char *const policies[] = { "order", "weighted", "all", "geo", NULL };
	static const char *const fallbacks[] = { "all", "servfail", "none", NULL };

	if (strcmp(key, "policy") == 0) {
		int p = stanza_parse_choice(value, policies, "policy", c);

		f->policy = p < 0 ? POLICY_ORDER : (enum failover_policy)p;
		return p < 0 ? p : 0;
	}
	if (strcmp(key, "sites") == 0)
		return site_list_parse(z, value, &f->sites, &f->site_count, "FAILOVER", c);
	if (strcmp(key, "fallback") == 0) {
		for (int i = 0; fallbacks[i]; i++)
			if (strcmp(value, fallbacks[i]) == 0) {
				f->fallback = (enum failover_fallback)i;
				return 0;
			}
		f->fallback = FALLBACK_SITE;
		f->fallback_site = site_find(z, value);
		if (f->fallback_site == NULL)
			return stanza_error(c,
					    "fallback=%s is neither all, servfail, none nor a site "
					    "defined by $SITE",
					    value);
		return 0;
	}
	if (strcmp(key, "ttl-min") == 0)
		return stanza_parse_uint(value, 0, INT32_MAX, &f->ttl_min_s, "ttl-min", c);
	return stanza_error(c,
			    "FAILOVER: unknown parameter '%s' (known: policy, sites, fallback, "
			    "ttl-min)",
			    key);
}

static int compile_failover(struct zone *z, struct zone_failover *f,
			    const struct zone_source_stanza *st, struct stanza_ctx *c)
{
	struct stanza_args a;
	bool has_ttl_min = false;
	int rc = stanza_args_split(&a, st->args, c);

	if (rc < 0)
		return rc;
	f->file = c->file;
	f->line = c->line;
	f->ttl_max_s = st->ttl;
	for (size_t i = 0; i < a.count; i++) {
		int err;

		if (a.keys[i] == NULL) {
			err = stanza_error(c,
					   "FAILOVER: '%s' is not key=value (policy=order "
					   "sites=fra,iad fallback=all)",
					   a.values[i]);
		} else {
			has_ttl_min |= strcmp(a.keys[i], "ttl-min") == 0;
			err = failover_param(z, f, a.keys[i], a.values[i], c);
		}
		if (err < 0 && rc == 0)
			rc = err;
	}
	stanza_args_free(&a);
	if (f->site_count == 0 && rc == 0)
		rc = stanza_error(c, "FAILOVER needs sites=: the sites it chooses from, in order");
	f->answers = arena_alloc(&z->arena, sizeof(*f->answers) * (f->site_count + 1u));
	if (f->answers == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i <= f->site_count; i++)
		atomic_init(&f->answers[i], 0);
	if (!has_ttl_min)
		f->ttl_min_s = f->ttl_max_s / 2; /* gdnsd's default */
	else if (f->ttl_min_s > f->ttl_max_s && rc == 0)
		rc = stanza_error(c, "ttl-min=%u is above the record's TTL %u: lower it",
				  f->ttl_min_s, f->ttl_max_s);
	for (uint16_t i = 0; rc == 0 && f->policy == POLICY_GEO && i < f->site_count; i++)
		if (!f->sites[i]->has_geo)
			rc = stanza_error(c,
					  "policy=geo needs every site to have geo=LAT,LON; "
					  "site '%s' has none",
					  f->sites[i]->name);
	return rc;
}

static struct zone_node *owner_node(const struct zone *z, const ldns_rdf *owner)
{
	uint8_t lower[DNAME_MAX_LEN];
	size_t len = ldns_rdf_size(owner);

	dname_lower(lower, ldns_rdf_data(owner), len);
	return zone_find(z, lower, (uint8_t)len, dname_hash(lower, len));
}

static void compile_failovers(struct zone *z, const struct zone_source *src, struct stanza_ctx *c)
{
	for (size_t i = 0; i < src->stanza_count; i++) {
		const struct zone_source_stanza *st = &src->stanzas[i];
		struct zone_failover *f;
		struct zone_node *n;

		if (st->kind != STANZA_FAILOVER || st->owner == NULL)
			continue;
		stanza_at(c, st->file, st->line);
		n = owner_node(z, st->owner);
		if (n == NULL)
			continue; /* outside the zone: compile.c reported it */
		if (n->failover != NULL) {
			stanza_error(c,
				     "a second FAILOVER at this name (first at line %u): keep one",
				     n->failover->line);
			continue;
		}
		f = arena_alloc(&z->arena, sizeof(*f));
		if (f == NULL) {
			c->out_of_memory = true;
			return;
		}
		/* attached even with errors, so validation still reports its neighbours */
		compile_failover(z, f, st, c);
		n->failover = f;
	}
}

int stanza_compile(struct zone *z, const struct zone_source *src, struct stanza_ctx *c)
{
	size_t checks = 0, sites = 0;

	for (size_t i = 0; i < src->stanza_count; i++) {
		checks += src->stanzas[i].kind == STANZA_CHECK;
		sites += src->stanzas[i].kind == STANZA_SITE;
	}
	z->checks = arena_alloc(&z->arena, sizeof(*z->checks) * (checks + 1));
	z->sites = arena_alloc(&z->arena, sizeof(*z->sites) * (sites + 1));
	if (z->checks == NULL || z->sites == NULL)
		return -ENOMEM;
	compile_checks(z, src, c);
	compile_sites(z, src, c);
	compile_failovers(z, src, c);
	return c->out_of_memory ? -ENOMEM : 0;
}
