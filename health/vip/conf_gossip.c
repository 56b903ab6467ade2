/* vip.conf's `gossip {` block: baton-vip as a member of the gossip channel. Its keys are
 * batond.conf's `gossip:` keys, written keepalived-style (`name v1`; a colon after the key is
 * allowed), and each line
 * goes through health/gossip/conf.c's parser, so a mistake gets batond's message. The quorum
 * keys are refused: a vip member counts no votes. */
#include "autoconfig.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "health/vip/conf_gossip.h"

bool conf_gossip_open(struct vip_conf *conf, struct conf_line *l)
{
	struct stanza_args *a = &l->a;

	if (a->keys[0] != NULL || strcmp(a->values[0], "gossip") != 0)
		return false;
	if (a->count != 2 || a->keys[1] != NULL || strcmp(a->values[1], "{") != 0) {
		stanza_error(l->c, "expected `gossip {` on one line, found '%s'", l->raw);
	} else if (conf->gossip != NULL) {
		stanza_error(l->c, "gossip is defined twice (first at line %u): merge them",
			     conf->gossip_line);
		return true;
	}
	if (conf->gossip == NULL) {
		conf->gossip = malloc(sizeof(*conf->gossip));
		if (conf->gossip == NULL) {
			l->c->out_of_memory = true;
			return true;
		}
		gossip_conf_init(conf->gossip);
		conf->gossip_line = l->c->line;
	}
	return true;
}

void conf_gossip_line(struct vip_conf *conf, struct conf_line *l)
{
	const char *p = l->raw + strspn(l->raw, " \t");
	size_t klen = strcspn(p, " \t");
	const char *value = p + klen + strspn(p + klen, " \t");
	char key[32], fix[256];
	int rc;

	if (klen >= sizeof(key) || conf->gossip == NULL) {
		stanza_error(l->c, "unknown key '%.*s' in gossip (known: %s)", (int)klen, p,
			     gossip_conf_key_list());
		return;
	}
	memcpy(key, p, klen);
	/* `name: v1` as in batond.conf reads too, so batond's messages' examples fit */
	key[klen > 1 && p[klen - 1] == ':' ? klen - 1 : klen] = '\0';
	if (strncmp(key, "quorum", 6) == 0) {
		stanza_error(l->c,
			     "gossip: %s: a vip member counts no votes; remove it (batond and "
			     "baton-probe take the quorum keys)",
			     key);
		return;
	}
	rc = gossip_conf_set(conf->gossip, key, value, l->c->line, fix, sizeof(fix));
	if (rc == -ENOENT)
		stanza_error(l->c, "unknown key '%s' in gossip (known: %s)", key,
			     gossip_conf_key_list());
	else if (rc == -ENOMEM)
		l->c->out_of_memory = true;
	else if (rc < 0)
		stanza_error(l->c, "gossip: %s: %s", key, fix);
}

void conf_gossip_finish(struct vip_conf *conf, struct stanza_ctx *c)
{
	char *copy;

	if (conf->gossip == NULL)
		return;
	gossip_conf_check(conf->gossip, c->file, conf->gossip_line, "gossip {", c->d);
	for (unsigned i = 0; i < conf->count; i++) {
		if (conf->instances[i]->site != NULL)
			continue;
		c->line = conf->instances[i]->line;
		stanza_error(c,
			     "vrrp_instance %s: add `site NAME` (the $SITE its VIPs serve): with a "
			     "gossip block each instance is reported under its site",
			     conf->instances[i]->name);
	}
	copy = strdup(c->file);
	if (copy == NULL || gossip_conf_resolve(conf->gossip, dirname(copy)) < 0)
		c->out_of_memory = true;
	free(copy);
}
