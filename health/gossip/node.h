/* A gossip member: what it knows of every member (liveness, the latest signed state of each),
 * the receive pipeline (decode, key, signature, clock window, replay), dissemination (rounds,
 * fan-out, relays, full-state exchange) and the verdicts by quorum of the sites it watches.
 *
 * Transport and time are the caller's: datagrams leave through a send callback and arrive
 * through gossip_node_receive(), and every call that needs the time takes it as arguments
 * (now_ms: CLOCK_MONOTONIC ms; wall_ms: Unix ms). So batond, baton-probe and the simulated
 * network of the unit tests drive the same code. health/gossip/udp.h binds it to UDP and a
 * libevent loop.
 *
 * For batond: feed the engine's local verdicts with gossip_node_set_observations() (when it is
 * a prober itself), watch each site with gossip_node_watch(), call gossip_node_round() each
 * round, and publish a new health view whenever it reports changes, reading
 * gossip_node_verdict(). Single-threaded: one loop owns a node; nothing here is for the query
 * path. */
#ifndef BATON_GOSSIP_NODE_H
#define BATON_GOSSIP_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baton/health.h"
#include "health/gossip/keys.h"
#include "health/gossip/quorum.h"
#include "health/gossip/wire.h"

struct gossip_node;

struct gossip_node_config {
	const char *self; /* this member's name in the trusted keys */
	uint32_t round_ms; /* 1000: how often a member signs and sends its state */
	unsigned fanout; /* 3: peers each round's state goes to */
	unsigned relay_fanout; /* 2: peers a datagram new to us is relayed to */
	unsigned full_state_every; /* 10: rounds between full-state exchanges with one peer */
	uint32_t dead_after_ms; /* 5 rounds: a member silent this long is no longer live */
	/* The clock window: a datagram signed more than max_age_ms ago or more than skew_ms in
	 * the future (by our clock) is dropped as stale. */
	uint32_t max_age_ms; /* 10000 */
	uint32_t skew_ms; /* 5000: how far members' clocks may disagree */
	uint64_t first_seq; /* where our sequence starts: above anything sent before a restart */
	uint64_t seed; /* peer choice; any value */
	struct quorum_config quorum;
	bool quiet_verdicts; /* no log line per verdict change: the caller logs its own */
};

void gossip_node_config_default(struct gossip_node_config *c);

/* Sends one datagram to `member` (an index into the keyring's members, always a peer). */
typedef void gossip_send_fn(void *arg, uint32_t member, const uint8_t *buf, size_t len);

/* A node for member cfg->self. `kr` and `key` are borrowed and must outlive the node.
 * Returns 0, -ENOENT (self not in the keyring), -EPERM (key is not one of self's trusted
 * keys), -EDOM (quorum min_regions above the probers' regions in the keyring) or -ENOMEM;
 * *out untouched on failure. */
int gossip_node_new(struct gossip_node **out, const struct gossip_keyring *kr,
		    const struct gossip_key *key, const struct gossip_node_config *cfg,
		    gossip_send_fn *send, void *send_arg);

void gossip_node_free(struct gossip_node *n);

/* Marks `member` as a peer we can send to directly. Returns 0 or -EINVAL (self or out of range). */
int gossip_node_add_peer(struct gossip_node *n, uint32_t member);

/* One of our own observations, as our checks see it. */
struct gossip_local_obs {
	const char *zone;
	const char *site;
	enum site_verdict verdict;
	int64_t since_wall_ms; /* when our verdict last changed */
};

/* Replaces our observations with these (copied). Returns 1 when some site's verdict differs
 * from before (the caller may then gossip_node_push() at once), 0 when not, -E2BIG above
 * GOSSIP_OBS_MAX sites (nothing changed) or -ENOMEM. */
int gossip_node_set_observations(struct gossip_node *n, const struct gossip_local_obs *obs,
				 size_t count);

/* One of our VRRP instances (baton-vip), as its state machine has it now. */
struct gossip_local_vip {
	struct gossip_vip_inst inst; /* inst.changed_age_ms is ignored: see changed_wall_ms */
	int64_t changed_wall_ms; /* its last state change (Unix ms), or -1: none yet */
};

/* Replaces our VRRP instances with these (copied): from now on each round signs them as a VIP
 * report (one datagram per part, as many records as fit in each) besides the heartbeat, and
 * relays and full-state exchanges carry it as they carry state. Returns 1 when some
 * instance's state, priority, site or VIPs differ from before (the caller may then
 * gossip_node_push() at once), 0 when not, -EINVAL when a record breaks a bound of the wire
 * format, -E2BIG when they do not fit in GOSSIP_PARTS_MAX datagrams (nothing changed then),
 * or -ENOMEM. */
int gossip_node_set_vip(struct gossip_node *n, const struct gossip_local_vip *v, size_t count);

/* One instance a vip member reported, as we last accepted it. */
struct gossip_vip_seen {
	const char *member, *region;
	bool live; /* the member is live */
	int64_t signed_wall_ms; /* when its node signed it (its clock) */
	int64_t heard_ms; /* when we accepted it (now_ms scale) */
	struct gossip_vip_inst inst;
};

/* The i-th instance (0 ..) of member `member`'s latest VIP report, over its parts. Returns
 * false past the last one (at once for a member that never sent one). */
bool gossip_node_vip_seen(const struct gossip_node *n, uint32_t member, uint32_t i,
			  struct gossip_vip_seen *out);

/* Watches a site: its verdict by quorum is kept from now on. Idempotent. Sets *index for
 * gossip_node_verdict(). Returns 0 or -ENOMEM. */
int gossip_node_watch(struct gossip_node *n, const char *zone, const char *site, uint32_t *index);

/* One round: liveness, our signed state to `fanout` peers, a full-state exchange every
 * full_state_every rounds, then every watched site's verdict. Returns how many verdicts
 * changed. */
unsigned gossip_node_round(struct gossip_node *n, int64_t now_ms, int64_t wall_ms);

/* Signs and sends our state now, outside the round (after our observations changed). */
void gossip_node_push(struct gossip_node *n, int64_t now_ms, int64_t wall_ms);

#define GOSSIP_FROM_UNKNOWN UINT32_MAX

/* Takes one received datagram; `from` is the member whose address sent it, or
 * GOSSIP_FROM_UNKNOWN (relays never go back to it). A datagram new to us is stored (its
 * sender is live from now), relayed to relay_fanout peers, and counts in the next round's
 * verdicts. Returns 0 when accepted, or -EBADMSG with *why (and the drop counted). */
int gossip_node_receive(struct gossip_node *n, const uint8_t *buf, size_t len, uint32_t from,
			int64_t now_ms, int64_t wall_ms, enum gossip_drop *why);

struct gossip_verdict {
	const char *zone, *site;
	enum site_verdict verdict; /* unknown until a quorum of probers was first live */
	bool held; /* too few live probers: this is the last verdict, held */
	unsigned needed; /* down votes that take the site down */
	unsigned min_regions;
	struct quorum_tally tally; /* the last round's */
	int64_t since_wall_ms; /* the last change (or the watch) */
};

/* The verdict of watched site `index`. Returns false when index is out of range. */
bool gossip_node_verdict(const struct gossip_node *n, uint32_t index, struct gossip_verdict *v);

uint32_t gossip_node_site_count(const struct gossip_node *n);

/* Evidence: what member `member` said of watched site `index`. */
struct gossip_vote {
	const char *member, *region;
	enum gossip_role role;
	bool live;
	bool voted; /* it observed the site (verdict below) */
	enum site_verdict verdict;
	int64_t signed_wall_ms; /* when it signed that observation (its clock) */
	int64_t since_wall_ms; /* since when it has seen that verdict */
};

/* Fills *v for member `member` (0 .. members-1) of watched site `index`. Returns false past
 * the last member or for an unknown site. */
bool gossip_node_vote(const struct gossip_node *n, uint32_t index, uint32_t member,
		      struct gossip_vote *v);

/* Liveness of member `member` and when it was last heard (now_ms scale; -1 never). */
bool gossip_node_member_live(const struct gossip_node *n, uint32_t member, int64_t *heard_ms);

struct gossip_counters {
	uint64_t drops[GOSSIP_DROP_KINDS];
	uint64_t accepted; /* datagrams new to us */
	uint64_t relayed; /* datagrams we relayed */
	uint64_t sent; /* datagrams we sent, relays included */
	uint64_t sent_bytes;
};

const struct gossip_counters *gossip_node_counters(const struct gossip_node *n);

#endif
