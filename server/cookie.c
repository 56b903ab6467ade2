/* Server cookies per RFC 9018 §4. */
#include "autoconfig.h"

#include <string.h>

#include "baton/wire.h"
#include "server/cookie.h"
#include "server/dns.h"
#include "server/siphash.h"

#define COOKIE_VERSION 1
#define COOKIE_MAX_AGE_S 3600
#define COOKIE_MAX_AHEAD_S 300
#define COOKIE_REFRESH_S 1800

int cookie_parse(struct cookie *c, const uint8_t *data, size_t len)
{
	size_t server = len - COOKIE_CLIENT_LEN;

	if (len < COOKIE_CLIENT_LEN || (len > COOKIE_CLIENT_LEN && (server < 8 || server > 32)))
		return -1;
	memcpy(c->client, data, COOKIE_CLIENT_LEN);
	c->server_len = (uint8_t)(len > COOKIE_CLIENT_LEN ? server : 0);
	memcpy(c->server, data + COOKIE_CLIENT_LEN, c->server_len);
	return 0;
}

/* The hash of the server cookie whose first eight bytes are `head`. */
static void cookie_hash(uint8_t out[8], const uint8_t client[COOKIE_CLIENT_LEN],
			const uint8_t head[8], const uint8_t *secret, const uint8_t *addr,
			size_t addr_len)
{
	uint8_t input[COOKIE_CLIENT_LEN + 8 + 16];
	uint64_t h;

	memcpy(input, client, COOKIE_CLIENT_LEN);
	memcpy(input + COOKIE_CLIENT_LEN, head, 8);
	memcpy(input + COOKIE_CLIENT_LEN + 8, addr, addr_len);
	h = siphash24(secret, input, COOKIE_CLIENT_LEN + 8 + addr_len);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}

static uint32_t timestamp_of(const uint8_t *server)
{
	return (uint32_t)server[4] << 24 | (uint32_t)server[5] << 16 | (uint32_t)server[6] << 8 |
	       server[7];
}

static bool made_with(const struct cookie *c, const uint8_t *secret, const uint8_t *addr,
		      size_t addr_len)
{
	uint8_t hash[8];

	cookie_hash(hash, c->client, c->server, secret, addr, addr_len);
	return memcmp(hash, c->server + 8, 8) == 0;
}

bool cookie_valid(const struct cookie *c, const uint8_t secret[COOKIE_SECRET_LEN],
		  const uint8_t *previous_secret, const uint8_t *addr, size_t addr_len,
		  uint32_t now)
{
	uint32_t ts;

	if (c->server_len != COOKIE_SERVER_LEN || c->server[0] != COOKIE_VERSION)
		return false;
	ts = timestamp_of(c->server);
	/* serial-number arithmetic (RFC 1982), so the 2106 wrap is no cliff */
	if ((int32_t)(now - ts) > COOKIE_MAX_AGE_S || (int32_t)(ts - now) > COOKIE_MAX_AHEAD_S)
		return false;
	return made_with(c, secret, addr, addr_len) ||
	       (previous_secret != NULL && made_with(c, previous_secret, addr, addr_len));
}

size_t cookie_write(uint8_t *out, const struct cookie *c, bool valid,
		    const uint8_t secret[COOKIE_SECRET_LEN], const uint8_t *addr, size_t addr_len,
		    uint32_t now)
{
	uint8_t *server = out + 4 + COOKIE_CLIENT_LEN;

	wire_put_u16(out, DNS_EDNS_OPT_COOKIE);
	wire_put_u16(out + 2, COOKIE_CLIENT_LEN + COOKIE_SERVER_LEN);
	memcpy(out + 4, c->client, COOKIE_CLIENT_LEN);
	if (valid && (int32_t)(now - timestamp_of(c->server)) < COOKIE_REFRESH_S) {
		memcpy(server, c->server, COOKIE_SERVER_LEN);
		return COOKIE_OPTION_MAX;
	}
	server[0] = COOKIE_VERSION;
	server[1] = server[2] = server[3] = 0;
	server[4] = (uint8_t)(now >> 24);
	server[5] = (uint8_t)(now >> 16);
	server[6] = (uint8_t)(now >> 8);
	server[7] = (uint8_t)now;
	cookie_hash(server + 8, c->client, server, secret, addr, addr_len);
	return COOKIE_OPTION_MAX;
}
