/* The table of probe kinds, and the result helper they share. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>

#include "health/probe.h"

const struct probe_kind *probe_kind_for(enum check_kind kind)
{
	static const struct probe_kind *const kinds[] = {
		[CHECK_TCP] = &probe_tcp, [CHECK_HTTP] = &probe_http, [CHECK_HTTPS] = &probe_https,
		[CHECK_DNS] = &probe_dns, [CHECK_ICMP] = &probe_icmp, [CHECK_EXEC] = &probe_exec,
	};

	return kinds[kind];
}

static void on_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	probe_report_finish(arg);
}

int probe_report_init(struct probe_report *rep, struct event_base *base, probe_done_fn *done,
		      void *arg, void (*release)(void *state), void *state)
{
	rep->done = done;
	rep->arg = arg;
	rep->release = release;
	rep->state = state;
	rep->later = event_new(base, -1, 0, on_later, rep);
	return rep->later ? 0 : -ENOMEM;
}

void probe_report_fini(struct probe_report *rep)
{
	if (rep->later != NULL)
		event_free(rep->later);
	rep->later = NULL;
}

void probe_report_finish(struct probe_report *rep)
{
	struct probe_result result = rep->result;
	probe_done_fn *done = rep->done;
	void *arg = rep->arg;

	rep->release(rep->state);
	done(arg, &result);
}

void probe_report_finish_later(struct probe_report *rep)
{
	event_active(rep->later, EV_TIMEOUT, 1);
}

void probe_result_set(struct probe_result *r, bool up, const char *fmt, ...)
{
	va_list ap;

	r->up = up;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}
