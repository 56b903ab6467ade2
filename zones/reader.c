/* Splits an RFC 1035 master file into entries (RFC 1035 §5.1): parentheses continue an entry
 * across lines, ';' starts a comment outside quotes, a backslash escapes the next character. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zones/reader.h"

/* The longest record in presentation format: 65535 bytes of RDATA (RFC 1035 §3.2.1), each
 * written \DDD, is 262140 bytes; RFC 3597 hex of the same is 131070. An entry (parentheses
 * joined) or a physical line (comments included) longer than this is a missing ')' eating the
 * rest of the file, or not a zone file at all, and stops the read. */
#define ENTRY_MAX (256 * 1024)

/* A record in parentheses spanning more lines than this is a missing ')'. 65535 bytes of
 * RDATA in hex at 32 bytes a line (as ldns and BIND print keys) take 4096 lines. */
#define PAREN_LINES_MAX 8192

int reader_open(const char *path, FILE **out, const char **kind)
{
	struct stat sb;
	FILE *fp;
	/* O_NONBLOCK: opening a FIFO without a writer would wait for one forever. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), rc = 0;

	*kind = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0)
		rc = -errno;
	else if (S_ISDIR(sb.st_mode))
		rc = -EISDIR;
	else if (!S_ISREG(sb.st_mode)) {
		*kind = S_ISFIFO(sb.st_mode)   ? "a FIFO"
			: S_ISCHR(sb.st_mode)  ? "a character device"
			: S_ISBLK(sb.st_mode)  ? "a block device"
			: S_ISSOCK(sb.st_mode) ? "a socket"
					       : "not a file";
		rc = -ENOTSUP;
	} else if (fcntl(fd, F_SETFL, 0) < 0)
		rc = -errno; /* blocking reads again: a regular file never waits anyway */
	if (rc == 0 && (fp = fdopen(fd, "r")) == NULL)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*out = fp;
	return 0;
}

const char *reader_open_error(int rc, const char *kind, char *buf, size_t size)
{
	if (rc == -ENOTSUP)
		snprintf(buf, size, "not a regular file (%s)", kind ? kind : "?");
	else if (rc == -ELOOP)
		snprintf(buf, size, "a loop of symbolic links (or too many of them): fix the link");
	else
		snprintf(buf, size, "%s", strerror(-rc));
	return buf;
}

void reader_init(struct reader *r, FILE *fp, const char *file)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->file = file;
}

void reader_fini(struct reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

static int append(struct reader *r, size_t *len, char c)
{
	if (*len + 2 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char *buf;

		if (cap > ENTRY_MAX)
			return -E2BIG;
		buf = realloc(r->buf, cap);
		if (buf == NULL)
			return -ENOMEM;
		r->buf = buf;
		r->cap = cap;
	}
	r->buf[(*len)++] = c;
	return 0;
}

static bool is_blank_entry(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Reads one logical entry into r->buf; returns 1, 0 at EOF, or a negative errno. */
static int read_entry(struct reader *r, unsigned *start, unsigned *open_line, int *depth)
{
	bool in_quote = false, in_comment = false, escaped = false, any = false, nul = false;
	size_t len = 0, line_len = 0;
	int c, err;

	*depth = 0;
	*start = r->line + 1;
	/* getc_unlocked: one thread reads a stream, and getc's lock per byte was 4% of loading
	 * a million-name zone */
	while ((c = getc_unlocked(r->fp)) != EOF) {
		any = true;
		if (c != '\n' && ++line_len > ENTRY_MAX)
			return -EMSGSIZE;
		if (c == '\0')
			nul = true;
		if (c == '\n') {
			r->line++;
			line_len = 0;
			if (*depth > 0 && r->line + 1 - *open_line > PAREN_LINES_MAX)
				return -E2BIG;
			in_comment = false;
			escaped = false;
			if (*depth == 0 && !in_quote)
				break;
			c = ' ';
		} else if (in_comment) {
			continue;
		} else if (escaped) {
			escaped = false;
		} else if (c == '\\') {
			escaped = true;
		} else if (c == '"') {
			in_quote = !in_quote;
		} else if (!in_quote && c == ';') {
			in_comment = true;
			continue;
		} else if (!in_quote && c == '(') {
			if ((*depth)++ == 0)
				*open_line = r->line + 1;
			c = ' ';
		} else if (!in_quote && c == ')') {
			if (--(*depth) < 0)
				break;
			c = ' ';
		}
		if (c == '\r')
			continue;
		err = append(r, &len, (char)c);
		if (err)
			return err;
	}
	if (!any)
		return 0;
	if (r->buf == NULL && (err = append(r, &len, ' ')) != 0)
		return err;
	r->buf[len] = '\0';
	if (in_quote)
		return -EILSEQ;
	return nul ? -EBADMSG : 1;
}

int reader_next(struct reader *r, struct reader_entry *e, struct diag *d)
{
	unsigned start, open_line = 0;
	int depth, rc;

	for (;;) {
		rc = read_entry(r, &start, &open_line, &depth);
		if (rc == -EILSEQ) {
			diag_add(d, r->file, start,
				 "unterminated quoted string: add the closing '\"'");
			return -EBADMSG;
		}
		if (rc == -E2BIG) {
			diag_add(d, r->file, open_line ? open_line : start,
				 "a record longer than %d KiB or %d lines: is a ')' missing? "
				 "The rest of the file was not read",
				 ENTRY_MAX / 1024, PAREN_LINES_MAX);
			return rc;
		}
		if (rc == -EMSGSIZE) {
			diag_add(d, r->file, r->line + 1,
				 "a line longer than %d KiB: is this a zone file? The rest of the "
				 "file was not read",
				 ENTRY_MAX / 1024);
			return rc;
		}
		if (rc == -EBADMSG) {
			diag_add(d, r->file, start,
				 "a NUL byte: is this a text file? Write binary data as \\000");
			return rc;
		}
		if (rc < 0) {
			diag_add(d, r->file, start, "cannot read: %s", strerror(-rc));
			return rc;
		}
		if (rc == 0)
			return 0;
		if (depth > 0) {
			diag_add(d, r->file, open_line,
				 "'(' is never closed: add the matching ')'");
			return -EBADMSG;
		}
		if (depth < 0) {
			/* the ')' is on the line being read, whose newline is not consumed yet */
			diag_add(d, r->file, r->line + 1, "')' without a matching '('");
			/* skip the rest of that line so reading can resync */
			while ((rc = getc_unlocked(r->fp)) != EOF && rc != '\n')
				;
			if (rc == '\n')
				r->line++;
			return -EBADMSG;
		}
		if (is_blank_entry(r->buf))
			continue;
		e->text = r->buf;
		e->line = start;
		return 1;
	}
}
