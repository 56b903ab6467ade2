/* The state file (`state-file:` in batond.conf): the names of the drained sites, one per line,
 * so drains survive a restart. Written whole and atomically after every drain and undrain, read
 * once at start-up after the first zone load. */
#ifndef BATON_DRAINFILE_H
#define BATON_DRAINFILE_H

#include <stddef.h>

#include "baton/diag.h"

struct health_engine;

/* Reads the site names in `path`: one per line, each a site name (1-63 letters, digits, '-',
 * '_'); blank lines are skipped. A missing file is no drains: 0 with *count 0. On success
 * *names is a new array of new strings (free with drainfile_names_free()); on failure both
 * out-parameters are untouched and the return is -EINVAL when a line is not a site name (each
 * such line in `d` with file and line), -errno when the file cannot be read (in `d` too) or
 * -ENOMEM. It is opened with file_open_own(): a symbolic link, a hard link to another user's
 * file or anything but a regular file is refused (-ELOOP, -EMLINK, -ENXIO), never read. Main
 * thread; not for the query path. */
int drainfile_read(const char *path, char ***names, size_t *count, struct diag *d);

/* Frees what drainfile_read() returned; NULL is a no-op. */
void drainfile_names_free(char **names, size_t count);

/* Replaces `path` by `count` names, one per line, atomically: a temporary file in the same
 * folder is written, fsynced and renamed over `path`, and the folder is fsynced, so a crash
 * leaves either the old file or the new one. Returns 0 or -errno (the old file then stays).
 * Blocks on disk; main thread. */
int drainfile_write(const char *path, const char *const *names, size_t count);

/* Writes the names of every drained site the engine serves (each name once, sorted) to
 * `path` with drainfile_write(). Returns 0, -ENOMEM or -errno; the caller reports it. */
int drainfile_save(const char *path, const struct health_engine *e);

/* At start-up, after the first zone load and before the query path starts: drains every site
 * named in `path`. Logs what it restored; a name no zone serves any more is ignored (info); an
 * unreadable or garbled file is logged and ignored, so batond starts without drains. */
void drainfile_restore(const char *path, struct health_engine *e);

#endif
