/* vip.conf: the instances baton-vip runs, in blocks that read like keepalived's
 * vrrp_instance, and an optional `global_defs {` block for what is not per instance. Parsed whole before anything starts; every error names file:line and what to
 * write instead (docs/vip.md has the keyword map). */
#ifndef BATON_VIP_CONF_H
#define BATON_VIP_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "baton/http_listen.h"
#include "health/gossip/conf.h"
#include "health/vip/vrrp.h"
#include "baton/arena.h"
#include "baton/diag.h"
#include "zones/failover.h"

#define VIP_INSTANCES_MAX 32
#define VIP_VIPS_MAX 20 /* keepalived's limit per advert */
#define VIP_PEERS_MAX 8
#define VIP_TRACKS_MAX 16
#define VIP_WITNESSES_MAX 4

struct vip_addr {
	int family; /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint8_t prefix;
};

enum vip_track_kind { VIP_TRACK_INTERFACE, VIP_TRACK_CHECK };

struct vip_track {
	enum vip_track_kind kind;
	char ifname[IF_NAMESIZE]; /* VIP_TRACK_INTERFACE */
	struct zone_check check; /* VIP_TRACK_CHECK: a $CHECK, strings in the conf's arena */
	struct sockaddr_storage addr; /* what the check probes */
	bool fault; /* down forces FAULT; otherwise it subtracts `weight` */
	unsigned weight;
	const char *file;
	unsigned line;
};

enum vip_witness_method { VIP_WITNESS_PING, VIP_WITNESS_ARP };

struct vip_witness {
	struct vip_addr addr;
	enum vip_witness_method method;
};

struct vip_instance_conf {
	const char *name;
	const char *site; /* `site NAME`: the $SITE it serves, for gossip; NULL: none */
	const char *file;
	unsigned line;
	char ifname[IF_NAMESIZE];
	uint8_t vrid;
	uint8_t priority;
	uint16_t advert_cs;
	int family; /* the advert's: that of the first vip; others are moved but not advertised */
	unsigned vip_count;
	struct vip_addr vips[VIP_VIPS_MAX];
	bool preempt;
	uint32_t preempt_delay_ms;
	bool has_unicast_src;
	struct vip_addr unicast_src;
	unsigned peer_count; /* > 0: unicast mode */
	struct vip_addr peers[VIP_PEERS_MAX];
	enum vrrp_csum csum;
	unsigned garp_count; /* announcements per burst */
	uint32_t garp_interval_ms; /* between them */
	uint32_t garp_refresh_ms; /* 0: no periodic refresh */
	unsigned track_count;
	struct vip_track tracks[VIP_TRACKS_MAX];
	/* hooks: NULL or a command line; run as `command INSTANCE NAME STATE PRIORITY` */
	const char *notify, *notify_master, *notify_backup, *notify_fault, *notify_stop;
	unsigned witness_count;
	struct vip_witness witnesses[VIP_WITNESSES_MAX];
	uint32_t witness_timeout_ms;
	bool has_fence;
	struct zone_check fence; /* an exec check: exit 0 means the peer is fenced */
};

struct vip_conf {
	struct arena arena; /* every string and instance */
	struct sockaddr_storage http_listen; /* global_defs' http-listen; ss_family 0: off */
	struct http_listen_limits http_limits; /* global_defs' http-connections, http-timeout */
	const char *username; /* global_defs' username; NULL: keep the uid it started with */
	unsigned username_line;
	struct gossip_conf *gossip; /* the `gossip {` block; NULL: not a gossip member */
	unsigned gossip_line;
	unsigned count;
	struct vip_instance_conf *instances[VIP_INSTANCES_MAX];
};

/* Parses `text` as if read from `file`. Returns 0 with *out set (free with vip_conf_free), or
 * -EINVAL with the errors in `d` (*out untouched), or -ENOMEM. */
int vip_conf_parse(struct vip_conf **out, const char *text, const char *file, struct diag *d);

/* Reads and parses `path`; an unreadable file is one error in `d`. */
int vip_conf_load(struct vip_conf **out, const char *path, struct diag *d);

void vip_conf_free(struct vip_conf *c);

/* "192.0.2.1" or "2001:db8::1" into buf (INET6_ADDRSTRLEN bytes). */
const char *vip_addr_text(const struct vip_addr *a, char *buf);

#endif
