/* JSON strings for the /status.json pages of batond, baton-probe and baton-vip, written into an
 * evbuffer. Header-only, as prom.h: each program has one page and no JSON library. */
#ifndef BATON_JSON_H
#define BATON_JSON_H

#include <event2/buffer.h>

/* `s` quoted, with '"', '\' and control characters escaped (RFC 8259 §7). Other bytes pass as
 * they are: names in our zones and configurations are ASCII or already UTF-8. */
static inline void json_string(struct evbuffer *out, const char *s)
{
	evbuffer_add(out, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			evbuffer_add_printf(out, "\\%c", c);
		else if (c < 0x20)
			evbuffer_add_printf(out, "\\u%04x", c);
		else
			evbuffer_add(out, s, 1);
	}
	evbuffer_add(out, "\"", 1);
}

#endif
