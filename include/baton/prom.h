/* Writing the Prometheus text format (version 0.0.4) into an evbuffer: a family's HELP and
 * TYPE lines, samples with label pairs whose values are escaped as the format says (backslash,
 * double quote, newline), and histograms. Every daemon's /metrics writes through these; a
 * caller writes each family's samples together, right after its header, as Prometheus wants.
 * Header-only: a few short functions, inlined where they are used. */
#ifndef BATON_PROM_H
#define BATON_PROM_H

#include <event2/buffer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The most label pairs a sample takes, the histogram's "le" included. */
#define PROM_LABELS_MAX 8

/* `# HELP name help` and `# TYPE name type` (counter, gauge, histogram). */
static inline void prom_header(struct evbuffer *out, const char *name, const char *type,
			       const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* `name="value"`, preceded by a comma unless first. */
static inline void prom_label(struct evbuffer *out, const char *name, const char *value, bool first)
{
	evbuffer_add_printf(out, "%s%s=\"", first ? "" : ",", name);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			evbuffer_add_printf(out, "\\%c", *value);
		else if (*value == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, value, 1);
	}
	evbuffer_add(out, "\"", 1);
}

/* `{k1="v1",k2="v2"}` from a NULL-terminated list of names and values (k1, v1, k2, v2, NULL);
 * nothing for NULL or an empty list. */
static inline void prom_labels(struct evbuffer *out, const char *const *kv)
{
	if (kv == NULL || kv[0] == NULL)
		return;
	evbuffer_add(out, "{", 1);
	for (unsigned i = 0; kv[i] != NULL && kv[i + 1] != NULL; i += 2)
		prom_label(out, kv[i], kv[i + 1], i == 0);
	evbuffer_add(out, "}", 1);
}

/* One sample: `name{labels} n`. */
static inline void prom_sample(struct evbuffer *out, const char *name, const char *const *kv,
			       uint64_t n)
{
	evbuffer_add_printf(out, "%s", name);
	prom_labels(out, kv);
	evbuffer_add_printf(out, " %llu\n", (unsigned long long)n);
}

/* A family of one unlabelled sample: header and value. */
static inline void prom_single(struct evbuffer *out, const char *name, const char *type,
			       const char *help, uint64_t n)
{
	prom_header(out, name, type, help);
	prom_sample(out, name, NULL, n);
}

/* One histogram's samples (the header is the caller's): `name_bucket{labels,le="b"}` for each
 * of the `buckets` bounds with its cumulative count in le[], `le="+Inf"` with count, then
 * `name_sum` and `name_count`. kv holds at most PROM_LABELS_MAX - 1 pairs. */
static inline void prom_histogram(struct evbuffer *out, const char *name, const char *const *kv,
				  const double *bounds, const uint64_t *le, unsigned buckets,
				  uint64_t count, double sum)
{
	const char *with_le[2 * PROM_LABELS_MAX + 1];
	char bound[32];
	unsigned n = 0;

	for (; kv != NULL && kv[n] != NULL && n < 2 * (PROM_LABELS_MAX - 1); n++)
		with_le[n] = kv[n];
	with_le[n] = "le";
	with_le[n + 2] = NULL;
	for (unsigned b = 0; b <= buckets; b++) {
		if (b < buckets)
			snprintf(bound, sizeof(bound), "%g", bounds[b]);
		with_le[n + 1] = b < buckets ? bound : "+Inf";
		evbuffer_add_printf(out, "%s_bucket", name);
		prom_labels(out, with_le);
		evbuffer_add_printf(out, " %llu\n",
				    (unsigned long long)(b < buckets ? le[b] : count));
	}
	evbuffer_add_printf(out, "%s_sum", name);
	prom_labels(out, kv);
	evbuffer_add_printf(out, " %.6f\n", sum);
	evbuffer_add_printf(out, "%s_count", name);
	prom_labels(out, kv);
	evbuffer_add_printf(out, " %llu\n", (unsigned long long)count);
}

#endif
