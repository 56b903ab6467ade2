/* Logging for every program: stderr in the foreground, syslog when detached. */
#ifndef BATON_LOG_H
#define BATON_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "baton/compiler.h"

enum log_level { LOG_LEVEL_ERR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Sets the program name and where lines go. Call once before threads start. */
void log_open(const char *ident, bool to_syslog, enum log_level max_level);

/* Each call writes one line; messages begin with their object ("zone example.com: ...").
 * Thread-safe; not for the query path above debug. */
void log_err(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_warn(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_info(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_debug(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* For errors caused by what the network sends (malformed datagrams, refused connections): at
 * most `burst` lines per `interval_s` seconds for one kind of event, then one line saying how
 * many were suppressed once the interval is over. One limiter per kind, zero-initialised apart
 * from burst and interval; not thread-safe (each thread or loop keeps its own). */
struct log_limit {
	unsigned burst;
	unsigned interval_s;
	int64_t window_start; /* CLOCK_MONOTONIC seconds */
	unsigned logged; /* in this window */
	unsigned long suppressed; /* in this window */
};

#define LOG_LIMIT_INIT(burst_, interval_)                    \
	{                                                    \
		.burst = (burst_), .interval_s = (interval_) \
	}

void log_limited(struct log_limit *l, enum log_level level, const char *fmt, ...) ATTR_PRINTF(3, 4);

/* Before serving starts only: logs and exits with status 1. */
void fatal(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;

#endif
