/* The gossip wire format, version 1: one signed datagram carries one member's state (a
 * heartbeat and its observations of sites). Encoding and a bounds-checked decoder; the
 * signature itself is health/gossip/sign.c's job. docs/gossip.md
 * has the table of fields. */
#ifndef BATON_GOSSIP_WIRE_H
#define BATON_GOSSIP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOSSIP_VERSION 1
#define GOSSIP_TYPE_STATE 1
/* A VRRP node's report of its instances (baton-vip, role vip). A decoder that predates it
 * drops it as `version`, as it drops any type it does not speak. */
#define GOSSIP_TYPE_VIP 2
/* The hard limit on a datagram, signature included. 1200 bytes fit the IPv6 minimum MTU
 * (1280) after the IPv6 and UDP headers, so no datagram is ever fragmented. */
#define GOSSIP_MSG_MAX 1200
#define GOSSIP_HEADER_LEN 32
#define GOSSIP_SIG_LEN 64
#define GOSSIP_OBS_LEN 12
#define GOSSIP_KEY_ID_LEN 8
#define GOSSIP_MSG_MIN (GOSSIP_HEADER_LEN + GOSSIP_SIG_LEN)
#define GOSSIP_OBS_PER_MSG ((GOSSIP_MSG_MAX - GOSSIP_MSG_MIN) / GOSSIP_OBS_LEN)
/* A member's observations are split over at most this many datagrams ("parts"). */
#define GOSSIP_PARTS_MAX 16
#define GOSSIP_OBS_MAX (GOSSIP_OBS_PER_MSG * GOSSIP_PARTS_MAX)

/* The bounds of a VIP report's records: names as the trusted keys spell them, at most as many
 * addresses as one VRRP advert carries. */
#define GOSSIP_VIP_NAME_MAX 63
#define GOSSIP_VIP_ADDRS_MAX 20
/* A record without addresses: the two length bytes, state, priority, address count, a reserved
 * byte, master-down and the age of the last change (4 each); names add their length, each
 * address 2 + 4 or 2 + 16 bytes. */
#define GOSSIP_VIP_FIXED_LEN 14
#define GOSSIP_VIP_NEVER UINT32_MAX

/* One VIP address as a VIP report carries it. */
struct gossip_vip_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t prefix; /* up to 32 or 128 */
	uint8_t addr[16];
};

/* One VRRP instance's state as its node reports it. Names are 1 to 63 of letters, digits,
 * '-', '_' and '.' (what status and JSON print unescaped). */
struct gossip_vip_inst {
	char name[GOSSIP_VIP_NAME_MAX + 1]; /* the vrrp_instance */
	char site[GOSSIP_VIP_NAME_MAX + 1]; /* the $SITE it serves */
	uint8_t state; /* enum vrrp_state: 0 init, 1 backup, 2 master, 3 fault */
	uint8_t priority; /* effective */
	uint32_t master_down_ms; /* its Master_Down_Interval (RFC 9568 section 6.1) */
	uint32_t changed_age_ms; /* how long before signing its state last changed; or NEVER */
	uint8_t addr_count;
	struct gossip_vip_addr addrs[GOSSIP_VIP_ADDRS_MAX];
};

/* A prober's view of one site. Verdicts as in enum site_verdict (baton/health.h). */
struct gossip_obs {
	uint64_t site_id; /* gossip_site_id() of "zone/site" */
	uint8_t verdict; /* SITE_UNKNOWN, SITE_UP or SITE_DOWN */
	uint16_t age_s; /* seconds since the prober's verdict last changed, saturating */
};

/* The header of a decoded datagram; the observations stay in the buffer and are read with
 * gossip_msg_obs(). */
struct gossip_msg {
	uint8_t type; /* GOSSIP_TYPE_STATE or GOSSIP_TYPE_VIP */
	uint8_t key_id[GOSSIP_KEY_ID_LEN]; /* the first bytes of the sender's public key */
	uint64_t seq; /* per sender and part, strictly increasing */
	int64_t time_ms; /* the sender's wall clock (Unix ms) when it signed */
	uint8_t part, parts;
	uint16_t count; /* observations, or a VIP report's records */
	const uint8_t *obs; /* count x GOSSIP_OBS_LEN bytes (a VIP report: its records) */
	size_t body_len; /* the bytes at obs */
	size_t signed_len; /* the bytes the signature covers: all before it */
	const uint8_t *sig; /* GOSSIP_SIG_LEN bytes inside the decoded buffer */
};

/* Why a datagram was refused by the decoder (and the receive pipeline, gossip/node.c). */
enum gossip_drop {
	GOSSIP_DROP_OVERSIZED = 0, /* longer than GOSSIP_MSG_MAX */
	GOSSIP_DROP_MALFORMED, /* too short, bad magic, counts that disagree with the length */
	GOSSIP_DROP_VERSION, /* a version or type this build does not speak */
	GOSSIP_DROP_UNKNOWN_KEY, /* no trusted key has this id */
	GOSSIP_DROP_BAD_SIGNATURE,
	GOSSIP_DROP_REPLAY, /* a sequence number below the last one accepted from the sender */
	GOSSIP_DROP_DUPLICATE, /* the last one accepted again: relays make these, harmless */
	GOSSIP_DROP_STALE, /* signed too long ago, or too far in the future (clock skew) */
	GOSSIP_DROP_OWN, /* our own datagram relayed back to us */
	GOSSIP_DROP_KINDS
};

/* "oversized", "malformed", ...: the names metrics and status use. */
const char *gossip_drop_name(enum gossip_drop kind);

/* 64-bit FNV-1a of "zone/site", both lowercased, the zone without its final dot: how a site
 * is named on the wire, 8 bytes whatever its name's length. */
uint64_t gossip_site_id(const char *zone, const char *site);

/* Writes the signed part of a datagram (header and observations) into buf, which must hold
 * GOSSIP_MSG_MAX bytes; the signature is appended by the caller at the returned offset.
 * Returns the length written, or -EINVAL when count exceeds GOSSIP_OBS_PER_MSG or the part
 * numbers are out of range. */
int gossip_msg_encode(uint8_t *buf, const struct gossip_msg *m, const struct gossip_obs *obs);

/* Parses buf[0..len) into *m, checking every length and field, each observation's included;
 * m points into buf afterwards. Returns 0, or -EBADMSG with *why set (oversized, malformed or
 * version). Never reads outside buf; safe on any input. */
int gossip_msg_decode(struct gossip_msg *m, const uint8_t *buf, size_t len, enum gossip_drop *why);

/* The i-th observation of a message gossip_msg_decode() accepted (i < m->count). */
void gossip_msg_obs(const struct gossip_msg *m, uint16_t i, struct gossip_obs *out);

/* The bytes instance `v` takes in a VIP report; 0 when it breaks a bound (a name empty, too
 * long or with other characters, a state, family, prefix or address count out of range). */
size_t gossip_vip_record_len(const struct gossip_vip_inst *v);

/* Writes the signed part of a VIP report (m->count records from `insts`) into buf, which must
 * hold GOSSIP_MSG_MAX bytes; m->type is ignored. Returns the length written, or -EINVAL (a
 * record out of bounds, bad part numbers) or -E2BIG (the records do not fit one datagram). */
int gossip_vip_encode(uint8_t *buf, const struct gossip_msg *m,
		      const struct gossip_vip_inst *insts);

/* Reads the record at *off (0 for the first) of a VIP report gossip_msg_decode() accepted,
 * and moves *off to the next. Call it m->count times. */
void gossip_msg_vip(const struct gossip_msg *m, size_t *off, struct gossip_vip_inst *out);

#endif
