/* Logging backend: one line per event, to stderr or syslog. It lives in the zones library
 * because that is the one library every Baton program links. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "baton/log.h"

static const char *log_ident = "baton";
static bool log_syslog;
static enum log_level log_max = LOG_LEVEL_INFO;

void log_open(const char *ident, bool to_syslog, enum log_level max_level)
{
	log_ident = ident;
	log_syslog = to_syslog;
	log_max = max_level;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void log_line(enum log_level level, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);

static void log_line(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *tag[] = { "error", "warning", "info", "debug" };
	char line[1024];

	if (level > log_max)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_syslog)
		syslog(prio[level], "%s", line);
	else
		fprintf(stderr, "%s[%s]: %s\n", log_ident, tag[level], line);
}

#define LOG_FN(name, level)               \
	void name(const char *fmt, ...)   \
	{                                 \
		va_list ap;               \
		va_start(ap, fmt);        \
		log_line(level, fmt, ap); \
		va_end(ap);               \
	}
LOG_FN(log_err, LOG_LEVEL_ERR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

static int64_t monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec;
}

void log_limited(struct log_limit *l, enum log_level level, const char *fmt, ...)
{
	int64_t now = monotonic_s();
	va_list ap;

	if (now - l->window_start >= (int64_t)l->interval_s) {
		if (l->suppressed > 0)
			log_warn("%lu similar lines suppressed in the last %us", l->suppressed,
				 l->interval_s);
		l->window_start = now;
		l->logged = 0;
		l->suppressed = 0;
	}
	if (l->logged >= l->burst) {
		l->suppressed++;
		return;
	}
	l->logged++;
	va_start(ap, fmt);
	log_line(level, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
