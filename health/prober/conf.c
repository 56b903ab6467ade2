/* The probe.conf reader. */
#include "autoconfig.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/prober/conf.h"

enum section { SECTION_NONE, SECTION_PROBE, SECTION_ZONE };

struct reader {
	struct probe_conf *c;
	struct diag *d;
	char *dir; /* the config file's folder */
	unsigned line;
	unsigned probe_line; /* where the probe: section starts */
	enum section section;
};

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

/* http-connections and http-timeout: a number in [1, max]. */
static void set_limit(struct reader *r, const char *key, const char *value, unsigned *field,
		      unsigned max)
{
	char *end, fix[64];
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 || v < 1 || v > max) {
		snprintf(fix, sizeof(fix), "write a number between 1 and %u", max);
		bad(r, key, value, fix);
		return;
	}
	*field = (unsigned)v;
}

/* The keys of the probe program itself, not of its gossip membership. */
static bool probe_own_key(struct reader *r, const char *key, const char *value)
{
	struct probe_conf *c = r->c;
	unsigned *seen;

	if (strcmp(key, "status-file") == 0)
		seen = &c->status_line;
	else if (strcmp(key, "http-listen") == 0)
		seen = &c->http_listen_line;
	else if (strcmp(key, "username") == 0)
		seen = &c->username_line;
	else if (strcmp(key, "http-connections") == 0)
		seen = &c->http_connections_line;
	else if (strcmp(key, "http-timeout") == 0)
		seen = &c->http_timeout_line;
	else
		return false;
	if (*seen != 0) {
		diag_add(r->d, c->path, r->line, "%s: given twice (first at line %u); keep one",
			 key, *seen);
		return true;
	}
	*seen = r->line;
	if (seen == &c->status_line) {
		set_path(r, &c->status_path, value);
	} else if (seen == &c->username_line) {
		free(c->username);
		c->username = strdup(value);
	} else if (seen == &c->http_connections_line) {
		set_limit(r, key, value, &c->http_limits.connections, HTTP_LISTEN_CONNECTIONS_MAX);
	} else if (seen == &c->http_timeout_line) {
		set_limit(r, key, value, &c->http_limits.timeout_s, HTTP_LISTEN_TIMEOUT_MAX_S);
	} else if (!gossip_conf_parse_address(value, &c->http_listen)) {
		bad(r, key, value, "write ADDRESS@PORT, e.g. 127.0.0.1@8053 (keep it on loopback)");
	}
	return true;
}

static void probe_key(struct reader *r, const char *key, const char *value)
{
	struct probe_conf *c = r->c;
	char fix[160];
	int rc;

	if (probe_own_key(r, key, value))
		return;
	rc = gossip_conf_set(&c->gossip, key, value, r->line, fix, sizeof(fix));
	if (rc == -EINVAL)
		bad(r, key, value, fix);
	else if (rc == -ENOENT)
		diag_add(r->d, c->path, r->line,
			 "unknown key '%s' in probe: (known: %s, status-file, http-listen, "
			 "http-connections, http-timeout, username)",
			 key, gossip_conf_key_list());
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
		if (r->probe_line == 0)
			r->probe_line = r->line;
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
	/* an unindented "word:" starts a section, so a wrong one is named as such */
	if (*value == '\0' &&
	    (key == line || strcmp(key, "probe") == 0 || strcmp(key, "zone") == 0)) {
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

	gossip_conf_check(&c->gossip, c->path, r->probe_line, "probe:", r->d);
	if (gossip_conf_resolve(&c->gossip, r->dir) < 0)
		diag_add(r->d, c->path, 0, "out of memory");
	for (size_t i = 0; i < c->zone_count; i++)
		if (c->zones[i].name == NULL || c->zones[i].zonefile == NULL)
			diag_add(r->d, c->path, c->zones[i].line,
				 "zone: needs both name: and zonefile:");
}

int probe_conf_load(struct probe_conf *c, const char *path, struct diag *d)
{
	struct reader r = { .c = c, .d = d };
	size_t errors = d->count, cap = 0;
	char *buf = NULL, *copy;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	gossip_conf_init(&c->gossip);
	c->http_limits.connections = HTTP_LISTEN_CONNECTIONS_DEFAULT;
	c->http_limits.timeout_s = HTTP_LISTEN_TIMEOUT_DEFAULT_S;
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
	gossip_conf_fini(&c->gossip);
	free(c->status_path);
	free(c->username);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
