/* Fuzz target: the input is a batond.conf, read by config_load() as batond reads it at start.
 * A file it accepts must hold only values in their documented ranges, with every path made
 * absolute; a file it refuses must come back with a file:line reason and nothing allocated. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "server/config.h"
#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const struct config *c)
{
	fuzz_require(c->port >= 1 && c->port <= 65535, "port out of range");
	fuzz_require(c->workers >= 1 && c->workers <= 64, "workers out of range");
	fuzz_require(c->address_count >= 1 && c->address_count <= CONFIG_MAX_ADDRESSES,
		     "address count out of range");
	fuzz_require(c->edns_buffer_size >= 512 && c->edns_buffer_size <= 4096,
		     "edns-buffer-size out of range");
	fuzz_require(c->verbosity <= 3, "verbosity out of range");
	fuzz_require(c->control_socket != NULL, "no control socket");
	fuzz_require(c->zonesdir != NULL && c->zonesdir[0] == '/', "zonesdir not absolute");
	for (size_t i = 0; i < c->zone_count; i++)
		fuzz_require(c->zones[i].name != NULL && c->zones[i].zonefile != NULL &&
				     c->zones[i].zonefile[0] == '/',
			     "an accepted zone without a name or an absolute zonefile");
	fuzz_require(c->state_file == NULL || c->state_file[0] == '/', "state-file not absolute");
	fuzz_require(c->geoip_database == NULL || c->geoip_database[0] == '/',
		     "geoip-database not absolute");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-batond.conf", MFD_CLOEXEC);
	char path[64];
	struct config cfg;
	struct diag d;
	int rc;

	fuzz_require(fd >= 0, "memfd_create failed");
	fuzz_require(write(fd, data, size) == (ssize_t)size, "cannot write the input");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	diag_init(&d);
	rc = config_load(&cfg, path, &d);
	if (rc == 0) {
		check_accepted(&cfg);
		config_free(&cfg);
	} else {
		fuzz_require(d.count > 0, "refused without a reason");
		for (size_t i = 0; i < d.count; i++)
			fuzz_require(strncmp(d.lines[i], path, strlen(path)) == 0,
				     "a reason that does not name the file");
		fuzz_require(cfg.zones == NULL && cfg.path == NULL && cfg.zonesdir == NULL,
			     "a refused file left something allocated in the result");
	}
	diag_fini(&d);
	close(fd);
	return 0;
}
