/* The failover language of a zone, compiled: health checks ($CHECK), sites ($SITE) and the
 * FAILOVER records that answer A and AAAA from the sites a policy picks. Immutable once the zone
 * is published, like the rest of struct zone; the health engine reads the checks and sites, the
 * query path reads the FAILOVER records and each site's pre-encoded addresses. */
#ifndef BATON_FAILOVER_H
#define BATON_FAILOVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct zone_rrset;
struct zone_failover_signed;

enum check_kind { CHECK_TCP, CHECK_HTTP, CHECK_HTTPS, CHECK_DNS, CHECK_ICMP, CHECK_EXEC };

struct zone_check {
	const char *name;
	enum check_kind kind;
	uint32_t interval_ms;
	uint32_t timeout_ms; /* below interval_ms */
	/* after a result that disagrees with the verdict, the next probe starts this long after
	 * it, not in the next slot, until rise/fall decides; 0: no re-check (below interval_ms) */
	uint32_t recheck_ms;
	uint8_t rise; /* consecutive successes that make a down target up */
	uint8_t fall; /* consecutive failures that make an up target down */
	uint16_t port; /* tcp, http, https, dns */
	/* http, https */
	const char *path;
	const char *host; /* Host header; NULL: the target address */
	const char *body; /* substring the body must contain; NULL: any */
	uint16_t status_min, status_max;
	bool verify; /* https: verify the certificate (default yes) */
	const char *ca_file; /* https: trust anchors; NULL: the system's */
	/* dns */
	const uint8_t *query_name; /* wire form */
	uint16_t query_type;
	uint8_t expect_rcode;
	bool has_expect_address;
	uint8_t expect_address_family; /* AF_INET or AF_INET6 */
	uint8_t expect_address[16];
	/* exec: argv[0] is the program, run without a shell */
	char *const *argv;
	const char *file;
	unsigned line;
};

#define SITE_ADDRESSES_MAX 8
#define ZONE_SITE_VIP_MAX 63 /* GOSSIP_VIP_NAME_MAX: the longest name a VIP report carries */

struct zone_site {
	const char *name;
	uint8_t v4_count, v6_count;
	uint8_t v4[SITE_ADDRESSES_MAX][4];
	uint8_t v6[SITE_ADDRESSES_MAX][16];
	uint16_t check_count;
	const struct zone_check **checks;
	bool has_geo;
	double latitude, longitude;
	uint32_t weight; /* for policy=weighted; default 1 */
	const char *region; /* NULL when not given */
	/* vip=: the VRRP instance whose signed reports (docs/vip.md) may take the site down; NULL
	 * when not given. Reports match by site name and instance name. */
	const char *vip;
	/* The site's addresses as RRsets, so an answer is a copy plus a TTL patch. Empty
	 * (rr_count 0) for a family the site has none of. */
	struct zone_rrset *a;
	struct zone_rrset *aaaa;
	uint32_t health_id; /* index into the health view, set by the server before publishing */
	const char *file;
	unsigned line;
};

enum failover_policy { POLICY_ORDER, POLICY_WEIGHTED, POLICY_ALL, POLICY_GEO };
enum failover_fallback { FALLBACK_ALL, FALLBACK_SERVFAIL, FALLBACK_NONE, FALLBACK_SITE };

struct zone_failover {
	enum failover_policy policy;
	enum failover_fallback fallback;
	const struct zone_site *fallback_site; /* FALLBACK_SITE */
	uint16_t site_count;
	const struct zone_site **sites; /* in the order written */
	uint32_t ttl_max_s; /* the record's TTL */
	uint32_t ttl_min_s; /* ttl-min=, default ttl_max_s / 2 */
	/* Answers given, per site in `sites` order, then one for answers made by the fallback.
	 * The one mutable part of a compiled zone: the query path adds to it (relaxed atomics),
	 * metrics read it. */
	_Atomic uint64_t *answers;
	/* In a signed zone, the answers pre-signed under this owner (zones/dnssec.h); else NULL */
	const struct zone_failover_signed *signed_sets;
	const char *file;
	unsigned line;
};

/* Operator overrides of policy=geo, zone-wide: the sites a client network ($GEO-NET) or a
 * continent or country ($GEO-MAP) prefers, in order, ahead of the nearest. */
struct zone_geo_net {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefix_len;
	uint8_t addr[16]; /* network bytes, host bits zero */
	uint16_t site_count;
	const struct zone_site **sites;
	const char *file;
	unsigned line;
};

struct zone_geo_map {
	char continent[3]; /* "EU"; "" when only a country is given */
	char country[3]; /* "DE"; "" for a whole continent */
	uint16_t site_count;
	const struct zone_site **sites;
	const char *file;
	unsigned line;
};

#endif
