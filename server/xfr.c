/* AXFR and IXFR out. A transfer is a sequence of records (zones/walk.c's for AXFR; the
 * journal's differences for IXFR) cut into messages of about XFR_MESSAGE_TARGET bytes, each
 * signed when the request was (RFC 8945 §5.3.1: every message, chained by the prior MAC).
 * Names are compressed within each message (RFC 1035 §4.1.4) by server/response.c's encoder,
 * before the MAC is computed over the message as sent: a third fewer bytes than without. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/addr_text.h"
#include "baton/log.h"
#include "baton/wire.h"
#include "server/dns.h"
#include "server/export.h"
#include "server/response.h"
#include "server/server.h"
#include "server/tsig.h"
#include "server/xfr.h"
#include "server/xfr_request.h"
#include "zones/walk.h"

#define XFR_LIST_MAX (PICK_MAX * SITE_ADDRESSES_MAX * 2)
#define XFR_COMPRESS_KEEP 16

/* One record to send. */
struct rec {
	const uint8_t *owner;
	const struct zone_rr *rr;
	uint32_t ttl;
	bool soa; /* its SERIAL is `serial` */
	uint32_t serial;
};

enum xfr_stage { STAGE_OPEN, STAGE_BODY, STAGE_DONE };

struct xfr {
	struct export *e;
	struct export_zone *ez;
	const struct zone *z;
	uint64_t generation;
	uint32_t serial;
	struct xfr_request req;
	struct sockaddr_storage peer;
	bool incremental; /* IXFR from the journal; else every record (AXFR, or AXFR-style) */
	enum xfr_stage stage;
	bool signing;
	struct tsig_signer signer;
	struct rec pending;
	bool has_pending;
	struct response names; /* only its compression table: the message's names so far */
	unsigned messages;
	unsigned long records;
	/* AXFR */
	struct pick_set *picks; /* the export's, copied: the sites `serial` carries */
	struct walk walk;
	/* IXFR: diff d (ring position first + d) of count, phase 0 SOA(from), 1 deletions,
	 * 2 SOA(to), 3 additions; change c of the diff; list[k] of the phase. */
	unsigned first, count, d, phase, c, k, list_count;
	const struct zone_rr *list[XFR_LIST_MAX];
};

static struct log_limit refused_limit = LOG_LIMIT_INIT(10, 60);

static const char *kind_name(const struct xfr_request *r)
{
	return r->qtype == DNS_TYPE_IXFR ? "IXFR" : "AXFR";
}

/* A header and, when asked, the question, for a message answering `r`. */
static void write_header(struct wire *w, const struct xfr_request *r, uint16_t rcode, bool question)
{
	wire_write_u16(w, r->id);
	wire_write_u16(w,
		       (uint16_t)(DNS_FLAG_QR | r->flags | rcode | (r->opcode << DNS_OPCODE_SHIFT) |
				  (rcode == DNS_RCODE_NOERROR ? DNS_FLAG_AA : 0)));
	wire_write_u16(w, question ? 1 : 0);
	wire_write_u16(w, 0);
	wire_write_u16(w, 0);
	wire_write_u16(w, 0);
	if (question)
		wire_write(w, r->question, r->question_len);
}

/* An error answer: header, question, and the TSIG error record when the request had one. */
static size_t error_answer(const struct xfr_request *r, uint16_t rcode,
			   const struct config_tsig_key *key, uint16_t tsig_error, uint8_t *out,
			   size_t cap)
{
	struct wire w;
	int len;

	wire_init(&w, out, cap);
	write_header(&w, r, rcode, r->question_len > 0);
	if (w.error)
		return 0;
	if (!r->has_tsig || (tsig_error == TSIG_NOERROR && key == NULL))
		return wire_offset(&w);
	{
		struct tsig_signer sg;
		uint64_t now = (uint64_t)time(NULL);
		uint8_t other[6];

		/* BADTIME carries our clock (RFC 8945 §5.2.3), in a signed answer */
		wire_put_u16(other, (uint16_t)(now >> 32));
		wire_put_u16(other + 2, (uint16_t)(now >> 16));
		wire_put_u16(other + 4, (uint16_t)now);
		tsig_signer_init(
			&sg, tsig_error == TSIG_BADTIME || tsig_error == TSIG_NOERROR ? key : NULL,
			&r->tsig);
		if (tsig_error == TSIG_BADTIME)
			sg.time_signed = r->tsig.time_signed;
		len = tsig_sign(&sg, out, wire_offset(&w), cap, now, tsig_error, other,
				tsig_error == TSIG_BADTIME ? 6 : 0, &r->tsig);
	}
	return len > 0 ? (size_t)len : wire_offset(&w);
}

static const char *tsig_error_name(uint16_t e)
{
	return e == TSIG_BADKEY ? "BADKEY" : e == TSIG_BADSIG ? "BADSIG" : "BADTIME";
}

/* The RRs of the sites in `s` at FAILOVER `f` not among those of the sites in `other`, each
 * once: A records, then AAAA. */
static unsigned list_rrs(const struct zone_failover *f, const struct pick_set *s,
			 const struct pick_set *other, const struct zone_rr **out)
{
	const struct zone_site *mine[PICK_MAX], *theirs[PICK_MAX];
	unsigned n_mine = pick_set_sites(f, s, mine), n_theirs = pick_set_sites(f, other, theirs);
	unsigned n = 0;

	for (int family = 0; family < 2; family++) {
		for (unsigned i = 0; i < n_mine; i++) {
			const struct zone_rrset *set = family == 0 ? mine[i]->a : mine[i]->aaaa;

			for (uint16_t r = 0; r < set->rr_count && n < XFR_LIST_MAX; r++) {
				const struct zone_rr *rr = &set->rrs[r];
				bool found = false;

				for (unsigned j = 0; j < n && !found; j++)
					found = out[j]->len == rr->len &&
						memcmp(out[j]->wire, rr->wire, rr->len) == 0;
				for (unsigned t = 0; t < n_theirs && !found; t++) {
					const struct zone_rrset *o =
						family == 0 ? theirs[t]->a : theirs[t]->aaaa;

					for (uint16_t q = 0; q < o->rr_count && !found; q++)
						found = o->rrs[q].len == rr->len &&
							memcmp(o->rrs[q].wire, rr->wire, rr->len) ==
								0;
				}
				if (!found)
					out[n++] = rr;
			}
		}
	}
	return n;
}

static void soa_rec(const struct xfr *x, struct rec *out, uint32_t serial)
{
	out->owner = x->z->apex->name;
	out->rr = &x->z->soa->rrs[0];
	out->ttl = x->z->soa->ttl;
	out->soa = true;
	out->serial = serial;
}

/* The next record of an IXFR's difference sequences (RFC 1995 §4). */
static bool ixfr_next(struct xfr *x, struct rec *out)
{
	while (x->d < x->count) {
		const struct export_diff *diff = export_journal_at(x->ez, x->first + x->d);
		const struct export_change *ch;
		const struct zone_node *n;

		if (x->phase == 0 || x->phase == 2) {
			soa_rec(x, out, x->phase == 0 ? diff->from : diff->to);
			x->phase++;
			x->c = x->k = x->list_count = 0;
			return true;
		}
		if (x->c >= diff->count) {
			if (++x->phase == 4) {
				x->phase = 0;
				x->d++;
			}
			continue;
		}
		ch = &diff->changes[x->c];
		n = x->z->failovers[ch->failover];
		if (x->k == 0 && x->list_count == 0)
			x->list_count =
				x->phase == 1
					? list_rrs(n->failover, &ch->before, &ch->after, x->list)
					: list_rrs(n->failover, &ch->after, &ch->before, x->list);
		if (x->k >= x->list_count) {
			x->c++;
			x->k = x->list_count = 0;
			continue;
		}
		out->owner = n->name;
		out->rr = x->list[x->k++];
		out->ttl = n->failover->ttl_min_s;
		out->soa = false;
		return true;
	}
	return false;
}

static bool next_rec(struct xfr *x, struct rec *out)
{
	struct walk_rr wr;

	if (x->has_pending) {
		*out = x->pending;
		x->has_pending = false;
		return true;
	}
	switch (x->stage) {
	case STAGE_OPEN:
		x->stage = STAGE_BODY;
		soa_rec(x, out, x->serial);
		if (!x->incremental)
			walk_next(&x->walk, &wr); /* the walk's SOA is this one */
		return true;
	case STAGE_BODY:
		if (x->incremental ? ixfr_next(x, out) : walk_next(&x->walk, &wr)) {
			if (!x->incremental)
				*out = (struct rec){ wr.owner, wr.rr, wr.ttl, false, 0 };
			return true;
		}
		x->stage = STAGE_DONE; /* the closing SOA */
		soa_rec(x, out, x->serial);
		return true;
	default: return false;
	}
}

/* Writes one record at the end of `msg`, its names compressed against those this message holds
 * already; false (nothing kept) when it would pass `limit`. */
static bool write_rec(struct xfr *x, struct wire *msg, const struct rec *r, size_t limit)
{
	uint16_t names = x->names.compress_count;
	size_t end = (size_t)(msg->end - msg->start);
	struct wire w;

	wire_init(&w, msg->start, limit < end ? limit : end);
	wire_seek(&w, wire_offset(msg));
	response_write_rr(&x->names, &w, r->owner, r->rr, r->ttl);
	/* SERIAL is 20 bytes before the end of an SOA's RDATA (RFC 1035 §3.3.13) */
	if (r->soa && wire_offset(&w) >= 20)
		wire_patch_u32(&w, wire_offset(&w) - 20, r->serial);
	if (w.error) {
		/* no pointer may lead to the bytes left out: xfr_next() ends the message here */
		x->names.compress_count = names;
		return false;
	}
	wire_seek(msg, wire_offset(&w));
	return !msg->error;
}

int xfr_next(struct xfr *x, uint8_t *out, size_t cap)
{
	size_t room = x->signing ? tsig_room(x->signer.key) : 0, limit;
	uint16_t count = 0;
	struct rec r;
	struct wire w;
	int len;

	if (x->stage == STAGE_DONE && !x->has_pending)
		return 0;
	if (x->ez->generation != x->generation || (x->incremental && x->ez->serial != x->serial))
		return -ESTALE;
	if (cap > 65535)
		cap = 65535;
	wire_init(&w, out, cap);
	write_header(&w, &x->req, DNS_RCODE_NOERROR, x->messages == 0);
	/* pointers lead into this message only (RFC 1035 §4.1.4); its first names (the apex is
	 * among them) stay, the others make room for the recent ones: the walk is in canonical
	 * order, so a record's names are most often near those before it */
	x->names.compress_count = 0;
	x->names.compress_keep = XFR_COMPRESS_KEEP;
	x->names.compress_next = XFR_COMPRESS_KEEP;
	limit = XFR_MESSAGE_TARGET;
	while (next_rec(x, &r)) {
		/* one record larger than the target goes alone, up to what TCP carries */
		if (!write_rec(x, &w, &r, count == 0 ? cap - room : limit)) {
			if (count == 0)
				return -EMSGSIZE;
			x->pending = r;
			x->has_pending = true;
			break;
		}
		count++;
	}
	wire_put_u16(out + DNS_HEADER_ANCOUNT, count);
	x->records += count;
	x->messages++;
	len = (int)wire_offset(&w);
	if (x->signing)
		len = tsig_sign(&x->signer, out, (size_t)len, cap, (uint64_t)time(NULL),
				TSIG_NOERROR, NULL, 0, NULL);
	return len;
}

void xfr_free(struct xfr *x)
{
	char peer[ADDR_TEXT_MAX];

	if (x == NULL)
		return;
	log_info("zone %s: %s%s to %s: serial %u, %lu records in %u messages%s", x->ez->cz->name,
		 kind_name(&x->req),
		 x->req.qtype == DNS_TYPE_IXFR && !x->incremental ? " (AXFR-style)" : "",
		 addr_text_port(&x->peer, peer), x->serial, x->records, x->messages,
		 x->stage == STAGE_DONE && !x->has_pending ? "" : ", cut short");
	free(x->picks);
	free(x);
}

/* The transfer itself, once the request is allowed. */
static int start(struct export *e, struct export_zone *ez, const struct xfr_request *r,
		 const struct sockaddr_storage *peer, const struct config_tsig_key *key,
		 struct xfr **out)
{
	struct xfr *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -ENOMEM;
	x->e = e;
	x->ez = ez;
	x->z = ez->z;
	x->generation = ez->generation;
	x->serial = ez->serial;
	x->req = *r;
	x->peer = *peer;
	if (r->qtype == DNS_TYPE_IXFR)
		x->count = export_journal_from(ez, r->serial, &x->first);
	x->incremental = x->count > 0;
	if (!x->incremental) {
		x->picks = malloc((ez->z->failover_count ? ez->z->failover_count : 1) *
				  sizeof(*x->picks));
		if (x->picks == NULL) {
			free(x);
			return -ENOMEM;
		}
		memcpy(x->picks, ez->picks, ez->z->failover_count * sizeof(*x->picks));
		walk_init(&x->walk, ez->z, x->picks);
	}
	if (key != NULL) {
		x->signing = true;
		tsig_signer_init(&x->signer, key, &x->req.tsig);
	}
	*out = x;
	return 0;
}

size_t xfr_begin(struct export *e, const uint8_t *msg, size_t len,
		 const struct sockaddr_storage *peer, uint8_t *out, size_t cap, struct xfr **stream)
{
	const struct config *cfg = &e->s->cfg;
	const struct config_tsig_key *key = NULL;
	struct xfr_request r;
	struct export_zone *ez;
	char who[ADDR_TEXT_MAX], zone[DNAME_STR_MAX];
	int rc = xfr_request_parse(msg, len, &r);
	uint16_t err = TSIG_NOERROR;

	*stream = NULL;
	if (rc == -EPROTO)
		return 0;
	if (rc < 0) {
		r.has_tsig = false; /* a malformed request gets no TSIG back */
		return error_answer(&r, DNS_RCODE_FORMERR, NULL, 0, out, cap);
	}
	addr_text_port(peer, who);
	dname_to_str(r.qname, zone, sizeof(zone));
	ez = r.qclass == DNS_CLASS_IN ? export_find(e, r.qname) : NULL;
	if (r.has_tsig) {
		err = tsig_verify(cfg->tsig_keys, cfg->tsig_key_count, msg, &r.tsig,
				  (uint64_t)time(NULL), &key);
		if (err != TSIG_NOERROR) {
			log_limited(&refused_limit, LOG_LEVEL_WARN, "zone %s: %s to %s: TSIG %s",
				    zone, kind_name(&r), who, tsig_error_name(err));
			return error_answer(&r, DNS_RCODE_NOTAUTH, key, err, out, cap);
		}
	}
	if (ez == NULL && zoneset_get(e->s->zones, r.qname) == NULL) {
		log_limited(&refused_limit, LOG_LEVEL_WARN, "zone %s: %s to %s: not served", zone,
			    kind_name(&r), who);
		return error_answer(&r, DNS_RCODE_NOTAUTH, key, TSIG_NOERROR, out, cap);
	}
	if (ez == NULL || !export_zone_is_active(ez) ||
	    !xfr_acl_allows(ez->cz, (const struct sockaddr *)peer,
			    key ? (int)(key - cfg->tsig_keys) : -1)) {
		log_limited(&refused_limit, LOG_LEVEL_WARN, "zone %s: %s to %s refused (%s)", zone,
			    kind_name(&r), who,
			    ez == NULL ? "no provide-xfr" : "not in provide-xfr");
		return error_answer(&r, DNS_RCODE_REFUSED, key, TSIG_NOERROR, out, cap);
	}
	/* RFC 1995 §2: a client as new as we are gets the SOA alone */
	if (r.qtype == DNS_TYPE_IXFR && !serial_gt(ez->serial, r.serial)) {
		struct xfr *x;

		if (start(e, ez, &r, peer, key, &x) < 0)
			return error_answer(&r, DNS_RCODE_SERVFAIL, key, TSIG_NOERROR, out, cap);
		x->stage = STAGE_DONE;
		x->incremental = true; /* no difference: not AXFR-style either */
		x->has_pending = true;
		soa_rec(x, &x->pending, x->serial);
		rc = xfr_next(x, out, cap);
		xfr_free(x);
		return rc > 0 ? (size_t)rc : 0;
	}
	if (start(e, ez, &r, peer, key, stream) < 0)
		return error_answer(&r, DNS_RCODE_SERVFAIL, key, TSIG_NOERROR, out, cap);
	return 0;
}
