/* batond.conf: an nsd.conf-like file with a `server:` section, one `zone:` section per zone,
 * `key:` sections (TSIG, server/config_xfr.h), and an optional `gossip:` section (probe.conf's keys) that makes batond a gossip member. */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "server/chaos.h"
#include "server/config_xfr.h"
#include "server/rrl.h"
#include "health/gossip/conf.h"
#include "baton/http_listen.h"
#include "baton/diag.h"

#define CONFIG_MAX_ADDRESSES 16

struct config_zone {
	char *name; /* as written, e.g. "example.com" */
	char *zonefile; /* absolute, or resolved against zonesdir / the config file's folder */
	unsigned line; /* where its `zone:` section starts, for messages */
	bool dnssec_signing; /* dnssec-signing: sign the zone when it loads; default no */
	char *dnssec_key_dir; /* dnssec-key-dir: its K*.key/.private files; resolved as zonefile */
	unsigned dnssec_lifetime_s; /* dnssec-signature-lifetime; default 14 days */
	struct config_acl *provide_xfr; /* who may transfer it (AXFR, IXFR) */
	size_t provide_xfr_count;
	struct config_notify *notify; /* whom to NOTIFY of each new serial */
	size_t notify_count;
};

#define CONFIG_DNSSEC_LIFETIME_DEFAULT_S (14u * 86400u)

struct config {
	char *path; /* the file read */
	struct sockaddr_storage addresses[CONFIG_MAX_ADDRESSES];
	size_t address_count; /* 0 until parsed; defaults to 0.0.0.0 and :: */
	unsigned port; /* default 53; an `ip-address: addr@port` overrides it per address */
	unsigned workers; /* UDP worker threads; default 1 */
	char *control_socket; /* default "/run/batond.sock" */
	char *pidfile; /* NULL: none */
	char *state_file; /* drains kept across restarts; NULL: none. Absolute, or resolved
	                       * against the config file's folder */
	char *zonesdir; /* base for relative zonefile paths; default the config file's folder */
	unsigned tcp_count; /* max open TCP connections; default 100 */
	unsigned tcp_timeout_s; /* idle TCP connections are closed after this; default 10 */
	unsigned reload_timeout_s; /* a (re)load of the zones taking longer is abandoned; default
	                            * 300 */
	unsigned edns_buffer_size; /* our EDNS payload size; 512..4096, default 1232 */
	unsigned verbosity; /* 0 errors .. 3 debug; default 2 (info) */
	char *geoip_database; /* a MaxMind DB for policy=geo; NULL: none. Absolute, or resolved
	                           * against the config file's folder */
	bool ecs; /* use and echo EDNS Client Subnet (RFC 7871); default yes */
	char *zone_cache; /* folder of each zone's last good copy; NULL: none. Absolute, or
	                   * resolved against the config file's folder */
	struct sockaddr_storage http_listen; /* ss_family 0: no HTTP listener (the default) */
	struct http_listen_limits http_limits; /* http-connections, http-timeout */
	char *username; /* switch to this user after binding; NULL: stay who we are */
	struct rrl_config rrl; /* rrl-*: rate limiting; off while rrl.ratelimit is 0 */
	bool answer_cookie; /* DNS Cookies (RFC 7873); default yes */
	uint8_t cookie_secret[16]; /* cookie-secret; else random at start */
	bool has_cookie_secret;
	/* identity, version, hide-identity, hide-version, nsid: the CHAOS TXT answers and NSID,
	 * ready as wire bytes (server/chaos.h) */
	struct chaos chaos;
	struct config_tsig_key *tsig_keys; /* key: sections */
	size_t tsig_key_count;
	unsigned export_min_interval_s; /* at most one new exported serial per this; default 1 */
	struct gossip_conf *gossip; /* the gossip: section; NULL: batond is no gossip member */
	struct config_zone *zones;
	size_t zone_count;
};

/* Reads `path` into `out` (zeroed and filled). Every problem (unknown section or key, bad value,
 * a zone without name or zonefile, the same zone twice) is added to `diag` with file and line.
 * Returns 0, or -EINVAL when diag holds errors, or -errno when the file cannot be read (also in
 * diag). On failure `out` is left freed and zeroed. Not for the query path. */
int config_load(struct config *out, const char *path, struct diag *diag);

/* Frees what config_load() allocated; a zeroed struct is fine. */
void config_free(struct config *cfg);

#endif
