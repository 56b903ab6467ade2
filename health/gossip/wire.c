/* The gossip wire format: encoding and the bounds-checked decoder of one datagram. All
 * integers are big-endian. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "baton/health.h"
#include "health/gossip/wire.h"

static const uint8_t magic[2] = { 'B', 'G' };

static const char *const drop_names[GOSSIP_DROP_KINDS] = {
	[GOSSIP_DROP_OVERSIZED] = "oversized",
	[GOSSIP_DROP_MALFORMED] = "malformed",
	[GOSSIP_DROP_VERSION] = "version",
	[GOSSIP_DROP_UNKNOWN_KEY] = "unknown_key",
	[GOSSIP_DROP_BAD_SIGNATURE] = "bad_signature",
	[GOSSIP_DROP_REPLAY] = "replay",
	[GOSSIP_DROP_DUPLICATE] = "duplicate",
	[GOSSIP_DROP_STALE] = "stale",
	[GOSSIP_DROP_OWN] = "own",
};

const char *gossip_drop_name(enum gossip_drop kind)
{
	return (unsigned)kind < GOSSIP_DROP_KINDS ? drop_names[kind] : "?";
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)tolower((unsigned char)s[i]);
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t gossip_site_id(const char *zone, const char *site)
{
	size_t zlen = strlen(zone);
	uint64_t h = 0xcbf29ce484222325ull;

	/* "example.com." and "example.com" name one zone */
	if (zlen > 1 && zone[zlen - 1] == '.')
		zlen--;
	h = fnv1a(h, zone, zlen);
	h = fnv1a(h, "/", 1);
	return fnv1a(h, site, strlen(site));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int gossip_msg_encode(uint8_t *buf, const struct gossip_msg *m, const struct gossip_obs *obs)
{
	uint8_t *p;

	if (m->count > GOSSIP_OBS_PER_MSG || m->parts == 0 || m->parts > GOSSIP_PARTS_MAX ||
	    m->part >= m->parts)
		return -EINVAL;
	memcpy(buf, magic, 2);
	buf[2] = GOSSIP_VERSION;
	buf[3] = GOSSIP_TYPE_STATE;
	memcpy(buf + 4, m->key_id, GOSSIP_KEY_ID_LEN);
	put64(buf + 12, m->seq);
	put64(buf + 20, (uint64_t)m->time_ms);
	buf[28] = m->part;
	buf[29] = m->parts;
	put16(buf + 30, m->count);
	p = buf + GOSSIP_HEADER_LEN;
	for (uint16_t i = 0; i < m->count; i++, p += GOSSIP_OBS_LEN) {
		put64(p, obs[i].site_id);
		p[8] = obs[i].verdict;
		p[9] = 0;
		put16(p + 10, obs[i].age_s);
	}
	return (int)(p - buf);
}

static int refuse(enum gossip_drop *why, enum gossip_drop kind)
{
	*why = kind;
	return -EBADMSG;
}

int gossip_msg_decode(struct gossip_msg *m, const uint8_t *buf, size_t len, enum gossip_drop *why)
{
	size_t body;

	if (len > GOSSIP_MSG_MAX)
		return refuse(why, GOSSIP_DROP_OVERSIZED);
	if (len < 4 || memcmp(buf, magic, 2) != 0)
		return refuse(why, GOSSIP_DROP_MALFORMED);
	/* the version is checked before the length: a later version may be laid out otherwise */
	if (buf[2] != GOSSIP_VERSION || buf[3] != GOSSIP_TYPE_STATE)
		return refuse(why, GOSSIP_DROP_VERSION);
	if (len < GOSSIP_MSG_MIN)
		return refuse(why, GOSSIP_DROP_MALFORMED);
	memcpy(m->key_id, buf + 4, GOSSIP_KEY_ID_LEN);
	m->seq = get64(buf + 12);
	m->time_ms = (int64_t)get64(buf + 20);
	m->part = buf[28];
	m->parts = buf[29];
	m->count = get16(buf + 30);
	body = len - GOSSIP_MSG_MIN;
	if (m->parts == 0 || m->parts > GOSSIP_PARTS_MAX || m->part >= m->parts ||
	    body != (size_t)m->count * GOSSIP_OBS_LEN)
		return refuse(why, GOSSIP_DROP_MALFORMED);
	m->obs = buf + GOSSIP_HEADER_LEN;
	for (uint16_t i = 0; i < m->count; i++) {
		const uint8_t *o = m->obs + (size_t)i * GOSSIP_OBS_LEN;

		if (o[8] > SITE_DOWN || o[9] != 0)
			return refuse(why, GOSSIP_DROP_MALFORMED);
	}
	m->signed_len = len - GOSSIP_SIG_LEN;
	m->sig = buf + m->signed_len;
	return 0;
}

void gossip_msg_obs(const struct gossip_msg *m, uint16_t i, struct gossip_obs *out)
{
	const uint8_t *o = m->obs + (size_t)i * GOSSIP_OBS_LEN;

	out->site_id = get64(o);
	out->verdict = o[8];
	out->age_s = get16(o + 10);
}
