/* vip.conf's `gossip {` block, private to health/vip/conf*.c. */
#ifndef BATON_VIP_CONF_GOSSIP_H
#define BATON_VIP_CONF_GOSSIP_H

#include <stdbool.h>

#include "health/vip/conf_keywords.h"

/* Opens the block when the line is `gossip {` (reports a second one). Returns false when the
 * line is something else. */
bool conf_gossip_open(struct vip_conf *conf, struct conf_line *l);

/* One `key value` line inside the block. */
void conf_gossip_line(struct vip_conf *conf, struct conf_line *l);

/* After the whole file: what a member needs, a site on every instance, paths made absolute
 * against the folder of `file`. */
void conf_gossip_finish(struct vip_conf *conf, struct stanza_ctx *c);

#endif
