/* batond.conf reader: nsd.conf-like `server:` and `zone:` sections into a struct config. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "baton/compiler.h"
#include "server/config.h"
#include "server/config_text.h"
#include "server/config_finish.h"
#include "zones/reader.h"

/* Longer lines are reported, never cut: the cut-off half would parse as a line of its own. */
#define LINE_MAX_LEN 4096

enum section {
	SECTION_NONE,
	SECTION_SERVER,
	SECTION_ZONE,
	SECTION_KEY,
	SECTION_GOSSIP,
	SECTION_UNKNOWN
};

struct parser;
struct key;

typedef void key_handler(struct parser *p, const struct key *k, const char *value);

struct key {
	const char *name;
	enum section section;
	bool repeats; /* may be given more than once; only ip-address */
	key_handler *handle;
	size_t offset; /* of the field it sets in struct config or struct config_zone */
	unsigned min, max; /* for numbers */
};

static key_handler set_uint, set_string, set_yes_no, set_zone_name, add_address, set_http_listen,
	add_rrl_whitelist, set_cookie_secret, set_chaos, set_xfr;

#define CFG(field) offsetof(struct config, field)
#define ZONE(field) offsetof(struct config_zone, field)

static const struct key keys[] = {
	{ "ip-address", SECTION_SERVER, true, add_address, 0, 0, 0 },
	{ "port", SECTION_SERVER, false, set_uint, CFG(port), 1, 65535 },
	{ "workers", SECTION_SERVER, false, set_uint, CFG(workers), 1, 64 },
	{ "control-socket", SECTION_SERVER, false, set_string, CFG(control_socket), 0, 0 },
	{ "pidfile", SECTION_SERVER, false, set_string, CFG(pidfile), 0, 0 },
	{ "state-file", SECTION_SERVER, false, set_string, CFG(state_file), 0, 0 },
	{ "zonesdir", SECTION_SERVER, false, set_string, CFG(zonesdir), 0, 0 },
	{ "tcp-count", SECTION_SERVER, false, set_uint, CFG(tcp_count), 1, 65535 },
	{ "tcp-timeout", SECTION_SERVER, false, set_uint, CFG(tcp_timeout_s), 1, 3600 },
	{ "reload-timeout", SECTION_SERVER, false, set_uint, CFG(reload_timeout_s), 1, 86400 },
	{ "edns-buffer-size", SECTION_SERVER, false, set_uint, CFG(edns_buffer_size), 512, 4096 },
	{ "verbosity", SECTION_SERVER, false, set_uint, CFG(verbosity), 0, 3 },
	{ "geoip-database", SECTION_SERVER, false, set_string, CFG(geoip_database), 0, 0 },
	{ "zone-cache", SECTION_SERVER, false, set_string, CFG(zone_cache), 0, 0 },
	{ "ecs", SECTION_SERVER, false, set_yes_no, CFG(ecs), 0, 0 },
	{ "http-listen", SECTION_SERVER, false, set_http_listen, 0, 0, 0 },
	{ "http-connections", SECTION_SERVER, false, set_uint, CFG(http_limits.connections), 1,
	  HTTP_LISTEN_CONNECTIONS_MAX },
	{ "http-timeout", SECTION_SERVER, false, set_uint, CFG(http_limits.timeout_s), 1,
	  HTTP_LISTEN_TIMEOUT_MAX_S },
	{ "username", SECTION_SERVER, false, set_string, CFG(username), 0, 0 },
	{ "rrl-ratelimit", SECTION_SERVER, false, set_uint, CFG(rrl.ratelimit), 0, RRL_RATE_MAX },
	{ "rrl-slip", SECTION_SERVER, false, set_uint, CFG(rrl.slip), 0, 100 },
	{ "rrl-ipv4-prefix-length", SECTION_SERVER, false, set_uint, CFG(rrl.ipv4_prefix), 8, 32 },
	{ "rrl-ipv6-prefix-length", SECTION_SERVER, false, set_uint, CFG(rrl.ipv6_prefix), 16,
	  128 },
	{ "rrl-size", SECTION_SERVER, false, set_uint, CFG(rrl.size), 1024, 1u << 28 },
	{ "rrl-whitelist", SECTION_SERVER, true, add_rrl_whitelist, 0, 0, 0 },
	{ "answer-cookie", SECTION_SERVER, false, set_yes_no, CFG(answer_cookie), 0, 0 },
	{ "cookie-secret", SECTION_SERVER, false, set_cookie_secret, 0, 0, 0 },
	{ "identity", SECTION_SERVER, false, set_chaos, 0, 0, 0 },
	{ "version", SECTION_SERVER, false, set_chaos, 0, 0, 0 },
	{ "hide-identity", SECTION_SERVER, false, set_yes_no, CFG(chaos.hide_identity), 0, 0 },
	{ "hide-version", SECTION_SERVER, false, set_yes_no, CFG(chaos.hide_version), 0, 0 },
	{ "nsid", SECTION_SERVER, false, set_chaos, 0, 0, 0 },
	{ "export-min-interval", SECTION_SERVER, false, set_uint, CFG(export_min_interval_s), 0,
	  3600 },
	{ "name", SECTION_ZONE, false, set_zone_name, 0, 0, 0 },
	{ "zonefile", SECTION_ZONE, false, set_string, ZONE(zonefile), 0, 0 },
	{ "provide-xfr", SECTION_ZONE, true, set_xfr, 0, 0, 0 },
	{ "notify", SECTION_ZONE, true, set_xfr, 0, 0, 0 },
	{ "dnssec-signing", SECTION_ZONE, false, set_yes_no, ZONE(dnssec_signing), 0, 0 },
	{ "dnssec-key-dir", SECTION_ZONE, false, set_string, ZONE(dnssec_key_dir), 0, 0 },
	{ "dnssec-signature-lifetime", SECTION_ZONE, false, set_uint, ZONE(dnssec_lifetime_s),
	  3 * 3600, 366 * 86400 },
	{ "name", SECTION_KEY, false, set_xfr, 0, 0, 0 },
	{ "algorithm", SECTION_KEY, false, set_xfr, 0, 0, 0 },
	{ "secret", SECTION_KEY, false, set_xfr, 0, 0, 0 },
};

struct parser {
	struct config *cfg;
	struct diag *diag;
	const char *path;
	unsigned line;
	enum section section;
	/* Line where each key was first given: in the whole file for server keys (a second
	 * `server:` section continues the first, and a silent override would hide a mistake),
	 * in the current section for zone keys. */
	unsigned seen[ARRAY_SIZE(keys)];
	/* `port:` may come after the addresses, so ports are filled in at the end. */
	uint16_t explicit_port[CONFIG_MAX_ADDRESSES]; /* from addr@port; 0: use `port:` */
	unsigned address_lines; /* ip-address lines read, good or bad */
	size_t zone_cap;
	unsigned gossip_line; /* where the first gossip: section starts */
	unsigned errors;
	bool out_of_memory;
};

/* Most problems are on the line being read. */
#define complain(p, ...) report(p, (p)->line, __VA_ARGS__)

static ATTR_PRINTF(3, 4) void report(struct parser *p, unsigned line, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(p->diag, p->path, line, "%s", msg);
	p->errors++;
}

/* The key of that name in `section`, else in any (`name:` is in two sections). */
static const struct key *find_key(const char *name, enum section section)
{
	const struct key *any = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (keys[i].section == section)
			return &keys[i];
		if (any == NULL)
			any = &keys[i];
	}
	return any;
}

static const char *section_name(enum section s)
{
	return s == SECTION_SERVER   ? "server:"
	       : s == SECTION_GOSSIP ? "gossip:"
	       : s == SECTION_KEY    ? "key:"
				     : "zone:";
}

static struct config_zone *current_zone(struct parser *p)
{
	return &p->cfg->zones[p->cfg->zone_count - 1];
}

/* The field a key sets: in the config, or in the zone whose section we are in. */
static void *field_of(struct parser *p, const struct key *k)
{
	char *base = k->section == SECTION_ZONE ? (char *)current_zone(p) : (char *)p->cfg;

	return base + k->offset;
}

static void set_uint(struct parser *p, const struct key *k, const char *value)
{
	unsigned long v;

	if (!config_text_number(value, &v)) {
		complain(p, "%s: '%s' is not a number between %u and %u", k->name, value, k->min,
			 k->max);
	} else if (v < k->min || v > k->max) {
		complain(p, "%s: must be between %u and %u, not %s", k->name, k->min, k->max,
			 value);
	} else {
		*(unsigned *)field_of(p, k) = (unsigned)v;
	}
}

static void set_yes_no(struct parser *p, const struct key *k, const char *value)
{
	bool *field = field_of(p, k);

	if (strcmp(value, "yes") == 0)
		*field = true;
	else if (strcmp(value, "no") == 0)
		*field = false;
	else
		complain(p, "%s: write yes or no, not '%s'", k->name, value);
}

static void set_string(struct parser *p, const struct key *k, const char *value)
{
	char **field = field_of(p, k);

	*field = strdup(value);
	if (*field == NULL)
		p->out_of_memory = true;
}

static void set_zone_name(struct parser *p, const struct key *k, const char *value)
{
	size_t len;
	const char *why = config_text_name(value, &len);
	char *name;

	if (why != NULL) {
		complain(p, "%s: '%s' is not a valid domain name: %s", k->name, value, why);
		return;
	}
	name = strndup(value, len);
	if (name == NULL)
		p->out_of_memory = true;
	current_zone(p)->name = name;
}

/* `addr` or `addr@port`, as NSD writes it; the last '@' splits, as IPv6 has none. */
static void add_address(struct parser *p, const struct key *k, const char *value)
{
	struct config *cfg = p->cfg;
	const char *at = strrchr(value, '@');
	size_t len = at != NULL ? (size_t)(at - value) : strlen(value);
	char host[INET6_ADDRSTRLEN] = "";
	unsigned long port = 0;

	if (++p->address_lines > CONFIG_MAX_ADDRESSES) {
		if (p->address_lines == CONFIG_MAX_ADDRESSES + 1)
			complain(p, "too many ip-address lines (at most %d)", CONFIG_MAX_ADDRESSES);
		return;
	}
	if (at != NULL && (!config_text_number(at + 1, &port) || port < 1 || port > 65535)) {
		complain(p, "%s: port '%s' is not a number between 1 and 65535", k->name, at + 1);
		return;
	}
	if (len < sizeof(host))
		memcpy(host, value, len);
	if (len >= sizeof(host) ||
	    !config_text_address(host, &cfg->addresses[cfg->address_count])) {
		complain(p, "%s: '%.*s' is not an IPv4 or IPv6 address", k->name, (int)len, value);
		return;
	}
	p->explicit_port[cfg->address_count] = (uint16_t)port;
	cfg->address_count++;
}

/* `addr@port` (the port is required: no port is the HTTP default of a DNS server). */
static void set_http_listen(struct parser *p, const struct key *k, const char *value)
{
	const char *at = strrchr(value, '@');
	size_t len = at != NULL ? (size_t)(at - value) : 0;
	char host[INET6_ADDRSTRLEN] = "";
	unsigned long port = 0;
	struct sockaddr_storage *ss = &p->cfg->http_listen;

	if (at == NULL || !config_text_number(at + 1, &port) || port < 1 || port > 65535) {
		complain(p, "%s: write ADDRESS@PORT, like 127.0.0.1@8053", k->name);
		return;
	}
	if (len < sizeof(host))
		memcpy(host, value, len);
	if (len >= sizeof(host) || !config_text_address(host, ss)) {
		complain(p, "%s: '%.*s' is not an IPv4 or IPv6 address", k->name, (int)len, value);
		return;
	}
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

/* ADDRESS/LENGTH (or a bare address: one host), as Knot writes its RRL whitelist. */
static void add_rrl_whitelist(struct parser *p, const struct key *k, const char *value)
{
	struct rrl_config *rrl = &p->cfg->rrl;
	struct rrl_prefix *w = &rrl->whitelist[rrl->whitelist_count];
	const char *slash = strchr(value, '/');
	size_t len = slash ? (size_t)(slash - value) : strlen(value);
	char host[INET6_ADDRSTRLEN] = "";
	unsigned long bits;

	if (rrl->whitelist_count == RRL_WHITELIST_MAX) {
		complain(p, "%s: at most %d networks", k->name, RRL_WHITELIST_MAX);
		return;
	}
	if (len < sizeof(host))
		memcpy(host, value, len);
	if (len < sizeof(host) && inet_pton(AF_INET, host, w->addr) == 1)
		w->family = AF_INET;
	else if (len < sizeof(host) && inet_pton(AF_INET6, host, w->addr) == 1)
		w->family = AF_INET6;
	else {
		complain(p, "%s: '%s' is not ADDRESS or ADDRESS/LENGTH", k->name, value);
		return;
	}
	bits = w->family == AF_INET ? 32 : 128;
	if (slash != NULL &&
	    (!config_text_number(slash + 1, &bits) || bits > (w->family == AF_INET ? 32u : 128u))) {
		complain(p, "%s: '%s' has a bad prefix length", k->name, value);
		return;
	}
	w->len = (uint8_t)bits;
	rrl->whitelist_count++;
}

/* 32 hexadecimal digits, as NSD's cookie-secret. */
static void set_cookie_secret(struct parser *p, const struct key *k, const char *value)
{
	struct config *cfg = p->cfg;

	if (strlen(value) != 2 * sizeof(cfg->cookie_secret))
		goto bad;
	for (size_t i = 0; i < sizeof(cfg->cookie_secret); i++) {
		unsigned v;

		if (!isxdigit((unsigned char)value[2 * i]) ||
		    !isxdigit((unsigned char)value[2 * i + 1]) ||
		    sscanf(value + 2 * i, "%2x", &v) != 1)
			goto bad;
		cfg->cookie_secret[i] = (uint8_t)v;
	}
	cfg->has_cookie_secret = true;
	return;
bad:
	complain(p,
		 "%s: write 32 hexadecimal digits (16 bytes), the same on every server behind "
		 "one address",
		 k->name);
}

/* identity, version and nsid, made into the bytes the answers copy (server/chaos.c). */
static void set_chaos(struct parser *p, const struct key *k, const char *value)
{
	struct chaos *c = &p->cfg->chaos;
	const char *why = NULL;
	int rc;

	if (strcmp(k->name, "nsid") == 0) {
		why = chaos_set_nsid(c, value);
	} else {
		rc = strcmp(k->name, "identity") == 0 ? chaos_set_identity(c, value)
						      : chaos_set_version(c, value);
		if (rc < 0)
			why = "longer than 255 bytes, the most one TXT string holds; shorten it";
	}
	if (why != NULL)
		complain(p, "%s: '%s': %s", k->name, value, why);
}

/* The transfer keys, parsed by config_xfr.c. */
static void set_xfr(struct parser *p, const struct key *k, const char *value)
{
	struct config *cfg = p->cfg;
	char fix[160];
	int rc;

	if (k->section == SECTION_KEY)
		rc = config_xfr_key_set(&cfg->tsig_keys[cfg->tsig_key_count - 1], k->name, value,
					fix, sizeof(fix));
	else if (strcmp(k->name, "notify") == 0)
		rc = config_xfr_add_notify(current_zone(p), value, p->line, fix, sizeof(fix));
	else
		rc = config_xfr_add_acl(current_zone(p), value, p->line, fix, sizeof(fix));
	if (rc == -ENOMEM)
		p->out_of_memory = true;
	else if (rc < 0)
		complain(p, "%s: %s", k->name, fix);
}

/* Checks the zone section being left: a zone needs both keys. A key given with a bad value
 * was reported already, so only keys never given are. */
static void leave_section(struct parser *p)
{
	const struct config_zone *z;

	if (p->section != SECTION_ZONE)
		return;
	z = current_zone(p);
	if (!p->seen[find_key("name", SECTION_ZONE) - keys])
		report(p, z->line, "zone: section has no 'name:'");
	if (!p->seen[find_key("zonefile", SECTION_ZONE) - keys])
		report(p, z->line, "zone: section has no 'zonefile:'");
	if (z->dnssec_signing && z->dnssec_key_dir == NULL)
		report(p, z->line,
		       "zone: dnssec-signing: yes needs 'dnssec-key-dir:', the folder "
		       "of its keys (baton-keygen --dnssec writes them)");
	/* a transfer would carry an exported serial the SOA's RRSIG does not cover */
	if (z->dnssec_signing && (z->provide_xfr_count > 0 || z->notify_count > 0))
		report(p, z->line,
		       "zone: a signed zone cannot be transferred yet: drop 'provide-xfr:' and "
		       "'notify:', or 'dnssec-signing: yes'");
}

static void open_section(struct parser *p, enum section section)
{
	struct config *cfg = p->cfg;

	leave_section(p);
	p->section = section;
	if (section == SECTION_GOSSIP && p->cfg->gossip == NULL) {
		p->cfg->gossip = malloc(sizeof(*p->cfg->gossip));
		if (p->cfg->gossip == NULL) {
			p->out_of_memory = true;
			p->section = SECTION_UNKNOWN;
			return;
		}
		gossip_conf_init(p->cfg->gossip);
		p->gossip_line = p->line;
	}
	if (section == SECTION_KEY) {
		if (config_xfr_add_key(cfg, p->line) < 0) {
			p->out_of_memory = true;
			p->section = SECTION_UNKNOWN;
			return;
		}
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (keys[i].section == SECTION_KEY)
				p->seen[i] = 0;
	}
	if (section != SECTION_ZONE)
		return;
	if (cfg->zone_count == p->zone_cap) {
		size_t cap = p->zone_cap ? p->zone_cap * 2 : 8;
		struct config_zone *zones = realloc(cfg->zones, cap * sizeof(*zones));

		if (zones == NULL) {
			p->out_of_memory = true;
			p->section = SECTION_UNKNOWN;
			return;
		}
		cfg->zones = zones;
		p->zone_cap = cap;
	}
	memset(&cfg->zones[cfg->zone_count], 0, sizeof(cfg->zones[0]));
	cfg->zones[cfg->zone_count].dnssec_lifetime_s = CONFIG_DNSSEC_LIFETIME_DEFAULT_S;
	cfg->zones[cfg->zone_count++].line = p->line;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].section == SECTION_ZONE)
			p->seen[i] = 0;
}

static void list_keys(enum section section, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(keys) && len < size; i++)
		if (keys[i].section == section)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
						keys[i].name);
}

/* Splits a line in place into key and raw value, without comment or surrounding blanks.
 * *key is NULL for a blank line. Returns 0, or -1 after reporting a malformed line. */
static int split_line(struct parser *p, char *s, char **key, char **value)
{
	char *colon, *end;

	*key = NULL;
	if (!config_text_strip_comment(s)) {
		complain(p, "a double quote is not closed");
		return -1;
	}
	while (isspace((unsigned char)*s))
		s++;
	for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);)
		*--end = '\0';
	if (*s == '\0')
		return 0;
	colon = strchr(s, ':');
	if (colon == NULL || colon == s || !config_text_is_word(s, (size_t)(colon - s))) {
		complain(p, "expected 'key: value' or a section line ('server:' or 'zone:')");
		return -1;
	}
	*colon = '\0';
	for (*value = colon + 1; isspace((unsigned char)**value); (*value)++)
		;
	*key = s;
	return 0;
}

/* Takes the quotes off a value; one not in quotes must be one word. */
static int unquote(struct parser *p, const char *key, char **value)
{
	char *v = *value, *end;

	if (v[0] == '"') {
		end = strchr(v + 1, '"'); /* there is one: quotes are balanced */
		if (end[1] != '\0') {
			complain(p, "%s: text after the closing double quote", key);
			return -1;
		}
		*end = '\0';
		*value = v + 1;
	} else if (!config_text_is_word(v, strlen(v))) {
		complain(p, "%s: value '%s' must be one word, or put in double quotes", key, v);
		return -1;
	}
	return 0;
}

/* NSD writes these with blanks and no quotes: `provide-xfr: 192.0.2.1 NOKEY`. */
static bool takes_words(const struct key *k)
{
	return k->handle == set_xfr && k->section == SECTION_ZONE;
}

static void set_key(struct parser *p, const struct key *k, const char *name, char *value)
{
	char known[256];
	bool quoted;
	size_t i;

	if (k == NULL) {
		list_keys(p->section, known, sizeof(known));
		complain(p, "unknown key '%s' in %s section (known: %s)", name,
			 section_name(p->section), known);
		return;
	}
	if (k->section != p->section) {
		complain(p, "key '%s' belongs in a %s section, not in %s", name,
			 section_name(k->section), section_name(p->section));
		return;
	}
	i = (size_t)(k - keys);
	if (p->seen[i] != 0 && !k->repeats) {
		complain(p, "%s: given twice (first at line %u); keep one", name, p->seen[i]);
		return;
	}
	p->seen[i] = p->line;
	quoted = value[0] == '"';
	if ((!takes_words(k) || quoted) && unquote(p, name, &value) < 0)
		return;
	/* a quoted "" is a value for identity, version and nsid (empty TXT, no NSID), as in NSD */
	if (*value == '\0' && !(k->handle == set_chaos && quoted))
		complain(p, "%s: missing value", name);
	else
		k->handle(p, k, value);
}

/* The gossip: section takes probe.conf's keys, parsed by the same code (health/gossip/conf.c),
 * so an operator spells them once for both: values are taken as written, blanks included
 * (double quotes are optional). A second gossip: section continues the first. */
static void set_gossip_key(struct parser *p, const char *name, char *value)
{
	char fix[160];
	int rc;

	/* probe.conf's `peer: NAME ADDRESS@PORT` has a blank; it may be written the same here */
	if (value[0] == '"' && unquote(p, name, &value) < 0)
		return;
	if (*value == '\0') {
		complain(p, "%s: missing value", name);
		return;
	}
	rc = gossip_conf_set(p->cfg->gossip, name, value, p->line, fix, sizeof(fix));
	if (rc == -ENOENT)
		complain(p, "unknown key '%s' in gossip: section (known: %s)", name,
			 gossip_conf_key_list());
	else if (rc == -ENOMEM)
		p->out_of_memory = true;
	else if (rc < 0)
		complain(p, "%s: '%s': %s", name, value, fix);
}

static void parse_line(struct parser *p, char *text)
{
	enum section section = SECTION_NONE;
	const struct key *k;
	char *name, *value;

	if (split_line(p, text, &name, &value) < 0 || name == NULL)
		return;
	if (strcmp(name, "server") == 0)
		section = SECTION_SERVER;
	else if (strcmp(name, "zone") == 0)
		section = SECTION_ZONE;
	else if (strcmp(name, "gossip") == 0)
		section = SECTION_GOSSIP;
	else if (strcmp(name, "key") == 0 && !(p->section == SECTION_GOSSIP && *value != '\0'))
		section = SECTION_KEY; /* with a value inside gossip:, it is that section's key: */
	k = find_key(name, p->section);
	if (section != SECTION_NONE) {
		if (*value != '\0')
			complain(p, "'%s:' must be alone on its line; put '%s' on the next line",
				 name, value);
		open_section(p, section);
	} else if (k == NULL && *value == '\0' &&
		   (name == text || p->section == SECTION_NONE || p->section == SECTION_UNKNOWN)) {
		/* A `word:` at the start of the line, or outside a known section, is a section
		 * we lack (an NSD `pattern:`, say): one report, and its keys are skipped rather
		 * than each reported. Indented inside a section, it is a misspelt key. */
		leave_section(p);
		p->section = SECTION_UNKNOWN;
		complain(p,
			 "unknown section '%s:' (known: server:, zone:, key:, gossip:); its keys "
			 "are "
			 "skipped",
			 name);
	} else if (p->section == SECTION_NONE) {
		complain(p, "key '%s' outside any section: start with 'server:' or 'zone:'", name);
	} else if (p->section == SECTION_GOSSIP) {
		set_gossip_key(p, name, value);
	} else if (p->section != SECTION_UNKNOWN) {
		set_key(p, k, name, value);
	}
}

static int read_lines(struct parser *p, FILE *f)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	for (;;) {
		errno = 0;
		n = getline(&buf, &cap, f);
		if (n < 0)
			break;
		p->line++;
		if (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (n > LINE_MAX_LEN)
			complain(p, "line is longer than %d bytes", LINE_MAX_LEN);
		else if (strlen(buf) != (size_t)n)
			complain(p, "line has a NUL byte; is this a text file?");
		else
			parse_line(p, buf);
	}
	if (!feof(f))
		err = errno ? -errno : -EIO;
	free(buf);
	return err;
}

/* With the whole file read, `port:` is known: addresses without `@port` get it. */
static void finish_addresses(struct parser *p)
{
	struct config *cfg = p->cfg;

	/* As NSD: no ip-address is every address of both families. */
	if (p->address_lines == 0) {
		config_text_address("0.0.0.0", &cfg->addresses[0]);
		config_text_address("::", &cfg->addresses[1]);
		cfg->address_count = 2;
	}
	for (size_t i = 0; i < cfg->address_count; i++) {
		struct sockaddr_storage *ss = &cfg->addresses[i];
		uint16_t port = htons(p->explicit_port[i] ? p->explicit_port[i] : cfg->port);

		if (ss->ss_family == AF_INET)
			((struct sockaddr_in *)ss)->sin_port = port;
		else
			((struct sockaddr_in6 *)ss)->sin6_port = port;
	}
}

static int finish(struct parser *p)
{
	int rc;

	leave_section(p);
	if (p->cfg->gossip != NULL) {
		size_t before = p->diag->count;

		gossip_conf_check(p->cfg->gossip, p->path, p->gossip_line, "gossip:", p->diag);
		p->errors += (unsigned)(p->diag->count - before);
	}
	finish_addresses(p);
	p->errors += config_xfr_check(p->cfg, p->path, p->diag);
	if (config_resolve_paths(p->cfg, p->path) < 0)
		p->out_of_memory = true;
	rc = config_check_duplicate_zones(p->cfg, p->path, p->diag);
	if (rc < 0)
		p->out_of_memory = true;
	else
		p->errors += (unsigned)rc;
	p->cfg->path = strdup(p->path);
	if (p->cfg->path == NULL || p->out_of_memory) {
		diag_add(p->diag, p->path, 0, "out of memory");
		return -ENOMEM;
	}
	return p->errors ? -EINVAL : 0;
}

int config_load(struct config *out, const char *path, struct diag *diag)
{
	struct config cfg = {
		.port = 53,
		.workers = 1,
		.tcp_count = 100,
		.tcp_timeout_s = 10,
		.reload_timeout_s = 300,
		.http_limits = { .connections = HTTP_LISTEN_CONNECTIONS_DEFAULT,
				 .timeout_s = HTTP_LISTEN_TIMEOUT_DEFAULT_S },
		.edns_buffer_size = 1232,
		.verbosity = 2,
		.ecs = true,
		.answer_cookie = true,
		.export_min_interval_s = 1,
		.rrl = { .slip = 2, .ipv4_prefix = 24, .ipv6_prefix = 64, .size = 1000000 },
	};
	struct parser p = { .cfg = &cfg, .diag = diag, .path = path };
	const char *kind;
	char why[128];
	FILE *f;
	int err;

	memset(out, 0, sizeof(*out));
	chaos_init(&cfg.chaos);
	/* A FIFO or a device would block or never end: like zone files, only a regular file. */
	err = reader_open(path, &f, &kind);
	if (err < 0) {
		/* "cannot read" for a folder, as when fopen() let it through to a failed read */
		diag_add(diag, path, 0, "cannot %s: %s%s", err == -EISDIR ? "read" : "open",
			 reader_open_error(err, kind, why, sizeof(why)),
			 err == -ENOTSUP ? "; the configuration must be a regular file" : "");
		return err;
	}
	err = read_lines(&p, f);
	fclose(f);
	if (err < 0)
		diag_add(diag, path, 0, "cannot read: %s", strerror(-err));
	else
		err = finish(&p);
	if (err < 0) {
		config_free(&cfg);
		return err;
	}
	*out = cfg;
	return 0;
}

void config_free(struct config *cfg)
{
	config_xfr_free(cfg);
	for (size_t i = 0; i < cfg->zone_count; i++) {
		free(cfg->zones[i].name);
		free(cfg->zones[i].zonefile);
		free(cfg->zones[i].dnssec_key_dir);
	}
	free(cfg->zones);
	free(cfg->path);
	free(cfg->control_socket);
	free(cfg->pidfile);
	free(cfg->state_file);
	free(cfg->geoip_database);
	free(cfg->zone_cache);
	free(cfg->username);
	free(cfg->zonesdir);
	if (cfg->gossip != NULL)
		gossip_conf_fini(cfg->gossip);
	free(cfg->gossip);
	memset(cfg, 0, sizeof(*cfg));
}
