/* Collected diagnostics for input a user must fix: each one names file, line and the fix.
 * Library code adds to a `struct diag`; the program that called it decides how to report. */
#ifndef BATON_DIAG_H
#define BATON_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "baton/compiler.h"

struct diag {
	char **lines; /* "file:line: message", owned */
	size_t count;
	size_t cap;
};

void diag_init(struct diag *d);
void diag_fini(struct diag *d);

/* Adds "file:line: message". line 0 means the whole file ("file: message"). */
void diag_add(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
	ATTR_PRINTF(4, 5);

/* Writes every line, each prefixed by `prefix` when it is not NULL. */
void diag_print(const struct diag *d, FILE *out, const char *prefix);

#endif
