/* Fuzz target: the input is one gossip datagram, fed to the decoder and then to a node's whole
 * receive pipeline (key, signature, clock window, replay, store, relay), followed by a round.
 * The node's keys are fixed (make_gossip_corpus.py signs the seeds with the same ones), so
 * validly signed inputs reach the store and the quorum too. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/gossip/node.h"
#include "health/gossip/sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The clock the corpus was signed for (2023-11-14 22:13:20 UTC). */
#define FUZZ_WALL_MS 1700000000000

static struct gossip_keyring *keyring;
static struct gossip_key *keys[3];
static struct gossip_node *node;
static size_t sent_bytes;

static void on_send(void *arg, uint32_t member, const uint8_t *buf, size_t len)
{
	(void)arg;
	/* a node only ever sends whole datagrams of the format, to a member */
	if (member >= keyring->member_count || len < GOSSIP_MSG_MIN || len > GOSSIP_MSG_MAX ||
	    buf[0] != 'B')
		abort();
	sent_bytes += len;
}

static void setup(void)
{
	static const char *const lines[3] = { "p-eu eu probe", "p-us us probe", "s-eu eu server" };
	char text[1024], pub[GOSSIP_PUB_TEXT_MAX];
	struct gossip_node_config cfg;
	size_t used = 0;
	uint32_t index;
	struct diag d;
	FILE *fp;

	for (int i = 0; i < 3; i++) {
		uint8_t seed[GOSSIP_PUB_LEN];

		memset(seed, i + 1, sizeof(seed)); /* the seeds make_gossip_corpus.py uses */
		if (gossip_key_from_seed(&keys[i], seed) < 0)
			abort();
		gossip_pub_format(gossip_key_public(keys[i]), pub);
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s %s\n", lines[i],
					 pub);
	}
	fp = fmemopen(text, used, "r");
	diag_init(&d);
	if (fp == NULL || gossip_keyring_read(&keyring, fp, "fuzz", &d) < 0)
		abort();
	fclose(fp);
	diag_fini(&d);
	gossip_node_config_default(&cfg);
	cfg.self = "s-eu";
	if (gossip_node_new(&node, keyring, keys[2], &cfg, on_send, NULL) < 0 ||
	    gossip_node_add_peer(node, 0) < 0 || gossip_node_add_peer(node, 1) < 0 ||
	    gossip_node_watch(node, "example.com", "fra", &index) < 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int64_t now_ms = 1000000;
	struct gossip_verdict v;
	struct gossip_msg m;
	enum gossip_drop why;

	if (gossip_msg_decode(&m, data, size, &why) == 0) {
		/* what the decoder accepted is exactly as long as its header says */
		if (m.signed_len + GOSSIP_SIG_LEN != size ||
		    (size_t)m.count * GOSSIP_OBS_LEN + GOSSIP_MSG_MIN != size || m.part >= m.parts)
			abort();
		for (uint16_t i = 0; i < m.count; i++) {
			struct gossip_obs o;

			gossip_msg_obs(&m, i, &o);
			if (o.verdict > SITE_DOWN)
				abort();
		}
	} else if (why >= GOSSIP_DROP_KINDS) {
		abort();
	}
	now_ms += 100;
	(void)gossip_node_receive(node, data, size, GOSSIP_FROM_UNKNOWN, now_ms, FUZZ_WALL_MS,
				  &why);
	(void)gossip_node_round(node, now_ms, FUZZ_WALL_MS);
	if (!gossip_node_verdict(node, 0, &v) || v.verdict > SITE_DOWN)
		abort();
	return 0;
}
