/* EDNS Client Subnet (RFC 7871): the option of a query, checked strictly, and its echo. */
#ifndef BATON_ECS_H
#define BATON_ECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baton/wire.h"

#define ECS_FAMILY_IPV4 1
#define ECS_FAMILY_IPV6 2
/* code, length, family, source and scope prefix lengths, and up to 16 address bytes */
#define ECS_OPTION_MAX (4 + 4 + 16)

struct ecs {
	uint16_t family; /* ECS_FAMILY_IPV4 or ECS_FAMILY_IPV6 */
	uint8_t source_len; /* bits of `addr` the client sent */
	uint8_t addr[16]; /* the bytes sent, zero after them */
};

/* Reads an option's data (`len` bytes after its code and length). Returns 0, or -1 when RFC
 * 7871 §7.2.1 asks for FORMERR: a family other than IPv4 or IPv6, a source prefix longer than
 * the family's address, an address of a length other than ceil(source/8), bits set past the
 * source prefix, or a non-zero scope prefix (a query has none). Query-path safe. */
int ecs_parse(struct ecs *e, const uint8_t *data, size_t len);

/* The option's length on the wire, code and length fields included. */
size_t ecs_option_len(const struct ecs *e);

/* Writes the echo of `e` with `scope_len` (RFC 7871 §7.2.1: same family, source prefix and
 * address; our scope) through `w`: ecs_option_len(e) bytes, or the writer's error. */
void ecs_write(struct wire *w, const struct ecs *e, uint8_t scope_len);

#endif
