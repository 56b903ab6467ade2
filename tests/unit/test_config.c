/* Unit tests for the batond.conf reader: defaults, the documented example, paths, every error. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/addr_text.h"
#include "server/config.h"

struct fixture {
	char path[64]; /* the temp file written, removed in teardown */
	struct config cfg;
	struct diag diag;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	diag_init(&fx->diag);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	config_free(&fx->cfg);
	diag_fini(&fx->diag);
	if (fx->path[0] != '\0')
		unlink(fx->path);
	free(fx);
	return 0;
}

/* Writes `len` bytes to a new file under /tmp, so its folder is "/tmp". */
static void write_file(struct fixture *fx, const char *text, size_t len)
{
	int fd;

	snprintf(fx->path, sizeof(fx->path), "/tmp/test_config.XXXXXX");
	fd = mkstemp(fx->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static int load(struct fixture *fx, const char *text)
{
	write_file(fx, text, strlen(text));
	return config_load(&fx->cfg, fx->path, &fx->diag);
}

static void print_diag(const struct fixture *fx)
{
	diag_print(&fx->diag, stderr, "  diag: ");
}

/* Fails unless some diag line is "<path>:<line>: ...needle...". */
static void expect_diag(const struct fixture *fx, unsigned line, const char *needle)
{
	char prefix[96];
	size_t len;

	len = (size_t)snprintf(prefix, sizeof(prefix), "%s:%u: ", fx->path, line);
	for (size_t i = 0; i < fx->diag.count; i++)
		if (strncmp(fx->diag.lines[i], prefix, len) == 0 &&
		    strstr(fx->diag.lines[i] + len, needle) != NULL)
			return;
	print_diag(fx);
	fail_msg("no diag line '%s...%s...'", prefix, needle);
}

static void expect_loaded(struct fixture *fx, const char *text)
{
	int err = load(fx, text);

	if (err != 0)
		print_diag(fx);
	assert_int_equal(err, 0);
	assert_int_equal(fx->diag.count, 0);
}

/* The file fails with exactly `count` errors, `out` zeroed, and one of them is line:needle. */
static void expect_errors(struct fixture *fx, const char *text, size_t count, unsigned line,
			  const char *needle)
{
	static const struct config zero;

	assert_int_equal(load(fx, text), -EINVAL);
	assert_memory_equal(&fx->cfg, &zero, sizeof(zero));
	expect_diag(fx, line, needle);
	if (fx->diag.count != count)
		print_diag(fx);
	assert_int_equal(fx->diag.count, count);
}

static void expect_error(void **state, const char *text, unsigned line, const char *needle)
{
	expect_errors(*state, text, 1, line, needle);
}

static void expect_address(const struct sockaddr_storage *ss, int family, const char *text,
			   unsigned port)
{
	char buf[INET6_ADDRSTRLEN];
	const void *addr = &((const struct sockaddr_in *)ss)->sin_addr;
	uint16_t wire_port = (uint16_t)port;

	if (family == AF_INET6)
		addr = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	assert_int_equal(ss->ss_family, family);
	assert_non_null(inet_ntop(family, addr, buf, sizeof(buf)));
	assert_string_equal(buf, text);
	assert_int_equal(addr_port(ss), port);
	/* Network order in the socket address itself, ready for bind(). */
	if (family == AF_INET)
		assert_int_equal(((const struct sockaddr_in *)ss)->sin_port, htons(wire_port));
	else
		assert_int_equal(((const struct sockaddr_in6 *)ss)->sin6_port, htons(wire_port));
}

static void test_defaults(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "# nothing set\n\nserver:\n");
	assert_string_equal(fx->cfg.path, fx->path);
	assert_int_equal(fx->cfg.address_count, 2);
	expect_address(&fx->cfg.addresses[0], AF_INET, "0.0.0.0", 53);
	expect_address(&fx->cfg.addresses[1], AF_INET6, "::", 53);
	assert_int_equal(fx->cfg.port, 53);
	assert_int_equal(fx->cfg.workers, 1);
	assert_string_equal(fx->cfg.control_socket, "/run/batond.sock");
	assert_null(fx->cfg.pidfile);
	assert_null(fx->cfg.state_file);
	assert_string_equal(fx->cfg.zonesdir, "/tmp");
	assert_int_equal(fx->cfg.tcp_count, 100);
	assert_int_equal(fx->cfg.tcp_timeout_s, 10);
	assert_int_equal(fx->cfg.http_limits.connections, 64);
	assert_int_equal(fx->cfg.http_limits.timeout_s, 10);
	assert_int_equal(fx->cfg.edns_buffer_size, 1232);
	assert_int_equal(fx->cfg.verbosity, 2);
	assert_int_equal(fx->cfg.zone_count, 0);
	assert_null(fx->cfg.zones);
}

/* No ip-address but a port: the wildcards of both families on that port, as NSD. */
static void test_port_without_address(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n    port: 5353\n");
	assert_int_equal(fx->cfg.address_count, 2);
	expect_address(&fx->cfg.addresses[0], AF_INET, "0.0.0.0", 5353);
	expect_address(&fx->cfg.addresses[1], AF_INET6, "::", 5353);
}

static void test_full_example(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "# comment\n"
			  "server:\n"
			  "    ip-address: 127.0.0.1\n"
			  "    ip-address: ::1@5353        # addr@port overrides `port`\n"
			  "    port: 5353\n"
			  "    workers: 2\n"
			  "    control-socket: \"/run/batond.sock\"   # may be double-quoted\n"
			  "    pidfile: /run/batond.pid\n"
			  "    zonesdir: /etc/baton/zones\n"
			  "    tcp-count: 100\n"
			  "    tcp-timeout: 10\n"
			  "    edns-buffer-size: 1232\n"
			  "    verbosity: 2\n"
			  "zone:\n"
			  "    name: example.com\n"
			  "    zonefile: example.com.zone\n"
			  "zone:\n"
			  "    name: \"example.net.\"\n"
			  "    zonefile: /abs/path/db.example.net\n");
	assert_int_equal(fx->cfg.address_count, 2);
	expect_address(&fx->cfg.addresses[0], AF_INET, "127.0.0.1", 5353);
	expect_address(&fx->cfg.addresses[1], AF_INET6, "::1", 5353);
	assert_int_equal(fx->cfg.port, 5353);
	assert_int_equal(fx->cfg.workers, 2);
	assert_string_equal(fx->cfg.control_socket, "/run/batond.sock");
	assert_string_equal(fx->cfg.pidfile, "/run/batond.pid");
	assert_string_equal(fx->cfg.zonesdir, "/etc/baton/zones");
	assert_int_equal(fx->cfg.tcp_count, 100);
	assert_int_equal(fx->cfg.tcp_timeout_s, 10);
	assert_int_equal(fx->cfg.edns_buffer_size, 1232);
	assert_int_equal(fx->cfg.verbosity, 2);
	assert_int_equal(fx->cfg.zone_count, 2);
	assert_string_equal(fx->cfg.zones[0].name, "example.com");
	assert_string_equal(fx->cfg.zones[0].zonefile, "/etc/baton/zones/example.com.zone");
	assert_int_equal(fx->cfg.zones[0].line, 14);
	assert_string_equal(fx->cfg.zones[1].name, "example.net");
	assert_string_equal(fx->cfg.zones[1].zonefile, "/abs/path/db.example.net");
	assert_int_equal(fx->cfg.zones[1].line, 17);
}

/* `port:` after the addresses still applies to those without their own @port. */
static void test_port_after_addresses(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n"
			  "\tip-address: 192.0.2.1\n"
			  "\tip-address: 2001:db8::1@8053\n"
			  "\tip-address: 192.0.2.2@1053\n"
			  "\tip-address: 2001:db8::2\n"
			  "\tport: 5300\n");
	assert_int_equal(fx->cfg.address_count, 4);
	expect_address(&fx->cfg.addresses[0], AF_INET, "192.0.2.1", 5300);
	expect_address(&fx->cfg.addresses[1], AF_INET6, "2001:db8::1", 8053);
	expect_address(&fx->cfg.addresses[2], AF_INET, "192.0.2.2", 1053);
	expect_address(&fx->cfg.addresses[3], AF_INET6, "2001:db8::2", 5300);
}

static void test_quoted_values(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n"
			  "  control-socket: \"/run/a#b.sock\" # a \"quoted\" comment\n"
			  "  pidfile: \"/run/with space.pid\"\n"
			  "zone: # the zone\n"
			  "  name: \"Example.NET.\"#no blank before the comment\n"
			  "  zonefile: \"/z/db#1\"\n");
	assert_string_equal(fx->cfg.control_socket, "/run/a#b.sock");
	assert_string_equal(fx->cfg.pidfile, "/run/with space.pid");
	assert_int_equal(fx->cfg.zone_count, 1);
	assert_string_equal(fx->cfg.zones[0].name, "Example.NET");
	assert_string_equal(fx->cfg.zones[0].zonefile, "/z/db#1");
}

static void test_zonefile_relative_to_config_folder(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "zone:\n name: a.example\n zonefile: db.a\n"
			  "zone:\n name: b.example\n zonefile: sub/db.b\n");
	assert_string_equal(fx->cfg.zonesdir, "/tmp");
	assert_string_equal(fx->cfg.zones[0].zonefile, "/tmp/db.a");
	assert_string_equal(fx->cfg.zones[1].zonefile, "/tmp/sub/db.b");
}

/* zonesdir applies to zones read before it: a second server: section comes last here. */
static void test_zonefile_relative_to_zonesdir(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n port: 53\n"
			  "zone:\n name: a.example\n zonefile: db.a\n"
			  "zone:\n name: b.example\n zonefile: /elsewhere/db.b\n"
			  "server:\n zonesdir: /srv/zones/\n");
	assert_string_equal(fx->cfg.zonesdir, "/srv/zones/");
	assert_string_equal(fx->cfg.zones[0].zonefile, "/srv/zones/db.a");
	assert_string_equal(fx->cfg.zones[1].zonefile, "/elsewhere/db.b");
}

static void test_relative_zonesdir(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n zonesdir: zones\nzone:\n name: a.example\n zonefile: db.a\n");
	assert_string_equal(fx->cfg.zonesdir, "/tmp/zones");
	assert_string_equal(fx->cfg.zones[0].zonefile, "/tmp/zones/db.a");
}

/* A config path without a folder: zonefiles are taken from the working directory at load time
 * and made absolute, because batond changes to / when it daemonises. */
static void test_config_path_without_folder(void **state)
{
	struct fixture *fx = *state;
	const char *text = "zone:\n name: a.example\n zonefile: db.a\n";
	char cwd[4096];
	int err;

	write_file(fx, text, strlen(text));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir("/tmp"), 0);
	err = config_load(&fx->cfg, fx->path + strlen("/tmp/"), &fx->diag);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(err, 0);
	assert_string_equal(fx->cfg.path, fx->path + strlen("/tmp/"));
	assert_string_equal(fx->cfg.zonesdir, "/tmp");
	assert_string_equal(fx->cfg.zones[0].zonefile, "/tmp/db.a");
}

/* state-file: absolute as given; relative from the config file's folder (not zonesdir), since
 * batond changes to / when it daemonises; given twice is an error like any server key. */
static void test_state_file(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n state-file: /var/lib/baton/drains\n");
	assert_string_equal(fx->cfg.state_file, "/var/lib/baton/drains");
	config_free(&fx->cfg);
	unlink(fx->path);
	expect_loaded(fx, "server:\n zonesdir: /srv/zones\n state-file: \"state/drains\"\n"
			  " pidfile: run/batond.pid\n");
	assert_string_equal(fx->cfg.state_file, "/tmp/state/drains");
	/* batond writes its pidfile after daemon() changed to /: relative paths are resolved */
	assert_string_equal(fx->cfg.pidfile, "/tmp/run/batond.pid");
	config_free(&fx->cfg);
	unlink(fx->path);
	expect_errors(fx, "server:\n state-file: /a\nserver:\n state-file: /b\n", 1, 4,
		      "state-file: given twice (first at line 2); keep one");
	unlink(fx->path);
	diag_fini(&fx->diag);
	diag_init(&fx->diag);
	expect_error(state, "zone:\n name: a.example\n zonefile: db.a\n state-file: /a\n", 4,
		     "key 'state-file' belongs in a server: section, not in zone:");
}

static void test_zone_names(void **state)
{
	struct fixture *fx = *state;
	char text[1024];
	const char *l63 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc";
	const char *l61 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghija";

	/* 3 * (1 + 63) + (1 + 61) + 1 = 255 octets in wire form: the longest name allowed. */
	snprintf(text, sizeof(text),
		 "zone:\n name: .\n zonefile: root\n"
		 "zone:\n name: %s.%s.%s.%s.\n zonefile: long\n"
		 "zone:\n name: a\\.b.example\n zonefile: escaped\n"
		 "zone:\n name: a\\\\.\n zonefile: backslash\n",
		 l63, l63, l63, l61);
	expect_loaded(fx, text);
	assert_int_equal(fx->cfg.zone_count, 4);
	assert_string_equal(fx->cfg.zones[0].name, ".");
	assert_int_equal(strlen(fx->cfg.zones[1].name), 3 * 64 + 61);
	assert_string_equal(fx->cfg.zones[2].name, "a\\.b.example");
	assert_string_equal(fx->cfg.zones[3].name, "a\\\\");
}

static void test_unknown_key(void **state)
{
	expect_error(state, "server:\n    wokers: 2\n", 2,
		     "unknown key 'wokers' in server: section (known: ip-address, port, workers,");
}

/* Indented and without a value, it is still a key, not a new section hiding the next lines. */
static void test_unknown_key_without_value(void **state)
{
	struct fixture *fx = *state;

	expect_errors(fx, "server:\n    wokers:\n    port: 0\n", 2, 2, "unknown key 'wokers'");
	expect_diag(fx, 3, "port: must be between 1 and 65535");
}

static void test_bad_port(void **state)
{
	expect_error(state, "server:\n port: abc\n", 2,
		     "port: 'abc' is not a number between 1 and 65535");
}

static void test_port_out_of_range(void **state)
{
	expect_error(state, "server:\n port: 65536\n", 2, "port: must be between 1 and 65535");
}

static void test_negative_number(void **state)
{
	expect_error(state, "server:\n workers: -1\n", 2,
		     "workers: '-1' is not a number between 1 and 64");
}

static void test_huge_number(void **state)
{
	expect_error(state, "server:\n tcp-count: 99999999999999999999999\n", 2,
		     "tcp-count: must be between 1 and 65535");
}

static void test_key_outside_section(void **state)
{
	expect_error(state, "# first\nname: example.com\nzone:\n name: a\n zonefile: a\n", 2,
		     "key 'name' outside any section: start with 'server:' or 'zone:'");
}

static void test_key_in_wrong_section(void **state)
{
	expect_error(state, "zone:\n name: a\n zonefile: a\n port: 53\n", 4,
		     "key 'port' belongs in a server: section, not in zone:");
}

static void test_zone_without_zonefile(void **state)
{
	expect_error(state, "server:\nzone:\n name: a\nzone:\n name: b\n zonefile: b\n", 2,
		     "zone: section has no 'zonefile:'");
}

/* The DNSSEC keys of a zone: off and 14 days by default; a key folder resolved as zonefile. */
static void test_zone_dnssec_keys(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "zone:\n name: a.example\n zonefile: db.a\n"
			  "zone:\n name: b.example\n zonefile: db.b\n dnssec-signing: yes\n"
			  " dnssec-key-dir: keys\n dnssec-signature-lifetime: 86400\n");
	assert_false(fx->cfg.zones[0].dnssec_signing);
	assert_null(fx->cfg.zones[0].dnssec_key_dir);
	assert_int_equal(fx->cfg.zones[0].dnssec_lifetime_s, 14 * 86400);
	assert_true(fx->cfg.zones[1].dnssec_signing);
	assert_string_equal(fx->cfg.zones[1].dnssec_key_dir, "/tmp/keys");
	assert_int_equal(fx->cfg.zones[1].dnssec_lifetime_s, 86400);
}

static void test_zone_dnssec_without_key_dir(void **state)
{
	expect_error(state, "zone:\n name: a\n zonefile: a\n dnssec-signing: yes\n", 1,
		     "dnssec-signing: yes needs 'dnssec-key-dir:'");
}

static void test_zone_without_name(void **state)
{
	expect_error(state, "zone:\n zonefile: a\n", 1, "zone: section has no 'name:'");
}

/* Case and the trailing dot do not make a different zone (RFC 4343). */
static void test_zone_twice(void **state)
{
	expect_error(state,
		     "zone:\n name: example.com\n zonefile: a\n"
		     "zone:\n name: other.example\n zonefile: b\n"
		     "zone:\n name: EXAMPLE.com.\n zonefile: c\n",
		     7, "zone EXAMPLE.com is configured twice (first at line 1)");
}

static void test_bad_address(void **state)
{
	expect_error(state, "server:\n ip-address: 300.1.1.1\n", 2,
		     "ip-address: '300.1.1.1' is not an IPv4 or IPv6 address");
}

static void test_bad_address_port(void **state)
{
	expect_error(state, "server:\n ip-address: ::1@0\n", 2,
		     "ip-address: port '0' is not a number between 1 and 65535");
}

static void test_edns_buffer_size(void **state)
{
	expect_error(state, "server:\n edns-buffer-size: 511\n", 2,
		     "edns-buffer-size: must be between 512 and 4096");
}

static void test_http_limits(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n http-listen: 127.0.0.1@8053\n http-connections: 8\n"
			  " http-timeout: 30\n");
	assert_int_equal(fx->cfg.http_limits.connections, 8);
	assert_int_equal(fx->cfg.http_limits.timeout_s, 30);
}

static void test_http_connections_out_of_range(void **state)
{
	expect_error(state, "server:\n http-connections: 0\n", 2,
		     "http-connections: must be between 1 and 4096");
}

static void test_http_timeout_out_of_range(void **state)
{
	expect_error(state, "server:\n http-timeout: 3601\n", 2,
		     "http-timeout: must be between 1 and 3600");
}

static void test_workers(void **state)
{
	expect_error(state, "server:\n workers: 65\n", 2, "workers: must be between 1 and 64");
}

/* One report for the first address too many, not one per extra line. */
/* "server:" and then `count` ip-address lines, 198.51.100.1 on line 2 onwards. */
static void server_with_addresses(char *text, size_t size, int count)
{
	size_t len = (size_t)snprintf(text, size, "server:\n");

	for (int i = 1; i <= count; i++)
		len += (size_t)snprintf(text + len, size - len, " ip-address: 198.51.100.%d\n", i);
	assert_true(len < size);
}

static void test_too_many_addresses(void **state)
{
	char text[1024];

	server_with_addresses(text, sizeof(text), CONFIG_MAX_ADDRESSES + 2);
	expect_error(state, text, CONFIG_MAX_ADDRESSES + 2,
		     "too many ip-address lines (at most 16)");
}

static void test_max_addresses(void **state)
{
	struct fixture *fx = *state;
	char text[1024];

	server_with_addresses(text, sizeof(text), CONFIG_MAX_ADDRESSES);
	expect_loaded(fx, text);
	assert_int_equal(fx->cfg.address_count, CONFIG_MAX_ADDRESSES);
	expect_address(&fx->cfg.addresses[15], AF_INET, "198.51.100.16", 53);
}

static void test_missing_value(void **state)
{
	expect_error(state, "server:\n port:\n", 2, "port: missing value");
}

static void test_empty_quoted_value(void **state)
{
	expect_error(state, "server:\n pidfile: \"\"\n", 2, "pidfile: missing value");
}

/* Ready for another load: the file, config and messages of the last one gone. */
static void reset(struct fixture *fx)
{
	config_free(&fx->cfg);
	diag_fini(&fx->diag);
	diag_init(&fx->diag);
	unlink(fx->path);
	fx->path[0] = '\0';
}

/* NSD's identity keys: the answers are built as the file is read (server/chaos.c). */
static void test_chaos_keys(void **state)
{
	struct fixture *fx = *state;
	const struct chaos *c = &fx->cfg.chaos;

	expect_loaded(fx, "server:\n identity: \"ns1 fra\"\n version: \"v 1\"\n"
			  " hide-identity: yes\n hide-version: yes\n nsid: \"ascii_ns1\"\n");
	assert_true(c->hide_identity);
	assert_true(c->hide_version);
	/* TYPE TXT, CLASS CH, TTL 0, RDLENGTH, then the string */
	assert_int_equal(c->identity_rr_len, 10 + 1 + 7);
	assert_memory_equal(c->identity_rr, "\0\x10\0\x03\0\0\0\0\0\x08\x07ns1 fra", 18);
	assert_int_equal(c->version_rr_len, 10 + 1 + 3);
	assert_memory_equal(c->version_rr + 10, "\x03v 1", 4);
	assert_int_equal(c->nsid_option_len, 4 + 3);
	assert_memory_equal(c->nsid_option, "\0\x03\0\x03ns1", 7);
}

/* Nothing set: the host's name, "batond <version>", nothing hidden, no NSID (NSD's defaults). */
static void test_chaos_defaults(void **state)
{
	struct fixture *fx = *state;
	const struct chaos *c = &fx->cfg.chaos;
	char host[256] = "";
	const char *version = "batond " PACKAGE_VERSION;

	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	expect_loaded(fx, "server:\n");
	assert_false(c->hide_identity);
	assert_false(c->hide_version);
	assert_int_equal(c->nsid_option_len, 0);
	assert_int_equal(c->identity_rr[10], strlen(host));
	assert_memory_equal(c->identity_rr + 11, host, strlen(host));
	assert_int_equal(c->version_rr[10], strlen(version));
	assert_memory_equal(c->version_rr + 11, version, strlen(version));
}

/* As in NSD, "" is a value here: an empty TXT string, and no NSID. A bare key is not. */
static void test_chaos_empty_values(void **state)
{
	struct fixture *fx = *state;

	expect_loaded(fx, "server:\n identity: \"\"\n version: \"\"\n nsid: \"\"\n");
	assert_int_equal(fx->cfg.chaos.identity_rr_len, 11);
	assert_int_equal(fx->cfg.chaos.identity_rr[10], 0);
	assert_int_equal(fx->cfg.chaos.version_rr_len, 11);
	assert_int_equal(fx->cfg.chaos.nsid_option_len, 0);
	reset(fx);
	expect_error(state, "server:\n identity:\n", 2, "identity: missing value");
}

static void test_chaos_bad_values(void **state)
{
	struct fixture *fx = *state;
	char conf[512], text[301];

	expect_error(state, "server:\n nsid: abc\n", 2, "nsid: 'abc': write an even number");
	reset(fx);
	expect_error(state, "server:\n nsid: 12zz\n", 2, "nsid: '12zz': not hexadecimal");
	reset(fx);
	memset(text, 'a', 300);
	text[300] = '\0';
	snprintf(conf, sizeof(conf), "server:\n identity: %s\n", text);
	expect_error(state, conf, 2, "longer than 255 bytes");
	reset(fx);
	snprintf(conf, sizeof(conf), "server:\n\n nsid: ascii_%s\n", text);
	expect_error(state, conf, 3, "longer than 128 bytes");
}

static void test_key_twice(void **state)
{
	expect_error(state, "server:\n port: 53\n port: 54\n", 3,
		     "port: given twice (first at line 2)");
}

/* A second server: section continues the first; it does not reset what was given. */
static void test_key_twice_across_server_sections(void **state)
{
	expect_error(state, "server:\n workers: 2\nserver:\n workers: 3\n", 4,
		     "workers: given twice (first at line 2)");
}

static void test_zone_name_twice(void **state)
{
	expect_error(state, "zone:\n name: a\n name: b\n zonefile: a\n", 3,
		     "name: given twice (first at line 2)");
}

static void test_long_label(void **state)
{
	char text[256];

	snprintf(text, sizeof(text), "zone:\n zonefile: x\n name: %s.example\n",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd");
	expect_error(state, text, 3, "a label is longer than 63 octets");
}

static void test_empty_label(void **state)
{
	expect_error(state, "zone:\n name: a..example\n zonefile: x\n", 2,
		     "name: 'a..example' is not a valid domain name: it has an empty label");
}

static void test_long_name(void **state)
{
	const char *l63 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc";
	char text[512];

	/* One octet more than the longest allowed in test_zone_names. */
	snprintf(text, sizeof(text), "zone:\n name: %s.%s.%s.%.62s\n zonefile: x\n", l63, l63, l63,
		 l63);
	expect_error(state, text, 2, "it is longer than 255 octets in wire form");
}

static void test_bad_escape(void **state)
{
	expect_error(state, "zone:\n name: a\\256.example\n zonefile: x\n", 2,
		     "not a valid domain name: a bad escape");
}

static void test_unknown_section(void **state)
{
	expect_error(state,
		     "remote-control:\n"
		     "    control-enable: yes\n"
		     "server:\n"
		     "    port: 53\n",
		     1, "unknown section 'remote-control:' (known: server:, zone:, key:, gossip:)");
}

static void test_section_with_value(void **state)
{
	expect_error(state, "server: port: 53\n port: 54\n", 1,
		     "'server:' must be alone on its line");
}

static void test_unclosed_quote(void **state)
{
	expect_error(state, "server:\n pidfile: \"/run/x.pid\n", 2, "double quote is not closed");
}

static void test_text_after_quote(void **state)
{
	expect_error(state, "server:\n pidfile: \"/run/x\".pid\n", 2,
		     "pidfile: text after the closing double quote");
}

static void test_unquoted_blank(void **state)
{
	expect_error(state, "server:\n pidfile: /run/my file.pid\n", 2,
		     "pidfile: value '/run/my file.pid' must be one word, or put in double quotes");
}

static void test_no_colon(void **state)
{
	expect_error(state, "server:\n port 53\n", 2, "expected 'key: value'");
}

/* A line of 4096 bytes is fine, one more is reported with its number, not cut in two. */
static void test_long_line(void **state)
{
	char *text = malloc(2 * 4100 + 64);
	size_t len;

	assert_non_null(text);
	len = (size_t)sprintf(text, "server:\n#");
	memset(text + len, 'x', 4095);
	len += 4095;
	len += (size_t)sprintf(text + len, "\n port: 54 #");
	memset(text + len, 'y', 4096 - 10);
	len += 4096 - 10;
	strcpy(text + len, "\n");
	expect_error(state, text, 3, "line is longer than 4096 bytes");
	free(text);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "server:\n port: 53\0 # hidden\n";
	struct fixture *fx = *state;

	write_file(fx, text, sizeof(text) - 1);
	assert_int_equal(config_load(&fx->cfg, fx->path, &fx->diag), -EINVAL);
	expect_diag(fx, 2, "NUL byte");
	assert_int_equal(fx->diag.count, 1);
}

/* Every problem in one run, each at its own line, and parsing goes on after each. */
static void test_several_errors(void **state)
{
	struct fixture *fx = *state;

	expect_errors(fx,
		      "server:\n" /* 1 */
		      "    port: abc\n" /* 2 */
		      "    verbosity: 4\n" /* 3 */
		      "    tcp-timeout: 0\n" /* 4 */
		      "    ip-address: 1.2.3\n" /* 5 */
		      "zone:\n" /* 6 */
		      "    name: example.com\n" /* 7 */
		      "zone:\n" /* 8 */
		      "    name: example.com\n" /* 9 */
		      "    zonefile: db\n" /* 10 */
		      "    frobnicate: yes\n", /* 11 */
		      7, 2, "port: 'abc'");
	expect_diag(fx, 3, "verbosity: must be between 0 and 3");
	expect_diag(fx, 4, "tcp-timeout: must be between 1 and 3600");
	expect_diag(fx, 5, "ip-address: '1.2.3' is not an IPv4 or IPv6 address");
	expect_diag(fx, 6, "zone: section has no 'zonefile:'");
	expect_diag(fx, 8, "zone example.com is configured twice (first at line 6)");
	expect_diag(
		fx, 11,
		"unknown key 'frobnicate' in zone: section (known: name, zonefile, "
		"provide-xfr, notify, dnssec-signing, dnssec-key-dir, dnssec-signature-lifetime)");
}

/* A previous caller's diag lines are kept, and do not count as errors of this file. */
static void test_diag_not_empty_before(void **state)
{
	struct fixture *fx = *state;

	diag_add(&fx->diag, "other.conf", 1, "an earlier problem");
	assert_int_equal(load(fx, "server:\n port: 5353\n"), 0);
	assert_int_equal(fx->diag.count, 1);
	assert_int_equal(fx->cfg.port, 5353);
}

static void test_missing_file(void **state)
{
	struct fixture *fx = *state;
	struct config zero;

	memset(&zero, 0, sizeof(zero));
	memset(&fx->cfg, 0xa5, sizeof(fx->cfg));
	assert_int_equal(config_load(&fx->cfg, "/nonexistent/batond.conf", &fx->diag), -ENOENT);
	assert_memory_equal(&fx->cfg, &zero, sizeof(zero));
	assert_int_equal(fx->diag.count, 1);
	assert_string_equal(fx->diag.lines[0],
			    "/nonexistent/batond.conf: cannot open: No such file or directory");
}

static void test_directory(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(config_load(&fx->cfg, "/tmp", &fx->diag), -EISDIR);
	assert_null(fx->cfg.path);
	assert_int_equal(fx->diag.count, 1);
	assert_non_null(strstr(fx->diag.lines[0], "/tmp: cannot read: "));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* nsd.conf's transfer lines, copied across unchanged: key: sections, provide-xfr and notify
 * with blanks and no quotes, key names resolved whatever their case or final dot. */
static void test_transfer_keys(void **state)
{
	struct fixture *fx = *state;
	const struct config_zone *z;

	assert_int_equal(load(fx, "server:\n"
				  "    export-min-interval: 3\n"
				  "key:\n"
				  "    name: \"XFR.key.\"\n"
				  "    algorithm: hmac-sha512\n"
				  "    secret: \"K2tf3TRjvQkVCmJF3/Z9vA==\"\n"
				  "zone:\n"
				  "    name: example.com\n"
				  "    zonefile: example.com.zone\n"
				  "    provide-xfr: 192.0.2.0/24 xfr.key\n"
				  "    provide-xfr: 2001:db8::53 NOKEY\n"
				  "    notify: 192.0.2.54@5300 xfr.key.\n"
				  "    notify: \"2001:db8::54 NOKEY\"\n"),
			 0);
	assert_int_equal(fx->cfg.export_min_interval_s, 3);
	assert_int_equal(fx->cfg.tsig_key_count, 1);
	assert_string_equal(fx->cfg.tsig_keys[0].name, "xfr.key");
	assert_int_equal(fx->cfg.tsig_keys[0].algorithm, TSIG_HMAC_SHA512);
	assert_int_equal(fx->cfg.tsig_keys[0].secret_len, 16);
	z = &fx->cfg.zones[0];
	assert_int_equal(z->provide_xfr_count, 2);
	assert_int_equal(z->provide_xfr[0].prefix_len, 24);
	assert_int_equal(z->provide_xfr[0].key, 0);
	assert_int_equal(z->provide_xfr[1].family, AF_INET6);
	assert_int_equal(z->provide_xfr[1].prefix_len, 128);
	assert_int_equal(z->provide_xfr[1].key, -1);
	assert_int_equal(z->notify_count, 2);
	expect_address(&z->notify[0].addr, AF_INET, "192.0.2.54", 5300);
	assert_int_equal(z->notify[0].key, 0);
	expect_address(&z->notify[1].addr, AF_INET6, "2001:db8::54", 53);
	assert_int_equal(z->notify[1].key, -1);
}

/* gossip: has a key of its own named key: (the member's private key); with a value it is that,
 * not the start of a TSIG key: section, which stands alone on its line. */
static void test_gossip_key_beside_key_section(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load(fx, "gossip:\n"
				  "    name: b1\n"
				  "    region: eu\n"
				  "    key: b1.key\n"
				  "    trusted-keys: trusted\n"
				  "    listen: 127.0.0.1@7946\n"
				  "    peer: p1 127.0.0.2@7946\n"
				  "key:\n"
				  "    name: xfr\n"
				  "    algorithm: hmac-sha256\n"
				  "    secret: \"K2tf3TRjvQkVCmJF3/Z9vA==\"\n"),
			 0);
	assert_non_null(fx->cfg.gossip);
	assert_non_null(strstr(fx->cfg.gossip->key_path, "b1.key"));
	assert_int_equal(fx->cfg.tsig_key_count, 1);
	assert_string_equal(fx->cfg.tsig_keys[0].name, "xfr");
}

static void test_transfer_defaults(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load(fx, "server:\n    port: 53\n"), 0);
	assert_int_equal(fx->cfg.export_min_interval_s, 1);
	assert_int_equal(fx->cfg.tsig_key_count, 0);
}

static void test_transfer_unknown_key(void **state)
{
	expect_error(state,
		     "zone:\n  name: a.test\n  zonefile: a\n  provide-xfr: 192.0.2.1 nokey.test\n",
		     4, "provide-xfr: no key: section names 'nokey.test'; add one, or write NOKEY");
}

static void test_transfer_notify_unknown_key(void **state)
{
	expect_error(state, "zone:\n  name: a.test\n  zonefile: a\n  notify: 192.0.2.1 k\n", 4,
		     "notify: no key: section names 'k'");
}

static void test_transfer_bad_acl(void **state)
{
	expect_error(state,
		     "zone:\n  name: a.test\n  zonefile: a\n  provide-xfr: 192.0.2.1/40 NOKEY\n", 4,
		     "provide-xfr: write ADDRESS[/PREFIX] KEYNAME|NOKEY");
}

static void test_transfer_acl_without_key(void **state)
{
	expect_error(state, "zone:\n  name: a.test\n  zonefile: a\n  provide-xfr: 192.0.2.1\n", 4,
		     "provide-xfr: write ADDRESS then one key name or NOKEY");
}

static void test_transfer_bad_notify(void **state)
{
	expect_error(state, "zone:\n  name: a.test\n  zonefile: a\n  notify: 192.0.2.1@0 NOKEY\n",
		     4, "notify: write ADDRESS[@PORT] KEYNAME|NOKEY");
}

static void test_key_incomplete(void **state)
{
	expect_error(state, "key:\n  name: k\n  algorithm: hmac-sha256\n", 1,
		     "key: section has no 'secret:'");
}

static void test_tsig_key_twice(void **state)
{
	expect_error(state,
		     "key:\n  name: k\n  algorithm: hmac-sha256\n  secret: AAAA\n"
		     "key:\n  name: K.\n  algorithm: hmac-sha1\n  secret: AAAA\n",
		     5, "key: 'k' is defined twice (first at line 1); keep one");
}

static void test_key_bad_values(void **state)
{
	struct fixture *fx = *state;

	expect_errors(fx, "key:\n  name: k\n  algorithm: hmac-md5\n  secret: not*base64\n", 2, 3,
		      "algorithm: unknown algorithm 'hmac-md5'; write hmac-sha256, hmac-sha512 or "
		      "hmac-sha1");
	expect_diag(fx, 4, "secret: write the secret in base64, as tsig-keygen prints it");
}

static void test_key_key_in_zone(void **state)
{
	expect_error(state, "zone:\n  name: a.test\n  zonefile: a\n  secret: AAAA\n", 4,
		     "key 'secret' belongs in a key: section, not in zone:");
}

static void test_export_min_interval_range(void **state)
{
	expect_error(state, "server:\n  export-min-interval: 4000\n", 2,
		     "export-min-interval: must be between 0 and 3600, not 4000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_port_without_address),
		T(test_full_example),
		T(test_port_after_addresses),
		T(test_quoted_values),
		T(test_zonefile_relative_to_config_folder),
		T(test_zonefile_relative_to_zonesdir),
		T(test_relative_zonesdir),
		T(test_config_path_without_folder),
		T(test_state_file),
		T(test_zone_names),
		T(test_unknown_key),
		T(test_unknown_key_without_value),
		T(test_bad_port),
		T(test_port_out_of_range),
		T(test_negative_number),
		T(test_huge_number),
		T(test_key_outside_section),
		T(test_transfer_keys),
		T(test_transfer_defaults),
		T(test_gossip_key_beside_key_section),
		T(test_transfer_unknown_key),
		T(test_transfer_notify_unknown_key),
		T(test_transfer_bad_acl),
		T(test_transfer_acl_without_key),
		T(test_transfer_bad_notify),
		T(test_key_incomplete),
		T(test_tsig_key_twice),
		T(test_key_bad_values),
		T(test_key_key_in_zone),
		T(test_export_min_interval_range),
		T(test_key_in_wrong_section),
		T(test_zone_without_zonefile),
		T(test_zone_without_name),
		T(test_zone_twice),
		T(test_bad_address),
		T(test_bad_address_port),
		T(test_edns_buffer_size),
		T(test_http_limits),
		T(test_http_connections_out_of_range),
		T(test_http_timeout_out_of_range),
		T(test_workers),
		T(test_too_many_addresses),
		T(test_max_addresses),
		T(test_missing_value),
		T(test_empty_quoted_value),
		T(test_chaos_keys),
		T(test_chaos_defaults),
		T(test_chaos_empty_values),
		T(test_chaos_bad_values),
		T(test_key_twice),
		T(test_key_twice_across_server_sections),
		T(test_zone_name_twice),
		T(test_long_label),
		T(test_empty_label),
		T(test_long_name),
		T(test_bad_escape),
		T(test_unknown_section),
		T(test_section_with_value),
		T(test_unclosed_quote),
		T(test_text_after_quote),
		T(test_unquoted_blank),
		T(test_no_colon),
		T(test_long_line),
		T(test_nul_byte),
		T(test_several_errors),
		T(test_zone_dnssec_keys),
		T(test_zone_dnssec_without_key_dir),
		T(test_diag_not_empty_before),
		T(test_missing_file),
		T(test_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
