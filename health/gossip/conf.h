/* The gossip keys of a member's configuration: who it is, its keys, where it listens, whom it
 * gossips with and how the quorum is counted. baton-probe's `probe:` section and batond's
 * `gossip:` section read them with this one parser, so both spell every key the same way
 * (docs/gossip.md). */
#ifndef BATON_GOSSIP_CONF_H
#define BATON_GOSSIP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "health/gossip/keys.h"
#include "health/gossip/quorum.h"
#include "baton/diag.h"

struct gossip_conf_peer {
	char name[GOSSIP_NAME_MAX + 1];
	struct sockaddr_storage addr;
	unsigned line;
};

/* The keys, in the order of gossip_conf_key_list(); seen[] is indexed by them. */
enum gossip_conf_key {
	GOSSIP_CONF_NAME,
	GOSSIP_CONF_REGION,
	GOSSIP_CONF_KEY,
	GOSSIP_CONF_TRUSTED_KEYS,
	GOSSIP_CONF_LISTEN,
	GOSSIP_CONF_PEER,
	GOSSIP_CONF_ROUND,
	GOSSIP_CONF_FANOUT,
	GOSSIP_CONF_RELAY_FANOUT,
	GOSSIP_CONF_FULL_STATE_EVERY,
	GOSSIP_CONF_DEAD_AFTER,
	GOSSIP_CONF_QUORUM,
	GOSSIP_CONF_QUORUM_REGIONS,
	GOSSIP_CONF_QUORUM_RISE,
	GOSSIP_CONF_QUORUM_FALL,
	GOSSIP_CONF_KEYS
};

struct gossip_conf {
	char name[GOSSIP_NAME_MAX + 1];
	char region[GOSSIP_NAME_MAX + 1];
	unsigned name_line, region_line, quorum_line, regions_line;
	char *key_path, *trusted_keys_path; /* as written until gossip_conf_resolve() */
	struct sockaddr_storage listen;
	struct gossip_conf_peer *peers;
	size_t peer_count;
	uint32_t round_ms, dead_after_ms;
	unsigned fanout, relay_fanout, full_state_every;
	struct quorum_config quorum;
	unsigned seen[GOSSIP_CONF_KEYS]; /* line where each key was given; peer repeats */
	bool quiet_verdicts; /* not a key: batond's engine logs the verdicts itself */
};

/* The defaults of gossip_node_config_default(), nothing else set. */
void gossip_conf_init(struct gossip_conf *c);

/* Takes `key: value` from line `line`. Returns 0; -ENOENT for a key that is not a gossip key
 * (the caller may know it); -EINVAL with the fix in `fix` (e.g. "write ADDRESS@PORT, e.g.
 * 192.0.2.1@7946"); -ENOMEM. */
int gossip_conf_set(struct gossip_conf *c, const char *key, const char *value, unsigned line,
		    char *fix, size_t fix_size);

/* What every member needs: name, region, key, trusted-keys, listen, a peer, and dead-after
 * above round. Each missing piece goes to d as `path:line: ... add 'KEY: ...' under SECTION`,
 * `line` being where the section starts. */
void gossip_conf_check(const struct gossip_conf *c, const char *path, unsigned line,
		       const char *section, struct diag *d);

/* Makes key and trusted-keys absolute against `dir` (the config file's folder). Returns 0 or
 * -ENOMEM. */
int gossip_conf_resolve(struct gossip_conf *c, const char *dir);

/* Parses NSD's ADDRESS@PORT spelling ("192.0.2.1@7946", "2001:db8::1@7946"; port 1 to
 * 65535) into *ss. Returns false, *ss then unspecified, for anything else. */
bool gossip_conf_parse_address(const char *text, struct sockaddr_storage *ss);

/* "key, trusted-keys, ...": every key, for "unknown key" messages. */
const char *gossip_conf_key_list(void);

void gossip_conf_fini(struct gossip_conf *c);

#endif
