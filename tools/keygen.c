/* baton-keygen NAME: a gossip member's Ed25519 key pair, NAME.key (PEM, mode 0600) and NAME.pub
 * (the text a trusted-keys line takes). Never overwrites: a key that exists may be the one a
 * cluster trusts. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/gossip/keys.h"
#include "health/gossip/sign.h"
#include "tools/keygen_dnssec.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: baton-keygen [-d DIR] NAME\n"
		"       baton-keygen --dnssec ZONE [--algorithm 13|15] [--zsk] [-d DIR]\n"
		"writes DIR/NAME.key (private, mode 0600) and DIR/NAME.pub; DIR defaults to .\n");
	exit(2);
}

/* Opens `path` for writing only if it does not exist yet. */
static FILE *create(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	FILE *fp;

	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr,
				"baton-keygen: %s exists; not overwriting it (remove it first, "
				"or pick another name)\n",
				path);
		else
			fprintf(stderr, "baton-keygen: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL)
		close(fd);
	return fp;
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > GOSSIP_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
		       n &&
	       name[0] != '.';
}

int main(int argc, char **argv)
{
	char key_path[4096], pub_path[4096], pub[GOSSIP_PUB_TEXT_MAX];
	const char *dir = ".", *name;
	struct gossip_key *key;
	FILE *kf, *pf;
	int opt, rc = 1;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--dnssec") == 0)
			return keygen_dnssec(argc, argv);
	while ((opt = getopt(argc, argv, "d:h")) != -1) {
		if (opt == 'd')
			dir = optarg;
		else
			usage();
	}
	if (optind != argc - 1)
		usage();
	name = argv[optind];
	if (!valid_name(name)) {
		fprintf(stderr,
			"baton-keygen: bad name '%s': use 1 to %d letters, digits, '-', '_' "
			"or '.', not starting with '.'\n",
			name, GOSSIP_NAME_MAX);
		return 2;
	}
	snprintf(key_path, sizeof(key_path), "%s/%s.key", dir, name);
	snprintf(pub_path, sizeof(pub_path), "%s/%s.pub", dir, name);
	if (access(pub_path, F_OK) == 0) {
		fprintf(stderr,
			"baton-keygen: %s exists; not overwriting it (remove it first, or "
			"pick another name)\n",
			pub_path);
		return 1;
	}
	if (gossip_key_generate(&key) < 0) {
		fprintf(stderr, "baton-keygen: libcrypto cannot make an Ed25519 key\n");
		return 1;
	}
	kf = create(key_path, 0600);
	if (kf == NULL)
		goto out;
	if (gossip_key_write_private(key, kf) < 0 || fclose(kf) != 0) {
		fprintf(stderr, "baton-keygen: %s: cannot write the key\n", key_path);
		unlink(key_path);
		goto out;
	}
	pf = create(pub_path, 0644);
	if (pf == NULL) {
		unlink(key_path); /* half a pair is no use */
		goto out;
	}
	gossip_pub_format(gossip_key_public(key), pub);
	fprintf(pf, "%s %s\n", name, pub);
	if (fclose(pf) != 0) {
		fprintf(stderr, "baton-keygen: %s: cannot write the public key\n", pub_path);
		unlink(key_path);
		unlink(pub_path);
		goto out;
	}
	printf("%s: private key (keep it on %s only)\n%s: public key\n"
	       "trusted-keys line: %s REGION probe|server %s\n",
	       key_path, name, pub_path, name, pub);
	rc = 0;
out:
	gossip_key_free(key);
	return rc;
}
