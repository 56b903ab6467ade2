/* Compiles the overrides of policy=geo: `$GEO-NET 203.0.113.0/24 sin` (a client network prefers
 * these sites) and `$GEO-MAP EU fra,iad` (a continent, a country, or CONTINENT/COUNTRY as gdnsd
 * writes it). Continent codes are MaxMind's; a bare two-letter code that is also a continent
 * (AS, NA, SA: American Samoa, Namibia, Saudi Arabia) means the continent, so such a country is
 * written with its continent, `OC/AS`. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zones/site.h"
#include "zones/stanza.h"

static const char *const continents[] = { "AF", "AN", "AS", "EU", "NA", "OC", "SA", NULL };

static bool is_continent(const char *code)
{
	for (int i = 0; continents[i]; i++)
		if (strcmp(code, continents[i]) == 0)
			return true;
	return false;
}

/* Two letters, upper-cased into `out`. */
static bool parse_code(const char *s, size_t len, char out[3])
{
	if (len != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
		return false;
	out[0] = (char)toupper((unsigned char)s[0]);
	out[1] = (char)toupper((unsigned char)s[1]);
	out[2] = '\0';
	return true;
}

static int parse_map_key(struct zone_geo_map *m, const char *key, struct stanza_ctx *c)
{
	const char *slash = strchr(key, '/');
	char code[3];

	if (slash != NULL) {
		if (!parse_code(key, (size_t)(slash - key), m->continent) ||
		    !is_continent(m->continent) ||
		    !parse_code(slash + 1, strlen(slash + 1), m->country))
			return stanza_error(c,
					    "$GEO-MAP %s: write CONTINENT/COUNTRY with a continent "
					    "code (AF AN AS EU NA OC SA) and a two-letter country, "
					    "like EU/DE",
					    key);
		return 0;
	}
	if (!parse_code(key, strlen(key), code))
		return stanza_error(c,
				    "$GEO-MAP %s: write a continent (AF AN AS EU NA OC SA), a "
				    "two-letter country code (DE), or both (EU/DE)",
				    key);
	if (is_continent(code))
		memcpy(m->continent, code, sizeof(code));
	else
		memcpy(m->country, code, sizeof(code));
	return 0;
}

static bool host_bits_clear(const uint8_t *addr, unsigned bytes, unsigned prefix_len)
{
	for (unsigned bit = prefix_len; bit < bytes * 8; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

static int parse_network(struct zone_geo_net *n, const char *text, struct stanza_ctx *c)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t host_len = slash ? (size_t)(slash - text) : 0;
	unsigned max_len;
	char *end;
	unsigned long len;

	if (slash == NULL || host_len == 0 || host_len >= sizeof(host))
		goto bad;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (inet_pton(AF_INET, host, n->addr) == 1)
		n->family = AF_INET;
	else if (inet_pton(AF_INET6, host, n->addr) == 1)
		n->family = AF_INET6;
	else
		goto bad;
	max_len = n->family == AF_INET ? 32 : 128;
	len = strtoul(slash + 1, &end, 10);
	if (end == slash + 1 || *end != '\0' || len > max_len)
		goto bad;
	n->prefix_len = (uint8_t)len;
	if (!host_bits_clear(n->addr, max_len / 8, n->prefix_len))
		return stanza_error(c,
				    "$GEO-NET %s has bits set after the /%lu prefix: write the "
				    "network address",
				    text, len);
	return 0;
bad:
	return stanza_error(c,
			    "$GEO-NET %s: write a network as ADDRESS/LENGTH, like 203.0.113.0/24 "
			    "or 2001:db8::/32",
			    text);
}

/* Splits "KEY SITES" (exactly two words) for both directives. */
static int two_words(struct stanza_args *a, const char *args, const char *example,
		     struct stanza_ctx *c)
{
	int rc = stanza_args_split(a, args, c);

	if (rc < 0)
		return rc;
	if (a->count != 2 || a->keys[0] != NULL || a->keys[1] != NULL)
		return stanza_error(c, "write %s", example);
	return 0;
}

static int compile_net(struct zone *z, struct zone_geo_net *n, const char *args,
		       struct stanza_ctx *c)
{
	struct stanza_args a;
	int rc = two_words(&a, args, "$GEO-NET NETWORK SITES, like $GEO-NET 203.0.113.0/24 sin", c);

	if (rc == 0)
		rc = parse_network(n, a.values[0], c);
	if (rc == 0)
		rc = site_list_parse(z, a.values[1], &n->sites, &n->site_count, "$GEO-NET", c);
	for (uint32_t i = 0; rc == 0 && i < z->geo_net_count; i++) {
		const struct zone_geo_net *o = &z->geo_nets[i];

		if (o->family == n->family && o->prefix_len == n->prefix_len &&
		    memcmp(o->addr, n->addr, sizeof(n->addr)) == 0)
			rc = stanza_error(c,
					  "$GEO-NET %s is already mapped at line %u: keep one of "
					  "them",
					  a.values[0], o->line);
	}
	stanza_args_free(&a);
	return rc;
}

static int compile_map(struct zone *z, struct zone_geo_map *m, const char *args,
		       struct stanza_ctx *c)
{
	struct stanza_args a;
	int rc = two_words(&a, args, "$GEO-MAP REGION SITES, like $GEO-MAP EU fra,iad", c);

	if (rc == 0)
		rc = parse_map_key(m, a.values[0], c);
	if (rc == 0)
		rc = site_list_parse(z, a.values[1], &m->sites, &m->site_count, "$GEO-MAP", c);
	for (uint32_t i = 0; rc == 0 && i < z->geo_map_count; i++) {
		const struct zone_geo_map *o = &z->geo_maps[i];

		if (strcmp(o->continent, m->continent) == 0 && strcmp(o->country, m->country) == 0)
			rc = stanza_error(c,
					  "$GEO-MAP %s is already mapped at line %u: keep one of "
					  "them",
					  a.values[0], o->line);
	}
	stanza_args_free(&a);
	return rc;
}

int geo_stanza_compile(struct zone *z, const struct zone_source *src, struct stanza_ctx *c)
{
	size_t nets = 0, maps = 0;

	for (size_t i = 0; i < src->stanza_count; i++) {
		nets += src->stanzas[i].kind == STANZA_GEO_NET;
		maps += src->stanzas[i].kind == STANZA_GEO_MAP;
	}
	z->geo_nets = arena_alloc(&z->arena, sizeof(*z->geo_nets) * (nets + 1));
	z->geo_maps = arena_alloc(&z->arena, sizeof(*z->geo_maps) * (maps + 1));
	if (z->geo_nets == NULL || z->geo_maps == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < src->stanza_count; i++) {
		const struct zone_source_stanza *st = &src->stanzas[i];

		stanza_at(c, st->file, st->line);
		if (st->kind == STANZA_GEO_NET) {
			struct zone_geo_net *n = &z->geo_nets[z->geo_net_count];

			memset(n, 0, sizeof(*n));
			n->file = c->file;
			n->line = st->line;
			if (compile_net(z, n, st->args, c) == 0)
				z->geo_net_count++;
		} else if (st->kind == STANZA_GEO_MAP) {
			struct zone_geo_map *m = &z->geo_maps[z->geo_map_count];

			memset(m, 0, sizeof(*m));
			m->file = c->file;
			m->line = st->line;
			if (compile_map(z, m, st->args, c) == 0)
				z->geo_map_count++;
		}
	}
	return c->out_of_memory ? -ENOMEM : 0;
}
