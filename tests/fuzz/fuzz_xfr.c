/* Fuzz target: the input is one message a client sends over TCP to ask for a transfer. It goes
 * through the TSIG parser and verifier and the transfer-request parser, then through
 * xfr_begin() and every xfr_next() as tcp.c would, from 127.0.0.1 (NOKEY allowed) against a
 * zone with FAILOVERs and a journal entry, with a key whose name and secret the corpus uses.
 * Every message sent must be a well-formed response of at most 65535 bytes. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/wire.h"
#include "server/dns.h"
#include "server/export.h"
#include "server/server.h"
#include "server/tsig.h"
#include "server/xfr.h"
#include "server/xfr_request.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] = "$ORIGIN xfr.test.\n"
				"$TTL 300\n"
				"@ SOA ns1 hostmaster 100 7200 900 1209600 300\n"
				"@ NS ns1\n"
				"@ MX 10 mail\n"
				"ns1 A 192.0.2.1\n"
				"mail A 192.0.2.25\n"
				"$SITE fra 192.0.2.10 2001:db8::10\n"
				"$SITE iad 198.51.100.20\n"
				"www 30 IN FAILOVER policy=order sites=fra,iad\n"
				"all 30 IN FAILOVER policy=all sites=fra,iad\n";

static struct server server;
static struct config_zone cz;
static struct config_acl acl[2];
static struct config_tsig_key key;
static struct health_view *view;

static void fail_setup(const char *what)
{
	fprintf(stderr, "fuzz_xfr: %s\n", what);
	exit(1);
}

static void cleanup(void)
{
	export_free(server.export);
	zoneset_free(server.zones);
	free(view);
	free(key.name);
	free(acl[1].key_name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/fuzz_xfr.XXXXXX", fix[160];
	int fd = mkstemp(path);
	struct zone *z = NULL;
	struct diag d;

	(void)argc;
	(void)argv;
	if (fd < 0 || write(fd, zone_text, sizeof(zone_text) - 1) < 0)
		fail_setup("cannot write the zone");
	close(fd);
	diag_init(&d);
	if (zone_load(&z, "xfr.test", path, &d) < 0)
		fail_setup("cannot load the zone");
	unlink(path);
	diag_fini(&d);
	for (uint32_t i = 0; i < z->site_count; i++)
		z->sites[i].health_id = i;
	if (config_xfr_acl(&acl[0], "127.0.0.0/8 NOKEY", fix, sizeof(fix)) < 0 ||
	    config_xfr_acl(&acl[1], "127.0.0.1 xfr.key", fix, sizeof(fix)) < 0 ||
	    config_xfr_key_name(&key, "xfr.key", fix, sizeof(fix)) < 0 ||
	    config_xfr_key_algorithm(&key, "hmac-sha256", fix, sizeof(fix)) < 0 ||
	    config_xfr_key_secret(&key, "K2tf3TRjvQkVCmJF3/Z9vA==", fix, sizeof(fix)) < 0)
		fail_setup("bad key or acl");
	acl[1].key = 0;
	cz.name = "xfr.test";
	cz.provide_xfr = acl;
	cz.provide_xfr_count = 2;
	server.cfg.zones = &cz;
	server.cfg.zone_count = 1;
	server.cfg.tsig_keys = &key;
	server.cfg.tsig_key_count = 1;
	view = calloc(1, sizeof(*view) + 2 * sizeof(view->sites[0]));
	if (view == NULL || zoneset_new(&server.zones, &z, 1) < 0 ||
	    export_new(&server.export, &server) < 0)
		fail_setup("out of memory");
	view->count = 2;
	server.health = view;
	export_zones_replaced(server.export, server.zones); /* serial 100 */
	view->sites[0].verdict = SITE_DOWN;
	export_check(server.export, server.export->zones[0].last_serial_ms + 1000); /* 101 */
	atexit(cleanup);
	return 0;
}

static void check_message(const uint8_t *msg, int len, const uint8_t *query)
{
	ldns_pkt *p = NULL;

	if (len <= 0)
		return;
	if (len > 65535 || len < DNS_HEADER_LEN || memcmp(msg, query, 2) != 0 ||
	    !(wire_get_u16(msg + DNS_HEADER_FLAGS) & DNS_FLAG_QR) ||
	    ldns_wire2pkt(&p, msg, (size_t)len) != LDNS_STATUS_OK) {
		fprintf(stderr, "fuzz invariant violated: a malformed transfer message\n");
		abort();
	}
	ldns_pkt_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	struct sockaddr_storage peer = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&peer;
	const struct config_tsig_key *found;
	struct xfr_request r;
	struct tsig_rr t;
	struct xfr *x = NULL;
	size_t n;
	int len;
	unsigned messages = 0;

	if (tsig_parse(data, size, &t) == 0)
		tsig_verify(&key, 1, data, &t, t.time_signed, &found);
	if (xfr_request_parse(data, size, &r) == 0 && r.has_tsig)
		tsig_verify(&key, 1, data, &r.tsig, r.tsig.time_signed, &found);
	(void)xfr_is_transfer(data, size);
	(void)xfr_is_notify(data, size);
	if (size < DNS_HEADER_LEN)
		return 0;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	n = xfr_begin(server.export, data, size, &peer, out, sizeof(out), &x);
	check_message(out, (int)n, data);
	while (x != NULL && (len = xfr_next(x, out, sizeof(out))) > 0 && messages++ < 1000)
		check_message(out, len, data);
	xfr_free(x);
	return 0;
}
