/* DNS protocol constants batond uses, by their RFC names, so the query path needs no ldns. */
#ifndef BATON_DNS_H
#define BATON_DNS_H

/* Fixed sizes (RFC 1035 §4.1.1, §3.1; RFC 6891 §6.1.2). */
#define DNS_HEADER_LEN 12
#define DNS_OPT_RR_LEN 11 /* root owner (1), TYPE, CLASS, TTL (4), RDLENGTH: no options */
#define DNS_PLAIN_UDP_MAX 512 /* a UDP message without EDNS (RFC 1035 §4.2.1) */

/* Offsets of the header's fields (RFC 1035 §4.1.1). */
#define DNS_HEADER_FLAGS 2
#define DNS_HEADER_QDCOUNT 4
#define DNS_HEADER_ANCOUNT 6
#define DNS_HEADER_NSCOUNT 8
#define DNS_HEADER_ARCOUNT 10

/* An RR after its owner name: TYPE, CLASS, TTL (at 4), RDLENGTH (at 8), then RDATA. */
#define DNS_RR_TTL 4
#define DNS_RR_RDLENGTH 8
#define DNS_RR_FIXED_LEN 10

/* The second 16 bits of the header (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD and CD). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK 0x0f /* after the shift */
#define DNS_RCODE_MASK 0x000f /* the header's 4 bits; the rest sit in the OPT (RFC 6891 §6.1.3) */
#define DNS_EXT_RCODE_SHIFT 4

/* OPCODE values (RFC 1035 §4.1.1, RFC 1996, RFC 2136). */
enum dns_opcode {
	DNS_OPCODE_QUERY = 0,
	DNS_OPCODE_NOTIFY = 4,
	DNS_OPCODE_UPDATE = 5,
};

/* RCODE values; those above 15 are extended and need an OPT record (RFC 6891 §6.1.3). */
enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_YXDOMAIN = 6, /* RFC 2136 §2.2; RFC 6672 §2.2: a DNAME made a name too long */
	DNS_RCODE_NOTAUTH = 9, /* RFC 8945 §5.2: TSIG errors; RFC 2136 */
	DNS_RCODE_BADVERS = 16,
	DNS_RCODE_BADCOOKIE = 23, /* RFC 7873 §8 */
};

/* RR TYPE values (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6672, RFC 6891, RFC 4034,
 * RFC 5155, RFC 1995, RFC 8482). */
enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_DNAME = 39,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_DS = 43,
	DNS_TYPE_RRSIG = 46,
	DNS_TYPE_NSEC = 47,
	DNS_TYPE_DNSKEY = 48,
	DNS_TYPE_NSEC3 = 50,
	DNS_TYPE_SVCB = 64,
	DNS_TYPE_HTTPS = 65,
	DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252,
	DNS_TYPE_ANY = 255,
	DNS_TYPE_CAA = 257,
};

/* CLASS values (RFC 1035 §3.2.4, §3.2.5). */
enum dns_class {
	DNS_CLASS_IN = 1,
	DNS_CLASS_CH = 3,
	DNS_CLASS_ANY = 255,
};

/* The OPT record's TTL holds the extended rcode, the version and these flags (RFC 6891
 * §6.1.3; DO: RFC 3225). */
#define DNS_EDNS_FLAG_DO 0x8000

/* EDNS option codes (IANA "DNS EDNS0 Option Codes"). */
enum dns_edns_opt {
	DNS_EDNS_OPT_NSID = 3, /* RFC 5001 */
	DNS_EDNS_OPT_ECS = 8, /* RFC 7871 */
	DNS_EDNS_OPT_COOKIE = 10, /* RFC 7873 */
	DNS_EDNS_OPT_EDE = 15, /* RFC 8914 */
};

/* Name compression (RFC 1035 §4.1.4): a label length byte with both top bits set starts a
 * two-byte pointer to an offset below 0x4000. */
#define DNS_LABEL_POINTER 0xc0
#define DNS_POINTER 0xc000
#define DNS_POINTER_MAX 0x3fff

#endif
