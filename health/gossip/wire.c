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

static bool bad_parts(const struct gossip_msg *m)
{
	return m->parts == 0 || m->parts > GOSSIP_PARTS_MAX || m->part >= m->parts;
}

static void put_header(uint8_t *buf, uint8_t type, const struct gossip_msg *m)
{
	memcpy(buf, magic, 2);
	buf[2] = GOSSIP_VERSION;
	buf[3] = type;
	memcpy(buf + 4, m->key_id, GOSSIP_KEY_ID_LEN);
	put64(buf + 12, m->seq);
	put64(buf + 20, (uint64_t)m->time_ms);
	buf[28] = m->part;
	buf[29] = m->parts;
	put16(buf + 30, m->count);
}

int gossip_msg_encode(uint8_t *buf, const struct gossip_msg *m, const struct gossip_obs *obs)
{
	uint8_t *p;

	if (m->count > GOSSIP_OBS_PER_MSG || bad_parts(m))
		return -EINVAL;
	put_header(buf, GOSSIP_TYPE_STATE, m);
	p = buf + GOSSIP_HEADER_LEN;
	for (uint16_t i = 0; i < m->count; i++, p += GOSSIP_OBS_LEN) {
		put64(p, obs[i].site_id);
		p[8] = obs[i].verdict;
		p[9] = 0;
		put16(p + 10, obs[i].age_s);
	}
	return (int)(p - buf);
}

static bool is_vip_name(const char *s, size_t n)
{
	if (n == 0 || n > GOSSIP_VIP_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static size_t addr_len(uint8_t family)
{
	return family == 4 ? 4 : family == 6 ? 16 : 0;
}

size_t gossip_vip_record_len(const struct gossip_vip_inst *v)
{
	size_t name = strnlen(v->name, sizeof(v->name)), site = strnlen(v->site, sizeof(v->site));
	size_t len = GOSSIP_VIP_FIXED_LEN + name + site;

	if (!is_vip_name(v->name, name) || !is_vip_name(v->site, site) || v->state > 3 ||
	    v->addr_count > GOSSIP_VIP_ADDRS_MAX)
		return 0;
	for (uint8_t i = 0; i < v->addr_count; i++) {
		size_t a = addr_len(v->addrs[i].family);

		if (a == 0 || v->addrs[i].prefix > a * 8)
			return 0;
		len += 2 + a;
	}
	return len;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *put_vip(uint8_t *p, const struct gossip_vip_inst *v)
{
	size_t name = strlen(v->name), site = strlen(v->site);

	*p++ = (uint8_t)name;
	memcpy(p, v->name, name);
	p += name;
	*p++ = (uint8_t)site;
	memcpy(p, v->site, site);
	p += site;
	p[0] = v->state;
	p[1] = v->priority;
	p[2] = v->addr_count;
	p[3] = 0;
	put32(p + 4, v->master_down_ms);
	put32(p + 8, v->changed_age_ms);
	p += 12;
	for (uint8_t i = 0; i < v->addr_count; i++) {
		size_t a = addr_len(v->addrs[i].family);

		p[0] = v->addrs[i].family;
		p[1] = v->addrs[i].prefix;
		memcpy(p + 2, v->addrs[i].addr, a);
		p += 2 + a;
	}
	return p;
}

int gossip_vip_encode(uint8_t *buf, const struct gossip_msg *m, const struct gossip_vip_inst *insts)
{
	size_t total = GOSSIP_MSG_MIN;
	uint8_t *p;

	if (bad_parts(m))
		return -EINVAL;
	for (uint16_t i = 0; i < m->count; i++) {
		size_t len = gossip_vip_record_len(&insts[i]);

		if (len == 0)
			return -EINVAL;
		total += len;
	}
	if (total > GOSSIP_MSG_MAX)
		return -E2BIG;
	put_header(buf, GOSSIP_TYPE_VIP, m);
	p = buf + GOSSIP_HEADER_LEN;
	for (uint16_t i = 0; i < m->count; i++)
		p = put_vip(p, &insts[i]);
	return (int)(p - buf);
}

/* Parses one record of len bytes at most into *v (may be NULL: only checks). Returns the
 * bytes it takes, or 0 when it is truncated or breaks a bound. */
static size_t parse_vip(const uint8_t *p, size_t len, struct gossip_vip_inst *v)
{
	struct gossip_vip_inst tmp;
	size_t off = 0, n;

	if (v == NULL)
		v = &tmp;
	memset(v, 0, sizeof(*v));
	for (int f = 0; f < 2; f++) {
		char *dst = f == 0 ? v->name : v->site;

		if (off >= len || (n = p[off]) == 0 || n > GOSSIP_VIP_NAME_MAX || len - off - 1 < n)
			return 0;
		memcpy(dst, p + off + 1, n);
		if (!is_vip_name(dst, n))
			return 0;
		off += 1 + n;
	}
	if (len - off < 12)
		return 0;
	v->state = p[off];
	v->priority = p[off + 1];
	v->addr_count = p[off + 2];
	v->master_down_ms = get32(p + off + 4);
	v->changed_age_ms = get32(p + off + 8);
	if (v->state > 3 || v->addr_count > GOSSIP_VIP_ADDRS_MAX || p[off + 3] != 0)
		return 0;
	off += 12;
	for (uint8_t i = 0; i < v->addr_count; i++) {
		struct gossip_vip_addr *a = &v->addrs[i];

		if (len - off < 2 || (n = addr_len(p[off])) == 0 || p[off + 1] > n * 8 ||
		    len - off - 2 < n)
			return 0;
		a->family = p[off];
		a->prefix = p[off + 1];
		memcpy(a->addr, p + off + 2, n);
		off += 2 + n;
	}
	return off;
}

void gossip_msg_vip(const struct gossip_msg *m, size_t *off, struct gossip_vip_inst *out)
{
	*off += parse_vip(m->obs + *off, m->body_len - *off, out);
}

static int refuse(enum gossip_drop *why, enum gossip_drop kind)
{
	*why = kind;
	return -EBADMSG;
}

/* The observations of a state datagram: exactly count of them, known verdicts. */
static bool body_is_state(const struct gossip_msg *m)
{
	if (m->body_len != (size_t)m->count * GOSSIP_OBS_LEN)
		return false;
	for (uint16_t i = 0; i < m->count; i++) {
		const uint8_t *o = m->obs + (size_t)i * GOSSIP_OBS_LEN;

		if (o[8] > SITE_DOWN || o[9] != 0)
			return false;
	}
	return true;
}

/* The records of a VIP report: exactly count of them, nothing left over. */
static bool body_is_vip(const struct gossip_msg *m)
{
	size_t off = 0;

	for (uint16_t i = 0; i < m->count; i++) {
		size_t n = parse_vip(m->obs + off, m->body_len - off, NULL);

		if (n == 0)
			return false;
		off += n;
	}
	return off == m->body_len;
}

int gossip_msg_decode(struct gossip_msg *m, const uint8_t *buf, size_t len, enum gossip_drop *why)
{
	if (len > GOSSIP_MSG_MAX)
		return refuse(why, GOSSIP_DROP_OVERSIZED);
	if (len < 4 || memcmp(buf, magic, 2) != 0)
		return refuse(why, GOSSIP_DROP_MALFORMED);
	/* the version is checked before the length: a later version may be laid out otherwise */
	if (buf[2] != GOSSIP_VERSION || (buf[3] != GOSSIP_TYPE_STATE && buf[3] != GOSSIP_TYPE_VIP))
		return refuse(why, GOSSIP_DROP_VERSION);
	if (len < GOSSIP_MSG_MIN)
		return refuse(why, GOSSIP_DROP_MALFORMED);
	m->type = buf[3];
	memcpy(m->key_id, buf + 4, GOSSIP_KEY_ID_LEN);
	m->seq = get64(buf + 12);
	m->time_ms = (int64_t)get64(buf + 20);
	m->part = buf[28];
	m->parts = buf[29];
	m->count = get16(buf + 30);
	m->obs = buf + GOSSIP_HEADER_LEN;
	m->body_len = len - GOSSIP_MSG_MIN;
	if (bad_parts(m) || !(m->type == GOSSIP_TYPE_STATE ? body_is_state(m) : body_is_vip(m)))
		return refuse(why, GOSSIP_DROP_MALFORMED);
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
