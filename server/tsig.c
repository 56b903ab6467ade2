/* TSIG (RFC 8945) for transfers and NOTIFY: parse, verify, sign. The MACs are OpenSSL's HMAC
 * (EVP_MAC); the digest's components (§4.3.3, §5.3.1) are fed to it piece by piece, so no copy
 * of a message is made. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "baton/wire.h"
#include "server/dns.h"
#include "server/tsig.h"
#include "zones/dname.h"

/* Algorithm names as they go on the wire (RFC 8945 §6). */
static const uint8_t alg_sha1[] = "\x09hmac-sha1";
static const uint8_t alg_sha256[] = "\x0bhmac-sha256";
static const uint8_t alg_sha512[] = "\x0bhmac-sha512";

static const uint8_t *alg_wire(enum tsig_algorithm a, uint8_t *len)
{
	const uint8_t *w = a == TSIG_HMAC_SHA1	   ? alg_sha1
			   : a == TSIG_HMAC_SHA256 ? alg_sha256
						   : alg_sha512;

	*len = (uint8_t)(w[0] + 2); /* the label, its length byte and the root */
	return w;
}

static const char *alg_digest(enum tsig_algorithm a)
{
	return a == TSIG_HMAC_SHA1 ? "SHA1" : a == TSIG_HMAC_SHA256 ? "SHA256" : "SHA512";
}

static size_t alg_mac_len(enum tsig_algorithm a)
{
	return a == TSIG_HMAC_SHA1 ? 20 : a == TSIG_HMAC_SHA256 ? 32 : 64;
}

size_t tsig_room(const struct config_tsig_key *key)
{
	uint8_t alg_len;

	if (key == NULL)
		return 0;
	alg_wire(key->algorithm, &alg_len);
	/* owner, TYPE CLASS TTL RDLENGTH, algorithm, time 6, fudge, MAC size, MAC, id, error,
	 * other length, other (6 for BADTIME) */
	return key->wire_len + 10 + alg_len + 6 + 2 + 2 + alg_mac_len(key->algorithm) + 6 + 6;
}

/* A name at the cursor into out (lowercase, uncompressed). Pointers are followed only when
 * `follow` (owner names; names in TSIG RDATA must not be compressed, §4.2), and only backwards,
 * so a loop cannot be made. */
static int read_name(const uint8_t *msg, struct wire *w, bool follow, uint8_t *out, uint8_t *len)
{
	const uint8_t *p = w->pos, *end = w->end;
	size_t n = 0;
	bool jumped = false;

	for (;;) {
		uint8_t l;

		if (p >= end)
			return -EBADMSG;
		l = *p;
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (!follow || p + 1 >= end)
				return -EBADMSG;
			to = (size_t)(l & 0x3f) << 8 | p[1];
			if (msg + to >= p)
				return -EBADMSG;
			if (!jumped)
				w->pos = (uint8_t *)p + 2;
			jumped = true;
			p = msg + to;
			continue;
		}
		if (l & 0xc0 || n + 1 + l > 255 || p + 1 + l > end)
			return -EBADMSG;
		out[n++] = l;
		for (uint8_t i = 0; i < l; i++)
			out[n++] = (uint8_t)tolower(p[1 + i]);
		p += 1 + l;
		if (l == 0)
			break;
	}
	if (!jumped)
		w->pos = (uint8_t *)p;
	*len = (uint8_t)n;
	return 0;
}

static int parse_rdata(struct wire *w, const uint8_t *msg, struct tsig_rr *t, uint16_t rdlen)
{
	size_t end = wire_offset(w) + rdlen;

	if (!wire_can(w, rdlen) || read_name(msg, w, false, t->algorithm, &t->algorithm_len) < 0)
		return -EBADMSG;
	t->time_signed = (uint64_t)wire_read_u16(w) << 32;
	t->time_signed |= wire_read_u32(w);
	t->fudge = wire_read_u16(w);
	t->mac_len = wire_read_u16(w);
	t->mac = w->pos;
	wire_skip(w, t->mac_len);
	t->original_id = wire_read_u16(w);
	t->error = wire_read_u16(w);
	t->other_len = wire_read_u16(w);
	t->other = w->pos;
	wire_skip(w, t->other_len);
	if (w->error || wire_offset(w) != end || t->mac_len > TSIG_MAC_MAX)
		return -EBADMSG;
	return 0;
}

int tsig_parse(const uint8_t *msg, size_t len, struct tsig_rr *out)
{
	struct wire w;
	unsigned qd, rrs, ar;

	if (len < DNS_HEADER_LEN)
		return -EBADMSG;
	wire_init(&w, (uint8_t *)msg, len);
	wire_skip(&w, 4);
	qd = wire_read_u16(&w);
	rrs = wire_read_u16(&w);
	rrs += wire_read_u16(&w);
	ar = wire_read_u16(&w);
	rrs += ar;
	for (unsigned i = 0; i < qd; i++)
		if (dname_skip(&w) < 0 || (wire_skip(&w, 4), w.error))
			return -EBADMSG;
	for (unsigned i = 0; i < rrs; i++) {
		size_t start = wire_offset(&w);
		uint16_t type, rdlen;
		uint8_t owner[255], owner_len;

		if (read_name(msg, &w, true, owner, &owner_len) < 0)
			return -EBADMSG;
		type = wire_read_u16(&w);
		wire_skip(&w, 6);
		rdlen = wire_read_u16(&w);
		if (w.error)
			return -EBADMSG;
		if (type != DNS_TYPE_TSIG) {
			wire_skip(&w, rdlen);
			if (w.error)
				return -EBADMSG;
			continue;
		}
		if (i != rrs - 1 || ar == 0 || wire_offset(&w) + rdlen != len)
			return -EBADMSG; /* not the last record (RFC 8945 §5.1) */
		out->offset = start;
		memcpy(out->key_name, owner, owner_len);
		out->key_name_len = owner_len;
		return parse_rdata(&w, msg, out, rdlen);
	}
	return w.error || wire_offset(&w) != len ? -EBADMSG : -ENOENT;
}

/* One HMAC over the components of a digest. */
struct mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

static int mac_begin(struct mac *m, const struct config_tsig_key *key)
{
	OSSL_PARAM params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)alg_digest(key->algorithm), 0);
	params[1] = OSSL_PARAM_construct_end();
	m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	m->ctx = m->mac ? EVP_MAC_CTX_new(m->mac) : NULL;
	if (m->ctx == NULL || !EVP_MAC_init(m->ctx, key->secret, key->secret_len, params)) {
		EVP_MAC_CTX_free(m->ctx);
		EVP_MAC_free(m->mac);
		return -ENOMEM;
	}
	return 0;
}

static void mac_add(struct mac *m, const void *data, size_t len)
{
	EVP_MAC_update(m->ctx, data, len);
}

static void mac_add_u16(struct mac *m, uint16_t v)
{
	uint8_t b[2];

	wire_put_u16(b, v);
	mac_add(m, b, 2);
}

static int mac_end(struct mac *m, uint8_t *out, size_t *len)
{
	int ok = EVP_MAC_final(m->ctx, out, len, TSIG_MAC_MAX);

	EVP_MAC_CTX_free(m->ctx);
	EVP_MAC_free(m->mac);
	return ok ? 0 : -EINVAL;
}

/* The TSIG variables after the message (§4.3.3), or only the timers (§5.3.1). */
static void mac_add_variables(struct mac *m, const uint8_t *key_name, uint8_t key_name_len,
			      const uint8_t *alg, uint8_t alg_len, uint64_t time_signed,
			      uint16_t fudge, uint16_t error, const uint8_t *other,
			      uint16_t other_len, bool timers_only)
{
	uint8_t b[6];

	if (!timers_only) {
		mac_add(m, key_name, key_name_len);
		mac_add_u16(m, DNS_CLASS_ANY);
		mac_add_u16(m, 0); /* TTL */
		mac_add_u16(m, 0);
		mac_add(m, alg, alg_len);
	}
	wire_put_u16(b, (uint16_t)(time_signed >> 32));
	wire_put_u16(b + 2, (uint16_t)(time_signed >> 16));
	wire_put_u16(b + 4, (uint16_t)time_signed);
	mac_add(m, b, 6);
	mac_add_u16(m, fudge);
	if (timers_only)
		return;
	mac_add_u16(m, error);
	mac_add_u16(m, other_len);
	if (other_len > 0)
		mac_add(m, other, other_len);
}

static const struct config_tsig_key *find_key(const struct config_tsig_key *keys, size_t count,
					      const struct tsig_rr *t)
{
	for (size_t i = 0; i < count; i++) {
		uint8_t alg_len;
		const uint8_t *alg = alg_wire(keys[i].algorithm, &alg_len);

		if (keys[i].wire_len == t->key_name_len &&
		    memcmp(keys[i].wire, t->key_name, t->key_name_len) == 0 &&
		    alg_len == t->algorithm_len && memcmp(alg, t->algorithm, alg_len) == 0)
			return &keys[i];
	}
	return NULL;
}

enum tsig_error tsig_verify(const struct config_tsig_key *keys, size_t key_count,
			    const uint8_t *msg, const struct tsig_rr *t, uint64_t now,
			    const struct config_tsig_key **key)
{
	const struct config_tsig_key *k = find_key(keys, key_count, t);
	uint8_t header[DNS_HEADER_LEN], mac[TSIG_MAC_MAX];
	size_t mac_len = 0;
	struct mac m;

	*key = k;
	if (k == NULL)
		return TSIG_BADKEY;
	/* the digest covers the message as sent before the TSIG was added (§4.3.3) */
	memcpy(header, msg, DNS_HEADER_LEN);
	wire_put_u16(header, t->original_id);
	wire_put_u16(header + DNS_HEADER_ARCOUNT, wire_get_u16(header + DNS_HEADER_ARCOUNT) - 1);
	if (mac_begin(&m, k) < 0)
		return TSIG_BADSIG;
	mac_add(&m, header, DNS_HEADER_LEN);
	mac_add(&m, msg + DNS_HEADER_LEN, t->offset - DNS_HEADER_LEN);
	mac_add_variables(&m, t->key_name, t->key_name_len, t->algorithm, t->algorithm_len,
			  t->time_signed, t->fudge, t->error, t->other, t->other_len, false);
	if (mac_end(&m, mac, &mac_len) < 0 || t->mac_len != mac_len ||
	    CRYPTO_memcmp(mac, t->mac, mac_len) != 0)
		return TSIG_BADSIG;
	if (t->time_signed + t->fudge < now || now + t->fudge < t->time_signed)
		return TSIG_BADTIME;
	return TSIG_NOERROR;
}

void tsig_signer_init(struct tsig_signer *sg, const struct config_tsig_key *key,
		      const struct tsig_rr *request)
{
	memset(sg, 0, sizeof(*sg));
	sg->key = key;
	if (request == NULL)
		return;
	sg->has_prior = true;
	sg->prior_len = request->mac_len;
	memcpy(sg->prior, request->mac, request->mac_len);
}

int tsig_sign(struct tsig_signer *sg, uint8_t *msg, size_t len, size_t cap, uint64_t now,
	      uint16_t error, const uint8_t *other, uint16_t other_len,
	      const struct tsig_rr *request)
{
	bool unsigned_error = error == TSIG_BADKEY || error == TSIG_BADSIG;
	const uint8_t *key_name, *alg;
	uint8_t key_name_len, alg_len, mac[TSIG_MAC_MAX];
	uint64_t time_signed = sg->time_signed ? sg->time_signed : now;
	size_t mac_len = 0;
	struct wire w;

	if (sg->key != NULL) {
		key_name = sg->key->wire;
		key_name_len = sg->key->wire_len;
		alg = alg_wire(sg->key->algorithm, &alg_len);
	} else if (request != NULL && unsigned_error) {
		key_name = request->key_name;
		key_name_len = request->key_name_len;
		alg = request->algorithm;
		alg_len = request->algorithm_len;
	} else {
		return -EINVAL;
	}
	if (!unsigned_error) {
		struct mac m;

		if (mac_begin(&m, sg->key) < 0)
			return -ENOMEM;
		if (sg->has_prior) {
			mac_add_u16(&m, sg->prior_len);
			mac_add(&m, sg->prior, sg->prior_len);
		}
		mac_add(&m, msg, len);
		mac_add_variables(&m, key_name, key_name_len, alg, alg_len, time_signed,
				  TSIG_FUDGE_S, error, other, other_len, sg->subsequent);
		if (mac_end(&m, mac, &mac_len) < 0)
			return -ENOMEM;
	}
	wire_init(&w, msg, cap);
	wire_seek(&w, len);
	wire_write(&w, key_name, key_name_len);
	wire_write_u16(&w, DNS_TYPE_TSIG);
	wire_write_u16(&w, DNS_CLASS_ANY);
	wire_write_u32(&w, 0);
	wire_write_u16(&w, (uint16_t)(alg_len + 16 + mac_len + other_len));
	wire_write(&w, alg, alg_len);
	wire_write_u16(&w, (uint16_t)(time_signed >> 32));
	wire_write_u32(&w, (uint32_t)time_signed);
	wire_write_u16(&w, TSIG_FUDGE_S);
	wire_write_u16(&w, (uint16_t)mac_len);
	wire_write(&w, mac, mac_len);
	wire_write_u16(&w, wire_get_u16(msg)); /* original id: ours */
	wire_write_u16(&w, error);
	wire_write_u16(&w, other_len);
	if (other_len > 0)
		wire_write(&w, other, other_len);
	if (w.error)
		return -EMSGSIZE;
	wire_put_u16(msg + DNS_HEADER_ARCOUNT, wire_get_u16(msg + DNS_HEADER_ARCOUNT) + 1);
	memcpy(sg->prior, mac, mac_len);
	sg->prior_len = (uint16_t)mac_len;
	sg->has_prior = true;
	sg->subsequent = true;
	return (int)wire_offset(&w);
}
