/* The cluster's trusted-keys file: who the members are (name, region, role) and the Ed25519
 * public keys each may sign with (several per member, for rotation). One line per key:
 *     NAME REGION probe|server|vip ed25519:BASE64
 * with '#' comments and blank lines. */
#ifndef BATON_GOSSIP_KEYS_H
#define BATON_GOSSIP_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "health/gossip/sign.h"
#include "health/gossip/wire.h"
#include "baton/diag.h"

#define GOSSIP_NAME_MAX 63

/* probe: runs checks and votes. server: listens (a batond that only answers); a batond whose
 * own checks should count is listed as a probe. vip: a baton-vip node; it reports its VRRP
 * instances (the only role whose VIP reports are accepted) and never votes. */
enum gossip_role { GOSSIP_ROLE_PROBE, GOSSIP_ROLE_SERVER, GOSSIP_ROLE_VIP };

struct gossip_member_def {
	char name[GOSSIP_NAME_MAX + 1];
	char region[GOSSIP_NAME_MAX + 1];
	enum gossip_role role;
	unsigned line; /* where it first appears, for errors that name it */
};

struct gossip_trusted_key {
	uint32_t member; /* index into members */
	struct gossip_key *key;
	unsigned line;
};

struct gossip_keyring {
	char *path;
	struct gossip_member_def *members;
	uint32_t member_count;
	struct gossip_trusted_key *keys;
	uint32_t key_count;
};

/* Reads a trusted-keys file. Every mistake goes to d with file:line and the fix; returns 0,
 * -EINVAL when d holds errors (then *out is untouched), -errno when the file cannot be read
 * (also reported in d), or -ENOMEM. */
int gossip_keyring_load(struct gossip_keyring **out, const char *path, struct diag *d);

/* The same from an open stream called `name` (tests). */
int gossip_keyring_read(struct gossip_keyring **out, FILE *fp, const char *name, struct diag *d);

void gossip_keyring_free(struct gossip_keyring *kr);

/* The member called `name`, or -1. */
int gossip_keyring_member(const struct gossip_keyring *kr, const char *name);

/* The trusted key whose public key begins with key_id, or NULL. */
const struct gossip_trusted_key *gossip_keyring_find(const struct gossip_keyring *kr,
						     const uint8_t key_id[GOSSIP_KEY_ID_LEN]);

/* How many distinct regions the members of `role` are in. */
unsigned gossip_keyring_regions(const struct gossip_keyring *kr, enum gossip_role role);

/* "probe", "server" or "vip". */
const char *gossip_role_name(enum gossip_role role);

#endif
