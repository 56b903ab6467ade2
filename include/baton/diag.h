/* Collected diagnostics for input a user must fix: each one names file, line and the fix.
 * Library code adds to a `struct diag`; the program that called it decides how to report.
 * The same struct carries what may stop a long read part way (a deadline, a cancel flag a
 * signal handler sets), since every reader of zone files already receives it. */
#ifndef BATON_DIAG_H
#define BATON_DIAG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "baton/compiler.h"

/* An excerpt of input quoted in a message: 32 bytes of the token at most, each escaped byte
 * taking 4, the "..." and the NUL. A file that is not a zone file (an $INCLUDE of
 * /etc/shadow) must not come back whole in a message, so no message quotes more. */
#define DIAG_EXCERPT_MAX 32
#define DIAG_EXCERPT_SIZE (DIAG_EXCERPT_MAX * 4 + 4)

struct diag {
	char **lines; /* "file:line: message", owned */
	size_t count;
	size_t cap;
	/* What stops a read (diag_should_stop()); zero from diag_init(): never. */
	const volatile sig_atomic_t *cancel; /* non-zero: abandon, or NULL; not owned */
	struct timespec deadline; /* CLOCK_MONOTONIC; tv_sec 0: none */
	int stopped; /* 0, or -ECANCELED / -ETIMEDOUT once a read was stopped: sticky */
};

void diag_init(struct diag *d);
void diag_fini(struct diag *d);

/* Adds "file:line: message". line 0 means the whole file ("file: message"). Control bytes
 * in the result are written \xNN, so a message is always one printable line. */
void diag_add(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
	ATTR_PRINTF(4, 5);

/* Writes every line, each prefixed by `prefix` when it is not NULL. */
void diag_print(const struct diag *d, FILE *out, const char *prefix);

/* Writes into `buf` (DIAG_EXCERPT_SIZE bytes) the first word of `text` (up to a blank or
 * the end), cut to DIAG_EXCERPT_MAX bytes with "..." and with every byte that is not
 * printable ASCII, and the quote ', written \xNN; returns `buf`. For quoting input a user
 * must find in a message without the message echoing the file. */
const char *diag_excerpt(char *buf, const char *text);

/* Sets a deadline `timeout_s` seconds from now (0: none) and the flag that cancels. */
void diag_set_stop(struct diag *d, unsigned timeout_s, const volatile sig_atomic_t *cancel);

/* True when a read must stop now: the cancel flag is set or the deadline has passed. The
 * first time, adds the reason to `d` against `file` and sets d->stopped; afterwards stays
 * true. Cheap enough to call for every record (one clock_gettime() through the vDSO). */
bool diag_should_stop(struct diag *d, const char *file, unsigned line);

#endif
