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

/* A prober's view of one site. Verdicts as in enum site_verdict (baton/health.h). */
struct gossip_obs {
	uint64_t site_id; /* gossip_site_id() of "zone/site" */
	uint8_t verdict; /* SITE_UNKNOWN, SITE_UP or SITE_DOWN */
	uint16_t age_s; /* seconds since the prober's verdict last changed, saturating */
};

/* The header of a decoded datagram; the observations stay in the buffer and are read with
 * gossip_msg_obs(). */
struct gossip_msg {
	uint8_t key_id[GOSSIP_KEY_ID_LEN]; /* the first bytes of the sender's public key */
	uint64_t seq; /* per sender and part, strictly increasing */
	int64_t time_ms; /* the sender's wall clock (Unix ms) when it signed */
	uint8_t part, parts;
	uint16_t count; /* observations */
	const uint8_t *obs; /* count x GOSSIP_OBS_LEN bytes inside the decoded buffer */
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

#endif
