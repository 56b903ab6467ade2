/* The table of probe kinds, and the result helper they share. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>

#include "health/probe.h"

const struct probe_kind *probe_kind_for(enum check_kind kind)
{
	static const struct probe_kind *const kinds[] = {
		[CHECK_TCP] = &probe_tcp,   [CHECK_HTTP] = &probe_http, [CHECK_HTTPS] = &probe_https,
		[CHECK_DNS] = &probe_dns,   [CHECK_ICMP] = &probe_icmp, [CHECK_EXEC] = &probe_exec,
	};

	return kinds[kind];
}

void probe_result_set(struct probe_result *r, bool up, const char *fmt, ...)
{
	va_list ap;

	r->up = up;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}
