/* The trusted-keys file parser. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "health/gossip/keys.h"
#include "zones/reader.h"

const char *gossip_role_name(enum gossip_role role)
{
	return role == GOSSIP_ROLE_PROBE ? "probe" : role == GOSSIP_ROLE_VIP ? "vip" : "server";
}

static bool is_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > GOSSIP_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

int gossip_keyring_member(const struct gossip_keyring *kr, const char *name)
{
	for (uint32_t i = 0; i < kr->member_count; i++)
		if (strcmp(kr->members[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct gossip_trusted_key *gossip_keyring_find(const struct gossip_keyring *kr,
						     const uint8_t key_id[GOSSIP_KEY_ID_LEN])
{
	for (uint32_t i = 0; i < kr->key_count; i++)
		if (memcmp(gossip_key_public(kr->keys[i].key), key_id, GOSSIP_KEY_ID_LEN) == 0)
			return &kr->keys[i];
	return NULL;
}

unsigned gossip_keyring_regions(const struct gossip_keyring *kr, enum gossip_role role)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < kr->member_count; i++) {
		bool seen = false;

		if (kr->members[i].role != role)
			continue;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = kr->members[j].role == role &&
			       strcmp(kr->members[j].region, kr->members[i].region) == 0;
		n += !seen;
	}
	return n;
}

void gossip_keyring_free(struct gossip_keyring *kr)
{
	if (kr == NULL)
		return;
	for (uint32_t i = 0; i < kr->key_count; i++)
		gossip_key_free(kr->keys[i].key);
	free(kr->keys);
	free(kr->members);
	free(kr->path);
	free(kr);
}

/* Finds or adds the member a line names; reports a region or role that disagrees with an
 * earlier line. Returns its index, -1 on a reported error, -2 when out of memory. */
static int member_for(struct gossip_keyring *kr, char **f, enum gossip_role role, unsigned line,
		      struct diag *d)
{
	int i = gossip_keyring_member(kr, f[0]);
	struct gossip_member_def *m;

	if (i >= 0) {
		m = &kr->members[i];
		if (strcmp(m->region, f[1]) != 0 || m->role != role) {
			diag_add(d, kr->path, line,
				 "member %s is %s %s at line %u; one member has one region and one "
				 "role: make the lines agree",
				 f[0], m->region, gossip_role_name(m->role), m->line);
			return -1;
		}
		return i;
	}
	m = realloc(kr->members, sizeof(*m) * (kr->member_count + 1));
	if (m == NULL)
		return -2;
	kr->members = m;
	m = &kr->members[kr->member_count];
	memset(m, 0, sizeof(*m));
	strcpy(m->name, f[0]);
	strcpy(m->region, f[1]);
	m->role = role;
	m->line = line;
	return (int)kr->member_count++;
}

/* One line's fields; reports each mistake. Returns 0, -1 after a reported error, -ENOMEM. */
static int parse_line(struct gossip_keyring *kr, char **f, unsigned nf, unsigned line,
		      struct diag *d)
{
	enum gossip_role role;
	uint8_t pub[GOSSIP_PUB_LEN];
	struct gossip_trusted_key *k;
	int member;

	if (nf != 4) {
		diag_add(d, kr->path, line,
			 "%u fields; a key line is: NAME REGION probe|server|vip ed25519:BASE64",
			 nf);
		return -1;
	}
	if (!is_name(f[0]) || !is_name(f[1])) {
		diag_add(d, kr->path, line,
			 "bad %s '%s': use 1 to %d letters, digits, '-', '_' or '.'",
			 is_name(f[0]) ? "region" : "name", is_name(f[0]) ? f[1] : f[0],
			 GOSSIP_NAME_MAX);
		return -1;
	}
	if (strcmp(f[2], "probe") == 0)
		role = GOSSIP_ROLE_PROBE;
	else if (strcmp(f[2], "server") == 0)
		role = GOSSIP_ROLE_SERVER;
	else if (strcmp(f[2], "vip") == 0)
		role = GOSSIP_ROLE_VIP;
	else {
		diag_add(d, kr->path, line, "unknown role '%s': use probe, server or vip", f[2]);
		return -1;
	}
	if (gossip_pub_parse(f[3], pub) < 0) {
		diag_add(d, kr->path, line,
			 "bad public key '%s': paste the ed25519:... text of a .pub file "
			 "baton-keygen wrote",
			 f[3]);
		return -1;
	}
	/* receivers find the key by its first bytes, so those must be unique */
	for (uint32_t i = 0; i < kr->key_count; i++) {
		if (memcmp(gossip_key_public(kr->keys[i].key), pub, GOSSIP_KEY_ID_LEN) == 0) {
			diag_add(d, kr->path, line,
				 "this key is already listed at line %u; list each key once",
				 kr->keys[i].line);
			return -1;
		}
	}
	member = member_for(kr, f, role, line, d);
	if (member < 0)
		return member == -1 ? -1 : -ENOMEM;
	k = realloc(kr->keys, sizeof(*k) * (kr->key_count + 1));
	if (k == NULL)
		return -ENOMEM;
	kr->keys = k;
	k = &kr->keys[kr->key_count];
	k->member = (uint32_t)member;
	k->line = line;
	if (gossip_key_from_public(&k->key, pub) < 0) {
		diag_add(d, kr->path, line, "libcrypto refuses this public key; make a new one");
		return -1;
	}
	kr->key_count++;
	return 0;
}

static unsigned split(char *s, char **f, unsigned max)
{
	unsigned n = 0;

	for (char *tok = strtok(s, " \t\r\n"); tok != NULL; tok = strtok(NULL, " \t\r\n")) {
		if (tok[0] == '#')
			break;
		if (n < max)
			f[n] = tok;
		n++;
	}
	return n;
}

int gossip_keyring_read(struct gossip_keyring **out, FILE *fp, const char *name, struct diag *d)
{
	struct gossip_keyring *kr = calloc(1, sizeof(*kr));
	size_t errors = d->count, cap = 0;
	char *buf = NULL, *f[5];
	unsigned line = 0;
	int rc = 0;

	if (kr == NULL || (kr->path = strdup(name)) == NULL) {
		free(kr);
		return -ENOMEM;
	}
	while (rc != -ENOMEM && getline(&buf, &cap, fp) >= 0) {
		unsigned nf = split(buf, f, 5);

		line++;
		if (nf > 0)
			rc = parse_line(kr, f, nf, line, d);
	}
	free(buf);
	if (rc != -ENOMEM && kr->member_count == 0)
		diag_add(d, name, 0,
			 "no keys: list one line per member key (NAME REGION ROLE KEY)");
	if (rc == -ENOMEM || d->count > errors) {
		gossip_keyring_free(kr);
		return rc == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	*out = kr;
	return 0;
}

int gossip_keyring_load(struct gossip_keyring **out, const char *path, struct diag *d)
{
	FILE *fp;
	const char *kind = NULL;
	char why[96];
	int rc = reader_open(path, &fp, &kind);

	if (rc < 0) {
		diag_add(d, path, 0, "cannot read the trusted keys: %s",
			 reader_open_error(rc, kind, why, sizeof(why)));
		return rc;
	}
	rc = gossip_keyring_read(out, fp, path, d);
	fclose(fp);
	return rc;
}
