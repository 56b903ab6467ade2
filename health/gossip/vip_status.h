/* What a gossip member (batond, baton-probe) shows of the VIP reports it holds: per site, which
 * node is master, each node's state and priority, and when the VIP last moved. Text for
 * `batonctl status` and the status file, JSON for status --json and /status.json, and the
 * baton_vip_report_* families of /metrics. Main loop only. */
#ifndef BATON_GOSSIP_VIP_STATUS_H
#define BATON_GOSSIP_VIP_STATUS_H

#include <event2/buffer.h>

struct gossip_member;

/* `vip site web: master v1 (instance web-4) since ...` and one line per node; nothing when no
 * vip member has reported. */
void gossip_vip_status_text(struct evbuffer *out, const struct gossip_member *m);

/* `"vip":[...],` (with the comma), to go inside an object; nothing when nothing reported. */
void gossip_vip_status_json(struct evbuffer *out, const struct gossip_member *m);

/* The families, headers included (empty families when nothing was reported). */
void gossip_vip_status_metrics(struct evbuffer *out, const struct gossip_member *m);

#endif
