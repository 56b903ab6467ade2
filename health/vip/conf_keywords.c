/* vip.conf keywords inside a vrrp_instance block: one parser per keyword. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/vip/conf_keywords.h"
#include "zones/check_spec.h"

typedef int keyword_fn(struct vip_instance_conf *inst, struct conf_line *l);

/* The i-th word as written: "key=value" words are joined back. */
static const char *word(struct conf_line *l, size_t i, char *buf, size_t size)
{
	if (l->a.keys[i] == NULL)
		return l->a.values[i];
	snprintf(buf, size, "%s=%s", l->a.keys[i], l->a.values[i]);
	return buf;
}

static int need_args(struct conf_line *l, size_t n, const char *example)
{
	if (l->a.count == n + 1)
		return 0;
	return stanza_error(l->c, "%s takes %zu value%s: %s", l->a.values[0], n, n == 1 ? "" : "s",
			    example);
}

/* The text after the first `n` words, which must be plain (unquoted). */
static const char *rest_after(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int conf_keywords_addr(const char *text, bool with_prefix, struct vip_addr *out,
		       struct stanza_ctx *c)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned long prefix;
	char *end;

	if (strlen(text) >= sizeof(buf))
		return stanza_error(c, "'%s' is not an address", text);
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash != NULL && !with_prefix)
		return stanza_error(c, "'%s': write the address without a /prefix", text);
	if (slash != NULL)
		*slash = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return stanza_error(c,
				    "'%s' is not an IPv4 or IPv6 address: write 192.0.2.10/24 "
				    "or 2001:db8::10/64",
				    text);
	out->prefix = out->family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		prefix = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || prefix > out->prefix)
			return stanza_error(c, "'%s': the prefix length must be 0 to %u", text,
					    out->prefix);
		out->prefix = (uint8_t)prefix;
	}
	return 0;
}

/* "10ms", "2s", "100cs", "0.5s", or bare seconds as keepalived's advert_int takes them. */
static int parse_ms(const char *v, double min_ms, double max_ms, double *out, struct conf_line *l)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ms", 1 }, { "cs", 10 }, { "s", 1000 }, { "m", 60000 }, { "", 1000 } };
	char *end;
	double n = strtod(v, &end);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (end == v || strcmp(end, units[i].unit) != 0 || !isfinite(n))
			continue;
		*out = n * units[i].ms;
		if (*out < min_ms || *out > max_ms)
			return stanza_error(l->c, "%s %s is out of range: use %gms to %gs",
					    l->a.values[0], v, min_ms, max_ms / 1000);
		return 0;
	}
	return stanza_error(l->c, "%s %s is not a duration: write 10ms, 100cs, 1s or 0.5",
			    l->a.values[0], v);
}

static int duration_ms(struct conf_line *l, uint32_t min_ms, uint32_t max_ms, uint32_t *out)
{
	double ms;
	int rc = need_args(l, 1, "a duration like 500ms or 2s");

	if (rc == 0)
		rc = parse_ms(l->a.values[1], min_ms, max_ms, &ms, l);
	if (rc == 0)
		*out = (uint32_t)(ms + 0.5);
	return rc;
}

/* A whole number in [min, max]; `what` names it in the message ("priority", "weight"). */
static int parse_uint(const char *v, uint32_t min, uint32_t max, uint32_t *out, const char *what,
		      struct conf_line *l)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!isdigit((unsigned char)v[0]) || *end != '\0' || n < min || n > max)
		return stanza_error(l->c, "%s %s: use a whole number from %u to %u", what, v, min,
				    max);
	*out = (uint32_t)n;
	return 0;
}

static int number(struct conf_line *l, uint32_t min, uint32_t max, uint32_t *out)
{
	int rc = need_args(l, 1, "a number");

	return rc ? rc : parse_uint(l->a.values[1], min, max, out, l->a.values[0], l);
}

static int on_off(struct conf_line *l, bool *out)
{
	int i;
	static const char *const choices[] = { "off", "on", "no", "yes", NULL };

	if (need_args(l, 1, "on or off") < 0)
		return -EINVAL;
	i = stanza_parse_choice(l->a.values[1], choices, l->a.values[0], l->c);
	if (i < 0)
		return i;
	*out = i & 1;
	return 0;
}

static int kw_interface(struct vip_instance_conf *inst, struct conf_line *l)
{
	if (need_args(l, 1, "interface eth0") < 0)
		return -EINVAL;
	if (strlen(l->a.values[1]) >= IF_NAMESIZE)
		return stanza_error(l->c, "interface name '%s' is longer than %d characters",
				    l->a.values[1], IF_NAMESIZE - 1);
	strcpy(inst->ifname, l->a.values[1]);
	return 0;
}

/* `site NAME`: the $SITE of the zones this instance's VIPs serve; gossip reports the instance
 * under it. A site name is unique within its zone; a VIP node serves one site, so the name
 * alone is what batond matches (in every zone that has such a $SITE). */
static int kw_site(struct vip_instance_conf *inst, struct conf_line *l)
{
	const char *v;
	size_t n;

	if (need_args(l, 1, "site fra") < 0)
		return -EINVAL;
	v = l->a.values[1];
	n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_' && v[i] != '.')
			n = 0;
	if (n == 0 || n > 63)
		return stanza_error(
			l->c,
			"site '%s': write the $SITE name as the zone spells it (1 to 63 "
			"letters, digits, '-', '_' or '.')",
			v);
	inst->site = arena_dup(l->c->arena, v, n + 1);
	if (inst->site == NULL)
		l->c->out_of_memory = true;
	return 0;
}

static int kw_vrid(struct vip_instance_conf *inst, struct conf_line *l)
{
	uint32_t v;
	int rc = number(l, 1, 255, &v);

	inst->vrid = (uint8_t)v;
	return rc;
}

static int kw_priority(struct vip_instance_conf *inst, struct conf_line *l)
{
	uint32_t v;
	int rc = number(l, 1, 255, &v);

	inst->priority = (uint8_t)v;
	return rc;
}

static int kw_advert(struct vip_instance_conf *inst, struct conf_line *l)
{
	double ms;
	long cs;
	int rc = need_args(l, 1, "advert 1s (or 100cs, 10ms, 0.01)");

	/* RFC 9568 §5.2.7: 12 bits of centiseconds */
	if (rc == 0)
		rc = parse_ms(l->a.values[1], 10, 40950, &ms, l);
	if (rc < 0)
		return rc;
	cs = (long)(ms / 10 + 0.5);
	if (ms / 10 - (double)cs > 1e-6 || ms / 10 - (double)cs < -1e-6)
		return stanza_error(l->c,
				    "advert %s: VRRPv3 counts in centiseconds; use a multiple "
				    "of 10ms",
				    l->a.values[1]);
	inst->advert_cs = (uint16_t)cs;
	return 0;
}

static int kw_vip(struct vip_instance_conf *inst, struct conf_line *l)
{
	struct vip_addr a;

	if (need_args(l, 1, "vip 192.0.2.10/24") < 0 ||
	    conf_keywords_addr(l->a.values[1], true, &a, l->c) < 0)
		return -EINVAL;
	if (inst->vip_count == VIP_VIPS_MAX)
		return stanza_error(l->c, "at most %d vips per instance: split it in two",
				    VIP_VIPS_MAX);
	for (unsigned i = 0; i < inst->vip_count; i++)
		if (memcmp(inst->vips[i].addr, a.addr, 16) == 0 && inst->vips[i].family == a.family)
			return stanza_error(l->c, "vip %s is listed twice", l->a.values[1]);
	if (inst->vip_count == 0)
		inst->family = a.family;
	inst->vips[inst->vip_count++] = a;
	return 0;
}

static int kw_preempt(struct vip_instance_conf *inst, struct conf_line *l)
{
	return on_off(l, &inst->preempt);
}

static int kw_preempt_delay(struct vip_instance_conf *inst, struct conf_line *l)
{
	return duration_ms(l, 0, 3600000, &inst->preempt_delay_ms);
}

static int kw_unicast_src(struct vip_instance_conf *inst, struct conf_line *l)
{
	if (need_args(l, 1, "unicast-src 192.0.2.1") < 0)
		return -EINVAL;
	inst->has_unicast_src = true;
	return conf_keywords_addr(l->a.values[1], false, &inst->unicast_src, l->c);
}

static int kw_unicast_peer(struct vip_instance_conf *inst, struct conf_line *l)
{
	if (need_args(l, 1, "unicast-peer 192.0.2.2") < 0)
		return -EINVAL;
	if (inst->peer_count == VIP_PEERS_MAX)
		return stanza_error(l->c, "at most %d unicast peers", VIP_PEERS_MAX);
	return conf_keywords_addr(l->a.values[1], false, &inst->peers[inst->peer_count++], l->c);
}

static int kw_checksum(struct vip_instance_conf *inst, struct conf_line *l)
{
	static const char *const choices[] = { "pseudo-header", "plain", NULL };
	int i;

	if (need_args(l, 1, "checksum pseudo-header (RFC 9568, keepalived) or plain (Cisco)") < 0)
		return -EINVAL;
	i = stanza_parse_choice(l->a.values[1], choices, "checksum", l->c);
	if (i < 0)
		return i;
	inst->csum = i == 0 ? VRRP_CSUM_PSEUDO : VRRP_CSUM_PLAIN;
	return 0;
}

static int kw_garp_count(struct vip_instance_conf *inst, struct conf_line *l)
{
	uint32_t v;
	int rc = number(l, 1, 100, &v);

	inst->garp_count = v;
	return rc;
}

static int kw_garp_interval(struct vip_instance_conf *inst, struct conf_line *l)
{
	return duration_ms(l, 0, 10000, &inst->garp_interval_ms);
}

static int kw_garp_refresh(struct vip_instance_conf *inst, struct conf_line *l)
{
	return duration_ms(l, 0, 86400000, &inst->garp_refresh_ms);
}

/* `weight=N` (subtract N from the priority while down) or `fault`. */
static int track_effect(struct vip_track *t, struct conf_line *l, size_t i)
{
	uint32_t w;

	if (l->a.keys[i] == NULL && strcmp(l->a.values[i], "fault") == 0) {
		t->fault = true;
		return 0;
	}
	if (l->a.keys[i] == NULL || strcmp(l->a.keys[i], "weight") != 0)
		return stanza_error(l->c,
				    "%s: say what a failure does: weight=20 (lower the "
				    "priority by 20) or fault",
				    l->a.values[0]);
	if (parse_uint(l->a.values[i], 1, 254, &w, "weight", l) < 0)
		return -EINVAL;
	t->weight = w;
	return 0;
}

static struct vip_track *new_track(struct vip_instance_conf *inst, struct conf_line *l)
{
	struct vip_track *t;

	if (inst->track_count == VIP_TRACKS_MAX) {
		stanza_error(l->c, "at most %d tracked checks and interfaces", VIP_TRACKS_MAX);
		return NULL;
	}
	t = &inst->tracks[inst->track_count++];
	t->file = l->c->file;
	t->line = l->c->line;
	return t;
}

static int kw_track_interface(struct vip_instance_conf *inst, struct conf_line *l)
{
	struct vip_track *t;

	if (need_args(l, 2, "track-interface eth1 weight=20 (or fault)") < 0)
		return -EINVAL;
	t = new_track(inst, l);
	if (t == NULL)
		return -EINVAL;
	t->kind = VIP_TRACK_INTERFACE;
	if (l->a.keys[1] != NULL || strlen(l->a.values[1]) >= IF_NAMESIZE)
		return stanza_error(l->c, "track-interface: '%s' is not an interface name",
				    l->a.values[1]);
	strcpy(t->ifname, l->a.values[1]);
	return track_effect(t, l, 2);
}

/* `track-check ADDRESS weight=N|fault NAME KIND key=value...`: the tail is a zone's $CHECK. */
static int kw_track_check(struct vip_instance_conf *inst, struct conf_line *l)
{
	struct vip_addr a;
	struct vip_track *t;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;

	if (l->a.count < 5)
		return stanza_error(l->c, "track-check needs an address, an effect and a $CHECK: "
					  "track-check 192.0.2.10 weight=20 web http port=80");
	t = new_track(inst, l);
	if (t == NULL || conf_keywords_addr(l->a.values[1], false, &a, l->c) < 0 ||
	    track_effect(t, l, 2) < 0)
		return -EINVAL;
	t->kind = VIP_TRACK_CHECK;
	memset(&t->addr, 0, sizeof(t->addr));
	sin = (struct sockaddr_in *)&t->addr;
	sin6 = (struct sockaddr_in6 *)&t->addr;
	if (a.family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a.addr, 4);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a.addr, 16);
	}
	return check_spec_compile(&t->check, rest_after(l->raw, 3), l->c);
}

static int kw_notify(struct vip_instance_conf *inst, struct conf_line *l)
{
	const char *name = l->a.values[0];
	const char *cmd = rest_after(l->raw, 1);
	const char **slot = strcmp(name, "notify-master") == 0	 ? &inst->notify_master
			    : strcmp(name, "notify-backup") == 0 ? &inst->notify_backup
			    : strcmp(name, "notify-fault") == 0	 ? &inst->notify_fault
			    : strcmp(name, "notify-stop") == 0	 ? &inst->notify_stop
								 : &inst->notify;

	if (l->a.count < 2 || cmd[0] != '/' || strchr(cmd, '"') != NULL)
		return stanza_error(l->c,
				    "%s needs an absolute program path and plain arguments "
				    "(no shell, no quotes): %s /etc/baton/vip-hook",
				    name, name);
	*slot = arena_dup(l->c->arena, cmd, strlen(cmd) + 1);
	if (*slot == NULL)
		l->c->out_of_memory = true;
	return *slot ? 0 : -ENOMEM;
}

static int kw_witness(struct vip_instance_conf *inst, struct conf_line *l)
{
	struct vip_witness *w;
	static const char *const methods[] = { "ping", "arp", NULL };
	int m = 0;

	if (l->a.count != 2 && l->a.count != 3)
		return stanza_error(l->c, "witness takes an address and a method: witness "
					  "192.0.2.254 arp (or ping, the default)");
	if (inst->witness_count == VIP_WITNESSES_MAX)
		return stanza_error(l->c, "at most %d witnesses", VIP_WITNESSES_MAX);
	w = &inst->witnesses[inst->witness_count++];
	if (conf_keywords_addr(l->a.values[1], false, &w->addr, l->c) < 0)
		return -EINVAL;
	if (l->a.count == 3)
		m = stanza_parse_choice(l->a.values[2], methods, "witness method", l->c);
	if (m < 0)
		return m;
	w->method = m == 0 ? VIP_WITNESS_PING : VIP_WITNESS_ARP;
	if (w->method == VIP_WITNESS_ARP && w->addr.family != AF_INET)
		return stanza_error(l->c, "witness %s arp: ARP is IPv4 only; use ping for IPv6",
				    l->a.values[1]);
	return 0;
}

static int kw_witness_timeout(struct vip_instance_conf *inst, struct conf_line *l)
{
	return duration_ms(l, 10, 60000, &inst->witness_timeout_ms);
}

/* `fence /path/to/program args`: run without a shell; exit 0 means the peer is fenced. */
static int kw_fence(struct vip_instance_conf *inst, struct conf_line *l)
{
	size_t n = l->a.count - 1;
	char **argv;

	if (n < 1 || l->a.values[1][0] != '/')
		return stanza_error(l->c, "fence needs an absolute program path: fence "
					  "/usr/local/sbin/stonith --node b");
	argv = arena_alloc(l->c->arena, (n + 1) * sizeof(*argv));
	if (argv == NULL) {
		l->c->out_of_memory = true;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char buf[512];
		const char *w = word(l, i + 1, buf, sizeof(buf));

		argv[i] = arena_dup(l->c->arena, w, strlen(w) + 1);
		if (argv[i] == NULL) {
			l->c->out_of_memory = true;
			return -ENOMEM;
		}
	}
	inst->has_fence = true;
	inst->fence.argv = argv;
	return 0;
}

static int kw_fence_timeout(struct vip_instance_conf *inst, struct conf_line *l)
{
	return duration_ms(l, 10, 600000, &inst->fence.timeout_ms);
}

static const struct {
	const char *name;
	keyword_fn *fn;
} keywords[] = {
	{ "interface", kw_interface },
	{ "site", kw_site },
	{ "vrid", kw_vrid },
	{ "priority", kw_priority },
	{ "advert", kw_advert },
	{ "vip", kw_vip },
	{ "preempt", kw_preempt },
	{ "preempt-delay", kw_preempt_delay },
	{ "unicast-src", kw_unicast_src },
	{ "unicast-peer", kw_unicast_peer },
	{ "checksum", kw_checksum },
	{ "garp-count", kw_garp_count },
	{ "garp-interval", kw_garp_interval },
	{ "garp-refresh", kw_garp_refresh },
	{ "track-interface", kw_track_interface },
	{ "track-check", kw_track_check },
	{ "notify", kw_notify },
	{ "notify-master", kw_notify },
	{ "notify-backup", kw_notify },
	{ "notify-fault", kw_notify },
	{ "notify-stop", kw_notify },
	{ "witness", kw_witness },
	{ "witness-timeout", kw_witness_timeout },
	{ "fence", kw_fence },
	{ "fence-timeout", kw_fence_timeout },
};

int conf_keywords_apply(struct vip_instance_conf *inst, struct conf_line *l)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (l->a.keys[0] == NULL && strcmp(keywords[i].name, l->a.values[0]) == 0)
			return keywords[i].fn(inst, l);
	return stanza_error(l->c,
			    "unknown keyword '%s' in vrrp_instance %s (docs/vip.md maps "
			    "keepalived's keywords to ours)",
			    l->a.values[0], inst->name);
}
