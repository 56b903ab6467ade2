/* Milliseconds from the kernel's clocks, the one spelling every program uses. Inline: the
 * query path reads the coarse ones, which come from the vDSO with no system call. */
#ifndef BATON_CLOCK_H
#define BATON_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Intervals and deadlines: never steps with the wall clock. */
static inline int64_t clock_monotonic_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* Dates shown to people and carried in gossip. */
static inline int64_t clock_wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

#endif
