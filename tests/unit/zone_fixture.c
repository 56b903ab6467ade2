/* Test helpers: zones compiled from text, queries asked through answer_query(). */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/wire.h"
#include "server/answer.h"
#include "tests/unit/zone_fixture.h"

int fixture_write(char path[FIXTURE_PATH_MAX], const char *text)
{
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(path, FIXTURE_PATH_MAX, "/tmp/baton_test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		err = -EIO;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err < 0)
		unlink(path);
	return err;
}

int fixture_zone(struct zone **out, const char *origin, const char *text, struct diag *d)
{
	char path[FIXTURE_PATH_MAX];
	int rc = fixture_write(path, text);

	if (rc < 0)
		return rc;
	rc = zone_load(out, origin, path, d);
	unlink(path);
	return rc;
}

int fixture_file_setup(void **state)
{
	struct zone_file_fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	diag_init(&fx->diag);
	*state = fx;
	return 0;
}

int fixture_file_teardown(void **state)
{
	struct zone_file_fixture *fx = *state;

	zone_free(fx->zone);
	diag_fini(&fx->diag);
	if (fx->path[0] != '\0')
		unlink(fx->path);
	if (fx->extra[0] != '\0')
		unlink(fx->extra);
	free(fx);
	return 0;
}

int fixture_file_load(struct zone_file_fixture *fx, const char *origin, const char *text)
{
	assert_int_equal(fixture_write(fx->path, text), 0);
	return zone_load(&fx->zone, origin, fx->path, &fx->diag);
}

size_t fixture_build_query(const struct fixture_query *fq, uint8_t *out, size_t out_size)
{
	ldns_rdf *name = NULL;
	struct wire w;

	assert_int_equal(ldns_str2rdf_dname(&name, fq->name), LDNS_STATUS_OK);
	wire_init(&w, out, out_size);
	wire_write_u16(&w, FIXTURE_QUERY_ID);
	wire_write_u16(&w, (uint16_t)(fq->opcode << 11 | 0x0100));
	wire_write_u16(&w, 1);
	wire_write_u16(&w, 0);
	wire_write_u16(&w, 0);
	wire_write_u16(&w, fq->edns ? 1 : 0);
	wire_write(&w, ldns_rdf_data(name), ldns_rdf_size(name));
	wire_write_u16(&w, fq->qtype);
	wire_write_u16(&w, fq->qclass ? fq->qclass : LDNS_RR_CLASS_IN);
	if (fq->edns) {
		wire_write_u8(&w, 0);
		wire_write_u16(&w, LDNS_RR_TYPE_OPT);
		wire_write_u16(&w, fq->edns_udp_size);
		wire_write_u8(&w, 0);
		wire_write_u8(&w, fq->edns_version);
		wire_write_u16(&w, fq->edns_do ? 0x8000 : 0);
		wire_write_u16(&w, (uint16_t)fq->options_len);
		if (fq->options_len > 0)
			wire_write(&w, fq->options, fq->options_len);
	}
	ldns_rdf_deep_free(name);
	assert_int_equal(w.error, 0);
	return wire_offset(&w);
}

size_t fixture_ask_query(const struct zoneset *zs, const struct fixture_query *fq, bool tcp,
			 uint8_t *out, size_t out_size)
{
	const struct answer_source src = { .zones = zs, .edns_size = FIXTURE_EDNS_SIZE };
	uint8_t query[512];
	size_t len = fixture_build_query(fq, query, sizeof(query));

	return answer_query(out, out_size, query, len, tcp, &src, NULL);
}

size_t fixture_ask(const struct zoneset *zs, const char *name, uint16_t qtype, bool edns,
		   uint16_t bufsize, bool tcp, uint8_t *out, size_t out_size)
{
	struct fixture_query fq = {
		.name = name,
		.qtype = qtype,
		.edns = edns,
		.edns_udp_size = bufsize,
	};

	return fixture_ask_query(zs, &fq, tcp, out, out_size);
}

ldns_pkt *fixture_ask_query_pkt(const struct zoneset *zs, const struct fixture_query *fq, bool tcp)
{
	uint8_t *out = malloc(ANSWER_TCP_MAX);
	ldns_pkt *pkt = NULL;
	size_t len;

	assert_non_null(out);
	len = fixture_ask_query(zs, fq, tcp, out, ANSWER_TCP_MAX);
	if (len == 0) {
		free(out);
		fail_msg("no answer to %s", fq->name);
	}
	if (ldns_wire2pkt(&pkt, out, len) != LDNS_STATUS_OK) {
		free(out);
		fail_msg("the answer to %s does not parse", fq->name);
	}
	free(out);
	return pkt;
}

ldns_pkt *fixture_ask_pkt(const struct zoneset *zs, const char *name, uint16_t qtype, bool edns,
			  uint16_t bufsize, bool tcp)
{
	struct fixture_query fq = {
		.name = name,
		.qtype = qtype,
		.edns = edns,
		.edns_udp_size = bufsize,
	};

	return fixture_ask_query_pkt(zs, &fq, tcp);
}
