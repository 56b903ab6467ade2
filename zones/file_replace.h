/* Replacing a small file whole, so that a reader, a crash or a power cut sees the old contents
 * or the new ones, never half of either: the drain state file and the zone cache use it. */
#ifndef BATON_FILE_REPLACE_H
#define BATON_FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

/* Writes `len` bytes into a new temporary file next to `path` (mode `mode`), fsyncs it, renames
 * it over `path` and fsyncs the folder. Returns 0 or -errno; on failure `path` is untouched and
 * the temporary file removed. */
int file_replace(const char *path, const void *data, size_t len, mode_t mode);

#endif
