/* What batond.conf's reader does once the whole file is read and the keys are set: relative
 * paths made absolute, and zones configured twice found. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "server/config_finish.h"

#define DEFAULT_CONTROL_SOCKET "/run/batond.sock"

/* Replaces a relative *path by base/path. */
static int resolve(char **path, const char *base)
{
	size_t size = strlen(base) + 1 + strlen(*path) + 1;
	const char *slash = base[0] != '\0' && base[strlen(base) - 1] == '/' ? "" : "/";
	char *joined;

	if ((*path)[0] == '/')
		return 0;
	joined = malloc(size);
	if (joined == NULL)
		return -ENOMEM;
	snprintf(joined, size, "%s%s%s", base, slash, *path);
	free(*path);
	*path = joined;
	return 0;
}

/* The config file's folder as an absolute path: batond changes to / when it daemonises, and
 * a reload must find the same files as the start did. */
static int make_absolute(char **dir)
{
	char cwd[4096];

	if ((*dir)[0] == '/')
		return 0;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -errno;
	if (strcmp(*dir, ".") == 0) {
		char *copy = strdup(cwd);

		if (copy == NULL)
			return -ENOMEM;
		free(*dir);
		*dir = copy;
		return 0;
	}
	return resolve(dir, cwd);
}

/* A relative zonesdir (and state-file) is taken from the config file's folder, like the
 * zonefiles, so what is loaded does not depend on the directory batond was started from. */
int config_resolve_paths(struct config *cfg, const char *conf_path)
{
	const char *slash = strrchr(conf_path, '/');
	char *dir;
	int err = 0;

	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(conf_path, slash == conf_path ? 1 : (size_t)(slash - conf_path));
	if (dir == NULL)
		err = -ENOMEM;
	else
		err = make_absolute(&dir);
	if (err < 0)
		;
	else if (cfg->zonesdir == NULL)
		err = (cfg->zonesdir = strdup(dir)) != NULL ? 0 : -ENOMEM;
	else
		err = resolve(&cfg->zonesdir, dir);
	if (err == 0 && cfg->state_file != NULL)
		err = resolve(&cfg->state_file, dir);
	if (err == 0 && cfg->geoip_database != NULL)
		err = resolve(&cfg->geoip_database, dir);
	if (err == 0 && cfg->zone_cache != NULL)
		err = resolve(&cfg->zone_cache, dir);
	/* written after daemon() has changed to /, so it must not stay relative */
	if (err == 0 && cfg->pidfile != NULL)
		err = resolve(&cfg->pidfile, dir);
	if (err == 0 && cfg->gossip != NULL)
		err = gossip_conf_resolve(cfg->gossip, dir);
	for (size_t i = 0; err == 0 && i < cfg->zone_count; i++)
		if (cfg->zones[i].zonefile != NULL)
			err = resolve(&cfg->zones[i].zonefile, cfg->zonesdir);
	for (size_t i = 0; err == 0 && i < cfg->zone_count; i++)
		if (cfg->zones[i].dnssec_key_dir != NULL)
			err = resolve(&cfg->zones[i].dnssec_key_dir, cfg->zonesdir);
	if (err == 0 && cfg->control_socket == NULL)
		err = (cfg->control_socket = strdup(DEFAULT_CONTROL_SOCKET)) != NULL ? 0 : -ENOMEM;
	free(dir);
	return err;
}

static int compare_zones(const void *a, const void *b)
{
	const struct config_zone *x = *(const struct config_zone *const *)a;
	const struct config_zone *y = *(const struct config_zone *const *)b;
	int c = strcasecmp(x->name, y->name);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorted rather than compared pairwise: a server may carry many thousands of zones. Names
 * compare without case (RFC 4343) and were stored without their trailing dot. */
int config_check_duplicate_zones(const struct config *cfg, const char *conf_path, struct diag *diag)
{
	const struct config_zone **sorted;
	size_t n = 0, first = 0;
	int errors = 0;

	if (cfg->zone_count == 0)
		return 0;
	sorted = malloc(cfg->zone_count * sizeof(*sorted));
	if (sorted == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->zone_count; i++)
		if (cfg->zones[i].name != NULL)
			sorted[n++] = &cfg->zones[i];
	qsort(sorted, n, sizeof(*sorted), compare_zones);
	for (size_t i = 1; i < n; i++) {
		if (strcasecmp(sorted[i]->name, sorted[first]->name) != 0) {
			first = i;
			continue;
		}
		diag_add(diag, conf_path, sorted[i]->line,
			 "zone %s is configured twice (first at line %u)", sorted[i]->name,
			 sorted[first]->line);
		errors++;
	}
	free(sorted);
	return errors;
}
