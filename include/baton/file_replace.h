/* Files the daemons write into folders another user may write too: replaced whole, so that a
 * reader, a crash or a power cut sees the old contents or the new ones, never half of either
 * (the drain state file, the zone cache, baton-probe's status file), or opened without
 * following a symbolic link (the pidfile, the state file read back). */
#ifndef BATON_FILE_REPLACE_H
#define BATON_FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

/* Writes `len` bytes into a new temporary file next to `path` (mode `mode`), fsyncs it, renames
 * it over `path` and fsyncs the folder. Returns 0 or -errno; on failure `path` is untouched and
 * the temporary file removed. */
int file_replace(const char *path, const void *data, size_t len, mode_t mode);

/* The same without either fsync, for a file rewritten every few seconds that a crash may lose
 * (baton-probe's status file): readers still see it whole. */
int file_replace_nosync(const char *path, const void *data, size_t len, mode_t mode);

/* Opens `path` with `flags` (O_RDONLY, or O_WRONLY | O_CREAT: `mode` then applies) as a file
 * of this process's own, so that whoever may write its folder cannot send the open elsewhere:
 * a symbolic link there is refused, not followed, and so is anything but a regular file (a
 * FIFO would block, a device is not ours) and a regular file with more than one link (a hard
 * link to someone else's file: these files are renamed into place, never linked). Nothing is
 * truncated: the caller does it once the file passed. Returns the descriptor (close-on-exec),
 * or -ENOENT, -ELOOP (a symbolic link), -ENXIO (not a regular file), -EMLINK (a second link)
 * or another -errno; file_refusal() says which in words. */
int file_open_own(const char *path, int flags, mode_t mode);

/* Words for a log line after "PATH: " for what file_open_own() returned: the three refusals
 * with what to do, strerror() for the rest. */
const char *file_refusal(int rc);

#endif
