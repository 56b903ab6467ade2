/* Collected diagnostics for input a user must fix. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "zones/diag.h"

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
