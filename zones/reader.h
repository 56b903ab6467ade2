/* Splits an RFC 1035 master file into entries: one logical line each, with parentheses joined,
 * comments stripped and the line it started on, so every later error can name file and line. */
#ifndef BATON_READER_H
#define BATON_READER_H

#include <stdbool.h>
#include <stdio.h>

#include "zones/diag.h"

struct reader {
	FILE *fp;
	const char *file; /* for messages; not owned */
	unsigned line; /* lines consumed so far */
	char *buf; /* the current entry, owned */
	size_t cap;
};

struct reader_entry {
	const char *text; /* valid until the next reader_next(); starts with ' ' when the owner
	                   * was left blank (RFC 1035 §5.1: the previous owner applies) */
	unsigned line; /* first line of the entry */
};

/* Wraps an open stream; the caller keeps ownership of `fp`. */
void reader_init(struct reader *r, FILE *fp, const char *file);
void reader_fini(struct reader *r);

/* Returns 1 with the next non-empty entry, 0 at the end, or -EBADMSG after adding the error
 * (unbalanced parentheses, an unterminated quote) to `d`; reading may continue after an error. */
int reader_next(struct reader *r, struct reader_entry *e, struct diag *d);

#endif
