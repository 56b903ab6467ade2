/* Unit tests for the trusted-keys file: members, regions, roles, several keys per member, and
 * every mistake reported with file:line and the fix. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "health/gossip/keys.h"
#include "health/gossip/sign.h"

static char pubs[4][GOSSIP_PUB_TEXT_MAX];

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		struct gossip_key *k;

		if (gossip_key_generate(&k) < 0)
			return -1;
		gossip_pub_format(gossip_key_public(k), pubs[i]);
		gossip_key_free(k);
	}
	return 0;
}

/* Reads `text` as the file "trusted" and returns the result; *kr is set on success. */
static int read_text(const char *text, struct gossip_keyring **kr, struct diag *d)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(fp);
	rc = gossip_keyring_read(kr, fp, "trusted", d);
	fclose(fp);
	return rc;
}

static void test_members_and_rotation(void **state)
{
	struct gossip_keyring *kr = NULL;
	struct diag d;
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text),
		 "# name region role key\n"
		 "fra-1  eu  probe  %s\n"
		 "\n"
		 "fra-1  eu  probe  %s   # the next key, for rotation\n"
		 "iad-1  us  probe  %s\n"
		 "ns1    eu  server %s\n",
		 pubs[0], pubs[1], pubs[2], pubs[3]);
	diag_init(&d);
	assert_int_equal(read_text(text, &kr, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(kr->member_count, 3);
	assert_int_equal(kr->key_count, 4);
	assert_int_equal(gossip_keyring_member(kr, "iad-1"), 1);
	assert_int_equal(gossip_keyring_member(kr, "nope"), -1);
	assert_int_equal(kr->keys[1].member, 0);
	assert_int_equal(kr->members[2].role, GOSSIP_ROLE_SERVER);
	assert_int_equal(gossip_keyring_regions(kr, GOSSIP_ROLE_PROBE), 2);
	assert_int_equal(gossip_keyring_regions(kr, GOSSIP_ROLE_SERVER), 1);
	assert_ptr_equal(gossip_keyring_find(kr, gossip_key_public(kr->keys[2].key)), &kr->keys[2]);
	gossip_keyring_free(kr);
	diag_fini(&d);
}

/* A baton-vip node is a member of role vip: neither a prober nor a server. */
static void test_vip_role(void **state)
{
	struct gossip_keyring *kr = NULL;
	struct diag d;
	char text[1024];
	size_t good;

	(void)state;
	good = (size_t)snprintf(text, sizeof(text),
				"fra-1  eu  probe  %s\n"
				"vip-a  eu  vip    %s\n"
				"vip-b  us  vip    %s\n",
				pubs[0], pubs[1], pubs[2]);
	snprintf(text + good, sizeof(text) - good, "vip-a  eu  server %s\n", pubs[3]);
	diag_init(&d);
	assert_int_equal(read_text(text, &kr, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.lines[0], "trusted:4:"));
	diag_fini(&d);
	text[good] = '\0';
	diag_init(&d);
	assert_int_equal(read_text(text, &kr, &d), 0);
	assert_int_equal(kr->member_count, 3);
	assert_int_equal(kr->members[1].role, GOSSIP_ROLE_VIP);
	assert_string_equal(gossip_role_name(kr->members[2].role), "vip");
	assert_int_equal(gossip_keyring_regions(kr, GOSSIP_ROLE_VIP), 2);
	assert_int_equal(gossip_keyring_regions(kr, GOSSIP_ROLE_PROBE), 1);
	gossip_keyring_free(kr);
	diag_fini(&d);
}

/* Each bad line gives one error naming its line and what to do. */
static void test_errors_name_the_line(void **state)
{
	struct gossip_keyring *kr = NULL;
	struct diag d;
	char text[2048];

	(void)state;
	snprintf(text, sizeof(text),
		 "fra-1 eu probe %s\n"
		 "fra-1 eu probe\n"
		 "iad-1 us prober %s\n"
		 "iad-1 us probe ed25519:notbase64\n"
		 "fra-1 us probe %s\n"
		 "sin-1 ap probe %s\n"
		 "bad/name ap probe %s\n",
		 pubs[0], pubs[1], pubs[2], pubs[0], pubs[3]);
	diag_init(&d);
	assert_int_equal(read_text(text, &kr, &d), -EINVAL);
	assert_null(kr);
	assert_int_equal(d.count, 6);
	assert_non_null(strstr(d.lines[0], "trusted:2: 3 fields"));
	assert_non_null(
		strstr(d.lines[1], "trusted:3: unknown role 'prober': use probe, server or vip"));
	assert_non_null(strstr(d.lines[2], "trusted:4: bad public key"));
	assert_non_null(strstr(d.lines[3], "trusted:5: member fra-1 is eu probe at line 1"));
	assert_non_null(strstr(d.lines[4], "trusted:6: this key is already listed at line 1"));
	assert_non_null(strstr(d.lines[5], "trusted:7: bad name 'bad/name'"));
	diag_fini(&d);
}

static void test_empty_and_missing(void **state)
{
	struct gossip_keyring *kr = NULL;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(read_text("# nothing\n", &kr, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.lines[0], "trusted: no keys"));
	assert_int_equal(gossip_keyring_load(&kr, "/nonexistent/trusted-keys", &d), -ENOENT);
	assert_int_equal(d.count, 2);
	assert_non_null(strstr(d.lines[1], "/nonexistent/trusted-keys: cannot read"));
	diag_fini(&d);
}

/* A FIFO would block the open and never end the read: refused at once, by kind, for the
 * trusted keys and for a member's private key alike. */
static void test_fifo_refused(void **state)
{
	char dir[] = "/tmp/test_gossip_keys.XXXXXX", path[64], why[256];
	struct gossip_keyring *kr = NULL;
	struct gossip_key *key = NULL;
	struct diag d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	diag_init(&d);
	assert_int_equal(gossip_keyring_load(&kr, path, &d), -ENOTSUP);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.lines[0], "not a regular file (a FIFO)"));
	assert_int_equal(gossip_key_load_private(&key, path, why, sizeof(why)), -ENOTSUP);
	assert_non_null(strstr(why, "not a regular file (a FIFO)"));
	diag_fini(&d);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_and_rotation),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_vip_role),
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_fifo_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
