/* baton-keygen --dnssec ZONE: a DNSSEC key pair in the files ldns-keygen and BIND's
 * dnssec-keygen write, K<zone>.+<alg>+<tag>.key and .private (mode 0600), made by ldns. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/keygen_dnssec.h"

static int dnssec_usage(void)
{
	fprintf(stderr, "usage: baton-keygen --dnssec ZONE [--algorithm 13|15] [--zsk] [-d DIR]\n"
			"writes DIR/K<zone>.+<alg>+<tag>.key and .private (mode 0600); a key "
			"with the SEP flag (KSK, or CSK alone) unless --zsk\n");
	return 2;
}

/* Writes `text` to a new file: never over an existing key. */
static int write_new(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0) {
		fprintf(stderr, "baton-keygen: %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? "; not overwriting it" : "");
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
		fprintf(stderr, "baton-keygen: %s: cannot write it\n", path);
		unlink(path);
		return -1;
	}
	return 0;
}

static int write_pair(ldns_key *key, const char *dir)
{
	char base[4096], pub_path[4200], priv_path[4200];
	ldns_rr *rr = ldns_key2rr(key);
	char *owner = ldns_rdf2str(ldns_key_pubkey_owner(key));
	char *pub = rr ? ldns_rr2str(rr) : NULL, *priv = ldns_key2str(key);
	int rc = -1;

	if (rr == NULL || owner == NULL || pub == NULL || priv == NULL) {
		fprintf(stderr, "baton-keygen: ldns cannot encode the key\n");
		goto out;
	}
	snprintf(base, sizeof(base), "%s/K%s+%03u+%05u", dir, owner, ldns_key_algorithm(key),
		 ldns_calc_keytag(rr));
	snprintf(pub_path, sizeof(pub_path), "%s.key", base);
	snprintf(priv_path, sizeof(priv_path), "%s.private", base);
	if (write_new(priv_path, priv, 0600) < 0)
		goto out;
	if (write_new(pub_path, pub, 0644) < 0) {
		unlink(priv_path); /* half a pair is no use */
		goto out;
	}
	printf("%s\n%s\n", pub_path, priv_path);
	rc = 0;
out:
	free(owner);
	free(pub);
	free(priv);
	ldns_rr_free(rr);
	return rc;
}

int keygen_dnssec(int argc, char **argv)
{
	const char *zone = NULL, *dir = ".";
	ldns_signing_algorithm alg = LDNS_SIGN_ECDSAP256SHA256;
	uint16_t flags = LDNS_KEY_ZONE_KEY | LDNS_KEY_SEP_KEY;
	ldns_rdf *owner;
	ldns_key *key;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dnssec") == 0 && i + 1 < argc)
			zone = argv[++i];
		else if (strcmp(argv[i], "--algorithm") == 0 && i + 1 < argc) {
			const char *a = argv[++i];

			if (strcmp(a, "13") == 0)
				alg = LDNS_SIGN_ECDSAP256SHA256;
			else if (strcmp(a, "15") == 0)
				alg = LDNS_SIGN_ED25519;
			else
				return dnssec_usage();
		} else if (strcmp(argv[i], "--zsk") == 0)
			flags = LDNS_KEY_ZONE_KEY;
		else if (strcmp(argv[i], "--ksk") == 0)
			flags = LDNS_KEY_ZONE_KEY | LDNS_KEY_SEP_KEY;
		else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			dir = argv[++i];
		else
			return dnssec_usage();
	}
	if (zone == NULL || ldns_str2rdf_dname(&owner, zone) != LDNS_STATUS_OK)
		return dnssec_usage();
	ldns_dname2canonical(owner);
	key = ldns_key_new_frm_algorithm(alg, 256);
	if (key == NULL) {
		fprintf(stderr, "baton-keygen: ldns cannot make a key of algorithm %d\n", alg);
		ldns_rdf_deep_free(owner);
		return 1;
	}
	ldns_key_set_pubkey_owner(key, owner);
	ldns_key_set_flags(key, flags);
	rc = write_pair(key, dir) < 0 ? 1 : 0;
	ldns_key_deep_free(key);
	return rc;
}
