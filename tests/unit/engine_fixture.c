/* The engine the engine tests share: quorum mode, no check run, synced to a zone with sites fra
 * and iad, so nothing depends on time; see engine_fixture.h. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/engine_fixture.h"
#include "zones/zone.h"

void engine_fixture_on_change(void *arg)
{
	struct engine_fixture *f = arg;

	f->changes++;
}

struct zoneset *engine_fixture_load_zones(const char *zone_text)
{
	char path[] = "/tmp/baton_engine_fixture.XXXXXX";
	int fd = mkstemp(path);
	struct zoneset *zs;
	struct zone *z;
	struct diag d;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, zone_text, strlen(zone_text)), (ssize_t)strlen(zone_text));
	close(fd);
	diag_init(&d);
	assert_int_equal(zone_load(&z, "example.com", path, &d), 0);
	unlink(path);
	diag_fini(&d);
	assert_int_equal(zoneset_new(&zs, &z, 1), 0);
	return zs;
}

uint32_t engine_fixture_site_index(const struct health_engine *e, const char *name)
{
	struct health_site_info info;

	for (uint32_t i = 0; i < health_engine_site_count(e); i++)
		if (health_engine_site_info(e, i, &info) && strcmp(info.name, name) == 0)
			return i;
	fail_msg("no site %s", name);
	return UINT32_MAX;
}

/* An engine in quorum mode that runs no check, synced to the zone, with the hook counting. */
int engine_fixture_setup(void **state, const char *zone_text)
{
	struct engine_fixture *f = calloc(1, sizeof(*f));
	const struct zone *z;

	if (f == NULL || (f->base = event_base_new()) == NULL)
		return -1;
	if (health_engine_new(&f->e, f->base, &f->view) < 0)
		return -1;
	health_engine_use_quorum(f->e, false);
	health_engine_on_change(f->e, engine_fixture_on_change, f);
	f->zs = engine_fixture_load_zones(zone_text);
	if (health_engine_sync(f->e, f->zs) < 0)
		return -1;
	f->fra = engine_fixture_site_index(f->e, "fra");
	f->iad = engine_fixture_site_index(f->e, "iad");
	z = f->zs->zones[0];
	for (uint32_t s = 0; s < z->site_count; s++)
		if (strcmp(z->sites[s].name, "fra") == 0)
			f->fra_id = z->sites[s].health_id;
	*state = f;
	return 0;
}

int engine_fixture_teardown(void **state)
{
	struct engine_fixture *f = *state;

	health_engine_free(f->e);
	free(f->view); /* no reader: no grace period to wait for */
	zoneset_free(f->zs);
	event_base_free(f->base);
	free(f);
	return 0;
}
