/* baton-probe's status file. One line per fact, "key value" pairs, so a shell script can grep
 * it:
 *     member p-us region us role probe live yes heard-ago-ms 412
 *     drops oversized 0 malformed 0 version 0 unknown_key 1 ...
 *     traffic sent 120 sent-bytes 14400 accepted 96 relayed 180
 *     site example.com/fra verdict down held no needed 2 live 3 up 0 down 3 regions-down 3 since-ms 1700000000000
 *     vote example.com/fra p-eu region eu verdict down signed-ms 1700000000500 since-ms 1700000000000 */
#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/prober/status.h"
#include "baton/file_replace.h"

static const char *verdict_name(enum site_verdict v)
{
	return v == SITE_UP ? "up" : v == SITE_DOWN ? "down" : "unknown";
}

static void print_site(FILE *fp, const struct gossip_node *n, const struct gossip_keyring *kr,
		       uint32_t i)
{
	struct gossip_verdict v;

	if (!gossip_node_verdict(n, i, &v))
		return;
	fprintf(fp,
		"site %s/%s verdict %s held %s needed %u live %u up %u down %u regions-down %u "
		"since-ms %" PRId64 "\n",
		v.zone, v.site, verdict_name(v.verdict), v.held ? "yes" : "no", v.needed,
		v.tally.live, v.tally.up, v.tally.down, v.tally.regions_down, v.since_wall_ms);
	for (uint32_t m = 0; m < kr->member_count; m++) {
		struct gossip_vote vote;

		if (!gossip_node_vote(n, i, m, &vote) || !vote.voted)
			continue;
		fprintf(fp,
			"vote %s/%s %s region %s verdict %s live %s signed-ms %" PRId64
			" since-ms %" PRId64 "\n",
			v.zone, v.site, vote.member, vote.region, verdict_name(vote.verdict),
			vote.live ? "yes" : "no", vote.signed_wall_ms, vote.since_wall_ms);
	}
}

void probe_status_print(FILE *fp, const struct gossip_node *n, const struct gossip_keyring *kr,
			int64_t now_ms, int64_t wall_ms)
{
	const struct gossip_counters *c = gossip_node_counters(n);

	fprintf(fp, "time-ms %" PRId64 "\n", wall_ms);
	for (uint32_t m = 0; m < kr->member_count; m++) {
		int64_t heard;
		bool live = gossip_node_member_live(n, m, &heard);

		fprintf(fp, "member %s region %s role %s live %s heard-ago-ms %" PRId64 "\n",
			kr->members[m].name, kr->members[m].region,
			gossip_role_name(kr->members[m].role), live ? "yes" : "no",
			heard < 0 ? -1 : now_ms - heard);
	}
	fprintf(fp, "drops");
	for (int k = 0; k < GOSSIP_DROP_KINDS; k++)
		fprintf(fp, " %s %" PRIu64, gossip_drop_name((enum gossip_drop)k), c->drops[k]);
	fprintf(fp,
		"\ntraffic sent %" PRIu64 " sent-bytes %" PRIu64 " accepted %" PRIu64
		" relayed %" PRIu64 "\n",
		c->sent, c->sent_bytes, c->accepted, c->relayed);
	for (uint32_t i = 0; i < gossip_node_site_count(n); i++)
		print_site(fp, n, kr, i);
}

int probe_status_write(const char *path, const struct gossip_node *n,
		       const struct gossip_keyring *kr, int64_t now_ms, int64_t wall_ms)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int rc;

	if (fp == NULL)
		return -ENOMEM;
	probe_status_print(fp, n, kr, now_ms, wall_ms);
	if (fclose(fp) != 0) {
		free(text);
		return -ENOMEM;
	}
	/* A fresh temporary name each time (a fixed "PATH.tmp" opened with fopen() followed a
	 * link the folder's other users could plant there); monitoring reads it, and the next
	 * round rewrites what a crash lost. */
	rc = file_replace_nosync(path, text, len, 0644);
	free(text);
	return rc;
}
