/* See file_replace.h. The temporary file gets a unique name (mkostemp), so two writers never
 * share one, and sits in the same folder, so the rename is atomic. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zones/file_replace.h"

#define TEMP_SUFFIX ".tmp.XXXXXX" /* mkostemp's template: six letters it replaces */

/* fsync of the folder makes the rename itself durable (rename(2) alone may be lost in a
 * crash on ext4 and XFS). */
static int sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? strdup(".")
				  : strndup(path, slash == path ? 1 : (size_t)(slash - path));
	int fd, rc = 0;

	if (dir == NULL)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			done += (size_t)n;
	}
	return 0;
}

int file_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	size_t size = strlen(path) + sizeof(TEMP_SUFFIX);
	char *tmp = malloc(size);
	int fd, rc;

	if (tmp == NULL)
		return -ENOMEM;
	snprintf(tmp, size, "%s%s", path, TEMP_SUFFIX);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = fchmod(fd, mode) < 0 ? -errno : write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc == 0 ? sync_folder(path) : rc;
}
