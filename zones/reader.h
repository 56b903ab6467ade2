/* Splits an RFC 1035 master file into entries: one logical line each, with parentheses joined,
 * comments stripped and the line it started on, so every later error can name file and line. */
#ifndef BATON_READER_H
#define BATON_READER_H

#include <stdbool.h>
#include <stdio.h>

#include "baton/diag.h"

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

/* Opens `path` for reading, refusing what is not a regular file: a FIFO, a device or a socket
 * never ends or blocks, and a zone must be a file. The open does not block on a FIFO. Returns
 * 0 with *out (the caller fcloses it); -EISDIR for a folder; -ENOTSUP for another kind of
 * file, with *kind naming it ("a FIFO"); or -errno from open(2) (-ELOOP: a symbolic link
 * loop). Not for the query path. */
int reader_open(const char *path, FILE **out, const char **kind);

/* The message for reader_open()'s error `rc` ("not a regular file (a FIFO)"), written into
 * `buf`, which it returns. */
const char *reader_open_error(int rc, const char *kind, char *buf, size_t size);

/* Wraps an open stream; the caller keeps ownership of `fp`. */
void reader_init(struct reader *r, FILE *fp, const char *file);
void reader_fini(struct reader *r);

/* Returns 1 with the next non-empty entry, 0 at the end, or -EBADMSG after adding the error
 * (unbalanced parentheses, an unterminated quote, a NUL byte) to `d`, after which reading may
 * continue. Past a bound (a line or a record longer than 256 KiB, a record in parentheses over
 * 8192 lines) returns -EMSGSIZE or -E2BIG, and after a failed read -errno, each also added to
 * `d`: the rest of the file cannot be read. */
int reader_next(struct reader *r, struct reader_entry *e, struct diag *d);

#endif
