/* The quorum rule. Down needs `needed` down votes from at least min_regions regions; with at
 * least `needed` live voters anything else is up, so one prober with a bad uplink never takes a
 * site down; with fewer, nothing is decided and the last verdict holds. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "baton/health.h"
#include "health/gossip/quorum.h"

void quorum_config_default(struct quorum_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = QUORUM_MAJORITY;
	c->min_regions = 2;
	c->rise = 1;
	c->fall = 1;
}

int quorum_parse(struct quorum_config *c, const char *text)
{
	unsigned long v;
	char *end;

	if (strcmp(text, "majority") == 0) {
		c->mode = QUORUM_MAJORITY;
		c->value = 0;
		return 0;
	}
	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	v = strtoul(text, &end, 10);
	if (strcmp(end, "%") == 0 && v >= 1 && v <= 100) {
		c->mode = QUORUM_PERCENT;
		c->value = (unsigned)v;
		return 0;
	}
	if (*end == '\0' && v >= 1 && v <= 1000) {
		c->mode = QUORUM_COUNT;
		c->value = (unsigned)v;
		return 0;
	}
	return -EINVAL;
}

unsigned quorum_needed(const struct quorum_config *c, unsigned probers)
{
	unsigned n;

	switch (c->mode) {
	case QUORUM_COUNT: n = c->value; break;
	case QUORUM_PERCENT: n = (probers * c->value + 99) / 100; break;
	default: n = probers / 2 + 1; break;
	}
	return n ? n : 1;
}

bool quorum_step(const struct quorum_config *c, unsigned needed, const struct quorum_tally *t,
		 struct quorum_state *s)
{
	uint8_t want;
	unsigned wait;

	if (t->live < needed) {
		s->held = true;
		s->streak = 0;
		return false;
	}
	s->held = false;
	want = t->down >= needed && t->regions_down >= c->min_regions ? SITE_DOWN : SITE_UP;
	if (want == s->verdict) {
		s->streak = 0;
		return false;
	}
	wait = want == SITE_DOWN ? c->fall : c->rise;
	if (s->verdict != SITE_UNKNOWN && ++s->streak < wait)
		return false;
	s->verdict = want;
	s->streak = 0;
	return true;
}
