/* vip.conf reader: `vrrp_instance NAME {` ... `}` blocks, one keyword per line, `#` comments;
 * defaults, then the checks that need the whole block. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/vip/conf.h"
#include "health/vip/conf_gossip.h"
#include "health/vip/conf_keywords.h"

#define CONF_MAX_BYTES (1 << 20)

const char *vip_addr_text(const struct vip_addr *a, char *buf)
{
	return inet_ntop(a->family, a->addr, buf, INET6_ADDRSTRLEN);
}

void vip_conf_free(struct vip_conf *c)
{
	if (c == NULL)
		return;
	if (c->gossip != NULL)
		gossip_conf_fini(c->gossip);
	free(c->gossip);
	arena_fini(&c->arena);
	free(c);
}

/* keepalived's defaults, where it has one: advert 1 s, priority 100, preempt on, 5 gratuitous
 * ARPs; ours are spaced 10 ms apart rather than sent back to back so a switch that drops one
 * of a burst still learns the move from the next. */
static void set_defaults(struct vip_instance_conf *inst)
{
	inst->priority = 100;
	inst->advert_cs = 100;
	inst->preempt = true;
	inst->csum = VRRP_CSUM_PSEUDO;
	inst->garp_count = 5;
	inst->garp_interval_ms = 10;
	inst->witness_timeout_ms = 500;
	inst->fence.name = "fence";
	inst->fence.kind = CHECK_EXEC;
	inst->fence.timeout_ms = 10000;
	inst->fence.rise = inst->fence.fall = 1;
}

static int finish_instance(struct vip_instance_conf *inst, struct stanza_ctx *c)
{
	char text[INET6_ADDRSTRLEN];
	int rc = 0;

	c->line = inst->line;
	if (inst->ifname[0] == '\0')
		rc = stanza_error(c, "vrrp_instance %s: add `interface NAME`", inst->name);
	if (inst->vrid == 0)
		rc = stanza_error(
			c, "vrrp_instance %s: add `vrid 1-255` (the VRID all its nodes share)",
			inst->name);
	if (inst->vip_count == 0)
		rc = stanza_error(c, "vrrp_instance %s: add at least one `vip ADDRESS/PREFIX`",
				  inst->name);
	for (unsigned i = 0; i < inst->peer_count; i++)
		if (inst->peers[i].family != inst->family)
			rc = stanza_error(c,
					  "vrrp_instance %s: unicast-peer %s is not of the "
					  "advertised family (that of the first vip)",
					  inst->name, vip_addr_text(&inst->peers[i], text));
	if (inst->has_unicast_src && inst->unicast_src.family != inst->family)
		rc = stanza_error(c,
				  "vrrp_instance %s: unicast-src is not of the advertised family",
				  inst->name);
	if (inst->has_unicast_src && inst->peer_count == 0)
		rc = stanza_error(c,
				  "vrrp_instance %s: unicast-src without unicast-peer: add the "
				  "peers, or remove it to use multicast",
				  inst->name);
	inst->fence.interval_ms = inst->fence.timeout_ms + 1;
	return rc;
}

static int check_unique(struct vip_conf *conf, struct vip_instance_conf *inst, struct stanza_ctx *c)
{
	for (unsigned i = 0; i < conf->count; i++) {
		const struct vip_instance_conf *o = conf->instances[i];

		c->line = inst->line;
		if (strcmp(o->name, inst->name) == 0)
			return stanza_error(c,
					    "vrrp_instance %s is defined twice (first at line %u)",
					    inst->name, o->line);
		if (o->vrid == inst->vrid && o->family == inst->family &&
		    strcmp(o->ifname, inst->ifname) == 0)
			return stanza_error(c,
					    "vrrp_instance %s: vrid %u on %s is already used by "
					    "%s (line %u); give it another vrid",
					    inst->name, inst->vrid, inst->ifname, o->name, o->line);
	}
	return 0;
}

/* Cuts a `#` comment (outside quotes) and trailing blanks off `s`. */
static void strip_comment(char *s)
{
	bool quoted = false;
	size_t n;

	for (char *p = s; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		if (*p == '#' && !quoted && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Where the reader is: in an instance block, in global_defs, or between blocks. */
struct read_state {
	struct vip_instance_conf *open;
	bool in_global, in_gossip;
	unsigned global_line; /* 0: no global_defs yet */
};

static struct vip_instance_conf *open_block(struct vip_conf *conf, struct conf_line *l)
{
	struct vip_instance_conf *inst;
	struct stanza_args *a = &l->a;

	if (a->count != 3 || strcmp(a->values[0], "vrrp_instance") != 0 || a->keys[1] != NULL ||
	    strcmp(a->values[2], "{") != 0 || !stanza_is_identifier(a->values[1])) {
		stanza_error(
			l->c,
			"expected `vrrp_instance NAME {` on one line (NAME: letters, digits, '-', "
			"'_'), found '%s'",
			l->raw);
		return NULL;
	}
	if (conf->count == VIP_INSTANCES_MAX) {
		stanza_error(l->c, "at most %d instances", VIP_INSTANCES_MAX);
		return NULL;
	}
	inst = arena_alloc(&conf->arena, sizeof(*inst));
	if (inst != NULL)
		inst->name = arena_dup(&conf->arena, a->values[1], strlen(a->values[1]) + 1);
	if (inst == NULL || inst->name == NULL) {
		l->c->out_of_memory = true;
		return NULL;
	}
	inst->file = l->c->file;
	inst->line = l->c->line;
	set_defaults(inst);
	return inst;
}

/* `http-listen ADDRESS@PORT`, NSD's spelling as in batond.conf; the last '@' splits, as IPv6
 * has none. The port is required: there is no default HTTP port for baton-vip. */
static void http_listen(struct vip_conf *conf, struct conf_line *l)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *v = l->a.count == 2 && l->a.keys[1] == NULL ? l->a.values[1] : "";
	const char *at = strrchr(v, '@');
	struct sockaddr_storage *ss = &conf->http_listen;
	char *end;
	unsigned long port = at ? strtoul(at + 1, &end, 10) : 0;

	memset(ss, 0, sizeof(*ss));
	if (at == NULL || at == v || (size_t)(at - v) >= sizeof(buf) || at[1] == '\0' ||
	    *end != '\0' || port == 0 || port > 65535) {
		stanza_error(l->c,
			     "http-listen: write ADDRESS@PORT, like 127.0.0.1@8053 or ::1@8053");
		return;
	}
	memcpy(buf, v, (size_t)(at - v));
	buf[at - v] = '\0';
	if (inet_pton(AF_INET, buf, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, buf, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	} else {
		stanza_error(l->c,
			     "http-listen: '%s' is not an IPv4 or IPv6 address: write "
			     "127.0.0.1@8053 (keep it on loopback: it has no authentication)",
			     buf);
	}
}

/* `http-connections N` and `http-timeout SECONDS`: the HTTP listener's limits. */
static void http_limit(struct conf_line *l, const char *key, unsigned *field, unsigned max)
{
	const char *v = l->a.count == 2 && l->a.keys[1] == NULL ? l->a.values[1] : "";
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < 1 || n > max) {
		stanza_error(l->c, "%s: write a number between 1 and %u, like `%s %u`", key, max,
			     key,
			     strcmp(key, "http-timeout") == 0 ? HTTP_LISTEN_TIMEOUT_DEFAULT_S
							      : HTTP_LISTEN_CONNECTIONS_DEFAULT);
		return;
	}
	*field = (unsigned)n;
}

/* `username USER`: the user baton-vip runs as once its sockets are open (batond's key). */
static void username(struct vip_conf *conf, struct conf_line *l)
{
	const char *v = l->a.count == 2 && l->a.keys[1] == NULL ? l->a.values[1] : NULL;

	if (v == NULL) {
		stanza_error(l->c, "username: write `username USER`, like `username baton`");
		return;
	}
	conf->username = arena_dup(&conf->arena, v, strlen(v) + 1);
	conf->username_line = l->c->line;
	if (conf->username == NULL)
		l->c->out_of_memory = true;
}

/* A line of the global_defs block. */
static void global_line(struct vip_conf *conf, struct conf_line *l)
{
	if (l->a.keys[0] == NULL && strcmp(l->a.values[0], "http-listen") == 0)
		http_listen(conf, l);
	else if (l->a.keys[0] == NULL && strcmp(l->a.values[0], "http-connections") == 0)
		http_limit(l, "http-connections", &conf->http_limits.connections,
			   HTTP_LISTEN_CONNECTIONS_MAX);
	else if (l->a.keys[0] == NULL && strcmp(l->a.values[0], "http-timeout") == 0)
		http_limit(l, "http-timeout", &conf->http_limits.timeout_s,
			   HTTP_LISTEN_TIMEOUT_MAX_S);
	else if (l->a.keys[0] == NULL && strcmp(l->a.values[0], "username") == 0)
		username(conf, l);
	else
		stanza_error(l->c,
			     "global_defs: unknown keyword '%s': it takes `http-listen "
			     "ADDRESS@PORT`, `http-connections N`, `http-timeout SECONDS` and "
			     "`username USER`; instance keywords go in a vrrp_instance block",
			     l->a.keys[0] ? l->a.keys[0] : l->a.values[0]);
}

/* `global_defs {`, keepalived's name for the block of global settings; at most one. */
static bool open_global(struct read_state *st, struct conf_line *l)
{
	struct stanza_args *a = &l->a;

	if (a->keys[0] != NULL || strcmp(a->values[0], "global_defs") != 0)
		return false;
	if (a->count != 2 || a->keys[1] != NULL || strcmp(a->values[1], "{") != 0)
		stanza_error(l->c, "expected `global_defs {` on one line, found '%s'", l->raw);
	else if (st->global_line != 0)
		stanza_error(l->c, "global_defs is defined twice (first at line %u): merge them",
			     st->global_line);
	st->global_line = l->c->line;
	st->in_global = true;
	return true;
}

/* One line: opens a block, closes it, or is a keyword of the open one. */
static void read_line(struct vip_conf *conf, struct read_state *st, struct conf_line *l)
{
	struct vip_instance_conf **open = &st->open;

	if (l->a.count == 0)
		return;
	if (st->in_global) {
		if (l->a.count == 1 && l->a.keys[0] == NULL && strcmp(l->a.values[0], "}") == 0)
			st->in_global = false;
		else
			global_line(conf, l);
		return;
	}
	if (st->in_gossip) {
		if (l->a.count == 1 && l->a.keys[0] == NULL && strcmp(l->a.values[0], "}") == 0)
			st->in_gossip = false;
		else
			conf_gossip_line(conf, l);
		return;
	}
	if (*open == NULL) {
		if (conf_gossip_open(conf, l))
			st->in_gossip = true;
		else if (!open_global(st, l))
			*open = open_block(conf, l);
		return;
	}
	if (l->a.count == 1 && l->a.keys[0] == NULL && strcmp(l->a.values[0], "}") == 0) {
		unsigned line = l->c->line;

		if (finish_instance(*open, l->c) == 0 && check_unique(conf, *open, l->c) == 0)
			conf->instances[conf->count++] = *open;
		l->c->line = line;
		*open = NULL;
		return;
	}
	conf_keywords_apply(*open, l);
}

int vip_conf_parse(struct vip_conf **out, const char *text, const char *file, struct diag *d)
{
	struct vip_conf *conf = calloc(1, sizeof(*conf));
	struct stanza_ctx c = { .d = d, .file = file };
	struct read_state st = { 0 };
	size_t errors = d->count;
	const char *p = text;

	if (conf == NULL)
		return -ENOMEM;
	arena_init(&conf->arena);
	conf->http_limits.connections = HTTP_LISTEN_CONNECTIONS_DEFAULT;
	conf->http_limits.timeout_s = HTTP_LISTEN_TIMEOUT_DEFAULT_S;
	c.arena = &conf->arena;
	c.file = arena_dup(&conf->arena, file, strlen(file) + 1);
	if (c.file == NULL) {
		vip_conf_free(conf);
		return -ENOMEM;
	}
	while (*p != '\0' && !c.out_of_memory) {
		size_t n = strcspn(p, "\n");
		char *buf = strndup(p, n);
		struct conf_line l = { .raw = buf, .c = &c };

		c.line++;
		if (buf == NULL) {
			c.out_of_memory = true;
			break;
		}
		strip_comment(buf);
		if (stanza_args_split(&l.a, buf, &c) == 0)
			read_line(conf, &st, &l);
		stanza_args_free(&l.a);
		free(buf);
		p += n + (p[n] == '\n');
	}
	if (st.open != NULL) {
		c.line = st.open->line;
		stanza_error(&c, "vrrp_instance %s is not closed: add a line with `}`",
			     st.open->name);
	}
	if (st.in_global) {
		c.line = st.global_line;
		stanza_error(&c, "global_defs is not closed: add a line with `}`");
	}
	if (st.in_gossip) {
		c.line = conf->gossip_line;
		stanza_error(&c, "gossip is not closed: add a line with `}`");
	} else if (!c.out_of_memory)
		conf_gossip_finish(conf, &c); /* an open block's missing keys are noise */
	if (d->count == errors && conf->count == 0)
		diag_add(d, file, 0, "no vrrp_instance: nothing to do");
	if (c.out_of_memory || d->count != errors) {
		vip_conf_free(conf);
		return c.out_of_memory ? -ENOMEM : -EINVAL;
	}
	*out = conf;
	return 0;
}

int vip_conf_load(struct vip_conf **out, const char *path, struct diag *d)
{
	FILE *fp = fopen(path, "r");
	char *text;
	size_t n;
	int rc;

	if (fp == NULL) {
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return -EINVAL;
	}
	text = malloc(CONF_MAX_BYTES + 1);
	if (text == NULL) {
		fclose(fp);
		return -ENOMEM;
	}
	n = fread(text, 1, CONF_MAX_BYTES + 1, fp);
	fclose(fp);
	if (n > CONF_MAX_BYTES) {
		free(text);
		diag_add(d, path, 0, "larger than %d bytes", CONF_MAX_BYTES);
		return -EINVAL;
	}
	text[n] = '\0';
	rc = vip_conf_parse(out, text, path, d);
	free(text);
	return rc;
}
