/* The gossip families of a member's /metrics, in the text format of include/baton/prom.h. */
#include "autoconfig.h"

#include <string.h>

#include "baton/prom.h"
#include "health/gossip/member.h"
#include "health/gossip/metrics.h"

static void traffic(struct evbuffer *out, const struct gossip_counters *c)
{
	uint64_t dropped = 0;

	for (int k = 0; k < GOSSIP_DROP_KINDS; k++)
		dropped += c->drops[k];
	prom_single(out, "baton_gossip_sent_total", "counter",
		    "Gossip datagrams sent, relays included.", c->sent);
	prom_single(out, "baton_gossip_sent_bytes_total", "counter",
		    "Bytes of gossip datagrams sent.", c->sent_bytes);
	prom_single(out, "baton_gossip_received_total", "counter",
		    "Gossip datagrams received, accepted or dropped.", c->accepted + dropped);
	prom_single(out, "baton_gossip_accepted_total", "counter",
		    "Gossip datagrams accepted: signed by a trusted key, new, in the clock window.",
		    c->accepted);
	prom_single(out, "baton_gossip_relayed_total", "counter",
		    "Gossip datagrams relayed to more peers.", c->relayed);
	prom_header(out, "baton_gossip_dropped_total", "counter",
		    "Gossip datagrams dropped, by reason; none changes a verdict.");
	for (int k = 0; k < GOSSIP_DROP_KINDS; k++) {
		const char *kv[] = { "reason", gossip_drop_name((enum gossip_drop)k), NULL };

		prom_sample(out, "baton_gossip_dropped_total", kv, c->drops[k]);
	}
}

static void members(struct evbuffer *out, const struct gossip_member *m)
{
	unsigned live = 0;
	int64_t heard;

	prom_header(out, "baton_gossip_member_live", "gauge",
		    "1 while the member's heartbeats arrive (this member is always live).");
	for (uint32_t i = 0; i < m->kr->member_count; i++) {
		const struct gossip_member_def *def = &m->kr->members[i];
		bool is_live = gossip_node_member_live(m->node, i, &heard);
		const char *kv[] = { "member",	  def->name, "region",
				     def->region, "role",    gossip_role_name(def->role),
				     NULL };

		live += is_live;
		prom_sample(out, "baton_gossip_member_live", kv, is_live);
	}
	prom_single(out, "baton_gossip_members_live", "gauge", "Members live, this one included.",
		    live);
}

void gossip_metrics_write_traffic(struct evbuffer *out, const struct gossip_member *m)
{
	traffic(out, gossip_node_counters(m->node));
	members(out, m);
}

enum family { VERDICT, VOTES, LIVE, NEEDED, HELD, FAMILIES };

static const char *const family_names[FAMILIES] = {
	"baton_gossip_quorum_verdict", "baton_gossip_quorum_votes", "baton_gossip_quorum_live",
	"baton_gossip_quorum_needed",  "baton_gossip_quorum_held",
};

static const char *verdict_name(enum site_verdict v)
{
	return v == SITE_UP ? "up" : v == SITE_DOWN ? "down" : "unknown";
}

/* One family's samples for every watched site: two or three per site, or one. */
static void quorum_family(struct evbuffer *out, const struct gossip_node *n, enum family f)
{
	static const enum site_verdict verdicts[] = { SITE_UP, SITE_DOWN, SITE_UNKNOWN };
	struct gossip_verdict v;

	char zone[300];

	for (uint32_t i = 0; gossip_node_verdict(n, i, &v); i++) {
		unsigned samples = f == VERDICT ? 3 : f == VOTES ? 2 : 1;
		size_t len = strlen(v.zone);

		/* the zone label as batond's families spell it: with its final dot */
		snprintf(zone, sizeof(zone), "%s%s", v.zone,
			 len > 0 && v.zone[len - 1] == '.' ? "" : ".");
		for (unsigned s = 0; s < samples; s++) {
			const char *kv[] = { "zone", zone, "site", v.site, NULL, NULL, NULL };
			uint64_t value = f == LIVE     ? v.tally.live
					 : f == NEEDED ? v.needed
					 : f == HELD   ? v.held
					 : f == VOTES  ? (s == 0 ? v.tally.up : v.tally.down)
						       : v.verdict == verdicts[s];

			if (f == VERDICT || f == VOTES) {
				kv[4] = f == VERDICT ? "verdict" : "vote";
				kv[5] = f == VERDICT ? verdict_name(verdicts[s])
						     : (s == 0 ? "up" : "down");
			}
			prom_sample(out, family_names[f], kv, value);
		}
	}
}

void gossip_metrics_write(struct evbuffer *out, const struct gossip_member *m)
{
	static const char *const help[FAMILIES] = {
		"1 for the site's verdict by quorum (up, down, unknown), 0 for the others.",
		"Live probers' votes on the site in the last gossip round, up and down.",
		"Live probers with a vote on the site in the last round.",
		"Down votes that take the site down (also the live probers a decision needs).",
		"1 while too few probers are live: the site's last verdict holds.",
	};

	gossip_metrics_write_traffic(out, m);
	for (int f = 0; f < FAMILIES; f++) {
		prom_header(out, family_names[f], "gauge", help[f]);
		quorum_family(out, m->node, (enum family)f);
	}
}
