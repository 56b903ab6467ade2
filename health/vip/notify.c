/* Notify hooks, run by health's exec probe with a deadline. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "health/probe.h"
#include "health/vip/notify.h"

#define HOOK_ARGS_MAX 32
#define HOOK_LINE_MAX 1024

struct hook {
	struct hook *next;
	struct vip_notifier *n;
	void *probe;
	struct event *deadline;
	char instance[64];
	char line[HOOK_LINE_MAX]; /* the command line, cut into argv in place */
};

struct vip_notifier {
	struct event_base *base;
	struct hook *running;
	unsigned pending;
};

int vip_notifier_new(struct vip_notifier **out, struct event_base *base)
{
	struct vip_notifier *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	n->base = base;
	*out = n;
	return 0;
}

static void hook_free(struct hook *h)
{
	struct hook **link = &h->n->running;

	while (*link != h)
		link = &(*link)->next;
	*link = h->next;
	h->n->pending--;
	if (h->probe != NULL)
		probe_exec.cancel(h->probe);
	event_free(h->deadline);
	free(h);
}

void vip_notifier_free(struct vip_notifier *n)
{
	if (n == NULL)
		return;
	while (n->running != NULL)
		hook_free(n->running);
	free(n);
}

unsigned vip_notifier_pending(const struct vip_notifier *n)
{
	return n->pending;
}

static void on_done(void *arg, const struct probe_result *r)
{
	struct hook *h = arg;

	h->probe = NULL;
	if (!r->up)
		log_warn("vip %s: hook %s: %s", h->instance, h->line, r->reason);
	hook_free(h);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;

	(void)fd;
	(void)what;
	log_warn("vip %s: hook %s killed after %d ms", h->instance, h->line, VIP_NOTIFY_TIMEOUT_MS);
	hook_free(h);
}

/* Splits h->line into argv (blanks separate words; vip.conf forbids quotes) and appends the
 * four keepalived arguments. Returns the argument count, 0 when there are too many. */
static size_t make_argv(struct hook *h, char **argv, char *extra, size_t extra_size,
			const char *state, uint8_t priority)
{
	size_t n = 0;
	char *save = NULL;

	for (char *w = strtok_r(h->line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n + 5 >= HOOK_ARGS_MAX)
			return 0;
		argv[n++] = w;
	}
	snprintf(extra, extra_size, "INSTANCE%c%s%c%s%c%u", 0, h->instance, 0, state, 0, priority);
	for (int i = 0; i < 4; i++) {
		argv[n++] = extra;
		extra += strlen(extra) + 1;
	}
	argv[n] = NULL;
	return n;
}

void vip_notifier_run(struct vip_notifier *n, const char *command,
		      const struct vip_instance_conf *inst, const char *state, uint8_t priority)
{
	struct hook *h = calloc(1, sizeof(*h));
	struct timeval tv = { VIP_NOTIFY_TIMEOUT_MS / 1000, 0 };
	struct zone_check check = { .name = "notify", .kind = CHECK_EXEC };
	struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
	char *argv[HOOK_ARGS_MAX], extra[160];
	const char *why = "cannot start";

	if (h == NULL || (h->deadline = evtimer_new(n->base, on_deadline, h)) == NULL) {
		log_err("vip %s: hook %s: out of memory", inst->name, command);
		free(h);
		return;
	}
	h->n = n;
	h->next = n->running;
	n->running = h;
	n->pending++;
	snprintf(h->instance, sizeof(h->instance), "%s", inst->name);
	snprintf(h->line, sizeof(h->line), "%s", command);
	if (make_argv(h, argv, extra, sizeof(extra), state, priority) == 0) {
		log_warn("vip %s: hook %s: more than %d arguments", inst->name, command,
			 HOOK_ARGS_MAX - 5);
		hook_free(h);
		return;
	}
	check.argv = argv;
	h->probe = probe_exec.start(n->base, &check, &ss, on_done, h, &why);
	/* the argv was cut in place: put the line back together for messages */
	snprintf(h->line, sizeof(h->line), "%s", command);
	if (h->probe == NULL) {
		log_warn("vip %s: hook %s: %s", inst->name, command, why);
		hook_free(h);
		return;
	}
	evtimer_add(h->deadline, &tv);
}
