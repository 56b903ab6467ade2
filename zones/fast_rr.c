/* The fast path for plain records of the common types. ldns_rr_new_frm_str() took 1.7 s of the
 * 3.3 s CPU a million-name zone took to load (some ten allocations and a descriptor-driven
 * tokenizer per record); an A or AAAA record read here costs no allocation. It accepts only
 * what it reads exactly as ldns would and declines the rest, so ldns still reads (and words
 * the errors of) everything unusual; fast_rr_agrees() is the check, run by
 * tests/unit/test_fast_rr.c on a corpus of spellings and by the zone fuzzer on every entry. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zones/fast_rr.h"

/* ldns' default when $TTL is 0 (LDNS_DEFAULT_TTL), which ldns_rr_new_frm_str() applies. */
#define LDNS_TTL_WHEN_ZERO 3600
/* Longer tokens are declined: ldns reads a TTL into 21 bytes and an owner into 255. */
#define TTL_TEXT_MAX 15
#define NAME_TEXT_MAX 254
/* ldns reads the RDATA text into a buffer of 65535 bytes and misreads what is longer: declined
 * well before. */
#define RDATA_TEXT_MAX 32768

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
	{ "A", LDNS_RR_TYPE_A },	 { "AAAA", LDNS_RR_TYPE_AAAA }, { "NS", LDNS_RR_TYPE_NS },
	{ "CNAME", LDNS_RR_TYPE_CNAME }, { "PTR", LDNS_RR_TYPE_PTR },	{ "MX", LDNS_RR_TYPE_MX },
	{ "TXT", LDNS_RR_TYPE_TXT },
};

/* A word of the entry: [start, start + len). */
struct token {
	const char *start;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/* The next word at *pos (after blanks); false at the end. */
static bool next_token(const char **pos, struct token *t)
{
	const char *s = skip_blanks(*pos), *e = s;

	while (*e != '\0' && !is_blank(*e))
		e++;
	t->start = s;
	t->len = (size_t)(e - s);
	*pos = e;
	return t->len > 0;
}

static bool token_is(const struct token *t, const char *word)
{
	return t->len == strlen(word) && strncasecmp(t->start, word, t->len) == 0;
}

static bool is_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '*';
}

/* A name as ldns reads it in an owner or RDATA field: "@" is the origin, a name without a final
 * dot is relative to it. Declines escapes, empty or long labels and names over 255 bytes. */
static bool read_name(const struct token *t, const struct fast_rr_context *ctx, uint8_t *out,
		      uint8_t *out_len)
{
	size_t len = 0, label = 0;
	bool absolute = false;

	if (t->len == 1 && t->start[0] == '@') {
		if (ctx->origin_len > DNAME_MAX_LEN)
			return false;
		memcpy(out, ctx->origin, ctx->origin_len);
		*out_len = (uint8_t)ctx->origin_len;
		return true;
	}
	if (t->len > NAME_TEXT_MAX)
		return false;
	if (t->len == 1 && t->start[0] == '.') {
		out[0] = 0;
		*out_len = 1;
		return true;
	}
	len = 1; /* out[label] is the current label's length byte, written when it ends */
	for (size_t i = 0; i < t->len; i++) {
		char c = t->start[i];

		if (c == '.') {
			if (len - label == 1)
				return false; /* an empty label: ".www", "a..b" */
			out[label] = (uint8_t)(len - label - 1);
			absolute = i + 1 == t->len;
			label = len++;
			continue;
		}
		if (!is_label_char(c) || len - label > 63 || len >= DNAME_MAX_LEN)
			return false;
		out[len++] = (uint8_t)c;
	}
	if (absolute) {
		out[label] = 0;
		len = label + 1;
	} else {
		out[label] = (uint8_t)(len - label - 1);
		if (len + ctx->origin_len > DNAME_MAX_LEN)
			return false;
		memcpy(out + len, ctx->origin, ctx->origin_len);
		len += ctx->origin_len;
	}
	*out_len = (uint8_t)len;
	return true;
}

/* A TTL as ldns_str2period() reads it: numbers each followed by a unit (s, m, h, d, w) or by
 * nothing (seconds). Declines what would pass 2^31 - 1 (RFC 2181 §8) instead of wrapping. */
static bool read_ttl(const struct token *t, uint32_t *ttl)
{
	uint64_t total = 0, n = 0;

	if (t->len > TTL_TEXT_MAX)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		char c = t->start[i];
		uint64_t unit = 0;

		if (c >= '0' && c <= '9') {
			n = n * 10 + (uint64_t)(c - '0');
			if (n > INT32_MAX)
				return false;
			continue;
		}
		switch (c) {
		case 's':
		case 'S': unit = 1; break;
		case 'm':
		case 'M': unit = 60; break;
		case 'h':
		case 'H': unit = 3600; break;
		case 'd':
		case 'D': unit = 86400; break;
		case 'w':
		case 'W': unit = 604800; break;
		default: return false;
		}
		total += n * unit;
		n = 0;
		if (total > INT32_MAX)
			return false;
	}
	total += n;
	if (total > INT32_MAX)
		return false;
	*ttl = (uint32_t)total;
	return true;
}

static bool read_address(const struct token *t, int af, uint8_t *out)
{
	char text[INET6_ADDRSTRLEN];

	if (t->len >= sizeof(text))
		return false;
	memcpy(text, t->start, t->len);
	text[t->len] = '\0';
	return inet_pton(af, text, out) == 1;
}

static bool read_u16(const struct token *t, uint8_t *out)
{
	uint32_t n = 0;

	if (t->len > 5)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		if (t->start[i] < '0' || t->start[i] > '9')
			return false;
		n = n * 10 + (uint32_t)(t->start[i] - '0');
	}
	if (n > UINT16_MAX)
		return false;
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	return true;
}

/* TXT: character-strings, each quoted ("..." of printable ASCII, no backslash) or a bare word,
 * separated by blanks. A string over 255 bytes is ldns' error to word. */
static bool read_txt(const char *pos, struct fast_rr *out)
{
	size_t len = 0;

	for (pos = skip_blanks(pos); *pos != '\0'; pos = skip_blanks(pos)) {
		const char *s = pos, *e;
		bool quoted = *s == '"';

		if (quoted)
			s++;
		for (e = s; *e != '\0' && *e != '"' && *e != '\\' && (quoted || !is_blank(*e)); e++)
			if ((unsigned char)*e < 0x20 || (unsigned char)*e > 0x7e)
				return false;
		if (*e == '\\' || (quoted ? *e != '"' : *e == '"'))
			return false;
		if (e - s > 255 || e == s || len + 1 + (size_t)(e - s) > FAST_RR_RDATA_MAX)
			return false;
		out->rdata[len++] = (uint8_t)(e - s);
		memcpy(out->rdata + len, s, (size_t)(e - s));
		len += (size_t)(e - s);
		pos = e + quoted;
		if (*pos != '\0' && !is_blank(*pos))
			return false; /* "a"b */
	}
	out->rdlen = (uint32_t)len;
	return len > 0;
}

static bool add_name(const struct token *t, const struct fast_rr_context *ctx, struct fast_rr *out)
{
	uint8_t len;

	if (!read_name(t, ctx, out->rdata + out->rdlen, &len))
		return false;
	out->name_off[out->name_count++] = (uint16_t)out->rdlen;
	out->rdlen += len;
	return true;
}

/* The RDATA of `out->type` from `pos`, which must hold nothing after it. */
static bool read_rdata(const char *pos, const struct fast_rr_context *ctx, struct fast_rr *out)
{
	struct token t;
	bool ok;

	if (strnlen(pos, RDATA_TEXT_MAX + 1) > RDATA_TEXT_MAX)
		return false;
	if (out->type == LDNS_RR_TYPE_TXT)
		return read_txt(pos, out);
	if (!next_token(&pos, &t))
		return false;
	switch (out->type) {
	case LDNS_RR_TYPE_A:
		ok = read_address(&t, AF_INET, out->rdata);
		out->rdlen = 4;
		break;
	case LDNS_RR_TYPE_AAAA:
		ok = read_address(&t, AF_INET6, out->rdata);
		out->rdlen = 16;
		break;
	case LDNS_RR_TYPE_MX:
		out->rdlen = 2;
		ok = read_u16(&t, out->rdata) && next_token(&pos, &t) && add_name(&t, ctx, out);
		break;
	default: /* NS, CNAME, PTR */ ok = add_name(&t, ctx, out); break;
	}
	return ok && *skip_blanks(pos) == '\0';
}

static bool read_type(const struct token *t, uint16_t *type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (token_is(t, types[i].name)) {
			*type = types[i].type;
			return true;
		}
	return false;
}

/* "[ttl] [IN] type": ldns takes a first word starting with a digit for a TTL, then a class
 * when the word is one. Any class but IN is declined (and refused later). */
static bool read_ttl_class_type(const char **pos, const struct fast_rr_context *ctx,
				struct fast_rr *out)
{
	struct token t;

	if (!next_token(pos, &t))
		return false;
	out->ttl = ctx->default_ttl ? ctx->default_ttl : LDNS_TTL_WHEN_ZERO;
	if (t.start[0] >= '0' && t.start[0] <= '9') {
		if (!read_ttl(&t, &out->ttl) || !next_token(pos, &t))
			return false;
	}
	if (token_is(&t, "IN") && !next_token(pos, &t))
		return false;
	return read_type(&t, &out->type);
}

bool fast_rr_parse(const char *text, const struct fast_rr_context *ctx, struct fast_rr *out)
{
	const char *pos = text;
	struct token t;

	if (is_blank(text[0])) {
		if (ctx->prev_len == 0 || ctx->prev_len > DNAME_MAX_LEN)
			return false;
		memcpy(out->owner, ctx->prev, ctx->prev_len);
		out->owner_len = (uint8_t)ctx->prev_len;
	} else if (!next_token(&pos, &t) || !read_name(&t, ctx, out->owner, &out->owner_len))
		return false;
	out->name_count = 0;
	out->rdlen = 0;
	return read_ttl_class_type(&pos, ctx, out) && read_rdata(pos, ctx, out);
}

bool fast_rr_type_compresses(uint16_t type)
{
	switch (type) {
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_MD:
	case LDNS_RR_TYPE_MF:
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_SOA:
	case LDNS_RR_TYPE_MB:
	case LDNS_RR_TYPE_MG:
	case LDNS_RR_TYPE_MR:
	case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_MINFO:
	case LDNS_RR_TYPE_MX: return true;
	default: return false;
	}
}

int fast_rr_from_ldns(struct fast_rr *out, const ldns_rr *rr)
{
	const ldns_rdf *owner = ldns_rr_owner(rr);
	bool compress = fast_rr_type_compresses(ldns_rr_get_type(rr));
	size_t pos = 0;

	if (ldns_rdf_size(owner) > DNAME_MAX_LEN)
		return -EMSGSIZE;
	memcpy(out->owner, ldns_rdf_data(owner), ldns_rdf_size(owner));
	out->owner_len = (uint8_t)ldns_rdf_size(owner);
	out->name_count = 0;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *rdf = ldns_rr_rdf(rr, i);

		if (pos + ldns_rdf_size(rdf) > FAST_RR_RDATA_MAX)
			return -EMSGSIZE;
		if (compress && ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME &&
		    out->name_count < 2)
			out->name_off[out->name_count++] = (uint16_t)pos;
		if (ldns_rdf_size(rdf) > 0) /* an empty field ("CAA 0 issue \"\"") has no data */
			memcpy(out->rdata + pos, ldns_rdf_data(rdf), ldns_rdf_size(rdf));
		pos += ldns_rdf_size(rdf);
	}
	out->rdlen = (uint32_t)pos;
	out->ttl = ldns_rr_ttl(rr);
	out->type = ldns_rr_get_type(rr);
	return 0;
}

static bool same_record(const struct fast_rr *a, const struct fast_rr *b)
{
	return a->owner_len == b->owner_len && memcmp(a->owner, b->owner, a->owner_len) == 0 &&
	       a->type == b->type && a->ttl == b->ttl && a->rdlen == b->rdlen &&
	       memcmp(a->rdata, b->rdata, a->rdlen) == 0 && a->name_count == b->name_count &&
	       memcmp(a->name_off, b->name_off, a->name_count * sizeof(a->name_off[0])) == 0;
}

/* Reads `text` as zones/load.c hands it to ldns into `out`; returns 0, -EPROTO when ldns
 * refuses it or reads another class, -ENOMEM. */
static int read_with_ldns(const char *text, const struct fast_rr_context *ctx, struct fast_rr *out)
{
	ldns_rdf *origin = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, ctx->origin_len, ctx->origin);
	ldns_rr *rr = NULL;
	char *joined = NULL, prev[DNAME_STR_MAX];
	ldns_status status;
	int rc = -ENOMEM;

	if (origin == NULL)
		return -ENOMEM;
	if (is_blank(text[0])) {
		ldns_rdf *p = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, ctx->prev_len, ctx->prev);
		char *s = p ? ldns_rdf2str(p) : NULL;

		ldns_rdf_deep_free(p);
		if (s == NULL)
			goto out;
		snprintf(prev, sizeof(prev), "%s", s);
		free(s);
		if (asprintf(&joined, "%s%s", prev, text) < 0) {
			joined = NULL;
			goto out;
		}
		text = joined;
	}
	status = ldns_rr_new_frm_str(&rr, text, ctx->default_ttl, origin, NULL);
	rc = -EPROTO;
	if (status == LDNS_STATUS_OK && ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN)
		rc = fast_rr_from_ldns(out, rr) == 0 ? 0 : -EPROTO;
out:
	ldns_rr_free(rr);
	ldns_rdf_deep_free(origin);
	free(joined);
	return rc;
}

int fast_rr_agrees(const char *text, const struct fast_rr_context *ctx)
{
	struct fast_rr *fast = malloc(sizeof(*fast)), *slow = malloc(sizeof(*slow));
	int rc = -ENOMEM;

	if (fast == NULL || slow == NULL)
		goto out;
	rc = 0;
	if (!fast_rr_parse(text, ctx, fast))
		goto out;
	rc = read_with_ldns(text, ctx, slow);
	if (rc == 0)
		rc = same_record(fast, slow) ? 1 : -EPROTO;
out:
	free(fast);
	free(slow);
	return rc;
}
