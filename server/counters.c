/* Query types by name for the counters. */
#include "autoconfig.h"

#include "server/counters.h"

enum counter_type counter_type_of(uint16_t qtype)
{
#define COUNTER_TYPE_CASE(name, code) \
	case code: return COUNTER_TYPE_##name;
	switch (qtype) {
		COUNTER_TYPES(COUNTER_TYPE_CASE)
	default: return COUNTER_TYPE_OTHER;
	}
#undef COUNTER_TYPE_CASE
}

const char *counter_type_name(enum counter_type t)
{
#define COUNTER_TYPE_STRING(name, code) #name,
	static const char *const names[] = { COUNTER_TYPES(COUNTER_TYPE_STRING) "other" };
#undef COUNTER_TYPE_STRING

	return t < COUNTER_TYPE_COUNT ? names[t] : "other";
}

void dns_counters_add(struct dns_counters *into, const struct dns_counters *from)
{
	for (unsigned i = 0; i < COUNTER_RCODES; i++)
		atomic_store_explicit(&into->rcode[i],
				      counter_read(&into->rcode[i]) + counter_read(&from->rcode[i]),
				      memory_order_relaxed);
	for (unsigned i = 0; i < COUNTER_TYPE_COUNT; i++)
		atomic_store_explicit(&into->qtype[i],
				      counter_read(&into->qtype[i]) + counter_read(&from->qtype[i]),
				      memory_order_relaxed);
	atomic_store_explicit(&into->dropped,
			      counter_read(&into->dropped) + counter_read(&from->dropped),
			      memory_order_relaxed);
	atomic_store_explicit(&into->rrl_slipped,
			      counter_read(&into->rrl_slipped) + counter_read(&from->rrl_slipped),
			      memory_order_relaxed);
	atomic_store_explicit(&into->rrl_dropped,
			      counter_read(&into->rrl_dropped) + counter_read(&from->rrl_dropped),
			      memory_order_relaxed);
}
