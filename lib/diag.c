/* Collected diagnostics for input a user must fix. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "baton/diag.h"

/* More than this many errors in one file are summarised: the first ones are the useful ones. */
#define DIAG_MAX 100

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_fini(struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->lines[i]);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

/* A message goes to a log line, a terminal and a control reply: a newline or an escape
 * sequence from the input must not forge or garble them. Rewrites `msg` in place, cut to
 * fit `size`; bytes from 0x80 up are kept (messages quote "§" and UTF-8 names). */
static void escape_controls(char *msg, size_t size)
{
	char out[768];
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)msg; *p != '\0'; p++) {
		if (n + 5 > sizeof(out))
			break;
		if (*p < 0x20 || *p == 0x7f)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x", *p);
		else
			out[n++] = (char)*p;
	}
	out[n] = '\0';
	snprintf(msg, size, "%s", out);
}

void diag_add(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[768], *text;
	va_list ap;
	int n;

	if (d->count == DIAG_MAX)
		fmt = "too many errors; stopping here";
	else if (d->count > DIAG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_controls(msg, sizeof(msg));
	if (line > 0)
		n = snprintf(NULL, 0, "%s:%u: %s", file, line, msg);
	else
		n = snprintf(NULL, 0, "%s: %s", file, msg);
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		char **lines = realloc(d->lines, cap * sizeof(*lines));

		if (lines == NULL)
			return;
		d->lines = lines;
		d->cap = cap;
	}
	text = malloc((size_t)n + 1);
	if (text == NULL)
		return;
	if (line > 0)
		snprintf(text, (size_t)n + 1, "%s:%u: %s", file, line, msg);
	else
		snprintf(text, (size_t)n + 1, "%s: %s", file, msg);
	d->lines[d->count++] = text;
}

void diag_print(const struct diag *d, FILE *out, const char *prefix)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(out, "%s%s\n", prefix ? prefix : "", d->lines[i]);
}

const char *diag_excerpt(char *buf, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = 0, taken = 0;

	for (; *p != '\0' && *p != ' ' && *p != '\t'; p++, taken++) {
		if (taken == DIAG_EXCERPT_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (*p < 0x20 || *p >= 0x7f || *p == '\'')
			n += (size_t)snprintf(buf + n, DIAG_EXCERPT_SIZE - n, "\\x%02x", *p);
		else
			buf[n++] = (char)*p;
	}
	buf[n] = '\0';
	return buf;
}

void diag_set_stop(struct diag *d, unsigned timeout_s, const volatile sig_atomic_t *cancel)
{
	d->cancel = cancel;
	d->deadline.tv_sec = 0;
	d->deadline.tv_nsec = 0;
	if (timeout_s > 0 && clock_gettime(CLOCK_MONOTONIC, &d->deadline) == 0)
		d->deadline.tv_sec += timeout_s;
}

bool diag_should_stop(struct diag *d, const char *file, unsigned line)
{
	struct timespec now;

	if (d->stopped)
		return true;
	if (d->cancel != NULL && *d->cancel) {
		d->stopped = -ECANCELED;
		diag_add(d, file, line, "the load was cancelled");
	} else if (d->deadline.tv_sec != 0 && clock_gettime(CLOCK_MONOTONIC, &now) == 0 &&
		   (now.tv_sec > d->deadline.tv_sec ||
		    (now.tv_sec == d->deadline.tv_sec && now.tv_nsec >= d->deadline.tv_nsec))) {
		d->stopped = -ETIMEDOUT;
		diag_add(d, file, line, "the load was stopped: it took longer than its deadline");
	}
	return d->stopped != 0;
}
