/* Prints a compiled zone as a plain master file: zones/walk.c's records, which an AXFR carries
 * too. ldns turns the pre-encoded wire form back into text, so the output is exactly what would
 * be served. */
#include "autoconfig.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "zones/print.h"
#include "zones/walk.h"

/* One RR: owner + the pre-encoded TYPE CLASS TTL RDLENGTH RDATA, printed by ldns; the SOA
 * with `serial` (the last 20 bytes of its RDATA are SERIAL to MINIMUM, RFC 1035 §3.3.13). */
static int print_rr(FILE *out, const uint8_t *owner, const struct zone_rr *rr, uint32_t ttl,
		    const uint32_t *serial)
{
	size_t owner_len = dname_length(owner), pos = 0;
	uint8_t wire[DNAME_MAX_LEN + 65536];
	ldns_rr *parsed = NULL;
	char *text;

	memcpy(wire, owner, owner_len);
	memcpy(wire + owner_len, rr->wire, rr->len);
	wire_put_u16(wire + owner_len + 4, (uint16_t)(ttl >> 16));
	wire_put_u16(wire + owner_len + 6, (uint16_t)ttl);
	if (serial != NULL && rr->len >= 10 + 20) {
		wire_put_u16(wire + owner_len + rr->len - 20, (uint16_t)(*serial >> 16));
		wire_put_u16(wire + owner_len + rr->len - 18, (uint16_t)*serial);
	}
	if (ldns_wire2rr(&parsed, wire, owner_len + rr->len, &pos, LDNS_SECTION_ANSWER) !=
	    LDNS_STATUS_OK)
		return -EINVAL;
	text = ldns_rr2str(parsed);
	ldns_rr_free(parsed);
	if (text == NULL)
		return -ENOMEM;
	fputs(text, out);
	free(text);
	return 0;
}

int zone_print(FILE *out, const struct zone *z, const struct pick_set *picks, uint32_t serial)
{
	struct walk w;
	struct walk_rr rr;
	int rc = 0;

	walk_init(&w, z, picks);
	while (rc == 0 && walk_next(&w, &rr))
		rc = print_rr(out, rr.owner, rr.rr, rr.ttl,
			      z->soa != NULL && rr.rr == z->soa->rrs ? &serial : NULL);
	if (rc == 0 && ferror(out))
		rc = -EIO;
	return rc;
}
