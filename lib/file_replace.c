/* See file_replace.h. The temporary file gets a unique name (mkostemp, O_EXCL: it never opens
 * what another user planted), so two writers never share one, and sits in the same folder, so
 * the rename is atomic; rename() replaces a symbolic link at `path`, never what it points at. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baton/file_replace.h"

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

static int replace(const char *path, const void *data, size_t len, mode_t mode, bool durable)
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
	if (rc == 0 && durable && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc == 0 && durable ? sync_folder(path) : rc;
}

int file_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	return replace(path, data, len, mode, true);
}

int file_replace_nosync(const char *path, const void *data, size_t len, mode_t mode)
{
	return replace(path, data, len, mode, false);
}

int file_open_own(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, rc = 0;

	/* O_NONBLOCK: opening a FIFO someone planted must not hang start-up before fstat sees
	 * it; on a regular file the flag changes nothing. */
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -ENXIO; /* what open() itself says of a socket, or a FIFO with no reader */
	else if (st.st_nlink > 1) /* these files are renamed into place or ours alone */
		rc = -EMLINK;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

const char *file_refusal(int rc)
{
	switch (rc) {
	case -ELOOP:
		return "is a symbolic link, which is never followed there: remove it, or name "
		       "the file it points at";
	case -ENXIO: return "is not a regular file: remove it";
	case -EMLINK:
		return "has another hard link (to a file that may be another user's): remove it";
	default: return strerror(-rc);
	}
}
