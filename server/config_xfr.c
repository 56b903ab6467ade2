/* batond.conf's `key:` sections and the zones' `provide-xfr:` and `notify:` lines, spelt as in
 * nsd.conf(5) so an NSD operator can copy them across. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/config.h"
#include "server/config_xfr.h"

static const char *const algorithm_names[] = {
	[TSIG_HMAC_SHA1] = "hmac-sha1",
	[TSIG_HMAC_SHA256] = "hmac-sha256",
	[TSIG_HMAC_SHA512] = "hmac-sha512",
};

const char *config_xfr_algorithm_name(enum tsig_algorithm a)
{
	return algorithm_names[a];
}

/* ldns checks the name and gives its wire form; kept lowercase, as names compare without case
 * (RFC 4343) and the TSIG digest takes the name in canonical form (RFC 8945 §4.3.3). */
int config_xfr_key_name(struct config_tsig_key *k, const char *value, char *fix, size_t size)
{
	ldns_rdf *d = NULL;
	size_t len;

	k->given |= 1;
	if (ldns_str2rdf_dname(&d, value) != LDNS_STATUS_OK || ldns_rdf_size(d) < 2) {
		ldns_rdf_deep_free(d);
		snprintf(fix, size, "'%s' is not a domain name; write one like tsig.example.",
			 value);
		return -EINVAL;
	}
	ldns_dname2canonical(d);
	k->wire_len = (uint8_t)ldns_rdf_size(d);
	memcpy(k->wire, ldns_rdf_data(d), k->wire_len);
	ldns_rdf_deep_free(d);
	len = strlen(value);
	if (len > 1 && value[len - 1] == '.')
		len--;
	free(k->name);
	k->name = strndup(value, len);
	if (k->name == NULL)
		return -ENOMEM;
	for (char *c = k->name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return 0;
}

int config_xfr_key_algorithm(struct config_tsig_key *k, const char *value, char *fix, size_t size)
{
	k->given |= 2;
	for (size_t i = 0; i < sizeof(algorithm_names) / sizeof(algorithm_names[0]); i++) {
		if (strcasecmp(value, algorithm_names[i]) == 0) {
			k->algorithm = (enum tsig_algorithm)i;
			k->has_algorithm = true;
			return 0;
		}
	}
	snprintf(fix, size, "unknown algorithm '%s'; write hmac-sha256, hmac-sha512 or hmac-sha1",
		 value);
	return -EINVAL;
}

/* Base64 as `tsig-keygen` and `ldns-keygen -a hmac-sha256` print it. OpenSSL decodes; the
 * padding it counts as data is taken off again. */
int config_xfr_key_secret(struct config_tsig_key *k, const char *value, char *fix, size_t size)
{
	size_t len = strlen(value), pad = 0;
	uint8_t buf[CONFIG_SECRET_MAX * 2];
	int n;

	k->given |= 4;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)value[i]) && value[i] != '+' && value[i] != '/' &&
		    value[i] != '=')
			goto bad;
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > sizeof(buf))
		goto bad;
	while (pad < 2 && value[len - 1 - pad] == '=')
		pad++;
	if (memchr(value, '=', len - pad) != NULL)
		goto bad; /* padding only at the end, at most two */
	n = EVP_DecodeBlock(buf, (const unsigned char *)value, (int)len);
	if (n < 0 || (size_t)n < pad || (size_t)n - pad == 0)
		goto bad;
	if ((size_t)n - pad > CONFIG_SECRET_MAX) {
		snprintf(fix, size,
			 "the secret is longer than %d bytes; make a new one with "
			 "tsig-keygen",
			 CONFIG_SECRET_MAX);
		return -EINVAL;
	}
	memcpy(k->secret, buf, (size_t)n - pad);
	k->secret_len = (size_t)n - pad;
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
bad:
	snprintf(fix, size, "write the secret in base64, as tsig-keygen prints it");
	return -EINVAL;
}

int config_xfr_key_set(struct config_tsig_key *k, const char *name, const char *value, char *fix,
		       size_t size)
{
	if (strcmp(name, "name") == 0)
		return config_xfr_key_name(k, value, fix, size);
	if (strcmp(name, "algorithm") == 0)
		return config_xfr_key_algorithm(k, value, fix, size);
	return config_xfr_key_secret(k, value, fix, size);
}

/* The word after the address: a key name, or NOKEY. */
static int key_word(const char *rest, char **key_name, char *fix, size_t size)
{
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\0' || strpbrk(rest, " \t") != NULL) {
		snprintf(fix, size, "write ADDRESS then one key name or NOKEY");
		return -EINVAL;
	}
	*key_name = NULL;
	if (strcmp(rest, "NOKEY") == 0)
		return 0;
	if (strcmp(rest, "BLOCKED") == 0) {
		snprintf(fix, size, "BLOCKED is not supported: leave the address out instead");
		return -EINVAL;
	}
	*key_name = strdup(rest);
	if (*key_name == NULL)
		return -ENOMEM;
	for (char *c = *key_name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	{
		size_t n = strlen(*key_name);

		if (n > 1 && (*key_name)[n - 1] == '.')
			(*key_name)[n - 1] = '\0';
	}
	return 0;
}

/* Splits "ADDRESS<sep>X rest" into host text and where the key word starts. */
static const char *split_host(const char *value, char *host, size_t size)
{
	size_t len = strcspn(value, " \t");

	if (len == 0 || len >= size)
		return NULL;
	memcpy(host, value, len);
	host[len] = '\0';
	return value + len;
}

int config_xfr_acl(struct config_acl *a, const char *value, char *fix, size_t size)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *rest = split_host(value, host, sizeof(host));
	char *slash, *end;
	unsigned long bits;
	unsigned max;

	memset(a, 0, sizeof(*a));
	a->key = -1;
	if (rest == NULL)
		goto bad;
	slash = strchr(host, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, host, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, host, a->addr) == 1)
		a->family = AF_INET6;
	else
		goto bad;
	max = a->family == AF_INET ? 32 : 128;
	bits = max;
	if (slash != NULL) {
		if (!isdigit((unsigned char)slash[1]))
			goto bad;
		bits = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || bits > max)
			goto bad;
	}
	a->prefix_len = (uint8_t)bits;
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = bits > i * 8 ? bits - i * 8 : 0;

		if (keep < 8)
			a->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return key_word(rest, &a->key_name, fix, size);
bad:
	snprintf(fix, size, "write ADDRESS[/PREFIX] KEYNAME|NOKEY, like 192.0.2.0/24 NOKEY");
	return -EINVAL;
}

int config_xfr_notify(struct config_notify *n, const char *value, char *fix, size_t size)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *rest = split_host(value, host, sizeof(host));
	struct sockaddr_in *sin = (struct sockaddr_in *)&n->addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&n->addr;
	unsigned long port = 53;
	char *at, *end;

	memset(n, 0, sizeof(*n));
	n->key = -1;
	if (rest == NULL)
		goto bad;
	at = strrchr(host, '@');
	if (at != NULL) {
		*at = '\0';
		if (!isdigit((unsigned char)at[1]))
			goto bad;
		port = strtoul(at + 1, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535)
			goto bad;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
	} else {
		goto bad;
	}
	return key_word(rest, &n->key_name, fix, size);
bad:
	snprintf(fix, size, "write ADDRESS[@PORT] KEYNAME|NOKEY, like 192.0.2.53@5300 NOKEY");
	return -EINVAL;
}

/* One more element at the end of an array; NULL when out of memory. */
static void *grow(void **array, size_t *count, size_t size)
{
	char *bigger = realloc(*array, (*count + 1) * size);

	if (bigger == NULL)
		return NULL;
	*array = bigger;
	memset(bigger + *count * size, 0, size);
	return bigger + (*count)++ * size;
}

int config_xfr_add_key(struct config *cfg, unsigned line)
{
	struct config_tsig_key *k =
		grow((void **)&cfg->tsig_keys, &cfg->tsig_key_count, sizeof(*k));

	if (k == NULL)
		return -ENOMEM;
	k->line = line;
	return 0;
}

int config_xfr_add_acl(struct config_zone *z, const char *value, unsigned line, char *fix,
		       size_t size)
{
	struct config_acl a, *slot;
	int rc = config_xfr_acl(&a, value, fix, size);

	if (rc < 0)
		return rc;
	a.line = line;
	slot = grow((void **)&z->provide_xfr, &z->provide_xfr_count, sizeof(a));
	if (slot == NULL) {
		free(a.key_name);
		return -ENOMEM;
	}
	*slot = a;
	return 0;
}

int config_xfr_add_notify(struct config_zone *z, const char *value, unsigned line, char *fix,
			  size_t size)
{
	struct config_notify n, *slot;
	int rc = config_xfr_notify(&n, value, fix, size);

	if (rc < 0)
		return rc;
	n.line = line;
	slot = grow((void **)&z->notify, &z->notify_count, sizeof(n));
	if (slot == NULL) {
		free(n.key_name);
		return -ENOMEM;
	}
	*slot = n;
	return 0;
}

static int key_index(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->tsig_key_count; i++)
		if (cfg->tsig_keys[i].name != NULL && strcmp(cfg->tsig_keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static unsigned resolve(const struct config *cfg, const char *path, struct diag *diag,
			const char *what, const char *name, unsigned line, int *key)
{
	if (name == NULL)
		return 0;
	*key = key_index(cfg, name);
	if (*key >= 0)
		return 0;
	diag_add(diag, path, line, "%s: no key: section names '%s'; add one, or write NOKEY", what,
		 name);
	return 1;
}

unsigned config_xfr_check(struct config *cfg, const char *path, struct diag *diag)
{
	unsigned errors = 0;

	for (size_t i = 0; i < cfg->tsig_key_count; i++) {
		const struct config_tsig_key *k = &cfg->tsig_keys[i];
		const char *missing = !(k->given & 1)	? "name"
				      : !(k->given & 2) ? "algorithm"
				      : !(k->given & 4) ? "secret"
							: NULL;

		if (k->name == NULL || !k->has_algorithm || k->secret_len == 0) {
			if (missing == NULL)
				continue; /* given with a bad value: reported already */
			diag_add(diag, path, k->line, "key: section has no '%s:'", missing);
			errors++;
		} else if (key_index(cfg, k->name) != (int)i) {
			diag_add(diag, path, k->line,
				 "key: '%s' is defined twice (first at line %u); keep one", k->name,
				 cfg->tsig_keys[key_index(cfg, k->name)].line);
			errors++;
		}
	}
	for (size_t z = 0; z < cfg->zone_count; z++) {
		struct config_zone *cz = &cfg->zones[z];

		for (size_t i = 0; i < cz->provide_xfr_count; i++)
			errors +=
				resolve(cfg, path, diag, "provide-xfr", cz->provide_xfr[i].key_name,
					cz->provide_xfr[i].line, &cz->provide_xfr[i].key);
		for (size_t i = 0; i < cz->notify_count; i++)
			errors += resolve(cfg, path, diag, "notify", cz->notify[i].key_name,
					  cz->notify[i].line, &cz->notify[i].key);
	}
	return errors;
}

void config_xfr_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->tsig_key_count; i++) {
		free(cfg->tsig_keys[i].name);
		OPENSSL_cleanse(cfg->tsig_keys[i].secret, sizeof(cfg->tsig_keys[i].secret));
	}
	free(cfg->tsig_keys);
	for (size_t z = 0; z < cfg->zone_count; z++) {
		for (size_t i = 0; i < cfg->zones[z].provide_xfr_count; i++)
			free(cfg->zones[z].provide_xfr[i].key_name);
		for (size_t i = 0; i < cfg->zones[z].notify_count; i++)
			free(cfg->zones[z].notify[i].key_name);
		free(cfg->zones[z].provide_xfr);
		free(cfg->zones[z].notify);
	}
}
