/* Which FAILOVER names use a site, and what stands by for them: the data of `batonctl drill`. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>

#include "baton/addr_text.h"
#include "health/engine.h"
#include "server/failovers.h"
#include "zones/site.h"

/* "drained" first: a drained site is out of answers whatever its verdict. */
static const char *site_state(const struct server *s, const struct zone_site *site)
{
	struct health_site_info info;

	if (!health_engine_site_info(s->engine, site->health_id, &info))
		return "unknown"; /* not synced yet: the query path answers it as up */
	return info.drained ? "drained" : health_verdict_name(info.verdict);
}

static void site_line(const struct server *s, const char *role, const struct zone_site *site,
		      struct evbuffer *out)
{
	char text[INET6_ADDRSTRLEN];

	evbuffer_add_printf(out, "%s %s %s", role, site->name, site_state(s, site));
	for (unsigned i = 0; i < site->v4_count; i++)
		evbuffer_add_printf(out, " %s",
				    inet_ntop(AF_INET, site->v4[i], text, sizeof(text)));
	for (unsigned i = 0; i < site->v6_count; i++)
		evbuffer_add_printf(out, " %s",
				    inet_ntop(AF_INET6, site->v6[i], text, sizeof(text)));
	evbuffer_add(out, "\n", 1);
}

static bool lists_site(const struct zone_failover *f, const struct zone_site *site)
{
	for (uint16_t i = 0; i < f->site_count; i++)
		if (f->sites[i] == site)
			return true;
	return false;
}

static void zone_failovers(const struct server *s, const struct zone *z,
			   const struct zone_site *site, struct evbuffer *out)
{
	char owner[DNAME_STR_MAX];

	for (uint32_t i = 0; i < z->failover_count; i++) {
		const struct zone_node *n = z->failovers[i];
		const struct zone_failover *f = n->failover;

		if (!lists_site(f, site))
			continue;
		evbuffer_add_printf(out, "failover %s\n",
				    dname_to_str(n->name, owner, sizeof(owner)));
		site_line(s, "site", site, out);
		for (uint16_t j = 0; j < f->site_count; j++)
			if (f->sites[j] != site)
				site_line(s, "standby", f->sites[j], out);
	}
}

/* The first address batond serves on, as a client reaches it: a wildcard is asked on the
 * loopback of its family. */
static void server_line(const struct server *s, struct evbuffer *out)
{
	const struct sockaddr_storage *ss = &s->cfg.addresses[0];
	char text[ADDR_TEXT_MAX];

	addr_text(ss, text);
	if (strcmp(text, "0.0.0.0") == 0 || strcmp(text, "?") == 0)
		strcpy(text, "127.0.0.1");
	else if (strcmp(text, "::") == 0)
		strcpy(text, "::1");
	evbuffer_add_printf(out, "server %s %u\n", text, addr_port(ss));
}

void failovers_reply(struct server *s, const char *site, struct evbuffer *out)
{
	struct health_site_info info;
	bool served = false, drained = false;

	for (uint32_t i = 0; s->engine && i < health_engine_site_count(s->engine); i++) {
		if (!health_engine_site_info(s->engine, i, &info) || strcmp(info.name, site) != 0)
			continue;
		served = true;
		drained |= info.drained;
	}
	if (!served) {
		evbuffer_add_printf(out, "error: no site called '%.64s' is served\n", site);
		return;
	}
	evbuffer_add_printf(out, "ok\n");
	server_line(s, out);
	evbuffer_add_printf(out, "drained %s\n", drained ? "yes" : "no");
	/* s->zones is replaced only on this thread, so it is read here without RCU. */
	for (size_t i = 0; s->zones != NULL && i < s->zones->count; i++) {
		const struct zone *z = s->zones->zones[i];
		const struct zone_site *zs = site_find(z, site);

		if (zs != NULL)
			zone_failovers(s, z, zs, out);
	}
}
