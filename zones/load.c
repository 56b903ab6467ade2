/* Reads a master file into records with their file and line. ldns parses each record's text;
 * the directives, blank owners and $INCLUDE nesting are handled here so that every error can
 * name the file and line it came from. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "zones/dname.h"
#include "zones/fast_rr.h"
#include "zones/load.h"
#include "zones/reader.h"

#define INCLUDE_DEPTH_MAX 8

/* A read stops after this many errors of its own: the first ones are the useful ones, and a
 * file that is not a zone file (an $INCLUDE of the wrong path) is not read to its end. */
#define LOAD_ERRORS_MAX 20

/* A file open on the $INCLUDE stack: a file met again there includes itself. */
struct open_file {
	dev_t dev;
	ino_t ino;
	const char *name; /* points into zone_source.files */
};

struct load_state {
	struct zone_source *src;
	struct diag *d;
	ldns_rdf *origin; /* current $ORIGIN, owned */
	uint8_t prev[DNAME_MAX_LEN]; /* previous owner, wire form as written */
	size_t prev_len; /* 0: none yet */
	struct fast_rr *rr; /* the record being added, owned */
	uint32_t default_ttl;
	struct open_file stack[INCLUDE_DEPTH_MAX + 1];
	unsigned depth; /* files on `stack` */
	size_t errors_before; /* d->count when the read began */
	int stop; /* 0, or -errno once the whole read must stop (already in `d`): sticky */
	FILE *copy; /* receives the zone as one self-contained file, or NULL */
};

static int read_file(struct load_state *st, const char *path, const char *from, unsigned line);

/* The previous owner as ldns wants it (the caller frees it), or NULL: kept as bytes since the
 * fast path reads most records without ldns. */
static ldns_rdf *prev_rdf(const struct load_state *st)
{
	if (st->prev_len == 0)
		return NULL;
	return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, st->prev_len, st->prev);
}

static char *prev_str(const struct load_state *st)
{
	ldns_rdf *prev = prev_rdf(st);
	char *text = prev ? ldns_rdf2str(prev) : NULL;

	ldns_rdf_deep_free(prev);
	return text;
}

/* Owners reaching here are at most 255 bytes: longer ones were refused. */
static void set_prev(struct load_state *st, const uint8_t *owner, size_t len)
{
	memcpy(st->prev, owner, len);
	st->prev_len = len;
}

/* The self-contained copy (zone_source_read_copy()): an $INCLUDE is replaced by the file's
 * entries between $ORIGIN lines that set and restore what the include would have. */
static void copy_origin(struct load_state *st)
{
	char *text;

	if (st->copy == NULL || st->origin == NULL)
		return;
	text = ldns_rdf2str(st->origin);
	if (text != NULL)
		fprintf(st->copy, "$ORIGIN %s\n", text);
	free(text);
}

/* A blank owner is written out: after an inlined $INCLUDE the previous owner is no longer
 * the one the original file meant. */
static void copy_entry(struct load_state *st, const char *text)
{
	char *owner;

	if (st->copy == NULL)
		return;
	if ((text[0] == ' ' || text[0] == '\t') && (owner = prev_str(st)) != NULL) {
		fprintf(st->copy, "%s%s\n", owner, text);
		free(owner);
		return;
	}
	fprintf(st->copy, "%s\n", text);
}

static const char *remember_file(struct zone_source *src, const char *name)
{
	char **files = realloc(src->files, (src->file_count + 1) * sizeof(*files));
	char *copy;

	if (files == NULL)
		return NULL;
	src->files = files;
	copy = strdup(name);
	if (copy == NULL)
		return NULL;
	files[src->file_count++] = copy;
	return copy;
}

/* The owner of the record before, when `rr` has the same one (as written): most records of a
 * zone follow another of their owner, and share its bytes. */
static const uint8_t *same_owner(const struct zone_source *src, const struct fast_rr *rr)
{
	const struct zone_source_rr *prev = src->count ? &src->rrs[src->count - 1] : NULL;

	if (prev == NULL || prev->owner_len != rr->owner_len ||
	    memcmp(prev->owner, rr->owner, rr->owner_len) != 0)
		return NULL;
	return prev->owner;
}

/* Copies `rr` into the source, its bytes into the pool. */
static int add_rr(struct zone_source *src, const struct fast_rr *rr, const char *file,
		  unsigned line)
{
	struct zone_source_rr *out;

	if (src->count == src->cap) {
		size_t cap = src->cap ? src->cap * 2 : 64;
		struct zone_source_rr *rrs = realloc(src->rrs, cap * sizeof(*rrs));

		if (rrs == NULL)
			return -ENOMEM;
		src->rrs = rrs;
		src->cap = cap;
	}
	out = &src->rrs[src->count];
	memset(out, 0, sizeof(*out));
	out->owner = same_owner(src, rr);
	if (out->owner == NULL)
		out->owner = arena_dup_bytes(&src->pool, rr->owner, rr->owner_len);
	out->rdata = arena_dup_bytes(&src->pool, rr->rdata, rr->rdlen ? rr->rdlen : 1);
	if (out->owner == NULL || out->rdata == NULL)
		return -ENOMEM;
	out->owner_len = rr->owner_len;
	out->rdlen = rr->rdlen;
	out->ttl = rr->ttl;
	out->type = rr->type;
	out->name_count = rr->name_count;
	memcpy(out->name_off, rr->name_off, sizeof(out->name_off));
	out->file = file;
	out->line = line;
	src->count++;
	return 0;
}

static int add_stanza(struct zone_source *src, enum stanza_kind kind, const char *args,
		      const char *file, unsigned line)
{
	struct zone_source_stanza *list =
		realloc(src->stanzas, (src->stanza_count + 1) * sizeof(*list));
	struct zone_source_stanza *st;

	if (list == NULL)
		return -ENOMEM;
	src->stanzas = list;
	st = &list[src->stanza_count];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->args = strdup(args);
	st->file = file;
	st->line = line;
	if (st->args == NULL)
		return -ENOMEM;
	src->stanza_count++;
	return 0;
}

/* Splits the first word off `s`: returns it NUL-terminated and sets *rest past it. */
static char *next_word(char *s, char **rest)
{
	char *w = s + strspn(s, " \t"), *e;

	if (*w == '\0') {
		*rest = w;
		return NULL;
	}
	e = w + strcspn(w, " \t");
	if (*e != '\0')
		*e++ = '\0';
	*rest = e;
	return w;
}

static ldns_rdf *parse_origin(struct load_state *st, const char *text)
{
	ldns_rdf *name = NULL;

	if (ldns_str2rdf_dname(&name, text) != LDNS_STATUS_OK)
		return NULL;
	if (!ldns_dname_str_absolute(text) && st->origin != NULL) {
		if (ldns_dname_cat(name, st->origin) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(name);
			return NULL;
		}
	}
	return name;
}

static void directive_origin(struct load_state *st, char *args, const char *file, unsigned line)
{
	char *rest, *arg = next_word(args, &rest), quote[DIAG_EXCERPT_SIZE];
	ldns_rdf *name;

	if (arg == NULL || next_word(rest, &rest) != NULL) {
		diag_add(st->d, file, line, "$ORIGIN takes one domain name");
		return;
	}
	name = parse_origin(st, arg);
	if (name == NULL) {
		diag_add(st->d, file, line, "$ORIGIN '%s' is not a valid domain name",
			 diag_excerpt(quote, arg));
		return;
	}
	ldns_rdf_deep_free(st->origin);
	st->origin = name;
}

static void directive_ttl(struct load_state *st, char *args, const char *file, unsigned line)
{
	char *rest, *arg = next_word(args, &rest), quote[DIAG_EXCERPT_SIZE];
	const char *end = NULL;
	uint32_t ttl;

	if (arg == NULL || next_word(rest, &rest) != NULL) {
		diag_add(st->d, file, line, "$TTL takes one value, such as 3600 or 1h");
		return;
	}
	ttl = ldns_str2period(arg, &end);
	if (end == arg || *end != '\0' || ttl > INT32_MAX) {
		diag_add(st->d, file, line, "$TTL '%s' is not a TTL (seconds, or units like 1h30m)",
			 diag_excerpt(quote, arg));
		return;
	}
	st->default_ttl = ttl;
}

static void directive_include(struct load_state *st, char *args, const char *file, unsigned line)
{
	char *rest, *path = next_word(args, &rest), *origin_text = next_word(rest, &rest);
	char full[4096], dir[4096], quote[DIAG_EXCERPT_SIZE];
	ldns_rdf *saved_origin = st->origin;
	uint8_t saved_prev[DNAME_MAX_LEN];
	size_t saved_prev_len = st->prev_len;

	if (path == NULL || next_word(rest, &rest) != NULL) {
		diag_add(st->d, file, line, "$INCLUDE takes a file name and an optional origin");
		return;
	}
	if (path[0] != '/') {
		snprintf(dir, sizeof(dir), "%s", file);
		snprintf(full, sizeof(full), "%s/%s", dirname(dir), path);
		path = full;
	}
	/* RFC 1035 §5.1: the included file's $ORIGIN does not leak back into this one. */
	st->origin = origin_text ? parse_origin(st, origin_text) : ldns_rdf_clone(saved_origin);
	memcpy(saved_prev, st->prev, saved_prev_len);
	st->prev_len = 0;
	if (st->origin == NULL) {
		diag_add(st->d, file, line, "$INCLUDE origin '%s' is not a valid domain name",
			 diag_excerpt(quote, origin_text));
	} else {
		copy_origin(st);
		read_file(st, path, file, line); /* its errors are in st->d */
	}
	ldns_rdf_deep_free(st->origin);
	st->origin = saved_origin;
	set_prev(st, saved_prev, saved_prev_len);
	copy_origin(st); /* the included file's $ORIGIN ends with it */
}

/* The failover directives, kept as text for zones/stanza.c. */
static bool stanza_directive(const char *word, enum stanza_kind *kind)
{
	static const struct {
		const char *name;
		enum stanza_kind kind;
	} directives[] = {
		{ "$CHECK", STANZA_CHECK },
		{ "$SITE", STANZA_SITE },
		{ "$GEO-NET", STANZA_GEO_NET },
		{ "$GEO-MAP", STANZA_GEO_MAP },
	};

	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strcasecmp(word, directives[i].name) == 0) {
			*kind = directives[i].kind;
			return true;
		}
	return false;
}

static void handle_directive(struct load_state *st, char *text, const char *file, unsigned line)
{
	char *args, *word = next_word(text, &args), quote[DIAG_EXCERPT_SIZE];
	enum stanza_kind kind;

	if (strcasecmp(word, "$ORIGIN") == 0)
		directive_origin(st, args, file, line);
	else if (strcasecmp(word, "$TTL") == 0)
		directive_ttl(st, args, file, line);
	else if (strcasecmp(word, "$INCLUDE") == 0)
		directive_include(st, args, file, line);
	else if (stanza_directive(word, &kind)) {
		if (add_stanza(st->src, kind, args, file, line) < 0)
			diag_add(st->d, file, line, "out of memory");
	} else
		diag_add(st->d, file, line,
			 "unknown directive %s (known: $ORIGIN, $TTL, $INCLUDE, $CHECK, $SITE, "
			 "$GEO-NET, $GEO-MAP)",
			 diag_excerpt(quote, word));
}

static bool is_class(const char *w)
{
	return strcasecmp(w, "IN") == 0 || strcasecmp(w, "CH") == 0 || strcasecmp(w, "HS") == 0 ||
	       strcasecmp(w, "CS") == 0 || strncasecmp(w, "CLASS", 5) == 0;
}

/* `owner [ttl] [class] FAILOVER args`, which ldns cannot read: returns true when `text` is
 * one (handled here, errors included), false to let ldns read it. */
static bool handle_failover(struct load_state *st, const char *text, const char *file,
			    unsigned line)
{
	char *copy = strdup(text), *rest, *word, *owner_text = NULL, *ttl_text = NULL;
	char quote[DIAG_EXCERPT_SIZE];
	struct zone_source_stanza *stanza;
	bool blank = text[0] == ' ' || text[0] == '\t', found = false;
	const char *end = NULL;

	if (copy == NULL)
		return false;
	rest = copy;
	if (!blank)
		owner_text = next_word(rest, &rest);
	for (int i = 0; i < 3 && (word = next_word(rest, &rest)) != NULL; i++) {
		if (strcasecmp(word, "FAILOVER") == 0) {
			found = true;
			break;
		}
		if (isdigit((unsigned char)word[0]) && ttl_text == NULL)
			ttl_text = word;
		else if (!is_class(word))
			break;
	}
	if (!found) {
		free(copy);
		return false;
	}
	if (add_stanza(st->src, STANZA_FAILOVER, rest, file, line) < 0) {
		diag_add(st->d, file, line, "out of memory");
		free(copy);
		return true;
	}
	stanza = &st->src->stanzas[st->src->stanza_count - 1];
	stanza->ttl = st->default_ttl;
	if (ttl_text != NULL) {
		stanza->ttl = ldns_str2period(ttl_text, &end);
		if (*end != '\0')
			diag_add(st->d, file, line, "FAILOVER TTL '%s' is not a TTL",
				 diag_excerpt(quote, ttl_text));
	}
	if (owner_text == NULL)
		stanza->owner = prev_rdf(st);
	else if (strcmp(owner_text, "@") == 0)
		stanza->owner = ldns_rdf_clone(st->origin);
	else
		stanza->owner = parse_origin(st, owner_text);
	if (stanza->owner != NULL && ldns_rdf_size(stanza->owner) > DNAME_MAX_LEN) {
		diag_add(st->d, file, line,
			 "the owner name is longer than 255 bytes (RFC 1035 "
			 "§3.1): shorten it or its $ORIGIN");
		ldns_rdf_deep_free(stanza->owner);
		stanza->owner = NULL;
	} else if (stanza->owner == NULL)
		diag_add(st->d, file, line, "FAILOVER owner '%s' is not a valid domain name",
			 owner_text ? diag_excerpt(quote, owner_text) : "(blank)");
	else
		set_prev(st, ldns_rdf_data(stanza->owner), ldns_rdf_size(stanza->owner));
	free(copy);
	return true;
}

/* What makes a record ldns read unfit to serve, or NULL. ldns accepts generic data (RFC 3597
 * "\#") that stops at a field boundary, such as an NS or SOA with no data at all, and reads an
 * unknown mnemonic without data ("www AAA") as TYPE0; the compiler and the encoder read every
 * field of the types they know, and RFC 6895 §3.1 keeps TYPE0, OPT and the meta-TYPEs 128-255
 * out of zones. */
static const char *record_problem(const ldns_rr *rr)
{
	uint16_t type = ldns_rr_get_type(rr);
	const ldns_rr_descriptor *desc = ldns_rr_descript(type);

	if (type == 0 || type == LDNS_RR_TYPE_OPT || (type >= 128 && type <= 255))
		return "this type cannot be served from a zone (RFC 6895 §3.1): is it misspelt?";
	if (desc != NULL && ldns_rr_rd_count(rr) < ldns_rr_descriptor_minimum(desc))
		return "the data lacks fields its type requires (RFC 3597 §5): complete it";
	/* ldns appends $ORIGIN to relative names without checking the result's length */
	if (ldns_rdf_size(ldns_rr_owner(rr)) > DNAME_MAX_LEN)
		return "the owner name is longer than 255 bytes (RFC 1035 §3.1): shorten it or "
		       "its $ORIGIN";
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		if (ldns_rdf_get_type(ldns_rr_rdf(rr, i)) == LDNS_RDF_TYPE_DNAME &&
		    ldns_rdf_size(ldns_rr_rdf(rr, i)) > DNAME_MAX_LEN)
			return "a name in the data is longer than 255 bytes (RFC 1035 §3.1): "
			       "shorten "
			       "it or its $ORIGIN";
	return NULL;
}

/* Whether `word` (up to a blank) reads as RDATA field `i` of type `desc`. */
static bool field_reads(const ldns_rr_descriptor *desc, size_t i, const char *word)
{
	char token[256];
	size_t len = strcspn(word, " \t");
	ldns_rdf *rdf;

	if (len >= sizeof(token) || i >= ldns_rr_descriptor_maximum(desc))
		return true; /* cannot tell */
	memcpy(token, word, len);
	token[len] = '\0';
	if (strcmp(token, "@") == 0 || strchr(token, '"') != NULL)
		return true;
	rdf = ldns_rdf_new_frm_str(ldns_rr_descriptor_field_type(desc, i), token);
	ldns_rdf_deep_free(rdf);
	return rdf != NULL;
}

static const char *skip_word(const char *s)
{
	s += strcspn(s, " \t");
	return s + strspn(s, " \t");
}

/* The word of a record ldns refused that a message quotes (ldns does not say which): the TTL
 * or the type when ldns names them, else the first RDATA word that does not read as its
 * field, else the first RDATA word; the owner when the record stops before its type. */
static const char *offending_word(const char *text, ldns_status status)
{
	const char *owner = text + strspn(text, " \t"), *w = skip_word(owner), *type = NULL;
	const ldns_rr_descriptor *desc;
	char word[16];

	for (int i = 0; i < 3 && *w != '\0'; i++, w = skip_word(w)) {
		size_t len = strcspn(w, " \t");

		snprintf(word, sizeof(word), "%.*s", (int)(len < 15 ? len : 15), w);
		if (isdigit((unsigned char)*w)) {
			if (status == LDNS_STATUS_SYNTAX_TTL_ERR)
				return w;
		} else if (!is_class(word)) {
			type = w;
			break;
		}
	}
	if (type == NULL)
		return owner;
	w = skip_word(type);
	if (status == LDNS_STATUS_SYNTAX_TYPE_ERR || *w == '\0')
		return type;
	desc = ldns_rr_descript(ldns_get_rr_type_by_name(word));
	for (size_t i = 0; desc != NULL && *w != '\0'; i++, w = skip_word(w))
		if (!field_reads(desc, i, w))
			return w;
	return skip_word(type);
}

/* A plain record of a common type, read without ldns (zones/fast_rr.c): true when done. It
 * cannot be a FAILOVER, whose type is not one the fast path reads. */
static bool read_fast(struct load_state *st, const char *text, const char *file, unsigned line)
{
	struct fast_rr_context ctx = {
		.origin = ldns_rdf_data(st->origin),
		.origin_len = ldns_rdf_size(st->origin),
		.prev = st->prev,
		.prev_len = st->prev_len,
		.default_ttl = st->default_ttl,
	};

	if (!fast_rr_parse(text, &ctx, st->rr))
		return false;
	set_prev(st, st->rr->owner, st->rr->owner_len);
	if (add_rr(st->src, st->rr, file, line) < 0)
		diag_add(st->d, file, line, "out of memory");
	return true;
}

static void handle_record(struct load_state *st, const char *text, const char *file, unsigned line)
{
	ldns_status status;
	ldns_rr *rr = NULL;
	char *owner_text = NULL, *joined = NULL, quote[DIAG_EXCERPT_SIZE];
	const char *problem;

	if (read_fast(st, text, file, line) || handle_failover(st, text, file, line))
		return;
	if (text[0] == ' ' || text[0] == '\t') {
		/* A blank owner repeats the previous one (RFC 1035 §5.1). */
		if (st->prev_len == 0) {
			diag_add(st->d, file, line,
				 "record has no owner name and no earlier record to take it from");
			return;
		}
		owner_text = prev_str(st);
		if (owner_text == NULL || asprintf(&joined, "%s%s", owner_text, text) < 0) {
			free(owner_text);
			diag_add(st->d, file, line, "out of memory");
			return;
		}
		text = joined;
	}
	status = ldns_rr_new_frm_str(&rr, text, st->default_ttl, st->origin, NULL);
	free(owner_text);
	if (status != LDNS_STATUS_OK) {
		diag_add(st->d, file, line, "cannot read the record: '%s': %s",
			 diag_excerpt(quote, offending_word(text, status)),
			 ldns_get_errorstr_by_id(status));
		free(joined);
		return;
	}
	free(joined);
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		diag_add(st->d, file, line,
			 "only class IN is served; remove the record or write IN");
		ldns_rr_free(rr);
		return;
	}
	problem = record_problem(rr);
	if (problem != NULL) {
		diag_add(st->d, file, line, "%s", problem);
		ldns_rr_free(rr);
		return;
	}
	set_prev(st, ldns_rdf_data(ldns_rr_owner(rr)), ldns_rdf_size(ldns_rr_owner(rr)));
	if (fast_rr_from_ldns(st->rr, rr) < 0 || add_rr(st->src, st->rr, file, line) < 0)
		diag_add(st->d, file, line, "out of memory");
	ldns_rr_free(rr);
}

/* Whether the whole read must stop before the next entry: too many errors, a deadline, a
 * cancel. Sets st->stop once, after saying why. */
static bool must_stop(struct load_state *st, const char *file, unsigned line)
{
	if (st->stop == 0 && st->d->count - st->errors_before >= LOAD_ERRORS_MAX) {
		diag_add(st->d, file, line,
			 "too many errors (%d); the rest was not read: fix these first",
			 LOAD_ERRORS_MAX);
		st->stop = -EOVERFLOW;
	}
	if (st->stop == 0 && diag_should_stop(st->d, file, line))
		st->stop = st->d->stopped;
	return st->stop != 0;
}

static void handle_entry(struct load_state *st, const struct reader_entry *e, const char *file)
{
	char *text;

	if (e->text[0] != '$') {
		copy_entry(st, e->text);
		handle_record(st, e->text, file, e->line);
		return;
	}
	if (strncasecmp(e->text, "$INCLUDE", 8) != 0)
		copy_entry(st, e->text);
	text = strdup(e->text);
	if (text == NULL) {
		diag_add(st->d, file, e->line, "out of memory");
		st->stop = -ENOMEM;
		return;
	}
	handle_directive(st, text, file, e->line);
	free(text);
}

static void read_stream(struct load_state *st, FILE *fp, const char *file)
{
	struct reader r;
	struct reader_entry e;
	int rc;

	reader_init(&r, fp, file);
	while (!must_stop(st, file, r.line + 1) && (rc = reader_next(&r, &e, st->d)) != 0) {
		if (rc == -EBADMSG)
			continue; /* reported; the reader resyncs at the next entry */
		if (rc < 0) {
			st->stop = rc; /* reported: the rest cannot be read */
			break;
		}
		handle_entry(st, &e, file);
	}
	reader_fini(&r);
	if (st->stop == 0 && ferror(fp)) {
		/* a read failed part way: what was read is not the zone */
		diag_add(st->d, file, r.line + 1, "cannot read: %s", strerror(EIO));
		st->stop = -EIO;
	}
}

/* "a.zone -> b.zone -> a.zone": the stack from the file met again to the one including it. */
static void include_loop(struct load_state *st, unsigned from, const char *path, const char *file,
			 unsigned line)
{
	char chain[1024];
	size_t n = 0;

	chain[0] = '\0';
	for (unsigned i = from; i < st->depth && n < sizeof(chain); i++)
		n += (size_t)snprintf(chain + n, sizeof(chain) - n, "%s -> ", st->stack[i].name);
	diag_add(st->d, file, line, "$INCLUDE %s: includes itself through %s%s: remove the loop",
		 path, chain, st->stack[from].name);
}

/* Opens `path`, refusing a file already on the $INCLUDE stack; `from`/`line` name the
 * $INCLUDE (NULL for the zone file itself). Reports its errors; returns 0 or -errno. */
static int open_file(struct load_state *st, const char *path, const char *from, unsigned line,
		     FILE **fp, struct stat *sb)
{
	const char *kind;
	char why[160];
	int rc = reader_open(path, fp, &kind);

	if (rc == 0 && fstat(fileno(*fp), sb) < 0)
		rc = -errno;
	if (rc < 0) {
		const char *fix = rc == -ENOTSUP ? "; zone files must be regular files" : "";

		reader_open_error(rc, kind, why, sizeof(why));
		if (from != NULL)
			diag_add(st->d, from, line, "$INCLUDE %s: %s%s", path, why, fix);
		else
			diag_add(st->d, path, 0, "cannot read zone file: %s%s", why, fix);
		if (*fp != NULL && rc < 0)
			fclose(*fp);
		return rc;
	}
	for (unsigned i = 0; i < st->depth; i++)
		if (st->stack[i].dev == sb->st_dev && st->stack[i].ino == sb->st_ino) {
			include_loop(st, i, path, from, line);
			fclose(*fp);
			return -ELOOP;
		}
	if (st->depth > INCLUDE_DEPTH_MAX) {
		diag_add(st->d, from, line,
			 "$INCLUDE %s: nested more than %d deep: include fewer levels", path,
			 INCLUDE_DEPTH_MAX);
		fclose(*fp);
		return -EMLINK;
	}
	return 0;
}

static int read_file(struct load_state *st, const char *path, const char *from, unsigned line)
{
	const char *file;
	struct stat sb;
	FILE *fp = NULL;
	int rc = open_file(st, path, from, line, &fp, &sb);

	if (rc < 0)
		return rc;
	file = remember_file(st->src, path);
	if (file == NULL) {
		fclose(fp);
		diag_add(st->d, from ? from : path, line, "out of memory");
		st->stop = -ENOMEM;
		return -ENOMEM;
	}
	st->stack[st->depth++] = (struct open_file){ sb.st_dev, sb.st_ino, file };
	read_stream(st, fp, file);
	st->depth--;
	fclose(fp);
	return 0;
}

static int start(struct zone_source *src, struct load_state *st, const char *origin, struct diag *d)
{
	memset(src, 0, sizeof(*src));
	arena_init(&src->pool);
	memset(st, 0, sizeof(*st));
	st->src = src;
	st->d = d;
	st->errors_before = d->count;
	st->default_ttl = 3600;
	st->rr = malloc(sizeof(*st->rr));
	if (st->rr == NULL)
		return -ENOMEM;
	if (ldns_str2rdf_dname(&src->origin, origin) != LDNS_STATUS_OK)
		return -EINVAL;
	st->origin = ldns_rdf_clone(src->origin);
	return st->origin ? 0 : -ENOMEM;
}

/* -EINVAL when the read added errors but could go on (the caller compiles what it read, to
 * report every mistake), the reason it stopped when it could not. */
static int finish(struct load_state *st, int rc)
{
	ldns_rdf_deep_free(st->origin);
	free(st->rr);
	if (rc < 0)
		return rc;
	if (st->stop < 0)
		return st->stop;
	return st->d->count > st->errors_before ? -EINVAL : 0;
}

int zone_source_read(struct zone_source *src, const char *origin, const char *path, struct diag *d)
{
	return zone_source_read_copy(src, origin, path, NULL, d);
}

int zone_source_read_copy(struct zone_source *src, const char *origin, const char *path, FILE *copy,
			  struct diag *d)
{
	struct load_state st;
	int rc = start(src, &st, origin, d);

	st.copy = copy;
	copy_origin(&st);
	if (rc == -EINVAL)
		diag_add(d, path, 0, "zone name '%s' is not a valid domain name", origin);
	if (rc < 0)
		return finish(&st, rc);
	return finish(&st, read_file(&st, path, NULL, 0));
}

int zone_source_read_stream(struct zone_source *src, const char *origin, FILE *fp, const char *name,
			    struct diag *d)
{
	struct load_state st;
	const char *file;
	int rc = start(src, &st, origin, d);

	if (rc < 0)
		return finish(&st, rc);
	file = remember_file(src, name);
	if (file == NULL)
		return finish(&st, -ENOMEM);
	read_stream(&st, fp, file);
	return finish(&st, 0);
}

void zone_source_fini(struct zone_source *src)
{
	free(src->rrs);
	arena_fini(&src->pool);
	for (size_t i = 0; i < src->stanza_count; i++) {
		free(src->stanzas[i].args);
		ldns_rdf_deep_free(src->stanzas[i].owner);
	}
	free(src->stanzas);
	for (size_t i = 0; i < src->file_count; i++)
		free(src->files[i]);
	free(src->files);
	ldns_rdf_deep_free(src->origin);
	memset(src, 0, sizeof(*src));
}
