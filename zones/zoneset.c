/* The set of zones served at one moment. */
#include "autoconfig.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>

#include "zones/zoneset.h"

int zoneset_new(struct zoneset **out, struct zone *const *zones, size_t count)
{
	struct zoneset *zs = calloc(1, sizeof(*zs));
	uint32_t size = 8;

	while (size < count * 2)
		size *= 2;
	if (zs != NULL) {
		zs->zones = calloc(count ? count : 1, sizeof(*zs->zones));
		zs->table = calloc(size, sizeof(*zs->table));
	}
	if (zs == NULL || zs->zones == NULL || zs->table == NULL) {
		if (zs != NULL) {
			free(zs->zones);
			free(zs->table);
		}
		free(zs);
		return -ENOMEM;
	}
	zs->table_mask = size - 1;
	for (size_t i = 0; i < count; i++) {
		struct zone *z = zones[i];
		uint32_t slot = z->apex->hash & zs->table_mask;

		while (zs->table[slot] != NULL)
			slot = (slot + 1) & zs->table_mask;
		zs->table[slot] = z;
		zs->zones[zs->count++] = z;
		z->refs++;
	}
	*out = zs;
	return 0;
}

void zoneset_free(struct zoneset *zs)
{
	if (zs == NULL)
		return;
	for (size_t i = 0; i < zs->count; i++)
		if (--zs->zones[i]->refs == 0)
			zone_free(zs->zones[i]);
	free(zs->zones);
	free(zs->table);
	free(zs);
}

struct zone *zoneset_get(const struct zoneset *zs, const uint8_t *lower)
{
	struct dname_view v;
	unsigned label;
	struct zone *z;

	dname_view_from_wire(&v, lower, dname_length(lower));
	z = zoneset_find(zs, &v, 0, &label);
	return (z != NULL && label == 0) ? z : NULL;
}

struct zone *zoneset_get_by_name(const struct zoneset *zs, const char *name)
{
	ldns_rdf *apex = NULL;
	uint8_t lower[DNAME_MAX_LEN];
	struct zone *z;

	if (zs == NULL || ldns_str2rdf_dname(&apex, name) != LDNS_STATUS_OK)
		return NULL;
	if (ldns_rdf_size(apex) > DNAME_MAX_LEN) {
		ldns_rdf_deep_free(apex);
		return NULL;
	}
	dname_lower(lower, ldns_rdf_data(apex), ldns_rdf_size(apex));
	z = zoneset_get(zs, lower);
	ldns_rdf_deep_free(apex);
	return z;
}
