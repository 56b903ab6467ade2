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
#include "zones/load.h"
#include "zones/reader.h"

#define INCLUDE_DEPTH_MAX 8

struct load_state {
	struct zone_source *src;
	struct diag *d;
	ldns_rdf *origin; /* current $ORIGIN, owned */
	ldns_rdf *prev; /* previous owner, owned */
	uint32_t default_ttl;
	unsigned depth;
	FILE *copy; /* receives the zone as one self-contained file, or NULL */
};

static int read_file(struct load_state *st, const char *path, unsigned depth);

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
	if ((text[0] == ' ' || text[0] == '\t') && st->prev != NULL &&
	    (owner = ldns_rdf2str(st->prev)) != NULL) {
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

static int add_rr(struct zone_source *src, ldns_rr *rr, const char *file, unsigned line)
{
	if (src->count == src->cap) {
		size_t cap = src->cap ? src->cap * 2 : 64;
		struct zone_source_rr *rrs = realloc(src->rrs, cap * sizeof(*rrs));

		if (rrs == NULL)
			return -ENOMEM;
		src->rrs = rrs;
		src->cap = cap;
	}
	src->rrs[src->count++] = (struct zone_source_rr){ rr, file, line };
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
	char *rest, *arg = next_word(args, &rest);
	ldns_rdf *name;

	if (arg == NULL || next_word(rest, &rest) != NULL) {
		diag_add(st->d, file, line, "$ORIGIN takes one domain name");
		return;
	}
	name = parse_origin(st, arg);
	if (name == NULL) {
		diag_add(st->d, file, line, "$ORIGIN '%s' is not a valid domain name", arg);
		return;
	}
	ldns_rdf_deep_free(st->origin);
	st->origin = name;
}

static void directive_ttl(struct load_state *st, char *args, const char *file, unsigned line)
{
	char *rest, *arg = next_word(args, &rest);
	const char *end = NULL;
	uint32_t ttl;

	if (arg == NULL || next_word(rest, &rest) != NULL) {
		diag_add(st->d, file, line, "$TTL takes one value, such as 3600 or 1h");
		return;
	}
	ttl = ldns_str2period(arg, &end);
	if (end == arg || *end != '\0' || ttl > INT32_MAX) {
		diag_add(st->d, file, line, "$TTL '%s' is not a TTL (seconds, or units like 1h30m)",
			 arg);
		return;
	}
	st->default_ttl = ttl;
}

static void directive_include(struct load_state *st, char *args, const char *file, unsigned line)
{
	char *rest, *path = next_word(args, &rest), *origin_text = next_word(rest, &rest);
	char full[4096], dir[4096];
	ldns_rdf *saved_origin = st->origin, *saved_prev = st->prev;
	int rc;

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
	st->prev = NULL;
	if (st->origin == NULL) {
		diag_add(st->d, file, line, "$INCLUDE origin '%s' is not a valid domain name",
			 origin_text);
	} else {
		copy_origin(st);
		rc = read_file(st, path, st->depth + 1);
		if (rc == -ELOOP)
			diag_add(st->d, file, line,
				 "$INCLUDE %s: nested more than %d deep; does a file include "
				 "itself?",
				 path, INCLUDE_DEPTH_MAX);
		else if (rc < 0 && rc != -EINVAL)
			diag_add(st->d, file, line, "$INCLUDE %s: %s", path, strerror(-rc));
	}
	ldns_rdf_deep_free(st->origin);
	ldns_rdf_deep_free(st->prev);
	st->origin = saved_origin;
	st->prev = saved_prev;
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
	char *args, *word = next_word(text, &args);
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
			 word);
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
			diag_add(st->d, file, line, "FAILOVER TTL '%s' is not a TTL", ttl_text);
	}
	if (owner_text == NULL)
		stanza->owner = st->prev ? ldns_rdf_clone(st->prev) : NULL;
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
			 owner_text ? owner_text : "(blank)");
	else {
		ldns_rdf_deep_free(st->prev);
		st->prev = ldns_rdf_clone(stanza->owner);
	}
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

static void handle_record(struct load_state *st, const char *text, const char *file, unsigned line)
{
	ldns_status status;
	ldns_rr *rr = NULL;
	char *owner_text = NULL, *joined = NULL;
	const char *problem;

	if (handle_failover(st, text, file, line))
		return;
	if (text[0] == ' ' || text[0] == '\t') {
		/* A blank owner repeats the previous one (RFC 1035 §5.1). */
		if (st->prev == NULL) {
			diag_add(st->d, file, line,
				 "record has no owner name and no earlier record to take it from");
			return;
		}
		owner_text = ldns_rdf2str(st->prev);
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
		diag_add(st->d, file, line, "cannot read the record '%s': %s", text,
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
	ldns_rdf_deep_free(st->prev);
	st->prev = ldns_rdf_clone(ldns_rr_owner(rr));
	if (add_rr(st->src, rr, file, line) < 0) {
		diag_add(st->d, file, line, "out of memory");
		ldns_rr_free(rr);
	}
}

static int read_stream(struct load_state *st, FILE *fp, const char *file)
{
	struct reader r;
	struct reader_entry e;
	int rc;

	reader_init(&r, fp, file);
	while ((rc = reader_next(&r, &e, st->d)) != 0) {
		char *text;

		if (rc == -EBADMSG)
			continue; /* reported; the reader resyncs at the next entry */
		if (rc < 0)
			break;
		if (e.text[0] == '$') {
			if (strncasecmp(e.text, "$INCLUDE", 8) != 0)
				copy_entry(st, e.text);
			text = strdup(e.text);
			if (text == NULL) {
				rc = -ENOMEM;
				break;
			}
			handle_directive(st, text, file, e.line);
			free(text);
		} else {
			copy_entry(st, e.text);
			handle_record(st, e.text, file, e.line);
		}
	}
	reader_fini(&r);
	return rc;
}

static int read_file(struct load_state *st, const char *path, unsigned depth)
{
	const char *file;
	struct stat sb;
	FILE *fp;
	int rc, saved_depth = (int)st->depth;

	if (depth > INCLUDE_DEPTH_MAX)
		return -ELOOP;
	fp = fopen(path, "r");
	if (fp == NULL)
		return -errno;
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(fp); /* fopen() opens a folder, whose reads then fail */
		return -EISDIR;
	}
	file = remember_file(st->src, path);
	if (file == NULL) {
		fclose(fp);
		return -ENOMEM;
	}
	st->depth = depth;
	rc = read_stream(st, fp, file);
	if (rc >= 0 && ferror(fp))
		rc = -EIO; /* a read failed part way: what was read is not the zone */
	st->depth = (unsigned)saved_depth;
	fclose(fp);
	return rc;
}

static int start(struct zone_source *src, struct load_state *st, const char *origin, struct diag *d)
{
	memset(src, 0, sizeof(*src));
	memset(st, 0, sizeof(*st));
	st->src = src;
	st->d = d;
	st->default_ttl = 3600;
	if (ldns_str2rdf_dname(&src->origin, origin) != LDNS_STATUS_OK)
		return -EINVAL;
	st->origin = ldns_rdf_clone(src->origin);
	return st->origin ? 0 : -ENOMEM;
}

static int finish(struct load_state *st, size_t errors_before, int rc)
{
	ldns_rdf_deep_free(st->origin);
	ldns_rdf_deep_free(st->prev);
	if (rc < 0)
		return rc;
	return st->d->count > errors_before ? -EINVAL : 0;
}

int zone_source_read(struct zone_source *src, const char *origin, const char *path, struct diag *d)
{
	return zone_source_read_copy(src, origin, path, NULL, d);
}

int zone_source_read_copy(struct zone_source *src, const char *origin, const char *path, FILE *copy,
			  struct diag *d)
{
	struct load_state st;
	size_t before = d->count;
	int rc = start(src, &st, origin, d);

	st.copy = copy;
	copy_origin(&st);
	if (rc < 0) {
		diag_add(d, path, 0, "zone name '%s' is not a valid domain name", origin);
		return finish(&st, before, rc);
	}
	rc = read_file(&st, path, 0);
	if (rc < 0 && rc != -EINVAL)
		diag_add(d, path, 0, "cannot read zone file: %s", strerror(-rc));
	return finish(&st, before, rc);
}

int zone_source_read_stream(struct zone_source *src, const char *origin, FILE *fp, const char *name,
			    struct diag *d)
{
	struct load_state st;
	size_t before = d->count;
	const char *file;
	int rc = start(src, &st, origin, d);

	if (rc < 0)
		return finish(&st, before, rc);
	file = remember_file(src, name);
	rc = file ? read_stream(&st, fp, file) : -ENOMEM;
	return finish(&st, before, rc);
}

void zone_source_fini(struct zone_source *src)
{
	for (size_t i = 0; i < src->count; i++)
		ldns_rr_free(src->rrs[i].rr);
	free(src->rrs);
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
