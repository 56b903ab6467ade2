/* TSIG (RFC 8945): finding and parsing the TSIG record of a message, verifying a request, and
 * signing responses, every message of a multi-message transfer included (§5.3.1). OpenSSL
 * computes the HMACs. Used off the query path: transfers and NOTIFY only. */
#ifndef BATON_TSIG_H
#define BATON_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/config_xfr.h"

#define DNS_TYPE_TSIG 250
#define TSIG_MAC_MAX 64 /* SHA-512 */
#define TSIG_FUDGE_S 300 /* RFC 8945 §10: 300 s recommended */

/* TSIG error codes, in the TSIG RR's Error field (RFC 8945 §3, IANA "DNS RCODEs"). */
enum tsig_error {
	TSIG_NOERROR = 0,
	TSIG_BADSIG = 16,
	TSIG_BADKEY = 17,
	TSIG_BADTIME = 18,
};

/* A message's TSIG record, pointing into the message. */
struct tsig_rr {
	size_t offset; /* where the TSIG RR starts: what was signed ends here */
	uint8_t key_name[255]; /* lowercase wire form */
	uint8_t key_name_len;
	uint8_t algorithm[255]; /* lowercase wire form */
	uint8_t algorithm_len;
	uint64_t time_signed; /* 48 bits, seconds since the epoch */
	uint16_t fudge;
	const uint8_t *mac;
	uint16_t mac_len;
	uint16_t original_id;
	uint16_t error;
	const uint8_t *other;
	uint16_t other_len;
};

/* Finds the TSIG record of the message `msg` (`len` bytes): it must be the last record of the
 * additional section, and the only one (RFC 8945 §5.1). Returns 0 with *out filled, -ENOENT
 * when the message has none, or -EBADMSG when it is malformed or misplaced (FORMERR). Safe on
 * any input: bounds-checked, fuzzed (tests/fuzz/fuzz_xfr.c). */
int tsig_parse(const uint8_t *msg, size_t len, struct tsig_rr *out);

/* Verifies the request `msg` signed with `t` (from tsig_parse()) against the keys configured:
 * returns TSIG_NOERROR with *key set, TSIG_BADKEY (no key of that name and algorithm),
 * TSIG_BADSIG (the MAC is wrong, or truncated) or TSIG_BADTIME (outside the fudge of `now`,
 * seconds since the epoch). Checked in that order (RFC 8945 §5.2). */
enum tsig_error tsig_verify(const struct config_tsig_key *keys, size_t key_count,
			    const uint8_t *msg, const struct tsig_rr *t, uint64_t now,
			    const struct config_tsig_key **key);

/* Signs messages one after another with one key: a response (its request's MAC is the first
 * prior MAC), the following messages of a transfer (prior MAC and timers only, RFC 8945
 * §5.3.1), or a request of our own (NOTIFY: no prior MAC). */
struct tsig_signer {
	const struct config_tsig_key *key;
	uint8_t prior[TSIG_MAC_MAX];
	uint16_t prior_len;
	bool has_prior; /* a response: the request's MAC (even one of 0 bytes) goes first */
	bool subsequent; /* after the first message: timers only */
	uint64_t time_signed; /* 0: the clock's */
};

/* `request` NULL: we sign a request. */
void tsig_signer_init(struct tsig_signer *sg, const struct config_tsig_key *key,
		      const struct tsig_rr *request);

/* Appends a TSIG record to the message in msg[0..len) (`cap` bytes room) and counts it in
 * ARCOUNT. `error` and `other` go into the record; with TSIG_BADKEY or TSIG_BADSIG the record
 * carries no MAC (RFC 8945 §5.3.2) and sg->key may be NULL. Returns the new length, or
 * -EMSGSIZE when it does not fit (the message is then unchanged), or -ENOMEM. */
int tsig_sign(struct tsig_signer *sg, uint8_t *msg, size_t len, size_t cap, uint64_t now,
	      uint16_t error, const uint8_t *other, uint16_t other_len,
	      const struct tsig_rr *request);

/* The room a TSIG record of `key` takes (what a transfer keeps free in each message). */
size_t tsig_room(const struct config_tsig_key *key);

#endif
