/* baton-vip's gossip membership: health/gossip/member.c brings it up exactly as batond's and
 * baton-probe's; after each round the instances' states become the node's VIP report. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "baton/log.h"
#include "health/gossip/member.h"
#include "health/vip/gossip.h"

struct vip_gossip {
	struct gossip_member m;
	struct vip_instance *const *instances;
	unsigned count;
	struct gossip_local_vip report[VIP_INSTANCES_MAX];
};

int vip_gossip_open(struct vip_gossip **out, const struct vip_conf *conf, const char *path,
		    struct event_base *base, struct diag *d)
{
	struct vip_gossip *g = calloc(1, sizeof(*g));
	int rc;

	if (g == NULL)
		return -ENOMEM;
	rc = gossip_member_open(&g->m, conf->gossip, path, base, d);
	if (rc == 0 && g->m.role != GOSSIP_ROLE_VIP) {
		diag_add(d, path, conf->gossip->name_line,
			 "name %s is listed as %s in %s; a baton-vip node is listed as vip",
			 g->m.conf->name, gossip_role_name(g->m.role),
			 conf->gossip->trusted_keys_path);
		gossip_member_close(&g->m);
		rc = -EINVAL;
	}
	if (rc < 0) {
		free(g);
		return rc;
	}
	*out = g;
	return 0;
}

static void to_wire(const struct vip_instance_conf *c, const struct vip_instance_status *st,
		    struct gossip_local_vip *out)
{
	struct gossip_vip_inst *v = &out->inst;

	memset(out, 0, sizeof(*out));
	snprintf(v->name, sizeof(v->name), "%s", c->name);
	snprintf(v->site, sizeof(v->site), "%s", c->site);
	v->state = (uint8_t)st->state;
	v->priority = st->priority;
	v->master_down_ms = st->master_down_ms;
	v->addr_count = (uint8_t)c->vip_count;
	for (unsigned i = 0; i < c->vip_count; i++) {
		v->addrs[i].family = c->vips[i].family == AF_INET6 ? 6 : 4;
		v->addrs[i].prefix = c->vips[i].prefix;
		memcpy(v->addrs[i].addr, c->vips[i].addr, 16);
	}
	out->changed_wall_ms = st->has_transition ? st->last_unix_ms : -1;
}

static void on_round(void *arg, unsigned changes)
{
	struct vip_gossip *g = arg;
	struct vip_instance_status st;
	int rc;

	(void)changes;
	for (unsigned i = 0; i < g->count; i++) {
		vip_instance_status(g->instances[i], &st);
		to_wire(vip_instance_conf(g->instances[i]), &st, &g->report[i]);
	}
	rc = gossip_node_set_vip(g->m.node, g->report, g->count);
	if (rc == 1)
		gossip_node_push(g->m.node, gossip_now_ms(), gossip_wall_ms());
	else if (rc < 0)
		log_err("gossip: cannot report the instances: %s", strerror(-rc));
}

int vip_gossip_start(struct vip_gossip *g, struct vip_instance *const *instances, unsigned count)
{
	g->instances = instances;
	g->count = count;
	return gossip_member_start(&g->m, on_round, g);
}

const struct gossip_member *vip_gossip_member(const struct vip_gossip *g)
{
	return g != NULL ? &g->m : NULL;
}

void vip_gossip_free(struct vip_gossip *g)
{
	if (g == NULL)
		return;
	gossip_member_close(&g->m);
	free(g);
}
