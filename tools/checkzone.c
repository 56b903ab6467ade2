/* baton-checkzone: reports a zone file's errors the way batond would, without a server. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "zones/diag.h"
#include "zones/zone.h"

int main(int argc, char **argv)
{
	struct zone *z = NULL;
	struct diag d;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: baton-checkzone ZONEFILE ORIGIN\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: baton-checkzone ZONEFILE ORIGIN\n");
		return 2;
	}
	diag_init(&d);
	rc = zone_load(&z, argv[2], argv[1], &d);
	diag_print(&d, stderr, NULL);
	if (rc == 0)
		printf("zone %s: serial %u, %u names, OK\n", z->name_str, z->serial, z->node_count);
	else
		fprintf(stderr, "zone %s: %zu errors\n", argv[2], d.count);
	zone_free(z);
	diag_fini(&d);
	return rc == 0 ? 0 : 1;
}
