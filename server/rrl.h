/* Response rate limiting, as NSD and Knot operators know it: each response is charged to a
 * bucket named by the client's network (rrl-ipv4-prefix-length, rrl-ipv6-prefix-length), the
 * kind of response and the name it is about; a bucket refills at rrl-ratelimit responses per
 * second and holds one second's worth. A response over the limit is dropped, except every
 * rrl-slip-th one, which goes out truncated (TC, no records), so a real client behind a
 * spoofed flood retries over TCP and gets its answer. Lock-free (one compare-and-swap per
 * response) and allocation-free; the table is fixed when it is made. */
#ifndef BATON_RRL_H
#define BATON_RRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RRL_RATE_MAX 16000 /* a bucket holds rate x 1000 milli-responses in 24 bits */
#define RRL_WHITELIST_MAX 32

struct rrl_prefix {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t len;
	uint8_t addr[16];
};

struct rrl_config {
	unsigned ratelimit; /* responses per second per bucket; 0: off */
	unsigned slip; /* 0: drop every limited response; N: send every Nth truncated */
	unsigned ipv4_prefix; /* default 24 */
	unsigned ipv6_prefix; /* default 64, as NSD */
	unsigned size; /* buckets, rounded up to a power of two; default 1000000 like NSD */
	struct rrl_prefix whitelist[RRL_WHITELIST_MAX]; /* never limited */
	unsigned whitelist_count;
};

/* What a bucket is about, as NSD classifies responses: the name is the query name for
 * answers and NODATA, the zone for NXDOMAIN (so random names do not each get a bucket), the
 * delegation for referrals, and none for errors. */
enum rrl_kind { RRL_ANSWER, RRL_NODATA, RRL_NXDOMAIN, RRL_REFERRAL, RRL_ERROR };

enum rrl_verdict { RRL_SEND, RRL_SLIP, RRL_DROP };

struct rrl;

/* Returns 0, -EINVAL (rate above RRL_RATE_MAX) or -ENOMEM. */
int rrl_new(struct rrl **out, const struct rrl_config *c);
void rrl_free(struct rrl *r);

/* Charges one response to its bucket. `slip_count` is the caller's own counter of limited
 * responses (one per thread), so slipping needs no shared state. `now_ms` is any millisecond
 * clock. Query-path safe. */
enum rrl_verdict rrl_charge(struct rrl *r, const struct sockaddr *client, enum rrl_kind kind,
			    const uint8_t *name, size_t name_len, uint64_t now_ms,
			    unsigned *slip_count);

#endif
