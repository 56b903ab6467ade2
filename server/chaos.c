/* CHAOS-class identity answers and the NSID option; see chaos.h. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "baton/wire.h"
#include "server/chaos.h"
#include "server/query.h"
#include "server/response.h"

#define NSID_ASCII_PREFIX "ascii_"

/* The TXT RR after its owner: a TTL of 0, so no resolver keeps one server's name for another's
 * (NSD's choice too). */
static int set_text(uint8_t *rr, uint16_t *rr_len, const char *text)
{
	size_t len = strlen(text);
	struct wire w;

	if (len > CHAOS_TEXT_MAX)
		return -EMSGSIZE;
	wire_init(&w, rr, CHAOS_RR_MAX);
	wire_write_u16(&w, DNS_TYPE_TXT);
	wire_write_u16(&w, DNS_CLASS_CH);
	wire_write_u32(&w, 0);
	wire_write_u16(&w, (uint16_t)(1 + len));
	wire_write_u8(&w, (uint8_t)len);
	wire_write(&w, text, len);
	*rr_len = (uint16_t)wire_offset(&w);
	return 0;
}

int chaos_set_identity(struct chaos *c, const char *text)
{
	return set_text(c->identity_rr, &c->identity_rr_len, text);
}

int chaos_set_version(struct chaos *c, const char *text)
{
	return set_text(c->version_rr, &c->version_rr_len, text);
}

void chaos_init(struct chaos *c)
{
	char host[CHAOS_TEXT_MAX + 1] = "";

	memset(c, 0, sizeof(*c));
	/* Linux names hosts in at most 64 bytes; a cut name still says which server it is */
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	chaos_set_identity(c, host);
	chaos_set_version(c, "batond " PACKAGE_VERSION);
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

const char *chaos_set_nsid(struct chaos *c, const char *value)
{
	uint8_t data[CHAOS_NSID_MAX];
	size_t len = 0, vlen = strlen(value);
	struct wire w;

	if (strncmp(value, NSID_ASCII_PREFIX, strlen(NSID_ASCII_PREFIX)) == 0) {
		value += strlen(NSID_ASCII_PREFIX);
		len = strlen(value);
		if (len > CHAOS_NSID_MAX)
			return "the text is longer than 128 bytes";
		memcpy(data, value, len);
	} else {
		if (vlen % 2 != 0)
			return "write an even number of hexadecimal digits, or ascii_ and the text";
		if (vlen / 2 > CHAOS_NSID_MAX)
			return "longer than 128 bytes (256 hexadecimal digits)";
		for (len = 0; len < vlen / 2; len++) {
			int hi = hex_value(value[2 * len]), lo = hex_value(value[2 * len + 1]);

			if (hi < 0 || lo < 0)
				return "not hexadecimal: write hex digits, or ascii_ and the text";
			data[len] = (uint8_t)(hi << 4 | lo);
		}
	}
	if (len == 0) {
		c->nsid_option_len = 0;
		return NULL;
	}
	wire_init(&w, c->nsid_option, sizeof(c->nsid_option));
	wire_write_u16(&w, DNS_EDNS_OPT_NSID);
	wire_write_u16(&w, (uint16_t)len);
	wire_write(&w, data, len);
	c->nsid_option_len = (uint16_t)wire_offset(&w);
	return NULL;
}

/* The names NSD answers, in wire form; the question's name arrives lowercased (RFC 4343). */
static const uint8_t id_server[] = "\2id\6server";
static const uint8_t hostname_bind[] = "\10hostname\4bind";
static const uint8_t version_server[] = "\7version\6server";
static const uint8_t version_bind[] = "\7version\4bind";

static bool name_is(const struct query *q, const uint8_t *name, size_t size)
{
	return q->qname.len == size && memcmp(q->qname.lower, name, size) == 0;
}

void chaos_answer(struct response *r, const struct chaos *c, const struct query *q)
{
	struct zone_rr rr = { .name_count = 0 };
	struct zone_rrset set = { .type = DNS_TYPE_TXT, .rr_count = 1, .rrs = &rr };
	bool hidden;

	/* not ours to answer: REFUSED, as for a zone we do not serve (NSD's answer too) */
	r->rcode = DNS_RCODE_REFUSED;
	if (c == NULL || (q->qtype != DNS_TYPE_TXT && q->qtype != DNS_TYPE_ANY))
		return;
	/* sizeof counts the root label's 0 that the string literal ends in */
	if (name_is(q, id_server, sizeof(id_server)) ||
	    name_is(q, hostname_bind, sizeof(hostname_bind))) {
		hidden = c->hide_identity;
		rr.wire = c->identity_rr;
		rr.len = c->identity_rr_len;
	} else if (name_is(q, version_server, sizeof(version_server)) ||
		   name_is(q, version_bind, sizeof(version_bind))) {
		hidden = c->hide_version;
		rr.wire = c->version_rr;
		rr.len = c->version_rr_len;
	} else {
		return;
	}
	if (hidden)
		return;
	r->rcode = DNS_RCODE_NOERROR;
	response_add_rrset(r, SECTION_ANSWER, NULL, &set);
}
