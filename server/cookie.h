/* DNS Cookies (RFC 7873) with the interoperable server cookie of RFC 9018: version 1, three
 * reserved bytes, a 32-bit timestamp and SipHash-2-4 over client cookie, those eight bytes and
 * the client's address. A client that returns a valid server cookie has proved its address,
 * which rate limiting takes into account. */
#ifndef BATON_COOKIE_H
#define BATON_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COOKIE_CLIENT_LEN 8
#define COOKIE_SERVER_LEN 16 /* what we make; RFC 7873 allows 8 to 32 */
#define COOKIE_OPTION_MAX (4 + COOKIE_CLIENT_LEN + COOKIE_SERVER_LEN)
#define COOKIE_SECRET_LEN 16

/* The secret server cookies are made with, and the one before it (valid for a while after a
 * change, so clients are not all refused at once). */
struct cookie_secrets {
	uint8_t current[COOKIE_SECRET_LEN];
	uint8_t previous[COOKIE_SECRET_LEN];
	bool has_previous;
};

struct cookie {
	uint8_t client[COOKIE_CLIENT_LEN];
	uint8_t server_len; /* 0: the client sent no server cookie */
	uint8_t server[32];
};

/* Reads an option's data. Returns 0, or -1 for FORMERR (RFC 7873 §5.2.2): shorter than a
 * client cookie, or a server cookie of other than 8 to 32 bytes. */
int cookie_parse(struct cookie *c, const uint8_t *data, size_t len);

/* Is c's server cookie one we made for this client cookie and address (4 or 16 bytes), with
 * a timestamp from the last hour and at most five minutes ahead (RFC 9018 §4.3)? Either
 * secret may have made it, so a new secret does not invalidate every client at once. */
bool cookie_valid(const struct cookie *c, const uint8_t secret[COOKIE_SECRET_LEN],
		  const uint8_t *previous_secret, const uint8_t *addr, size_t addr_len,
		  uint32_t now);

/* Writes the whole option (code, length, client cookie, a fresh server cookie) to `out`,
 * which has COOKIE_OPTION_MAX bytes; returns its length. Reuses the client's server cookie
 * when it is valid and less than half an hour old, as RFC 9018 §4.3 suggests. */
size_t cookie_write(uint8_t *out, const struct cookie *c, bool valid,
		    const uint8_t secret[COOKIE_SECRET_LEN], const uint8_t *addr, size_t addr_len,
		    uint32_t now);

#endif
