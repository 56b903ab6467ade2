/* The keywords of a vrrp_instance block, private to health/vip/conf*.c. */
#ifndef BATON_VIP_CONF_KEYWORDS_H
#define BATON_VIP_CONF_KEYWORDS_H

#include <stdbool.h>

#include "health/vip/conf.h"
#include "zones/stanza_args.h"

/* One line being read: its words, and the ctx that files errors under its line. */
struct conf_line {
	struct stanza_args a;
	const char *raw; /* the line as written, comment removed */
	struct stanza_ctx *c;
};

/* Applies one `keyword value...` line to `inst`. Returns 0 or -EINVAL (error added). */
int conf_keywords_apply(struct vip_instance_conf *inst, struct conf_line *l);

/* "192.0.2.1", and with `with_prefix` "192.0.2.1/24" too. Returns 0 or -EINVAL. */
int conf_keywords_addr(const char *text, bool with_prefix, struct vip_addr *out,
		       struct stanza_ctx *c);

#endif
