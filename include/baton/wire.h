/* Bounds-checked cursor over a wire buffer with a sticky error (after CZ-NIC/knot's wire_ctx).
 * Every read or write past the end (wire_can(), the one bounds rule), and every patch of bytes
 * not yet written, sets `error` and becomes a no-op returning zero, so a parser or an encoder
 * checks once at the end instead of after every field. Inline because the query path uses it. */
#ifndef BATON_WIRE_H
#define BATON_WIRE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wire {
	uint8_t *start;
	uint8_t *pos;
	uint8_t *end;
	int error; /* 0 or -ENOSPC/-EMSGSIZE; sticky */
};

static inline void wire_init(struct wire *w, uint8_t *buf, size_t len)
{
	w->start = buf;
	w->pos = buf;
	w->end = buf + len;
	w->error = 0;
}

static inline size_t wire_offset(const struct wire *w)
{
	return (size_t)(w->pos - w->start);
}

static inline size_t wire_available(const struct wire *w)
{
	return w->error ? 0 : (size_t)(w->end - w->pos);
}

static inline bool wire_can(struct wire *w, size_t n)
{
	if (w->error)
		return false;
	if ((size_t)(w->end - w->pos) < n) {
		w->error = -EMSGSIZE;
		return false;
	}
	return true;
}

static inline void wire_seek(struct wire *w, size_t offset)
{
	if (w->error)
		return;
	if (offset > (size_t)(w->end - w->start)) {
		w->error = -EMSGSIZE;
		return;
	}
	w->pos = w->start + offset;
}

static inline void wire_skip(struct wire *w, size_t n)
{
	if (wire_can(w, n))
		w->pos += n;
}

static inline uint8_t wire_read_u8(struct wire *w)
{
	if (!wire_can(w, 1))
		return 0;
	return *w->pos++;
}

static inline uint16_t wire_read_u16(struct wire *w)
{
	uint16_t v;

	if (!wire_can(w, 2))
		return 0;
	v = (uint16_t)(w->pos[0] << 8 | w->pos[1]);
	w->pos += 2;
	return v;
}

static inline uint32_t wire_read_u32(struct wire *w)
{
	uint32_t v;

	if (!wire_can(w, 4))
		return 0;
	v = (uint32_t)w->pos[0] << 24 | (uint32_t)w->pos[1] << 16 | (uint32_t)w->pos[2] << 8 |
	    w->pos[3];
	w->pos += 4;
	return v;
}

static inline void wire_read(struct wire *w, void *dst, size_t n)
{
	if (!wire_can(w, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, w->pos, n);
	w->pos += n;
}

static inline void wire_write_u8(struct wire *w, uint8_t v)
{
	if (wire_can(w, 1))
		*w->pos++ = v;
}

static inline void wire_write_u16(struct wire *w, uint16_t v)
{
	if (!wire_can(w, 2))
		return;
	w->pos[0] = (uint8_t)(v >> 8);
	w->pos[1] = (uint8_t)v;
	w->pos += 2;
}

static inline void wire_write_u32(struct wire *w, uint32_t v)
{
	if (!wire_can(w, 4))
		return;
	w->pos[0] = (uint8_t)(v >> 24);
	w->pos[1] = (uint8_t)(v >> 16);
	w->pos[2] = (uint8_t)(v >> 8);
	w->pos[3] = (uint8_t)v;
	w->pos += 4;
}

static inline void wire_write(struct wire *w, const void *src, size_t n)
{
	if (wire_can(w, n)) {
		memcpy(w->pos, src, n);
		w->pos += n;
	}
}

/* Big-endian helpers for fixed positions (header fields, patched lengths). */
static inline uint16_t wire_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void wire_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A field whose value is known only later, such as an RDLENGTH: write 0 now, keep the offset
 * returned, and wire_patch_u16() it once the data is written. */
static inline size_t wire_reserve_u16(struct wire *w)
{
	size_t at = wire_offset(w);

	wire_write_u16(w, 0);
	return at;
}

/* Patches may rewrite only bytes already written: anything else is an error like any other,
 * so a writer that failed earlier patches nothing. */
static inline bool wire_can_patch(struct wire *w, size_t at, size_t n)
{
	if (w->error)
		return false;
	if (at > wire_offset(w) || wire_offset(w) - at < n) {
		w->error = -EMSGSIZE;
		return false;
	}
	return true;
}

static inline void wire_patch_u16(struct wire *w, size_t at, uint16_t v)
{
	if (!wire_can_patch(w, at, 2))
		return;
	wire_put_u16(w->start + at, v);
}

static inline void wire_patch_u32(struct wire *w, size_t at, uint32_t v)
{
	if (!wire_can_patch(w, at, 4))
		return;
	wire_put_u16(w->start + at, (uint16_t)(v >> 16));
	wire_put_u16(w->start + at + 2, (uint16_t)v);
}

#endif
