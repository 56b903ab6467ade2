/* baton-checkzone: reports a zone file's errors the way batond would, without a server; with
 * --static, prints the zone as a plain master file with every FAILOVER resolved as an AXFR
 * carries it (zones/walk.c) while every site is up. */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "baton/diag.h"
#include "zones/print.h"
#include "zones/zone.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: baton-checkzone [--static] ZONEFILE ORIGIN\n"
		     "  --static  print what an AXFR carries with every site up: each FAILOVER\n"
		     "            as the A/AAAA records it exports, TTL ttl-min\n"
		     "            (batonctl static ZONE prints what an AXFR carries now)\n");
}

int main(int argc, char **argv)
{
	struct zone *z = NULL;
	bool print_static = false;
	struct diag d;
	int rc;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--static") == 0) {
		print_static = true;
		argc--;
		argv++;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	diag_init(&d);
	rc = zone_load(&z, argv[2], argv[1], &d);
	diag_print(&d, stderr, NULL);
	if (rc == 0 && print_static)
		rc = zone_print(stdout, z, NULL, z->serial);
	else if (rc == 0)
		printf("zone %s: serial %u, %u names, %u sites, OK\n", z->name_str, z->serial,
		       z->node_count, z->site_count);
	else
		fprintf(stderr, "zone %s: %zu error%s\n", argv[2], d.count,
			d.count == 1 ? "" : "s");
	zone_free(z);
	diag_fini(&d);
	return rc == 0 ? 0 : 1;
}
