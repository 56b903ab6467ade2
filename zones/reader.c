/* Splits an RFC 1035 master file into entries (RFC 1035 §5.1): parentheses continue an entry
 * across lines, ';' starts a comment outside quotes, a backslash escapes the next character. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zones/reader.h"

/* An entry longer than this is certainly a missing ')' eating the rest of the file. */
#define ENTRY_MAX (256 * 1024)

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
	bool in_quote = false, in_comment = false, escaped = false, any = false;
	size_t len = 0;
	int c, err;

	*depth = 0;
	*start = r->line + 1;
	while ((c = getc(r->fp)) != EOF) {
		any = true;
		if (c == '\n') {
			r->line++;
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
	return 1;
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
				 "entry longer than %d bytes: is a ')' missing?", ENTRY_MAX);
			return -EBADMSG;
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
			while ((rc = getc(r->fp)) != EOF && rc != '\n')
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
