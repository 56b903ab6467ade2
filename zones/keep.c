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

#include "zones/keep.h"
#include "zones/load.h"

/* Writes `len` bytes to `path` through a temporary file and a rename: a reader, or a crash,
 * sees the old copy or the new one, never half of one. */
static int write_atomically(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < len && err == 0;) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0)
			err = -errno;
		else
			done += (size_t)n;
	}
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) < 0)
		err = -errno;
	if (err < 0)
		unlink(tmp);
	return err;
}

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
			*copy_err = write_atomically(copy_path, text, len);
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
