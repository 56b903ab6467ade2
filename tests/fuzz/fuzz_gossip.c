/* Fuzz target: the input is one gossip datagram, fed to the decoder and then to a node's whole
 * receive pipeline (key, signature, clock window, replay, store, relay), followed by a round.
 * The node's keys are fixed (make_gossip_corpus.py signs the seeds with the same ones), so
 * validly signed inputs reach the store and the quorum too; VIP reports (type 2) signed by the
 * vip member reach the store and are read back. */
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
static struct gossip_key *keys[4];
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
	static const char *const lines[4] = { "p-eu eu probe", "p-us us probe", "s-eu eu server",
					      "v-eu eu vip" };
	char text[1024], pub[GOSSIP_PUB_TEXT_MAX];
	struct gossip_node_config cfg;
	size_t used = 0;
	uint32_t index;
	struct diag d;
	FILE *fp;

	for (int i = 0; i < 4; i++) {
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
	    gossip_node_add_peer(node, 3) < 0 ||
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

/* A VIP report the decoder accepted reads back record by record to its exact end, and the
 * records encode again to the very bytes received. */
static void check_vip(const struct gossip_msg *m, const uint8_t *data)
{
	static struct gossip_vip_inst v[GOSSIP_MSG_MAX / GOSSIP_VIP_FIXED_LEN];
	uint8_t again[GOSSIP_MSG_MAX];
	size_t off = 0;

	if (m->count > sizeof(v) / sizeof(v[0]))
		abort();
	for (uint16_t i = 0; i < m->count; i++) {
		size_t before = off;

		gossip_msg_vip(m, &off, &v[i]);
		if (off <= before || v[i].state > 3 || gossip_vip_record_len(&v[i]) != off - before)
			abort();
	}
	if (off != m->body_len || gossip_vip_encode(again, m, v) != (int)m->signed_len ||
	    memcmp(again, data, m->signed_len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gossip_vip_seen seen;
	static int64_t now_ms = 1000000;
	struct gossip_verdict v;
	struct gossip_msg m;
	enum gossip_drop why;

	if (gossip_msg_decode(&m, data, size, &why) == 0) {
		/* what the decoder accepted is exactly as long as its header says */
		if (m.signed_len + GOSSIP_SIG_LEN != size || m.part >= m.parts ||
		    m.body_len + GOSSIP_MSG_MIN != size)
			abort();
		if (m.type == GOSSIP_TYPE_VIP)
			check_vip(&m, data);
		else if ((size_t)m.count * GOSSIP_OBS_LEN != m.body_len)
			abort();
		for (uint16_t i = 0; m.type == GOSSIP_TYPE_STATE && i < m.count; i++) {
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
	for (uint32_t i = 0; gossip_node_vip_seen(node, 3, i, &seen); i++)
		if (seen.inst.state > 3 || seen.inst.addr_count > GOSSIP_VIP_ADDRS_MAX)
			abort();
	return 0;
}
