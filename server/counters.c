/* Query types by name for the counters. */
#include "autoconfig.h"

#include "server/counters.h"

enum counter_type counter_type_of(uint16_t qtype)
{
#define COUNTER_TYPE_CASE(name) \
	case DNS_TYPE_##name: return COUNTER_TYPE_##name;
	switch (qtype) {
		COUNTER_TYPES(COUNTER_TYPE_CASE)
	default: return COUNTER_TYPE_OTHER;
	}
#undef COUNTER_TYPE_CASE
}

const char *counter_type_name(enum counter_type t)
{
#define COUNTER_TYPE_STRING(name) #name,
	static const char *const names[] = { COUNTER_TYPES(COUNTER_TYPE_STRING) "other" };
#undef COUNTER_TYPE_STRING

	return t < COUNTER_TYPE_COUNT ? names[t] : "other";
}

/* Only the scraping thread writes `into`: a relaxed load and store, no locked add. */
static void add(_Atomic uint64_t *into, const _Atomic uint64_t *from)
{
	atomic_store_explicit(into, counter_read(into) + counter_read(from), memory_order_relaxed);
}

void dns_counters_add(struct dns_counters *into, const struct dns_counters *from)
{
	for (unsigned i = 0; i < COUNTER_RCODES; i++)
		add(&into->rcode[i], &from->rcode[i]);
	for (unsigned i = 0; i < COUNTER_TYPE_COUNT; i++)
		add(&into->qtype[i], &from->qtype[i]);
	add(&into->dropped, &from->dropped);
	add(&into->rrl_slipped, &from->rrl_slipped);
	add(&into->rrl_dropped, &from->rrl_dropped);
}
