/* A zone's DNSSEC keys from the K<zone>.+<alg>+<tag>.key / .private pairs that ldns-keygen,
 * BIND's dnssec-keygen and baton-keygen --dnssec write. ldns reads both halves; the public half
 * rebuilt from the private key must be the .key file's, so a pair mixed up by hand is caught
 * here and not by a validator. */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zones/dnssec.h"

/* "K" + the zone in lowercase with its final dot, as both tools spell it. */
static void key_prefix(char *buf, size_t size, const char *zone)
{
	size_t n = strlen(zone);

	snprintf(buf, size, "K%s%s+", zone, n > 0 && zone[n - 1] == '.' ? "" : ".");
}

static ldns_rr *read_public(const char *path, struct diag *d)
{
	FILE *fp = fopen(path, "r");
	ldns_rr *rr = NULL;
	ldns_status st;

	if (fp == NULL) {
		diag_add(d, path, 0, "cannot read the DNSSEC key: %s; fix its permissions",
			 strerror(errno));
		return NULL;
	}
	/* the file may start with ';' comments (BIND writes three lines of them) */
	do {
		st = ldns_rr_new_frm_fp(&rr, fp, NULL, NULL, NULL);
	} while (st == LDNS_STATUS_SYNTAX_EMPTY);
	fclose(fp);
	if (st != LDNS_STATUS_OK || ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY) {
		diag_add(d, path, 0,
			 "not a DNSKEY record (%s); write it again with "
			 "baton-keygen --dnssec",
			 st != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(st) : "another type");
		ldns_rr_free(rr);
		return NULL;
	}
	return rr;
}

static ldns_key *read_private(const char *path, struct diag *d)
{
	FILE *fp = fopen(path, "r");
	ldns_key *k = NULL;
	ldns_status st;

	if (fp == NULL) {
		diag_add(d, path, 0, "cannot read the DNSSEC private key: %s; %s", strerror(errno),
			 errno == ENOENT ? "put the .private file beside its .key"
					 : "fix its permissions");
		return NULL;
	}
	st = ldns_key_new_frm_fp(&k, fp);
	fclose(fp);
	if (st != LDNS_STATUS_OK) {
		diag_add(d, path, 0,
			 "cannot read the DNSSEC private key: %s; write the pair again "
			 "with baton-keygen --dnssec",
			 ldns_get_errorstr_by_id(st));
		return NULL;
	}
	return k;
}

/* Gives the private key its owner and flags from the .key, then checks that the public key
 * it makes is the one the .key holds. */
static bool keys_match(ldns_key *k, const ldns_rr *pub)
{
	ldns_rr *made;
	bool same;

	ldns_key_set_pubkey_owner(k, ldns_rdf_clone(ldns_rr_owner(pub)));
	ldns_key_set_flags(k, ldns_rdf2native_int16(ldns_rr_rdf(pub, 0)));
	made = ldns_key2rr(k);
	if (made == NULL)
		return false;
	same = ldns_rdf_compare(ldns_rr_rdf(made, 2), ldns_rr_rdf(pub, 2)) == 0 &&
	       ldns_rdf_compare(ldns_rr_rdf(made, 3), ldns_rr_rdf(pub, 3)) == 0;
	ldns_key_set_keytag(k, ldns_calc_keytag(made));
	ldns_rr_free(made);
	return same;
}

/* Adds the pair whose .key is `dir`/`name`. */
static int add_pair(struct dnssec_keys *keys, const char *dir, const char *name, struct diag *d)
{
	char pub_path[4096], priv_path[4096];
	size_t n = strlen(name) - strlen(".key");
	ldns_rr *pub;
	ldns_key *k;

	snprintf(pub_path, sizeof(pub_path), "%s/%s", dir, name);
	snprintf(priv_path, sizeof(priv_path), "%s/%.*s.private", dir, (int)n, name);
	pub = read_public(pub_path, d);
	if (pub == NULL)
		return -EINVAL;
	k = read_private(priv_path, d);
	if (k == NULL || !keys_match(k, pub)) {
		if (k != NULL)
			diag_add(d, priv_path, 0,
				 "does not match %s (another key's private half?); put the "
				 "right pair together or write a new one with baton-keygen "
				 "--dnssec",
				 pub_path);
		ldns_key_deep_free(k);
		ldns_rr_free(pub);
		return -EINVAL;
	}
	ldns_rr_list_push_rr(keys->dnskeys, pub);
	ldns_key_list_push_key(ldns_key_flags(k) & LDNS_KEY_SEP_KEY ? keys->ksk : keys->zsk, k);
	return 0;
}

/* Is `name` one of our zone's key files? -EINVAL when it is but of another algorithm. */
static int is_key_file(const char *name, const char *prefix, const char *dir, struct diag *d)
{
	size_t plen = strlen(prefix), n = strlen(name);

	if (n <= plen + 4 || strncasecmp(name, prefix, plen) != 0 ||
	    strcmp(name + n - 4, ".key") != 0)
		return 0;
	if (strncmp(name + plen, "013+", 4) == 0 || strncmp(name + plen, "015+", 4) == 0)
		return 1;
	diag_add(d, dir, 0,
		 "%s: algorithm %.3s is not supported; use 13 (ECDSAP256SHA256) or 15 "
		 "(ED25519), or move the file away",
		 name, name + plen);
	return -EINVAL;
}

static int scan(struct dnssec_keys *keys, const char *zone, const char *dir, struct diag *d)
{
	char prefix[DNAME_STR_MAX + 4];
	DIR *dp = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (dp == NULL) {
		rc = -errno;
		diag_add(d, dir, 0,
			 "dnssec-key-dir: %s; create it and write keys with baton-keygen "
			 "--dnssec %s",
			 strerror(-rc), zone);
		return rc;
	}
	key_prefix(prefix, sizeof(prefix), zone);
	while ((e = readdir(dp)) != NULL) {
		int is = is_key_file(e->d_name, prefix, dir, d);

		if (is < 0 || (is > 0 && add_pair(keys, dir, e->d_name, d) < 0))
			rc = -EINVAL;
	}
	closedir(dp);
	return rc;
}

int dnssec_keys_load(struct dnssec_keys **out, const char *zone, const char *dir, struct diag *d)
{
	struct dnssec_keys *keys = calloc(1, sizeof(*keys));
	int rc = -ENOMEM;

	if (keys == NULL)
		return -ENOMEM;
	keys->ksk = ldns_key_list_new();
	keys->zsk = ldns_key_list_new();
	keys->dnskeys = ldns_rr_list_new();
	if (keys->ksk == NULL || keys->zsk == NULL || keys->dnskeys == NULL)
		goto fail;
	rc = scan(keys, zone, dir, d);
	if (rc == 0 && ldns_key_list_key_count(keys->ksk) == 0) {
		diag_add(d, dir, 0,
			 "no key with the SEP flag (257) for zone %s; write one with "
			 "baton-keygen --dnssec %s",
			 zone, zone);
		rc = -EINVAL;
	}
	if (rc < 0)
		goto fail;
	*out = keys;
	return 0;
fail:
	dnssec_keys_free(keys);
	return rc;
}

static void free_list(ldns_key_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < ldns_key_list_key_count(l); i++)
		ldns_key_deep_free(ldns_key_list_key(l, i));
	ldns_key_list_set_key_count(l, 0);
	ldns_key_list_free(l);
}

void dnssec_keys_free(struct dnssec_keys *k)
{
	if (k == NULL)
		return;
	free_list(k->ksk);
	free_list(k->zsk);
	ldns_rr_list_deep_free(k->dnskeys);
	free(k);
}
