/* The quorum rule: from the votes of live probers on one site, its verdict, with rise/fall
 * hysteresis, and the rule that the last verdict holds while too few probers are live. Pure
 * functions over small structs: node.c counts the votes, this decides. */
#ifndef BATON_QUORUM_H
#define BATON_QUORUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum quorum_mode {
	QUORUM_MAJORITY, /* more than half of the probers in the trusted keys */
	QUORUM_COUNT, /* a fixed number of probers */
	QUORUM_PERCENT, /* at least this percentage of the probers, rounded up */
};

struct quorum_config {
	enum quorum_mode mode;
	unsigned value; /* QUORUM_COUNT: probers; QUORUM_PERCENT: 1..100 */
	unsigned min_regions; /* distinct regions among the down votes */
	unsigned rise, fall; /* consecutive evaluations (gossip rounds) that change a verdict */
};

/* Defaults: majority, two regions, rise 1, fall 1 (each prober's checks already have their
 * own rise/fall; these damp a quorum that flickers at its threshold). */
void quorum_config_default(struct quorum_config *c);

/* Parses "majority", "N" or "P%" into c->mode/value. Returns 0 or -EINVAL. */
int quorum_parse(struct quorum_config *c, const char *text);

/* How many down votes take a site down when `probers` probers are configured; at least 1. */
unsigned quorum_needed(const struct quorum_config *c, unsigned probers);

/* The votes counted for one site this round, from live probers only. */
struct quorum_tally {
	unsigned live; /* live probers with an up or down observation of the site */
	unsigned up, down;
	unsigned regions_down; /* distinct regions among the down votes */
};

/* One site's verdict and its hysteresis. Zeroed = unknown, nothing pending. */
struct quorum_state {
	uint8_t verdict; /* enum site_verdict */
	bool held; /* too few live probers: the verdict is the last one, not a fresh decision */
	uint8_t streak; /* consecutive rounds that wanted the other verdict */
};

/* Applies one round's tally. The first decision is taken at once (no rise/fall wait), like the
 * check engine's start-up rule. Returns true when s->verdict changed. */
bool quorum_step(const struct quorum_config *c, unsigned needed, const struct quorum_tally *t,
		 struct quorum_state *s);

#endif
