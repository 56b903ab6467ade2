/* Fuzz target: the input is what a client writes to the control socket, one command per line,
 * answered by control_dispatch() against a server with a zone of FAILOVER names and a health
 * engine (no sockets: no addresses are configured). Every reply must start with "ok" or
 * "error: " and stay one reply; nothing may crash or leak. */
#include "autoconfig.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/control.h"
#include "server/tcp.h"
#include "server/udp.h"
#include "tests/fuzz/fuzz_check.h"
#include "zones/zoneset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_BYTES 1024 /* what the socket accepts: control.c's CONTROL_LINE_MAX */

static const char zone_text[] = "$ORIGIN example.com.\n$TTL 300\n"
				"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n"
				"ns1 A 192.0.2.53\n"
				"$SITE fra 192.0.2.10 2001:db8::10\n$SITE iad 198.51.100.10\n"
				"www 30 IN FAILOVER policy=order sites=fra,iad\n"
				"all 30 IN FAILOVER policy=all sites=fra,iad fallback=servfail\n";

static struct server server;

static struct zoneset *load_zones(void)
{
	char path[] = "/tmp/baton-fuzz-control-XXXXXX";
	int fd = mkstemp(path);
	struct zone *z = NULL;
	struct zoneset *zs = NULL;
	struct diag d;

	fuzz_require(fd >= 0 && write(fd, zone_text, sizeof(zone_text) - 1) ==
					(ssize_t)sizeof(zone_text) - 1,
		     "cannot write the zone");
	close(fd);
	diag_init(&d);
	fuzz_require(zone_load(&z, "example.com", path, &d) == 0, "the zone does not load");
	diag_fini(&d);
	unlink(path);
	fuzz_require(zoneset_new(&zs, &z, 1) == 0, "out of memory");
	return zs;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_open("fuzz_control", false, LOG_LEVEL_ERR);
	server.cfg.workers = 1;
	server.cfg.control_socket = "/nonexistent/control.sock";
	server.base = event_base_new();
	fuzz_require(server.base != NULL, "no event base");
	fuzz_require(udp_workers_open(&server.udp, &server) == 0, "no UDP workers");
	fuzz_require(tcp_server_open(&server.tcp, &server) == 0, "no TCP server");
	fuzz_require(health_engine_new(&server.engine, server.base, &server.health) == 0,
		     "no health engine");
	server.zones = load_zones();
	fuzz_require(health_engine_sync(server.engine, server.zones) == 0, "no health sync");
	return 0;
}

static void answer_line(const char *line)
{
	struct evbuffer *out = evbuffer_new();
	size_t len;
	char *reply;

	fuzz_require(out != NULL, "out of memory");
	control_dispatch(&server, line, out);
	len = evbuffer_get_length(out);
	reply = (char *)evbuffer_pullup(out, -1);
	fuzz_require(len >= 3 && (strncmp(reply, "ok\n", 3) == 0 ||
				  (len >= 8 && strncmp(reply, "error: ", 7) == 0)),
		     "a reply that starts with neither ok nor error");
	evbuffer_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[LINE_MAX_BYTES + 1];
	size_t start = 0;

	/* evbuffer_readln(EVBUFFER_EOL_CRLF) splits at LF, dropping a CR before it */
	for (size_t i = 0; i <= size; i++) {
		size_t len;

		if (i < size && data[i] != '\n')
			continue;
		len = i - start;
		if (len > 0 && data[start + len - 1] == '\r')
			len--;
		if (len <= LINE_MAX_BYTES && memchr(data + start, '\0', len) == NULL) {
			memcpy(line, data + start, len);
			line[len] = '\0';
			answer_line(line);
		}
		start = i + 1;
	}
	/* What the commands scheduled (a stop's loop exit, the engine's publications) runs now, as
	 * batond's loop would run it: left pending, each input's events piled up unbounded (the
	 * first out-of-memory libFuzzer found here). */
	event_base_loop(server.base, EVLOOP_NONBLOCK);
	return 0;
}
