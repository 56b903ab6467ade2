/* The drain state file: read at start-up, rewritten atomically after each drain and undrain. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/drainfile.h"
#include "baton/file_replace.h"
#include "zones/stanza_args.h"

/* A site name is at most 63 bytes (stanza_is_identifier); a longer line is garbage, and is
 * read only this far so a garbled file of any size costs no memory. */
#define NAME_MAX_LEN 63

struct name_list {
	char **names;
	size_t count, cap;
};

static int list_add(struct name_list *l, const char *name)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **names = realloc(l->names, cap * sizeof(*names));

		if (names == NULL)
			return -ENOMEM;
		l->names = names;
		l->cap = cap;
	}
	l->names[l->count] = strdup(name);
	if (l->names[l->count] == NULL)
		return -ENOMEM;
	l->count++;
	return 0;
}

/* Reads one line into buf: at most NAME_MAX_LEN bytes are kept, the rest skipped, and a byte
 * that cannot be printed is kept as '?' so a message can quote the line. Returns its length,
 * above NAME_MAX_LEN for a line that was too long, or -1 at the end of the file; *bad is set
 * when the line holds a byte no site name has (a NUL, a blank, ...). */
static long read_line(FILE *f, char *buf, bool *bad)
{
	long len = 0;
	int c;

	*bad = false;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (!(isalnum(c) || c == '-' || c == '_'))
			*bad = true;
		if (len < NAME_MAX_LEN)
			buf[len] = isprint(c) ? (char)c : '?';
		len++;
	}
	if (c == EOF && len == 0)
		return -1;
	buf[len < NAME_MAX_LEN ? len : NAME_MAX_LEN] = '\0';
	return len;
}

static int read_names(FILE *f, const char *path, struct name_list *l, struct diag *d)
{
	char buf[NAME_MAX_LEN + 1];
	unsigned line = 0, bad_lines = 0;
	bool bad;
	long len;

	while ((len = read_line(f, buf, &bad)) >= 0) {
		line++;
		if (len == 0)
			continue;
		if (len > NAME_MAX_LEN || bad || !stanza_is_identifier(buf)) {
			/* The first few are enough to show what the file holds. */
			if (bad_lines++ < 3)
				diag_add(d, path, line,
					 "not a site name (1-63 letters, digits, "
					 "'-', '_'): '%.40s%s'",
					 buf, len > 40 ? "..." : "");
			continue;
		}
		if (list_add(l, buf) < 0)
			return -ENOMEM;
	}
	if (ferror(f)) {
		diag_add(d, path, 0, "cannot read: %s", strerror(errno ? errno : EIO));
		return errno ? -errno : -EIO;
	}
	return bad_lines ? -EINVAL : 0;
}

int drainfile_read(const char *path, char ***names, size_t *count, struct diag *d)
{
	struct name_list l = { 0 };
	/* Its folder is the user's to write: a link planted there is refused, so a line of
	 * another file never reaches the log as a garbled site name. */
	int fd = file_open_own(path, O_RDONLY, 0), rc;
	FILE *f;

	if (fd == -ENOENT) {
		*names = NULL;
		*count = 0;
		return 0;
	}
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (f == NULL) {
		rc = fd < 0 ? fd : -errno;
		if (fd >= 0)
			close(fd);
		diag_add(d, path, 0, "cannot open: %s", file_refusal(rc));
		return rc;
	}
	errno = 0;
	rc = read_names(f, path, &l, d);
	fclose(f);
	if (rc < 0) {
		drainfile_names_free(l.names, l.count);
		return rc;
	}
	*names = l.names;
	*count = l.count;
	return 0;
}

void drainfile_names_free(char **names, size_t count)
{
	for (size_t i = 0; names != NULL && i < count; i++)
		free(names[i]);
	free(names);
}

int drainfile_write(const char *path, const char *const *names, size_t count)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (f == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++)
		fprintf(f, "%s\n", names[i]);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	/* Not secret: monitoring may read it. */
	rc = file_replace(path, text, len, 0644);
	free(text);
	return rc;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int drainfile_save(const char *path, const struct health_engine *e)
{
	uint32_t sites = health_engine_site_count(e);
	const char **names = malloc((sites ? sites : 1) * sizeof(*names));
	struct health_site_info info;
	size_t count = 0, unique = 0;
	int rc;

	if (names == NULL)
		return -ENOMEM;
	/* A drain applies to every zone's site of that name, so each name is written once. */
	for (uint32_t i = 0; i < sites; i++)
		if (health_engine_site_info(e, i, &info) && info.drained)
			names[count++] = info.name;
	qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++)
		if (unique == 0 || strcmp(names[unique - 1], names[i]) != 0)
			names[unique++] = names[i];
	rc = drainfile_write(path, names, unique);
	free(names);
	return rc;
}

void drainfile_restore(const char *path, struct health_engine *e)
{
	struct diag d;
	char **names;
	size_t count;
	int rc;

	diag_init(&d);
	rc = drainfile_read(path, &names, &count, &d);
	for (size_t i = 0; i < d.count; i++)
		log_err("state-file %s", d.lines[i]);
	diag_fini(&d);
	if (rc < 0) {
		log_err("state-file %s: ignored (%s); starting without drains; the next drain or "
			"undrain rewrites it",
			path, rc == -EINVAL ? "garbled" : file_refusal(rc));
		return;
	}
	for (size_t i = 0; i < count; i++) {
		int zones = health_engine_drain(e, names[i], true);

		if (zones > 0)
			log_info("state-file %s: site %s stays drained (%d zone%s)", path, names[i],
				 zones, zones == 1 ? "" : "s");
		else
			log_info("state-file %s: site %s is not served any more; its drain is "
				 "ignored",
				 path, names[i]);
	}
	drainfile_names_free(names, count);
}
