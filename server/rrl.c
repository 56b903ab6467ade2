/* Token buckets in one array of 64-bit words: a 16-bit tag of the key (a colliding key finds
 * a foreign tag and starts afresh, full), the time of the last charge (24 bits of
 * milliseconds: it wraps every 4.6 hours, and a bucket idle that long is full anyway), and
 * the tokens left in thousandths of a response (24 bits). Keys are hashed with SipHash under a
 * secret drawn at start, so a flood cannot aim at one bucket. */
#include "autoconfig.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "server/addr.h"
#include "server/rrl.h"
#include "server/siphash.h"
#include "zones/dname.h"

#define MASK24 0xffffffu
#define MILLI 1000u

struct rrl {
	struct rrl_config config;
	uint8_t secret[16];
	uint32_t mask;
	_Atomic uint64_t *buckets;
};

int rrl_new(struct rrl **out, const struct rrl_config *c)
{
	struct rrl *r;
	uint32_t size = 1024;

	if (c->ratelimit > RRL_RATE_MAX)
		return -EINVAL;
	while (size < c->size && size < (1u << 28))
		size *= 2;
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->buckets = calloc(size, sizeof(*r->buckets))) == NULL) {
		free(r);
		return -ENOMEM;
	}
	r->config = *c;
	r->mask = size - 1;
	if (getrandom(r->secret, sizeof(r->secret), 0) != sizeof(r->secret)) {
		uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)r;

		memcpy(r->secret, &t, sizeof(t)); /* weaker, but still not a constant */
	}
	*out = r;
	return 0;
}

void rrl_free(struct rrl *r)
{
	if (r == NULL)
		return;
	free(r->buckets);
	free(r);
}

/* The client's address bytes and family, IPv4-mapped addresses as IPv4. */
static const uint8_t *client_bytes(const struct sockaddr *sa, int *family)
{
	size_t len;
	const uint8_t *a = addr_bytes(sa, &len);

	if (a != NULL) {
		addr_unmap(&a, &len);
		*family = len == 4 ? AF_INET : AF_INET6;
	}
	return a;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	return rest == 0 || ((a[whole] ^ b[whole]) & (0xffu << (8 - rest))) == 0;
}

static bool whitelisted(const struct rrl_config *c, int family, const uint8_t *addr)
{
	for (unsigned i = 0; i < c->whitelist_count; i++)
		if (c->whitelist[i].family == family &&
		    prefix_match(addr, c->whitelist[i].addr, c->whitelist[i].len))
			return true;
	return false;
}

/* Takes one response's worth of tokens; false when there are not enough. */
static bool take(_Atomic uint64_t *bucket, uint16_t tag, uint32_t rate, uint64_t now_ms)
{
	uint64_t old = atomic_load_explicit(bucket, memory_order_relaxed), next;
	uint32_t now = (uint32_t)(now_ms & MASK24), full = rate * MILLI;
	bool ok;

	do {
		uint64_t tokens;

		if ((uint16_t)(old >> 48) != tag) {
			tokens = full;
		} else {
			uint64_t elapsed = (now - (uint32_t)(old >> 24)) & MASK24;

			tokens = (old & MASK24) + elapsed * rate;
			if (tokens > full)
				tokens = full;
		}
		ok = tokens >= MILLI;
		if (ok)
			tokens -= MILLI;
		next = (uint64_t)tag << 48 | (uint64_t)now << 24 | tokens;
	} while (!atomic_compare_exchange_weak_explicit(bucket, &old, next, memory_order_relaxed,
							memory_order_relaxed));
	return ok;
}

enum rrl_verdict rrl_charge(struct rrl *r, const struct sockaddr *client, enum rrl_kind kind,
			    const uint8_t *name, size_t name_len, uint64_t now_ms,
			    unsigned *slip_count)
{
	const struct rrl_config *c = &r->config;
	uint8_t key[1 + 16 + DNAME_MAX_LEN];
	size_t key_len;
	uint64_t h;
	int family;
	const uint8_t *addr = client_bytes(client, &family);
	unsigned prefix;

	if (c->ratelimit == 0 || addr == NULL || whitelisted(c, family, addr))
		return RRL_SEND;
	prefix = family == AF_INET ? c->ipv4_prefix : c->ipv6_prefix;
	memset(key, 0, 17);
	key[0] = (uint8_t)(kind << 1 | (family == AF_INET6));
	memcpy(key + 1, addr, prefix / 8);
	if (prefix % 8)
		key[1 + prefix / 8] = addr[prefix / 8] & (uint8_t)(0xffu << (8 - prefix % 8));
	key_len = 17;
	if (kind != RRL_ERROR && name != NULL) {
		if (name_len > DNAME_MAX_LEN)
			name_len = DNAME_MAX_LEN;
		memcpy(key + key_len, name, name_len);
		key_len += name_len;
	}
	h = siphash24(r->secret, key, key_len);
	if (take(&r->buckets[h & r->mask], (uint16_t)(h >> 48), c->ratelimit, now_ms))
		return RRL_SEND;
	if (c->slip > 0 && ++*slip_count % c->slip == 0)
		return RRL_SLIP;
	return RRL_DROP;
}
