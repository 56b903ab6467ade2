/* The last good copy of a zone (`zone-cache:`): written whenever the zone compiles, read at a
 * start when the zone's own files do not compile, so a restart after a bad edit (or a crash in
 * the middle of a reload) still serves what was serving. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/file_replace.h"
#include "zones/keep.h"
#include "zones/load.h"

int zone_load_keeping(struct zone **out, const char *origin, const char *path,
		      const char *copy_path, struct diag *d, int *copy_err)
{
	struct zone_source src;
	char *text = NULL;
	size_t len = 0;
	FILE *copy = open_memstream(&text, &len);
	int rc;

	*copy_err = 0;
	if (copy == NULL)
		return -ENOMEM;
	rc = zone_source_read_copy(&src, origin, path, copy, d);
	fclose(copy);
	if (rc == 0 || rc == -EINVAL) {
		struct zone *z = NULL;
		int crc = src.origin ? zone_compile(&z, &src, d) : -EINVAL;

		if (rc == 0 && crc == 0) {
			*out = z;
			*copy_err = file_replace(copy_path, text, len, 0644);
		} else {
			zone_free(z);
			if (rc == 0)
				rc = crc;
		}
	}
	zone_source_fini(&src);
	free(text);
	return rc;
}
