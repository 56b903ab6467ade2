/* Fingerprints of the files a zone was compiled from, for reloads that skip unchanged zones. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/fingerprint.h"

/* Hashes what `fd` holds from its start. The mtime alone is not trusted: a tool may write
 * other bytes of the same size and keep the time (cp -p, rsync -t, a second edit in the
 * same clock tick); SHA-256 of a 10 MB zone costs about 10 ms, against seconds to compile. */
static int hash_fd(int fd, uint8_t *hash)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536];
	ssize_t n;
	int rc = 0;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			rc = n < 0 ? -errno : -ENOMEM;
			break;
		}
	}
	if (rc == 0 && EVP_DigestFinal_ex(ctx, hash, NULL) != 1)
		rc = -ENOMEM;
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Size and mtime come from the descriptor that is hashed, so they describe the same file. */
static int print_fd(struct file_print *out, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	out->size = st.st_size;
	out->mtime = st.st_mtim;
	return hash_fd(fd, out->hash);
}

int fingerprint_file(struct file_print *out, const char *path)
{
	struct file_print p = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc;

	if (fd < 0)
		return -errno;
	rc = print_fd(&p, fd);
	close(fd);
	if (rc == 0 && (p.path = strdup(path)) == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		*out = p;
	return rc;
}

static bool is_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int fingerprint_zone(struct zone_prints *out, const void *zone, const char *const *files,
		     size_t count, const struct timespec *before)
{
	struct zone_prints p = { .zone = zone,
				 .files = calloc(count ? count : 1, sizeof(*p.files)) };
	int rc = p.files == NULL ? -ENOMEM : 0;

	for (size_t i = 0; rc == 0 && i < count; i++) {
		rc = fingerprint_file(&p.files[i], files[i]);
		if (rc == 0) {
			p.count++;
			if (!is_before(&p.files[i].mtime, before))
				rc = -EAGAIN;
		}
	}
	if (rc < 0) {
		fingerprint_fini(&p);
		return rc;
	}
	*out = p;
	return 0;
}

enum fingerprint_verdict fingerprint_compare(const struct file_print *was,
					     const struct file_print *now)
{
	if (was->size != now->size || memcmp(was->hash, now->hash, sizeof(was->hash)) != 0)
		return FINGERPRINT_CHANGED;
	if (was->mtime.tv_sec != now->mtime.tv_sec || was->mtime.tv_nsec != now->mtime.tv_nsec)
		return FINGERPRINT_TOUCHED;
	return FINGERPRINT_SAME;
}

enum fingerprint_verdict fingerprint_check(const struct zone_prints *p)
{
	enum fingerprint_verdict worst = FINGERPRINT_SAME;

	for (size_t i = 0; i < p->count && worst != FINGERPRINT_CHANGED; i++) {
		const struct file_print *was = &p->files[i];
		struct file_print now = { 0 };
		struct stat st;
		enum fingerprint_verdict v;

		/* a size that changed needs no hash */
		if (stat(was->path, &st) < 0 || st.st_size != was->size ||
		    fingerprint_file(&now, was->path) < 0)
			return FINGERPRINT_CHANGED;
		v = fingerprint_compare(was, &now);
		free(now.path);
		if (v < worst)
			worst = v;
	}
	return p->count == 0 ? FINGERPRINT_CHANGED : worst;
}

void fingerprint_fini(struct zone_prints *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->files[i].path);
	free(p->files);
	*p = (struct zone_prints){ 0 };
}
