/* The gossip keys shared by probe.conf and batond.conf. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/gossip/conf.h"
#include "health/gossip/node.h"

static const char *const key_names[GOSSIP_CONF_KEYS] = {
	"name",		  "region",	 "key",		 "trusted-keys",     "listen",	   "peer",
	"round",	  "fanout",	 "relay-fanout", "full-state-every", "dead-after", "quorum",
	"quorum-regions", "quorum-rise", "quorum-fall",
};

void gossip_conf_init(struct gossip_conf *c)
{
	struct gossip_node_config defaults;

	memset(c, 0, sizeof(*c));
	gossip_node_config_default(&defaults);
	c->round_ms = defaults.round_ms;
	c->dead_after_ms = defaults.dead_after_ms;
	c->fanout = defaults.fanout;
	c->relay_fanout = defaults.relay_fanout;
	c->full_state_every = defaults.full_state_every;
	c->quorum = defaults.quorum;
}

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

bool gossip_conf_parse_address(const char *text, struct sockaddr_storage *ss)
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

static int set_peer(struct gossip_conf *c, const char *value, unsigned line, char *fix,
		    size_t fix_size)
{
	char name[GOSSIP_NAME_MAX + 2], addr[128];
	struct gossip_conf_peer *p;

	if (sscanf(value, "%64s %127s", name, addr) != 2 || strlen(name) > GOSSIP_NAME_MAX) {
		snprintf(fix, fix_size, "write NAME ADDRESS@PORT, NAME as in the trusted keys");
		return -EINVAL;
	}
	for (size_t i = 0; i < c->peer_count; i++) {
		if (strcmp(c->peers[i].name, name) == 0) {
			snprintf(fix, fix_size,
				 "peer %s is given twice (first at line %u); keep one", name,
				 c->peers[i].line);
			return -EINVAL;
		}
	}
	p = realloc(c->peers, sizeof(*p) * (c->peer_count + 1));
	if (p == NULL)
		return -ENOMEM;
	c->peers = p;
	p = &c->peers[c->peer_count];
	memset(p, 0, sizeof(*p));
	strcpy(p->name, name);
	p->line = line;
	if (!gossip_conf_parse_address(addr, &p->addr)) {
		snprintf(fix, fix_size, "write NAME ADDRESS@PORT, e.g. p-us 198.51.100.1@7946");
		return -EINVAL;
	}
	c->peer_count++;
	return 0;
}

static int set_path(char **slot, const char *value)
{
	free(*slot);
	*slot = strdup(value);
	return *slot != NULL ? 0 : -ENOMEM;
}

/* The keys that take a whole number: where it goes and its range. */
static bool count_slot(struct gossip_conf *c, enum gossip_conf_key k, unsigned **slot,
		       unsigned *min, unsigned *max)
{
	*min = 0;
	*max = 1000;
	switch (k) {
	case GOSSIP_CONF_FANOUT: *slot = &c->fanout; return true;
	case GOSSIP_CONF_RELAY_FANOUT: *slot = &c->relay_fanout; return true;
	case GOSSIP_CONF_FULL_STATE_EVERY: *slot = &c->full_state_every; return true;
	case GOSSIP_CONF_QUORUM_REGIONS: *slot = &c->quorum.min_regions; break;
	case GOSSIP_CONF_QUORUM_RISE: *slot = &c->quorum.rise; break;
	case GOSSIP_CONF_QUORUM_FALL: *slot = &c->quorum.fall; break;
	default: return false;
	}
	*min = 1;
	*max = k == GOSSIP_CONF_QUORUM_REGIONS ? 64 : 100;
	return true;
}

static int set_value(struct gossip_conf *c, enum gossip_conf_key k, const char *value,
		     unsigned line, char *fix, size_t fix_size)
{
	unsigned *count = NULL, min, max;

	switch (k) {
	case GOSSIP_CONF_NAME:
	case GOSSIP_CONF_REGION:
		if (strlen(value) > GOSSIP_NAME_MAX) {
			snprintf(fix, fix_size, "at most 63 characters, as in the trusted keys");
			return -EINVAL;
		}
		strcpy(k == GOSSIP_CONF_NAME ? c->name : c->region, value);
		*(k == GOSSIP_CONF_NAME ? &c->name_line : &c->region_line) = line;
		return 0;
	case GOSSIP_CONF_KEY: return set_path(&c->key_path, value);
	case GOSSIP_CONF_TRUSTED_KEYS: return set_path(&c->trusted_keys_path, value);
	case GOSSIP_CONF_LISTEN:
		if (gossip_conf_parse_address(value, &c->listen))
			return 0;
		snprintf(fix, fix_size, "write ADDRESS@PORT, e.g. 192.0.2.1@7946");
		return -EINVAL;
	case GOSSIP_CONF_PEER: return set_peer(c, value, line, fix, fix_size);
	case GOSSIP_CONF_ROUND:
	case GOSSIP_CONF_DEAD_AFTER:
		if (parse_duration(value,
				   k == GOSSIP_CONF_ROUND ? &c->round_ms : &c->dead_after_ms))
			return 0;
		snprintf(fix, fix_size, "use a duration from 1ms to 1h: 500ms, 2s, 1m");
		return -EINVAL;
	case GOSSIP_CONF_QUORUM:
		c->quorum_line = line;
		if (quorum_parse(&c->quorum, value) == 0)
			return 0;
		snprintf(fix, fix_size,
			 "use majority, a number of probers (3) or a percentage (82%%)");
		return -EINVAL;
	default: break;
	}
	if (k == GOSSIP_CONF_QUORUM_REGIONS)
		c->regions_line = line;
	if (!count_slot(c, k, &count, &min, &max))
		return -ENOENT;
	if (parse_count(value, max, count) && *count >= min)
		return 0;
	if (k == GOSSIP_CONF_QUORUM_RISE || k == GOSSIP_CONF_QUORUM_FALL)
		snprintf(fix, fix_size, "use a number of rounds from 1 to 100");
	else
		snprintf(fix, fix_size, "use a whole number from %u to %u", min, max);
	return -EINVAL;
}

int gossip_conf_set(struct gossip_conf *c, const char *key, const char *value, unsigned line,
		    char *fix, size_t fix_size)
{
	unsigned k;

	for (k = 0; k < GOSSIP_CONF_KEYS && strcmp(key_names[k], key) != 0; k++)
		;
	if (k == GOSSIP_CONF_KEYS)
		return -ENOENT;
	if (c->seen[k] != 0 && k != GOSSIP_CONF_PEER) {
		snprintf(fix, fix_size, "given twice (first at line %u); keep one", c->seen[k]);
		return -EINVAL;
	}
	c->seen[k] = line;
	return set_value(c, (enum gossip_conf_key)k, value, line, fix, fix_size);
}

void gossip_conf_check(const struct gossip_conf *c, const char *path, unsigned line,
		       const char *section, struct diag *d)
{
	/* a key given with a bad value was reported where it was given */
	if (c->name[0] == '\0' && c->seen[GOSSIP_CONF_NAME] == 0)
		diag_add(d, path, line,
			 "no name: add 'name: NAME' (as in the trusted keys) under %s", section);
	if (c->region[0] == '\0' && c->seen[GOSSIP_CONF_REGION] == 0)
		diag_add(d, path, line, "no region: add 'region: REGION' under %s", section);
	if (c->key_path == NULL)
		diag_add(d, path, line, "no key: add 'key: NAME.key' (from baton-keygen) under %s",
			 section);
	if (c->trusted_keys_path == NULL)
		diag_add(d, path, line, "no trusted-keys: add 'trusted-keys: FILE' under %s",
			 section);
	if (c->listen.ss_family == 0 && c->seen[GOSSIP_CONF_LISTEN] == 0)
		diag_add(d, path, line, "no listen: add 'listen: ADDRESS@PORT' under %s", section);
	if (c->peer_count == 0 && c->seen[GOSSIP_CONF_PEER] == 0)
		diag_add(d, path, line, "no peer: add 'peer: NAME ADDRESS@PORT' lines under %s",
			 section);
	if (c->dead_after_ms <= c->round_ms)
		diag_add(d, path,
			 c->seen[GOSSIP_CONF_DEAD_AFTER] ? c->seen[GOSSIP_CONF_DEAD_AFTER] : line,
			 "dead-after (%u ms) must exceed round (%u ms): a member is dead only "
			 "after missing heartbeats",
			 c->dead_after_ms, c->round_ms);
}

static int resolve(char **path, const char *dir)
{
	char *out;

	if (*path == NULL || (*path)[0] == '/')
		return 0;
	if (asprintf(&out, "%s/%s", dir, *path) < 0)
		return -ENOMEM;
	free(*path);
	*path = out;
	return 0;
}

int gossip_conf_resolve(struct gossip_conf *c, const char *dir)
{
	if (resolve(&c->key_path, dir) < 0 || resolve(&c->trusted_keys_path, dir) < 0)
		return -ENOMEM;
	return 0;
}

const char *gossip_conf_key_list(void)
{
	return "name, region, key, trusted-keys, listen, peer, round, fanout, relay-fanout, "
	       "full-state-every, dead-after, quorum, quorum-regions, quorum-rise, quorum-fall";
}

void gossip_conf_fini(struct gossip_conf *c)
{
	free(c->peers);
	free(c->key_path);
	free(c->trusted_keys_path);
	memset(c, 0, sizeof(*c));
}
