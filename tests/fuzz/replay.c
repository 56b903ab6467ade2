/* Replays fuzz corpora through a target's LLVMFuzzerTestOneInput when libFuzzer is not linked,
 * so make check (and the sanitizer build) runs every seed and every past crash, printing TAP.
 * After CZ-NIC/knot:tests-fuzz/main.c. */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as in libFuzzer: weak, so it is NULL when the target has none. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

struct path_list {
	char **paths;
	size_t count;
	size_t cap;
};

static void paths_add(struct path_list *l, char *path)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **p = realloc(l->paths, cap * sizeof(*p));

		if (p == NULL) {
			perror("replay");
			exit(1);
		}
		l->paths = p;
		l->cap = cap;
	}
	l->paths[l->count++] = path;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files directly inside `dir`, sorted by name; dot files are skipped. */
static void add_directory(struct path_list *l, const char *dir)
{
	struct path_list found = { 0 };
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
			perror("replay");
			exit(1);
		}
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			paths_add(&found, path);
		else
			free(path);
	}
	closedir(d);
	qsort(found.paths, found.count, sizeof(*found.paths), compare_names);
	for (size_t i = 0; i < found.count; i++)
		paths_add(l, found.paths[i]);
	free(found.paths);
}

/* Reads a whole file; a missing or unreadable input fails the run rather than passing. */
static uint8_t *read_whole(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL, *exact;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (data == NULL) {
				perror("replay");
				exit(1);
			}
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		exit(1);
	}
	fclose(fp);
	/* exactly `len` bytes, as libFuzzer passes them, so ASan sees any read past the end */
	exact = realloc(data, len ? len : 1);

	*size = len;
	return exact ? exact : data;
}

int main(int argc, char **argv)
{
	struct path_list inputs = { 0 };

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			add_directory(&inputs, argv[i]);
		} else {
			char *copy = strdup(argv[i]);

			if (copy == NULL) {
				perror("replay");
				return 1;
			}
			paths_add(&inputs, copy);
		}
	}
	printf("1..%zu\n", inputs.count);
	fflush(stdout);
	if (inputs.count == 0) {
		/* An empty corpus tests nothing: a missing or emptied directory is a defect. */
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	for (size_t i = 0; i < inputs.count; i++) {
		size_t size;
		uint8_t *data = read_whole(inputs.paths[i], &size);

		LLVMFuzzerTestOneInput(data, size);
		free(data);
		/* flushed per input, so the TAP log shows the last input that passed before a crash */
		printf("ok %zu - %s\n", i + 1, inputs.paths[i]);
		fflush(stdout);
		free(inputs.paths[i]);
	}
	free(inputs.paths);
	return 0;
}
