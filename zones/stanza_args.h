/* Arguments of a failover stanza: `key=value` words (values may be "quoted") and bare words,
 * with the value parsers the stanzas share: durations, numbers, choices, coordinates. */
#ifndef BATON_STANZA_ARGS_H
#define BATON_STANZA_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baton/compiler.h"
#include "baton/arena.h"
#include "baton/diag.h"

/* Where errors go while one stanza compiles. */
struct stanza_ctx {
	struct diag *d;
	struct arena *arena;
	const char *file;
	unsigned line;
	bool out_of_memory;
	/* In a zone: the zone source's file names and the zone's own copies of them, in the same
	 * order. Stanzas keep their file name past zone_load(), which frees the source. */
	char *const *source_files;
	const char *const *zone_files;
	size_t file_count;
};

/* Adds "file:line: message" for the current stanza; returns -EINVAL. */
int stanza_error(struct stanza_ctx *c, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* Makes the stanza read from `file` (a name in c->source_files) at `line` the current one:
 * c->file becomes the zone's copy of that name (`file` itself when it has none). */
void stanza_at(struct stanza_ctx *c, const char *file, unsigned line);

#define STANZA_ARGS_MAX 64

struct stanza_args {
	size_t count;
	char *keys[STANZA_ARGS_MAX]; /* NULL for a bare word */
	char *values[STANZA_ARGS_MAX]; /* the word, or what follows '=' (quotes removed) */
	char *buf; /* owned storage for all of them */
};

/* Splits `text` into words. Returns 0, or -EINVAL (error added: unterminated quote, too many
 * words, empty key) or -ENOMEM. Free with stanza_args_free() in every case. */
int stanza_args_split(struct stanza_args *a, const char *text, struct stanza_ctx *c);
void stanza_args_free(struct stanza_args *a);

/* A name for a check or site: 1-63 letters, digits, '-' or '_'. */
bool stanza_is_identifier(const char *s);

/* "500ms", "2s", "1m", "1h", or plain seconds; in [min_ms, max_ms]. */
int stanza_parse_duration(const char *value, uint32_t min_ms, uint32_t max_ms, uint32_t *out,
			  const char *key, struct stanza_ctx *c);
int stanza_parse_uint(const char *value, uint32_t min, uint32_t max, uint32_t *out, const char *key,
		      struct stanza_ctx *c);
/* Index of `value` in the NULL-terminated `choices`, or an error listing them. */
int stanza_parse_choice(const char *value, const char *const *choices, const char *key,
			struct stanza_ctx *c);
/* "LAT,LON" in degrees. */
int stanza_parse_geo(const char *value, double *lat, double *lon, struct stanza_ctx *c);

#endif
