/* Unit tests for the drain state file: reading (missing, blank lines, garbled), atomic writes. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/drainfile.h"

struct fixture {
	char dir[64]; /* a fresh folder, removed with what is in it in teardown */
	char path[128]; /* dir/drains */
	struct diag diag;
	char **names;
	size_t count;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_drainfile.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/drains", fx->dir);
	diag_init(&fx->diag);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	DIR *dir = opendir(fx->dir);
	struct dirent *e;
	char path[512];

	while (dir != NULL && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fx->dir, e->d_name);
		unlink(path);
	}
	if (dir != NULL)
		closedir(dir);
	rmdir(fx->dir);
	drainfile_names_free(fx->names, fx->count);
	diag_fini(&fx->diag);
	free(fx);
	return 0;
}

static void write_text(const struct fixture *fx, const char *text, size_t len)
{
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
	static char buf[1024];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_missing_file_is_no_drains(void **state)
{
	struct fixture *fx = *state;

	fx->names = (char **)&fx->names; /* must be overwritten */
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), 0);
	assert_null(fx->names);
	assert_int_equal(fx->count, 0);
	assert_int_equal(fx->diag.count, 0);
}

static void test_names_and_blank_lines(void **state)
{
	struct fixture *fx = *state;
	const char *text = "fra\n\niad-2\nLON_1"; /* the last line without its newline */

	write_text(fx, text, strlen(text));
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), 0);
	assert_int_equal(fx->count, 3);
	assert_string_equal(fx->names[0], "fra");
	assert_string_equal(fx->names[1], "iad-2");
	assert_string_equal(fx->names[2], "LON_1");
	assert_int_equal(fx->diag.count, 0);
}

/* Every bad line is garbage (at most three are reported); nothing is returned. */
static void test_garbled(void **state)
{
	struct fixture *fx = *state;
	char long_line[200], expect[256];
	char text[512];
	size_t len;

	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	len = (size_t)snprintf(text, sizeof(text), "fra\nnot a site\n%s\nx\\y\n", long_line);
	text[len++] = '\0'; /* a NUL byte on line 5 */
	text[len++] = '\n';
	write_text(fx, text, len);
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), -EINVAL);
	assert_null(fx->names);
	assert_int_equal(fx->diag.count, 3);
	snprintf(expect, sizeof(expect),
		 "%s:2: not a site name (1-63 letters, digits, '-', '_'): "
		 "'not a site'",
		 fx->path);
	assert_string_equal(fx->diag.lines[0], expect);
	snprintf(expect, sizeof(expect),
		 "%s:3: not a site name (1-63 letters, digits, '-', '_'): "
		 "'%.40s...'",
		 fx->path, long_line);
	assert_string_equal(fx->diag.lines[1], expect);
	assert_non_null(strstr(fx->diag.lines[2], ":4: not a site name"));
}

/* A folder is not a file of ours: refused at open, as anything but a regular file. */
static void test_unreadable(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(drainfile_read(fx->dir, &fx->names, &fx->count, &fx->diag), -ENXIO);
	assert_int_equal(fx->diag.count, 1);
	assert_non_null(strstr(fx->diag.lines[0], ": cannot open: is not a regular file"));
}

/* The state folder is the user's to write: a link there is refused, never read, so no line of
 * the file it points at is quoted as a garbled site name. */
static void test_link_refused(void **state)
{
	struct fixture *fx = *state;
	char target[192];
	FILE *f;

	snprintf(target, sizeof(target), "%s/secret", fx->dir);
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("root:secret\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(symlink(target, fx->path), 0);
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), -ELOOP);
	assert_int_equal(fx->diag.count, 1);
	assert_non_null(strstr(fx->diag.lines[0], ": cannot open: is a symbolic link"));
	assert_null(strstr(fx->diag.lines[0], "secret"));
	diag_fini(&fx->diag);
	diag_init(&fx->diag);
	/* a second link to it (a hard link to another user's file) is refused too */
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(link(target, fx->path), 0);
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), -EMLINK);
	assert_non_null(strstr(fx->diag.lines[0], ": cannot open: has another hard link"));
}

/* A FIFO planted there would block start-up forever if opened for reading as a file. */
static void test_fifo_refused_at_once(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(mkfifo(fx->path, 0600), 0);
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), -ENXIO);
	assert_non_null(strstr(fx->diag.lines[0], ": cannot open: is not a regular file"));
}

/* Writing replaces a link at the path with a file; what it pointed at is untouched. */
static void test_write_replaces_link(void **state)
{
	struct fixture *fx = *state;
	const char *const names[] = { "fra" };
	char target[192];
	struct stat st;

	snprintf(target, sizeof(target), "%s/secret", fx->dir);
	assert_int_equal(symlink(target, fx->path), 0);
	assert_int_equal(drainfile_write(fx->path, names, 1), 0);
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(access(target, F_OK), -1);
	assert_string_equal(read_text(fx->path), "fra\n");
}

static void test_write_and_read_back(void **state)
{
	struct fixture *fx = *state;
	const char *const names[] = { "ams", "fra" };
	struct stat st;

	write_text(fx, "old\n", 4);
	assert_int_equal(drainfile_write(fx->path, names, 2), 0);
	assert_string_equal(read_text(fx->path), "ams\nfra\n");
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(files_in(fx->dir), 1); /* the temporary file was renamed */
	assert_int_equal(drainfile_read(fx->path, &fx->names, &fx->count, &fx->diag), 0);
	assert_int_equal(fx->count, 2);
	assert_int_equal(drainfile_write(fx->path, NULL, 0), 0);
	assert_string_equal(read_text(fx->path), "");
}

/* A folder that cannot take the temporary file: the old file stays as it was. */
static void test_write_fails_keeps_old(void **state)
{
	struct fixture *fx = *state;
	const char *const names[] = { "fra" };
	char path[192];

	snprintf(path, sizeof(path), "%s/missing/drains", fx->dir);
	assert_int_equal(drainfile_write(path, names, 1), -ENOENT);
	write_text(fx, "iad\n", 4);
	snprintf(path, sizeof(path), "%s/drains/x", fx->dir); /* a file as the folder */
	assert_int_equal(drainfile_write(path, names, 1), -ENOTDIR);
	assert_string_equal(read_text(fx->path), "iad\n");
	assert_int_equal(files_in(fx->dir), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_missing_file_is_no_drains),
		T(test_names_and_blank_lines),
		T(test_garbled),
		T(test_unreadable),
		T(test_link_refused),
		T(test_fifo_refused_at_once),
		T(test_write_replaces_link),
		T(test_write_and_read_back),
		T(test_write_fails_keeps_old),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
