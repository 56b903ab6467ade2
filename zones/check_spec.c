/* `$CHECK NAME KIND key=value...`: which parameters each kind of check takes, their defaults
 * and their limits. The health engine (health/) runs what this compiles. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zones/check_spec.h"
#include "zones/dname.h"

/* Defaults follow gdnsd's monitoring (interval 10 s, timeout 5 s), with rise and fall of 2 so
 * one lost probe never moves traffic. */
#define DEFAULT_INTERVAL_MS 10000
#define DEFAULT_TIMEOUT_MS 5000

static const char *const kind_names[] = { "tcp", "http", "https", "dns", "icmp", "exec", NULL };

/* Which keys each kind takes, beyond interval, timeout, recheck, rise and fall. */
static const char *const kind_keys[][8] = {
	[CHECK_TCP] = { "port", NULL },
	[CHECK_HTTP] = { "port", "path", "expect", "body", "host", NULL },
	[CHECK_HTTPS] = { "port", "path", "expect", "body", "host", "verify", "ca", NULL },
	[CHECK_DNS] = { "port", "name", "type", "rcode", "address", NULL },
	[CHECK_ICMP] = { NULL },
	[CHECK_EXEC] = { "command", NULL },
};

const char *check_spec_kind_name(enum check_kind kind)
{
	return kind_names[kind];
}

static bool kind_takes(enum check_kind kind, const char *key)
{
	for (int i = 0; kind_keys[kind][i] != NULL; i++)
		if (strcmp(kind_keys[kind][i], key) == 0)
			return true;
	return false;
}

static const char *copy_string(struct stanza_ctx *c, const char *s)
{
	const char *copy = arena_dup(c->arena, s, strlen(s) + 1);

	if (copy == NULL)
		c->out_of_memory = true;
	return copy;
}

static int parse_status_range(struct zone_check *check, const char *v, struct stanza_ctx *c)
{
	unsigned lo, hi;
	char tail;

	if (sscanf(v, "%u-%u%c", &lo, &hi, &tail) == 2 ||
	    (sscanf(v, "%u%c", &lo, &tail) == 1 && (hi = lo, true))) {
		if (lo >= 100 && hi <= 599 && lo <= hi) {
			check->status_min = (uint16_t)lo;
			check->status_max = (uint16_t)hi;
			return 0;
		}
	}
	return stanza_error(c, "expect=%s: write an HTTP status or a range, like 200-399", v);
}

/* `command="/path/prog arg arg"`: split on blanks into an argv; no shell is involved. */
static int parse_command(struct zone_check *check, const char *v, struct stanza_ctx *c)
{
	size_t n = 0, words = 1;
	char **argv;

	for (const char *p = v; *p; p++)
		words += (*p == ' ' || *p == '\t');
	argv = arena_alloc(c->arena, sizeof(*argv) * (words + 1));
	if (argv == NULL) {
		c->out_of_memory = true;
		return -ENOMEM;
	}
	for (const char *p = v; *p;) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (len == 0)
			break;
		argv[n] = arena_alloc(c->arena, len + 1);
		if (argv[n] == NULL) {
			c->out_of_memory = true;
			return -ENOMEM;
		}
		memcpy(argv[n++], p, len);
		p += len;
	}
	if (n == 0 || argv[0][0] != '/')
		return stanza_error(c,
				    "command=%s: give the program's absolute path (it runs "
				    "without a shell)",
				    v);
	check->argv = argv;
	return 0;
}

static int parse_dns_param(struct zone_check *check, const char *key, const char *v,
			   struct stanza_ctx *c)
{
	if (strcmp(key, "name") == 0) {
		ldns_rdf *name = NULL;

		if (ldns_str2rdf_dname(&name, v) != LDNS_STATUS_OK)
			return stanza_error(c, "name=%s is not a domain name", v);
		check->query_name = arena_dup(c->arena, ldns_rdf_data(name), ldns_rdf_size(name));
		ldns_rdf_deep_free(name);
		return check->query_name ? 0 : -ENOMEM;
	}
	if (strcmp(key, "type") == 0) {
		check->query_type = ldns_get_rr_type_by_name(v);
		return check->query_type ? 0 : stanza_error(c, "type=%s is not an RR type", v);
	}
	if (strcmp(key, "rcode") == 0) {
		ldns_lookup_table *rc = ldns_lookup_by_name(ldns_rcodes, v);

		if (rc == NULL)
			return stanza_error(c, "rcode=%s is not an rcode (NOERROR, NXDOMAIN, ...)",
					    v);
		check->expect_rcode = (uint8_t)rc->id;
		return 0;
	}
	check->has_expect_address = true;
	if (inet_pton(AF_INET, v, check->expect_address) == 1)
		check->expect_address_family = AF_INET;
	else if (inet_pton(AF_INET6, v, check->expect_address) == 1)
		check->expect_address_family = AF_INET6;
	else
		return stanza_error(c, "address=%s is not an IPv4 or IPv6 address", v);
	return 0;
}

static int set_param(struct zone_check *check, const char *key, const char *v, struct stanza_ctx *c)
{
	uint32_t n;
	int rc;

	if (strcmp(key, "interval") == 0)
		return stanza_parse_duration(v, 100, 3600000, &check->interval_ms, key, c);
	if (strcmp(key, "timeout") == 0)
		return stanza_parse_duration(v, 10, 3600000, &check->timeout_ms, key, c);
	if (strcmp(key, "recheck") == 0)
		return stanza_parse_duration(v, 10, 3600000, &check->recheck_ms, key, c);
	if (strcmp(key, "rise") == 0 || strcmp(key, "fall") == 0) {
		rc = stanza_parse_uint(v, 1, 100, &n, key, c);
		*(key[0] == 'r' ? &check->rise : &check->fall) = (uint8_t)n;
		return rc;
	}
	if (!kind_takes(check->kind, key))
		return stanza_error(c, "check '%s': %s checks take no '%s' parameter", check->name,
				    check_spec_kind_name(check->kind), key);
	if (strcmp(key, "port") == 0) {
		rc = stanza_parse_uint(v, 1, 65535, &n, key, c);
		check->port = (uint16_t)n;
		return rc;
	}
	if (strcmp(key, "path") == 0) {
		if (v[0] != '/')
			return stanza_error(c, "path=%s must start with '/'", v);
		return (check->path = copy_string(c, v)) ? 0 : -ENOMEM;
	}
	if (strcmp(key, "expect") == 0)
		return parse_status_range(check, v, c);
	if (strcmp(key, "body") == 0)
		return (check->body = copy_string(c, v)) ? 0 : -ENOMEM;
	if (strcmp(key, "host") == 0)
		return (check->host = copy_string(c, v)) ? 0 : -ENOMEM;
	if (strcmp(key, "ca") == 0) {
		if (access(v, R_OK) < 0)
			return stanza_error(c,
					    "ca=%s: %s: give a readable PEM file of trust anchors",
					    v, strerror(errno));
		return (check->ca_file = copy_string(c, v)) ? 0 : -ENOMEM;
	}
	if (strcmp(key, "verify") == 0) {
		static const char *const yes_no[] = { "no", "yes", NULL };

		rc = stanza_parse_choice(v, yes_no, key, c);
		check->verify = rc == 1;
		return rc < 0 ? rc : 0;
	}
	if (strcmp(key, "command") == 0)
		return parse_command(check, v, c);
	return parse_dns_param(check, key, v, c);
}

static void set_defaults(struct zone_check *check)
{
	static const uint16_t ports[] = {
		[CHECK_HTTP] = 80, [CHECK_HTTPS] = 443, [CHECK_DNS] = 53
	};

	check->interval_ms = DEFAULT_INTERVAL_MS;
	check->timeout_ms = 0; /* derived from the interval unless given */
	check->rise = check->fall = 2;
	check->port = check->kind < sizeof(ports) / sizeof(ports[0]) ? ports[check->kind] : 0;
	check->path = "/";
	check->status_min = 200;
	check->status_max = 399;
	check->verify = true;
	check->query_type = LDNS_RR_TYPE_A;
	check->expect_rcode = LDNS_RCODE_NOERROR;
}

static int finish(struct zone_check *check, struct stanza_ctx *c)
{
	if (check->timeout_ms == 0)
		check->timeout_ms = check->interval_ms / 2 < DEFAULT_TIMEOUT_MS
					    ? check->interval_ms / 2
					    : DEFAULT_TIMEOUT_MS;
	if (check->timeout_ms >= check->interval_ms)
		return stanza_error(c, "check '%s': timeout (%ums) must be below interval (%ums)",
				    check->name, check->timeout_ms, check->interval_ms);
	/* A re-check at or past the interval would come no sooner than the next slot. */
	if (check->recheck_ms != 0 && check->recheck_ms >= check->interval_ms)
		return stanza_error(c,
				    "check '%s': recheck (%ums) must be below interval (%ums): "
				    "lower recheck= or leave it out",
				    check->name, check->recheck_ms, check->interval_ms);
	if (check->kind == CHECK_TCP && check->port == 0)
		return stanza_error(c, "check '%s': tcp checks need port=", check->name);
	if (check->kind == CHECK_DNS && check->query_name == NULL)
		return stanza_error(c, "check '%s': dns checks need name= (the name to ask for)",
				    check->name);
	if (check->kind == CHECK_EXEC && check->argv == NULL)
		return stanza_error(c,
				    "check '%s': exec checks need command=\"/path/to/program "
				    "args\"",
				    check->name);
	return 0;
}

int check_spec_compile(struct zone_check *check, const char *args, struct stanza_ctx *c)
{
	struct stanza_args a;
	int kind, rc = stanza_args_split(&a, args, c);

	memset(check, 0, sizeof(*check));
	check->file = c->file;
	check->line = c->line;
	if (rc < 0)
		goto out;
	if (a.count < 2 || a.keys[0] != NULL || a.keys[1] != NULL) {
		rc = stanza_error(c,
				  "$CHECK needs a name and a kind first: $CHECK web http port=80");
		goto out;
	}
	if (!stanza_is_identifier(a.values[0])) {
		rc = stanza_error(c, "check name '%s': use letters, digits, '-' or '_'",
				  a.values[0]);
		goto out;
	}
	check->name = copy_string(c, a.values[0]);
	kind = stanza_parse_choice(a.values[1], kind_names, "check kind", c);
	if (kind < 0 || check->name == NULL) {
		rc = -EINVAL;
		goto out;
	}
	check->kind = (enum check_kind)kind;
	set_defaults(check);
	for (size_t i = 2; i < a.count; i++) {
		int err = a.keys[i] ? set_param(check, a.keys[i], a.values[i], c)
				    : stanza_error(c, "check '%s': '%s' is not key=value",
						   check->name, a.values[i]);

		if (err < 0 && rc == 0)
			rc = err;
	}
	if (rc == 0)
		rc = finish(check, c);
out:
	stanza_args_free(&a);
	return rc;
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_argv(char *const *a, char *const *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (; *a != NULL && *b != NULL; a++, b++)
		if (strcmp(*a, *b) != 0)
			return false;
	return *a == *b;
}

static bool same_query_name(const uint8_t *a, const uint8_t *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return dname_equal(a, b);
}

bool check_spec_equal(const struct zone_check *a, const struct zone_check *b)
{
	return strcmp(a->name, b->name) == 0 && a->kind == b->kind &&
	       a->interval_ms == b->interval_ms && a->timeout_ms == b->timeout_ms &&
	       a->recheck_ms == b->recheck_ms && a->rise == b->rise && a->fall == b->fall &&
	       a->port == b->port && same_string(a->path, b->path) &&
	       same_string(a->host, b->host) && same_string(a->body, b->body) &&
	       a->status_min == b->status_min && a->status_max == b->status_max &&
	       a->verify == b->verify && same_string(a->ca_file, b->ca_file) &&
	       same_query_name(a->query_name, b->query_name) && a->query_type == b->query_type &&
	       a->expect_rcode == b->expect_rcode &&
	       a->has_expect_address == b->has_expect_address &&
	       a->expect_address_family == b->expect_address_family &&
	       memcmp(a->expect_address, b->expect_address, sizeof(a->expect_address)) == 0 &&
	       same_argv(a->argv, b->argv);
}
