/* Arguments of a failover stanza and the value parsers the stanzas share. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zones/stanza_args.h"

int stanza_error(struct stanza_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(c->d, c->file, c->line, "%s", msg);
	return -EINVAL;
}

void stanza_at(struct stanza_ctx *c, const char *file, unsigned line)
{
	c->file = file;
	c->line = line;
	for (size_t f = 0; f < c->file_count; f++)
		if (c->source_files[f] == file) {
			c->file = c->zone_files[f];
			break;
		}
}

bool stanza_is_identifier(const char *s)
{
	if (*s == '\0' || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
			return false;
	return true;
}

void stanza_args_free(struct stanza_args *a)
{
	free(a->buf);
	a->buf = NULL;
	a->count = 0;
}

/* Copies one word from *src to *dst (quotes removed, NUL-terminated); returns the position of
 * its first '=' outside quotes in dst, or NULL. */
static char *copy_word(const char **src, char **dst, bool *unterminated)
{
	const char *s = *src;
	char *d = *dst, *eq = NULL;
	bool quoted = false;

	for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (*s == '=' && !quoted && eq == NULL)
			eq = d;
		*d++ = *s;
	}
	*d++ = '\0';
	*unterminated = quoted;
	*src = s;
	*dst = d;
	return eq;
}

int stanza_args_split(struct stanza_args *a, const char *text, struct stanza_ctx *c)
{
	const char *s = text;
	char *d;

	memset(a, 0, sizeof(*a));
	a->buf = malloc(strlen(text) + 1);
	if (a->buf == NULL) {
		c->out_of_memory = true;
		return -ENOMEM;
	}
	d = a->buf;
	for (;;) {
		char *word, *eq;
		bool unterminated;

		s += strspn(s, " \t");
		if (*s == '\0')
			return 0;
		if (a->count == STANZA_ARGS_MAX)
			return stanza_error(c, "more than %d words in one stanza", STANZA_ARGS_MAX);
		word = d;
		eq = copy_word(&s, &d, &unterminated);
		if (unterminated)
			return stanza_error(c, "unterminated quote: add the closing '\"'");
		if (eq == word)
			return stanza_error(c, "'%s' has no key before '='", word);
		if (eq != NULL) {
			*eq = '\0';
			a->keys[a->count] = word;
			a->values[a->count] = eq + 1;
		} else {
			a->keys[a->count] = NULL;
			a->values[a->count] = word;
		}
		a->count++;
	}
}

int stanza_parse_duration(const char *value, uint32_t min_ms, uint32_t max_ms, uint32_t *out,
			  const char *key, struct stanza_ctx *c)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 },
	};
	char *end;
	double n = strtod(value, &end);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double ms = n * units[i].ms;

		if (end == value || strcmp(end, units[i].unit) != 0 || !isfinite(n))
			continue;
		if (ms < min_ms || ms > max_ms)
			return stanza_error(c, "%s=%s is out of range: use %ums to %us", key, value,
					    min_ms, max_ms / 1000);
		*out = (uint32_t)ms;
		return 0;
	}
	return stanza_error(c, "%s=%s is not a duration: write 500ms, 2s, 1m or 1h", key, value);
}

int stanza_parse_uint(const char *value, uint32_t min, uint32_t max, uint32_t *out, const char *key,
		      struct stanza_ctx *c)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (end == value || *end != '\0' || errno != 0 || value[0] == '-' || n < min || n > max)
		return stanza_error(c, "%s=%s: write a whole number from %u to %u", key, value, min,
				    max);
	*out = (uint32_t)n;
	return 0;
}

int stanza_parse_choice(const char *value, const char *const *choices, const char *key,
			struct stanza_ctx *c)
{
	char known[256] = "";

	for (int i = 0; choices[i] != NULL; i++) {
		if (strcmp(value, choices[i]) == 0)
			return i;
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			 i ? ", " : "", choices[i]);
	}
	return stanza_error(c, "%s=%s is unknown (known: %s)", key, value, known);
}

int stanza_parse_geo(const char *value, double *lat, double *lon, struct stanza_ctx *c)
{
	char *end;

	*lat = strtod(value, &end);
	if (end != value && *end == ',') {
		const char *second = end + 1;

		*lon = strtod(second, &end);
		if (end != second && *end == '\0' && fabs(*lat) <= 90 && fabs(*lon) <= 180)
			return 0;
	}
	return stanza_error(c, "geo=%s: write latitude,longitude in degrees, like geo=50.11,8.68",
			    value);
}
