/* The probe.conf reader. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/gossip/node.h"
#include "health/prober/conf.h"

enum section { SECTION_NONE, SECTION_PROBE, SECTION_ZONE };

struct reader {
	struct probe_conf *c;
	struct diag *d;
	char *dir; /* the config file's folder */
	unsigned line;
	enum section section;
};

/* "500ms", "2s", "1m" or plain seconds, into ms. */
static bool parse_duration(const char *text, uint32_t *ms)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (end == text || text[0] == '-')
		return false;
	if (strcmp(end, "ms") == 0)
		;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "m") == 0)
		v *= 60000;
	else
		return false;
	if (v == 0 || v > 3600000)
		return false;
	*ms = (uint32_t)v;
	return true;
}

static bool parse_count(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (end == text || *end != '\0' || text[0] == '-' || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* "192.0.2.1@7946" or "2001:db8::1@7946". */
static bool parse_address(const char *text, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *at = strrchr(text, '@');
	unsigned port;
	size_t n;

	if (at == NULL || (n = (size_t)(at - text)) == 0 || n >= sizeof(host) ||
	    !parse_count(at + 1, 65535, &port) || port == 0)
		return false;
	memcpy(host, text, n);
	host[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		return true;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		return true;
	}
	return false;
}

static char *resolve(const struct reader *r, const char *path)
{
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&out, "%s/%s", r->dir, path) < 0)
		return NULL;
	return out;
}

static void set_path(struct reader *r, char **slot, const char *value)
{
	free(*slot);
	*slot = resolve(r, value);
}

static void bad(struct reader *r, const char *key, const char *value, const char *fix)
{
	diag_add(r->d, r->c->path, r->line, "bad %s '%s': %s", key, value, fix);
}

static void probe_key(struct reader *r, const char *key, char *value)
{
	struct probe_conf *c = r->c;
	char peer_name[GOSSIP_NAME_MAX + 2], peer_addr[128];
	struct probe_peer *p;

	if (strcmp(key, "name") == 0 || strcmp(key, "region") == 0) {
		char *dst = key[0] == 'n' ? c->name : c->region;

		if (strlen(value) > GOSSIP_NAME_MAX)
			bad(r, key, value, "at most 63 characters, as in the trusted keys");
		else
			strcpy(dst, value);
		*(key[0] == 'n' ? &c->name_line : &c->region_line) = r->line;
	} else if (strcmp(key, "key") == 0) {
		set_path(r, &c->key_path, value);
	} else if (strcmp(key, "trusted-keys") == 0) {
		set_path(r, &c->trusted_keys_path, value);
	} else if (strcmp(key, "status-file") == 0) {
		set_path(r, &c->status_path, value);
	} else if (strcmp(key, "listen") == 0) {
		if (!parse_address(value, &c->listen))
			bad(r, key, value, "write ADDRESS@PORT, e.g. 192.0.2.1@7946");
	} else if (strcmp(key, "peer") == 0) {
		if (sscanf(value, "%64s %127s", peer_name, peer_addr) != 2 ||
		    strlen(peer_name) > GOSSIP_NAME_MAX) {
			bad(r, key, value, "write NAME ADDRESS@PORT, NAME as in the trusted keys");
			return;
		}
		p = realloc(c->peers, sizeof(*p) * (c->peer_count + 1));
		if (p == NULL)
			return;
		c->peers = p;
		p = &c->peers[c->peer_count];
		memset(p, 0, sizeof(*p));
		strcpy(p->name, peer_name);
		p->line = r->line;
		if (!parse_address(peer_addr, &p->addr))
			bad(r, key, value, "write NAME ADDRESS@PORT, e.g. p-us 198.51.100.1@7946");
		else
			c->peer_count++;
	} else if (strcmp(key, "round") == 0 || strcmp(key, "dead-after") == 0) {
		if (!parse_duration(value, key[0] == 'r' ? &c->round_ms : &c->dead_after_ms))
			bad(r, key, value, "use a duration from 1ms to 1h: 500ms, 2s, 1m");
	} else if (strcmp(key, "fanout") == 0 || strcmp(key, "relay-fanout") == 0 ||
		   strcmp(key, "full-state-every") == 0) {
		unsigned *dst = key[0] == 'f' && key[1] == 'a' ? &c->fanout
				: key[0] == 'r'		       ? &c->relay_fanout
							       : &c->full_state_every;

		if (!parse_count(value, 1000, dst))
			bad(r, key, value, "use a whole number from 0 to 1000");
	} else if (strcmp(key, "quorum") == 0) {
		c->quorum_line = r->line;
		if (quorum_parse(&c->quorum, value) < 0)
			bad(r, key, value,
			    "use majority, a number of probers (3) or a percentage (82%)");
	} else if (strcmp(key, "quorum-regions") == 0) {
		if (!parse_count(value, 64, &c->quorum.min_regions) || c->quorum.min_regions == 0)
			bad(r, key, value, "use a whole number from 1 to 64");
	} else if (strcmp(key, "quorum-rise") == 0 || strcmp(key, "quorum-fall") == 0) {
		unsigned *dst = key[7] == 'r' ? &c->quorum.rise : &c->quorum.fall;

		if (!parse_count(value, 100, dst) || *dst == 0)
			bad(r, key, value, "use a number of rounds from 1 to 100");
	} else {
		diag_add(r->d, c->path, r->line,
			 "unknown key '%s' in probe: (see the README, Gossip and quorum)", key);
	}
}

static void zone_key(struct reader *r, const char *key, const char *value)
{
	struct probe_zone *z = &r->c->zones[r->c->zone_count - 1];

	if (strcmp(key, "name") == 0) {
		free(z->name);
		z->name = strdup(value);
	} else if (strcmp(key, "zonefile") == 0) {
		free(z->zonefile);
		z->zonefile = resolve(r, value);
	} else {
		diag_add(r->d, r->c->path, r->line,
			 "unknown key '%s' in zone: (a zone takes name and zonefile)", key);
	}
}

static void start_section(struct reader *r, const char *name)
{
	struct probe_zone *z;

	if (strcmp(name, "probe") == 0) {
		r->section = SECTION_PROBE;
		return;
	}
	if (strcmp(name, "zone") != 0) {
		diag_add(r->d, r->c->path, r->line,
			 "unknown section '%s:': use probe: or zone:", name);
		r->section = SECTION_NONE;
		return;
	}
	z = realloc(r->c->zones, sizeof(*z) * (r->c->zone_count + 1));
	if (z == NULL)
		return;
	r->c->zones = z;
	memset(&z[r->c->zone_count], 0, sizeof(*z));
	z[r->c->zone_count++].line = r->line;
	r->section = SECTION_ZONE;
}

static void parse_line(struct reader *r, char *line)
{
	char *hash = strchr(line, '#'), *colon, *key, *value, *end;

	if (hash != NULL)
		*hash = '\0';
	key = line + strspn(line, " \t");
	end = key + strlen(key);
	while (end > key && strchr(" \t\r\n", end[-1]) != NULL)
		*--end = '\0';
	if (*key == '\0')
		return;
	colon = strchr(key, ':');
	if (colon == NULL) {
		diag_add(r->d, r->c->path, r->line, "'%s': write key: value", key);
		return;
	}
	*colon = '\0';
	value = colon + 1 + strspn(colon + 1, " \t");
	if (*value == '\0' && (strcmp(key, "probe") == 0 || strcmp(key, "zone") == 0)) {
		start_section(r, key);
		return;
	}
	if (*value == '\0')
		diag_add(r->d, r->c->path, r->line, "%s: has no value", key);
	else if (r->section == SECTION_PROBE)
		probe_key(r, key, value);
	else if (r->section == SECTION_ZONE)
		zone_key(r, key, value);
	else
		diag_add(r->d, r->c->path, r->line,
			 "%s: outside a section: put it under probe:", key);
}

static void check_required(struct reader *r)
{
	struct probe_conf *c = r->c;

	if (c->name[0] == '\0')
		diag_add(r->d, c->path, 0,
			 "no name: add 'name: NAME' (as in the trusted keys) under probe:");
	if (c->region[0] == '\0')
		diag_add(r->d, c->path, 0, "no region: add 'region: REGION' under probe:");
	if (c->key_path == NULL)
		diag_add(r->d, c->path, 0,
			 "no key: add 'key: NAME.key' (from baton-keygen) under probe:");
	if (c->trusted_keys_path == NULL)
		diag_add(r->d, c->path, 0,
			 "no trusted-keys: add 'trusted-keys: FILE' under probe:");
	if (c->listen.ss_family == 0)
		diag_add(r->d, c->path, 0, "no listen: add 'listen: ADDRESS@PORT' under probe:");
	if (c->peer_count == 0)
		diag_add(r->d, c->path, 0,
			 "no peer: add 'peer: NAME ADDRESS@PORT' lines under probe:");
	if (c->dead_after_ms <= c->round_ms)
		diag_add(r->d, c->path, 0,
			 "dead-after (%u ms) must exceed round (%u ms): a member is dead only "
			 "after missing heartbeats",
			 c->dead_after_ms, c->round_ms);
	for (size_t i = 0; i < c->zone_count; i++)
		if (c->zones[i].name == NULL || c->zones[i].zonefile == NULL)
			diag_add(r->d, c->path, c->zones[i].line,
				 "zone: needs both name: and zonefile:");
}

int probe_conf_load(struct probe_conf *c, const char *path, struct diag *d)
{
	struct reader r = { .c = c, .d = d };
	struct gossip_node_config defaults;
	size_t errors = d->count, cap = 0;
	char *buf = NULL, *copy;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	gossip_node_config_default(&defaults);
	c->round_ms = defaults.round_ms;
	c->dead_after_ms = defaults.dead_after_ms;
	c->fanout = defaults.fanout;
	c->relay_fanout = defaults.relay_fanout;
	c->full_state_every = defaults.full_state_every;
	c->quorum = defaults.quorum;
	c->path = strdup(path);
	copy = strdup(path);
	if (c->path == NULL || copy == NULL) {
		free(copy);
		return -ENOMEM;
	}
	r.dir = strdup(dirname(copy));
	free(copy);
	fp = fopen(path, "r");
	if (fp == NULL) {
		int err = errno;

		diag_add(d, path, 0, "cannot read the configuration: %s", strerror(err));
		free(r.dir);
		return -err;
	}
	while (getline(&buf, &cap, fp) >= 0) {
		r.line++;
		parse_line(&r, buf);
	}
	free(buf);
	fclose(fp);
	check_required(&r);
	free(r.dir);
	return d->count > errors ? -EINVAL : 0;
}

void probe_conf_fini(struct probe_conf *c)
{
	for (size_t i = 0; i < c->zone_count; i++) {
		free(c->zones[i].name);
		free(c->zones[i].zonefile);
	}
	free(c->zones);
	free(c->peers);
	free(c->key_path);
	free(c->trusted_keys_path);
	free(c->status_path);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
