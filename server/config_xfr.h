/* batond.conf's transfer keys, in nsd.conf(5)'s spelling: `key:` sections (TSIG keys, RFC
 * 8945) and each zone's `provide-xfr:` and `notify:` lines. Parsed here to keep config.c small;
 * config.c calls these from its key table. */
#ifndef BATON_CONFIG_XFR_H
#define BATON_CONFIG_XFR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "baton/diag.h"

enum tsig_algorithm { TSIG_HMAC_SHA1, TSIG_HMAC_SHA256, TSIG_HMAC_SHA512 };

/* The longest secret taken: HMAC keys longer than the hash's block (128 bytes for SHA-512) are
 * hashed first (RFC 2104 §2), so nothing is gained past it. */
#define CONFIG_SECRET_MAX 128

struct config_tsig_key {
	char *name; /* presentation, lowercase, no final dot */
	uint8_t wire[255]; /* the same, wire form: what a TSIG RR carries (RFC 8945 §4.2) */
	uint8_t wire_len;
	enum tsig_algorithm algorithm;
	uint8_t secret[CONFIG_SECRET_MAX];
	size_t secret_len;
	bool has_algorithm;
	uint8_t given; /* bits: name, algorithm, secret given (a bad value was reported) */
	unsigned line; /* its `key:` line */
};

/* A provide-xfr: ADDRESS[/PREFIX] KEYNAME|NOKEY. */
struct config_acl {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefix_len;
	uint8_t addr[16]; /* host bits zero */
	char *key_name; /* NULL: NOKEY */
	int key; /* index into config.tsig_keys; -1: NOKEY */
	unsigned line;
};

/* A notify: ADDRESS[@PORT] KEYNAME|NOKEY. */
struct config_notify {
	struct sockaddr_storage addr; /* port 53 unless given */
	char *key_name; /* NULL: NOKEY */
	int key; /* index into config.tsig_keys; -1: NOKEY */
	unsigned line;
};

struct config;

/* Sets the key field `name` ("name", "algorithm", "secret") from `value`; as below. */
int config_xfr_key_set(struct config_tsig_key *k, const char *name, const char *value, char *fix,
		       size_t size);

/* Each parser takes a value as written and returns 0, -EINVAL with the fix in `fix` (for
 * file:line messages), or -ENOMEM. */
int config_xfr_key_name(struct config_tsig_key *k, const char *value, char *fix, size_t size);
int config_xfr_key_algorithm(struct config_tsig_key *k, const char *value, char *fix, size_t size);
int config_xfr_key_secret(struct config_tsig_key *k, const char *value, char *fix, size_t size);
int config_xfr_acl(struct config_acl *a, const char *value, char *fix, size_t size);
int config_xfr_notify(struct config_notify *n, const char *value, char *fix, size_t size);

struct config_zone;

/* A new, empty key: section begun at `line`, last in cfg->tsig_keys. Returns 0 or -ENOMEM. */
int config_xfr_add_key(struct config *cfg, unsigned line);

/* Parse a provide-xfr: or notify: value and append it to the zone's list; as above. */
int config_xfr_add_acl(struct config_zone *z, const char *value, unsigned line, char *fix,
		       size_t size);
int config_xfr_add_notify(struct config_zone *z, const char *value, unsigned line, char *fix,
			  size_t size);

/* After the whole file: every key has its name, algorithm and secret, no name is given twice,
 * and every key a provide-xfr or notify names exists. Adds each problem to `diag` with
 * `path` and its line; returns how many. */
unsigned config_xfr_check(struct config *cfg, const char *path, struct diag *diag);

/* Frees what the parsers allocated in `cfg`'s keys and zones. */
void config_xfr_free(struct config *cfg);

/* The algorithm's name in a TSIG RR and in nsd.conf ("hmac-sha256"). */
const char *config_xfr_algorithm_name(enum tsig_algorithm a);

#endif
