/* Tracked interfaces (netlink link state) and checks (health targets) of one instance. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/target.h"
#include "health/vip/netlink.h"
#include "health/vip/track.h"

struct vip_tracker {
	const struct vip_instance_conf *conf;
	int nl_fd;
	struct event *nl_ev;
	bool own_link_up; /* the instance's interface */
	bool link_up[VIP_TRACKS_MAX];
	struct target *targets[VIP_TRACKS_MAX];
	vip_track_changed_fn *changed;
	void *arg;
};

static bool link_is_up(const char *ifname)
{
	unsigned ifindex = if_nametoindex(ifname);

	return ifindex != 0 && vip_netlink_link_is_up((int)ifindex) == 1;
}

/* Re-reads every tracked link; true when one changed. */
static bool read_links(struct vip_tracker *t)
{
	bool changed = false, up = link_is_up(t->conf->ifname);

	changed |= up != t->own_link_up;
	t->own_link_up = up;
	for (unsigned i = 0; i < t->conf->track_count; i++) {
		if (t->conf->tracks[i].kind != VIP_TRACK_INTERFACE)
			continue;
		up = link_is_up(t->conf->tracks[i].ifname);
		changed |= up != t->link_up[i];
		t->link_up[i] = up;
	}
	return changed;
}

static void on_netlink(evutil_socket_t fd, short what, void *arg)
{
	struct vip_tracker *t = arg;

	(void)what;
	vip_netlink_drain(fd);
	if (read_links(t))
		t->changed(t->arg);
}

static void on_target(struct target *target, bool changed, void *arg)
{
	struct vip_tracker *t = arg;

	(void)target;
	if (changed)
		t->changed(t->arg);
}

void vip_tracker_free(struct vip_tracker *t)
{
	if (t == NULL)
		return;
	for (unsigned i = 0; i < VIP_TRACKS_MAX; i++)
		target_free(t->targets[i]);
	if (t->nl_ev != NULL)
		event_free(t->nl_ev);
	if (t->nl_fd >= 0)
		close(t->nl_fd);
	free(t);
}

int vip_tracker_new(struct vip_tracker **out, struct event_base *base,
		    const struct vip_instance_conf *conf, vip_track_changed_fn *changed, void *arg)
{
	struct vip_tracker *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->conf = conf;
	t->changed = changed;
	t->arg = arg;
	t->nl_fd = vip_netlink_monitor_open();
	if (t->nl_fd < 0) {
		int rc = t->nl_fd;

		free(t);
		return rc;
	}
	t->nl_ev = event_new(base, t->nl_fd, EV_READ | EV_PERSIST, on_netlink, t);
	if (t->nl_ev == NULL || event_add(t->nl_ev, NULL) < 0)
		goto fail;
	for (unsigned i = 0; i < conf->track_count; i++) {
		const struct vip_track *tr = &conf->tracks[i];

		if (tr->kind != VIP_TRACK_CHECK)
			continue;
		/* the first probe at once: a restart must not claim before it knows */
		t->targets[i] = target_new(base, NULL, &tr->check, &tr->addr, 0);
		if (t->targets[i] == NULL)
			goto fail;
		t->targets[i]->on_result = on_target;
		t->targets[i]->arg = t;
	}
	read_links(t);
	*out = t;
	return 0;
fail:
	vip_tracker_free(t);
	return -ENOMEM;
}

static void add_why(char *why, size_t size, const char *what, const char *detail)
{
	size_t n = strlen(why);

	if (n < size)
		snprintf(why + n, size - n, "%s%s %s", n ? ", " : "", what, detail);
}

void vip_tracker_eval(const struct vip_tracker *t, uint8_t *priority, bool *fault, char *why,
		      size_t why_size)
{
	int prio = t->conf->priority;
	bool weighed = false;

	*fault = false;
	why[0] = '\0';
	if (!t->own_link_up) {
		*fault = true;
		add_why(why, why_size, t->conf->ifname, "link down");
	}
	for (unsigned i = 0; i < t->conf->track_count; i++) {
		const struct vip_track *tr = &t->conf->tracks[i];
		bool down = tr->kind == VIP_TRACK_INTERFACE ? !t->link_up[i]
							    : t->targets[i]->state == SITE_DOWN;

		if (!down)
			continue;
		if (tr->kind == VIP_TRACK_INTERFACE)
			add_why(why, why_size, tr->ifname, "link down");
		else
			add_why(why, why_size, tr->check.name, t->targets[i]->last.reason);
		if (tr->fault)
			*fault = true;
		prio -= (int)tr->weight;
		weighed = true;
	}
	if (weighed)
		prio = prio < 1 ? 1 : prio > 254 ? 254 : prio;
	*priority = (uint8_t)prio;
}
