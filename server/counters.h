/* Counters the query path keeps: one set per serving thread, written by that thread alone and
 * summed when scraped. A relaxed load and store (no locked instruction) is all an increment
 * costs, and a scrape reads each counter whole. */
#ifndef BATON_COUNTERS_H
#define BATON_COUNTERS_H

#include <stdatomic.h>
#include <stdint.h>

#include "server/dns.h"

#define COUNTER_RCODES 24 /* extended rcodes up to BADVERS (16) and a margin */

/* The query types counted by name; everything else is "other". A table, laid out by hand. */
/* clang-format off */
#define COUNTER_TYPES(X) \
	X(A) X(NS) X(CNAME) X(SOA) X(PTR) X(MX) X(TXT) X(AAAA) X(SRV) X(DS) X(DNSKEY) X(SVCB) \
	X(HTTPS) X(CAA) X(ANY)
/* clang-format on */
#define COUNTER_TYPE_ENUM(name) COUNTER_TYPE_##name,
enum counter_type { COUNTER_TYPES(COUNTER_TYPE_ENUM) COUNTER_TYPE_OTHER, COUNTER_TYPE_COUNT };

struct dns_counters {
	_Atomic uint64_t rcode[COUNTER_RCODES]; /* responses sent, by rcode */
	_Atomic uint64_t qtype[COUNTER_TYPE_COUNT]; /* queries with a question, by type */
	_Atomic uint64_t dropped; /* packets not answered: no header, or a response */
	_Atomic uint64_t rrl_slipped; /* rate-limited responses sent truncated */
	_Atomic uint64_t rrl_dropped; /* rate-limited responses not sent */
};

/* For the thread that owns the counter only. */
static inline void counter_bump(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/* Any thread, for counters several threads share. */
static inline void counter_bump_shared(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static inline uint64_t counter_read(const _Atomic uint64_t *c)
{
	return atomic_load_explicit((_Atomic uint64_t *)c, memory_order_relaxed);
}

enum counter_type counter_type_of(uint16_t qtype);
const char *counter_type_name(enum counter_type t);

/* Adds every counter of `from` into `into` (a plain total, for scraping). */
void dns_counters_add(struct dns_counters *into, const struct dns_counters *from);

#endif
