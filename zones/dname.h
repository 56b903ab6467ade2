/* Domain names in wire format: parsing from packets, case folding, hashing, presentation. */
#ifndef BATON_DNAME_H
#define BATON_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baton/wire.h"

#define DNAME_MAX_LEN 255
/* A name in presentation form: every byte may become a four-character \DDD escape, plus the
 * final dot and the NUL. */
#define DNAME_STR_MAX (DNAME_MAX_LEN * 4 + 2)
#define DNAME_MAX_LABELS 128

/* A name read from a question: lowercased wire form plus, for every label i, the offset where
 * the suffix starting at label i begins and that suffix's hash, so a lookup of every ancestor
 * costs one probe each and no rehash. Label 0 is the leftmost; label `labels` is the root. */
struct dname_view {
	uint8_t lower[DNAME_MAX_LEN];
	uint8_t len;
	uint8_t labels;
	uint8_t suffix_off[DNAME_MAX_LABELS + 1];
	uint32_t suffix_hash[DNAME_MAX_LABELS + 1];
};

/* Reads an uncompressed name at the cursor (a question name) into `view`, lowercased.
 * Returns 0, or -EBADMSG for a pointer, a bad label type or an overlong name, or -EMSGSIZE when
 * the packet ends first. Query-path safe: no allocation. */
int dname_view_parse(struct dname_view *view, struct wire *w);

/* Builds a view from a wire name already known to be valid (zone data). */
void dname_view_from_wire(struct dname_view *view, const uint8_t *name, size_t len);

/* Skips a possibly compressed name at the cursor without following pointers. */
int dname_skip(struct wire *w);

/* Length of a valid uncompressed wire name, root label included. */
size_t dname_length(const uint8_t *name);

/* Number of labels, root excluded. */
unsigned dname_label_count(const uint8_t *name);

/* The hash dname_view_parse() stores for each suffix, for a lowercased wire name. */
uint32_t dname_hash(const uint8_t *lower, size_t len);

/* Copies `len` bytes of a wire name lowercased. */
void dname_lower(uint8_t *dst, const uint8_t *src, size_t len);

/* Is `name` equal to or below `parent`? Both uncompressed, compared case-insensitively. */
bool dname_is_subdomain(const uint8_t *name, const uint8_t *parent);

/* Case-insensitive equality of two uncompressed wire names. */
bool dname_equal(const uint8_t *a, const uint8_t *b);

/* Presentation form ("www.example.com.") into buf; returns buf. Escapes as RFC 4343 asks. */
char *dname_to_str(const uint8_t *name, char *buf, size_t size);

#endif
