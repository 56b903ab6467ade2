/* A zone's sites by name, and the "fra,iad" lists the stanzas write. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zones/site.h"

const struct zone_site *site_find(const struct zone *z, const char *name)
{
	for (uint32_t i = 0; i < z->site_count; i++)
		if (strcmp(z->sites[i].name, name) == 0)
			return &z->sites[i];
	return NULL;
}

int site_list_parse(struct zone *z, const char *list, const struct zone_site ***out,
		    uint16_t *count, const char *who, struct stanza_ctx *c)
{
	char *copy = strdup(list), *save = NULL;
	const struct zone_site **sites;
	int rc = 0;

	if (copy == NULL)
		return -ENOMEM;
	sites = arena_alloc(&z->arena, sizeof(*sites) * SITE_LIST_MAX);
	*out = sites;
	*count = 0;
	for (char *n = strtok_r(copy, ",", &save); n && sites; n = strtok_r(NULL, ",", &save)) {
		const struct zone_site *site = site_find(z, n);
		bool twice = false;

		for (uint16_t i = 0; site != NULL && i < *count; i++)
			twice |= sites[i] == site;
		if (site == NULL)
			rc = stanza_error(c, "%s names site '%s', which no $SITE defines", who, n);
		else if (twice)
			rc = stanza_error(c, "%s names site '%s' twice: list each site once", who,
					  n);
		else if (*count == SITE_LIST_MAX)
			rc = stanza_error(c, "%s lists more than %d sites", who, SITE_LIST_MAX);
		else
			sites[(*count)++] = site;
	}
	free(copy);
	return sites ? rc : -ENOMEM;
}
