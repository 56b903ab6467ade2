/* Transfer and NOTIFY requests, parsed; the provide-xfr check. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "baton/wire.h"
#include "server/addr.h"
#include "server/dns.h"
#include "server/xfr_request.h"
#include "zones/dname.h"

/* The opcode and qtype of a message with one question, without reading further. */
static bool peek(const uint8_t *msg, size_t len, uint8_t *opcode, uint16_t *qtype)
{
	struct wire w;

	if (len < DNS_HEADER_LEN || wire_get_u16(msg + DNS_HEADER_QDCOUNT) != 1 ||
	    (wire_get_u16(msg + DNS_HEADER_FLAGS) & DNS_FLAG_QR))
		return false;
	*opcode = (wire_get_u16(msg + DNS_HEADER_FLAGS) >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK;
	wire_init(&w, (uint8_t *)msg, len);
	wire_seek(&w, DNS_HEADER_LEN);
	if (dname_skip(&w) < 0)
		return false;
	*qtype = wire_read_u16(&w);
	return !w.error;
}

bool xfr_is_transfer(const uint8_t *msg, size_t len)
{
	uint8_t opcode;
	uint16_t qtype;

	return peek(msg, len, &opcode, &qtype) && opcode == DNS_OPCODE_QUERY &&
	       (qtype == DNS_TYPE_AXFR || qtype == DNS_TYPE_IXFR);
}

bool xfr_is_notify(const uint8_t *msg, size_t len)
{
	uint8_t opcode;
	uint16_t qtype;

	return peek(msg, len, &opcode, &qtype) && opcode == DNS_OPCODE_NOTIFY;
}

/* The client's serial from the SOA an IXFR carries in its authority section (RFC 1995 §3):
 * the first SOA there; SERIAL is 20 bytes before the end of its RDATA. */
static int find_soa_serial(struct wire *w, unsigned answers, unsigned authority,
			   struct xfr_request *r)
{
	for (unsigned i = 0; i < answers + authority; i++) {
		uint16_t type, rdlen;

		if (dname_skip(w) < 0)
			return -EBADMSG;
		type = wire_read_u16(w);
		wire_skip(w, 6);
		rdlen = wire_read_u16(w);
		if (!wire_can(w, rdlen))
			return -EBADMSG;
		if (i >= answers && type == DNS_TYPE_SOA && !r->has_serial && rdlen >= 22) {
			r->has_serial = true;
			r->serial = (uint32_t)wire_get_u16(w->pos + rdlen - 20) << 16 |
				    wire_get_u16(w->pos + rdlen - 18);
		}
		wire_skip(w, rdlen);
	}
	return w->error ? -EBADMSG : 0;
}

int xfr_request_parse(const uint8_t *msg, size_t len, struct xfr_request *r)
{
	struct dname_view qname;
	const uint8_t *question;
	struct wire w;
	uint16_t flags;
	int rc;

	memset(r, 0, offsetof(struct xfr_request, tsig));
	if (len < DNS_HEADER_LEN)
		return -EBADMSG;
	wire_init(&w, (uint8_t *)msg, len);
	r->id = wire_read_u16(&w);
	flags = wire_read_u16(&w);
	if (flags & DNS_FLAG_QR)
		return -EPROTO;
	r->opcode = (flags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK;
	r->flags = flags & (DNS_FLAG_RD | DNS_FLAG_CD);
	if (wire_read_u16(&w) != 1)
		return -EBADMSG;
	wire_skip(&w, 6); /* ANCOUNT, NSCOUNT, ARCOUNT: read where they are needed */
	question = w.pos;
	if (dname_view_parse(&qname, &w) < 0)
		return -EBADMSG;
	r->qtype = wire_read_u16(&w);
	r->qclass = wire_read_u16(&w);
	if (w.error)
		return -EBADMSG;
	memcpy(r->qname, qname.lower, qname.len);
	r->qname_len = qname.len;
	r->question_len = (uint16_t)(w.pos - question);
	memcpy(r->question, question, r->question_len);
	rc = find_soa_serial(&w, wire_get_u16(msg + DNS_HEADER_ANCOUNT),
			     wire_get_u16(msg + DNS_HEADER_NSCOUNT), r);
	if (rc < 0)
		return rc;
	if (r->opcode == DNS_OPCODE_QUERY && r->qtype == DNS_TYPE_IXFR && !r->has_serial)
		return -EBADMSG; /* RFC 1995 §3: the client's SOA is required */
	rc = tsig_parse(msg, len, &r->tsig);
	if (rc == -EBADMSG)
		return rc;
	r->has_tsig = rc == 0;
	return 0;
}

const struct config_zone *xfr_config_zone(const struct config *cfg, const uint8_t *lower)
{
	char name[DNAME_STR_MAX];
	size_t len = strlen(dname_to_str(lower, name, sizeof(name)));

	if (len > 1)
		name[--len] = '\0'; /* the configuration writes no final dot */
	for (size_t i = 0; i < cfg->zone_count; i++)
		if (strcasecmp(cfg->zones[i].name, name) == 0)
			return &cfg->zones[i];
	return NULL;
}

/* The first `bits` bits of a and b agree. */
static bool prefix_matches(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	return rest == 0 || ((a[bytes] ^ b[bytes]) & (0xff00u >> rest) & 0xff) == 0;
}

bool xfr_acl_allows(const struct config_zone *cz, const struct sockaddr *peer, int key)
{
	size_t len = 0;
	const uint8_t *addr = addr_bytes(peer, &len);

	if (addr == NULL)
		return false;
	addr_unmap(&addr, &len);
	for (size_t i = 0; i < cz->provide_xfr_count; i++) {
		const struct config_acl *a = &cz->provide_xfr[i];

		if ((a->family == AF_INET) != (len == 4) || (key != XFR_ANY_KEY && a->key != key))
			continue;
		if (prefix_matches(addr, a->addr, a->prefix_len))
			return true;
	}
	return false;
}
