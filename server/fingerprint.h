/* What a zone was compiled from: the size, mtime and SHA-256 of its zone file and of every file
 * it $INCLUDEs, so a reload can tell an unchanged zone from a changed one without compiling it
 * (as NSD does with the zone file's mtime). */
#ifndef BATON_FINGERPRINT_H
#define BATON_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define FINGERPRINT_HASH_LEN 32 /* SHA-256 */

struct file_print {
	char *path; /* owned */
	off_t size;
	struct timespec mtime;
	uint8_t hash[FINGERPRINT_HASH_LEN];
};

/* The files one compiled zone was read from, in the order the loader met them. */
struct zone_prints {
	const void *zone; /* the compiled zone they describe; only compared, never read */
	struct file_print *files; /* owned */
	size_t count;
};

enum fingerprint_verdict {
	FINGERPRINT_CHANGED, /* another size or content, or a file gone or unreadable */
	FINGERPRINT_TOUCHED, /* the same bytes, another mtime */
	FINGERPRINT_SAME,
};

/* Fingerprints `path` into *out (out->path is a copy). Returns 0, or -errno (a file that
 * cannot be opened or read, one that is not regular, -ENOMEM); *out is then untouched. Reads
 * the whole file: not for the query path. */
int fingerprint_file(struct file_print *out, const char *path);

/* Fingerprints files[0..count) into *out for `zone`. The prints are refused (-EAGAIN) when a
 * file's mtime is not before `before` (CLOCK_REALTIME_COARSE, the clock file times come from,
 * read before the files were): such a file may have changed after the loader read it, so
 * what was compiled is not known to match it. Returns 0 or -errno; *out untouched on error. */
int fingerprint_zone(struct zone_prints *out, const void *zone, const char *const *files,
		     size_t count, const struct timespec *before);

/* The verdict on one file, from what was recorded and what is there now. Pure. */
enum fingerprint_verdict fingerprint_compare(const struct file_print *was,
					     const struct file_print *now);

/* Compares every recorded file with what is on disk now: the lowest verdict of them (CHANGED
 * when one cannot be read). Hashes only files whose size did not change. */
enum fingerprint_verdict fingerprint_check(const struct zone_prints *p);

/* Frees what *p owns and empties it; an empty one is a no-op. */
void fingerprint_fini(struct zone_prints *p);

#endif
