/* A gossip member's Prometheus families: traffic, drops by reason, members' liveness and each
 * watched site's quorum (verdict and tally). baton-probe's /metrics writes them; the names
 * and meanings are batond's baton_gossip_ families (docs/monitoring.md). */
#ifndef BATON_GOSSIP_METRICS_H
#define BATON_GOSSIP_METRICS_H

struct evbuffer;
struct gossip_member;

/* Appends the traffic, drop and member families alone: batond writes its own quorum families,
 * from the sites its engine has now. m must be open; main thread only. */
void gossip_metrics_write_traffic(struct evbuffer *out, const struct gossip_member *m);

/* Appends the families to out. m must be open (gossip_member_open()); main thread only. */
void gossip_metrics_write(struct evbuffer *out, const struct gossip_member *m);

#endif
