/* Domain names in wire format: parsing from packets, case folding, hashing, presentation. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>

#include "zones/dname.h"

static inline uint8_t fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* FNV-1a over one label, chained from the hash of the name to its right, so that all suffix
 * hashes of a name come out of one right-to-left pass. */
static uint32_t hash_label(uint32_t right, const uint8_t *label)
{
	uint32_t h = right ^ 2166136261u;

	for (unsigned i = 0; i <= label[0]; i++) {
		h ^= label[i];
		h *= 16777619u;
	}
	return h;
}

static const uint32_t root_hash = 0x9e3779b9u;

static void compute_suffix_hashes(struct dname_view *v)
{
	v->suffix_hash[v->labels] = root_hash;
	for (int i = (int)v->labels - 1; i >= 0; i--)
		v->suffix_hash[i] = hash_label(v->suffix_hash[i + 1], v->lower + v->suffix_off[i]);
}

int dname_view_parse(struct dname_view *v, struct wire *w)
{
	unsigned len = 0, labels = 0;

	for (;;) {
		uint8_t l = wire_read_u8(w);

		if (w->error)
			return w->error;
		if (l & 0xc0)
			return -EBADMSG; /* pointers cannot point before a question; 0x40/0x80 unknown */
		if (len + 1 + l > DNAME_MAX_LEN)
			return -EBADMSG;
		v->suffix_off[labels] = (uint8_t)len;
		v->lower[len++] = l;
		if (l == 0)
			break;
		if (!wire_can(w, l))
			return w->error;
		for (unsigned i = 0; i < l; i++)
			v->lower[len++] = fold(w->pos[i]);
		w->pos += l;
		labels++;
	}
	v->len = (uint8_t)len;
	v->labels = (uint8_t)labels;
	compute_suffix_hashes(v);
	return 0;
}

void dname_view_from_wire(struct dname_view *v, const uint8_t *name, size_t len)
{
	unsigned pos = 0, labels = 0;

	dname_lower(v->lower, name, len);
	while (v->lower[pos] != 0) {
		v->suffix_off[labels++] = (uint8_t)pos;
		pos += 1u + v->lower[pos];
	}
	v->suffix_off[labels] = (uint8_t)pos;
	v->len = (uint8_t)len;
	v->labels = (uint8_t)labels;
	compute_suffix_hashes(v);
}

int dname_skip(struct wire *w)
{
	unsigned len = 0;

	for (;;) {
		uint8_t l = wire_read_u8(w);

		if (w->error)
			return w->error;
		if ((l & 0xc0) == 0xc0) {
			wire_skip(w, 1);
			return w->error;
		}
		if (l & 0xc0)
			return -EBADMSG;
		if (l == 0)
			return 0;
		len += 1u + l;
		if (len > DNAME_MAX_LEN)
			return -EBADMSG;
		wire_skip(w, l);
	}
}

size_t dname_length(const uint8_t *name)
{
	size_t pos = 0;

	while (name[pos] != 0)
		pos += 1u + name[pos];
	return pos + 1;
}

unsigned dname_label_count(const uint8_t *name)
{
	unsigned n = 0;

	for (size_t pos = 0; name[pos] != 0; pos += 1u + name[pos])
		n++;
	return n;
}

uint32_t dname_hash(const uint8_t *lower, size_t len)
{
	struct dname_view v;

	dname_view_from_wire(&v, lower, len);
	return v.suffix_hash[0];
}

void dname_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t pos = 0;

	/* Fold only label bytes: a length byte of 65..90 must not change. */
	while (pos < len) {
		uint8_t l = src[pos];

		dst[pos++] = l;
		for (unsigned i = 0; i < l && pos < len; i++, pos++)
			dst[pos] = fold(src[pos]);
		if (l == 0)
			break;
	}
}

bool dname_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		if (*a == 0)
			return true;
		for (unsigned i = 1; i <= *a; i++)
			if (fold(a[i]) != fold(b[i]))
				return false;
		a += 1u + *a;
		b += 1u + *b;
	}
}

bool dname_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	unsigned n = dname_label_count(name), p = dname_label_count(parent);

	if (n < p)
		return false;
	while (n-- > p)
		name += 1u + *name;
	return dname_equal(name, parent);
}

char *dname_to_str(const uint8_t *name, char *buf, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return buf;
	if (*name == 0) {
		snprintf(buf, size, ".");
		return buf;
	}
	while (*name != 0 && o + 5 < size) {
		for (unsigned i = 1; i <= *name && o + 5 < size; i++) {
			uint8_t c = name[i];

			if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' ||
			    c == '@' || c == '$')
				o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
			else if (isgraph(c))
				buf[o++] = (char)c;
			else
				o += (size_t)snprintf(buf + o, size - o, "\\%03u", c);
		}
		buf[o++] = '.';
		name += 1u + *name;
	}
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}
