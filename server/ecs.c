/* EDNS Client Subnet (RFC 7871 §6): FAMILY (2), SOURCE PREFIX-LENGTH (1), SCOPE PREFIX-LENGTH
 * (1), ADDRESS (ceil(source/8) bytes). */
#include "autoconfig.h"

#include <string.h>

#include "baton/wire.h"
#include "server/dns.h"
#include "server/ecs.h"

static unsigned address_bytes(uint8_t source_len)
{
	return (source_len + 7u) / 8u;
}

int ecs_parse(struct ecs *e, const uint8_t *data, size_t len)
{
	unsigned max_bits, bytes;

	if (len < 4)
		return -1;
	e->family = wire_get_u16(data);
	e->source_len = data[2];
	if (e->family == ECS_FAMILY_IPV4)
		max_bits = 32;
	else if (e->family == ECS_FAMILY_IPV6)
		max_bits = 128;
	else
		return -1; /* gdnsd and Knot refuse unknown families too */
	bytes = address_bytes(e->source_len);
	if (e->source_len > max_bits || data[3] != 0 || len != 4 + bytes)
		return -1;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, data + 4, bytes);
	/* §6: "MUST be truncated to the number of bits indicated", so stray bits are an error */
	if (e->source_len % 8 != 0 && (e->addr[bytes - 1] & (0xffu >> (e->source_len % 8))) != 0)
		return -1;
	return 0;
}

size_t ecs_option_len(const struct ecs *e)
{
	return 4 + 4 + address_bytes(e->source_len);
}

void ecs_write(struct wire *w, const struct ecs *e, uint8_t scope_len)
{
	unsigned bytes = address_bytes(e->source_len);

	wire_write_u16(w, DNS_EDNS_OPT_ECS);
	wire_write_u16(w, (uint16_t)(4 + bytes));
	wire_write_u16(w, e->family);
	wire_write_u8(w, e->source_len);
	wire_write_u8(w, scope_len);
	wire_write(w, e->addr, bytes);
}
