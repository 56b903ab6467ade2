# Unit tests (cmocka, one per module), fuzz targets whose seed corpus replays in every run, and
# integration, lab and browser scripts, all TAP.
#
# Every test program is compiled with the same flags (AM_CPPFLAGS carries the libraries'
# include flags) and linked with TEST_LIBS, the default LDADD: a static library contributes only
# the objects a test uses, so one list serves every test.
TEST_LIBS = $(SERVER_LIBS) $(VIP_LIBS) $(CMOCKA_LIBS)
LDADD = $(TEST_LIBS)

UNIT_TESTS = \
	tests/unit/test_wire \
	tests/unit/test_dname \
	tests/unit/test_name_set \
	tests/unit/test_load \
	tests/unit/test_fast_rr \
	tests/unit/test_zone_errors \
	tests/unit/test_zone_input \
	tests/unit/test_zone_soa \
	tests/unit/test_stanza_args \
	tests/unit/test_print \
	tests/unit/test_keep \
	tests/unit/test_failover_list \
	tests/unit/test_response \
	tests/unit/test_chaos \
	tests/unit/test_lookup \
	tests/unit/test_config \
	tests/unit/test_query_path \
	tests/unit/test_policy \
	tests/unit/test_geo \
	tests/unit/test_cookie \
	tests/unit/test_rrl \
	tests/unit/test_control \
	tests/unit/test_drainfile \
	tests/unit/test_log \
	tests/unit/test_listen_guard \
	tests/unit/test_check_exec \
	tests/unit/test_target \
	tests/unit/test_history \
	tests/unit/test_fingerprint \
	tests/unit/test_tsig \
	tests/unit/test_xfr \
	tests/unit/test_engine_quorum \
	tests/unit/test_vip_evidence \
	tests/unit/test_engine_vip \
	tests/unit/test_engine_publish \
	tests/unit/test_gossip_wire \
	tests/unit/test_gossip_keys \
	tests/unit/test_quorum \
	tests/unit/test_gossip_net \
	tests/unit/test_gossip_conf \
	tests/unit/test_gossip_vip \
	tests/unit/test_vrrp \
	tests/unit/test_vrrp_fsm \
	tests/unit/test_vrrp_conf \
	tests/unit/test_vip_track
if HAVE_CMOCKA
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
else
# cmocka is only for the unit tests: say so rather than skip them.
check-local:
	@echo "make check: the unit tests need cmocka (apt-get install libcmocka-dev), then ./configure again" >&2; exit 1
endif
# The tests that compile a zone from text share its fixture.
ZONE_FIXTURE = tests/unit/zone_fixture.c tests/unit/zone_fixture.h
tests_unit_test_lookup_SOURCES = tests/unit/test_lookup.c $(ZONE_FIXTURE)
tests_unit_test_zone_errors_SOURCES = tests/unit/test_zone_errors.c $(ZONE_FIXTURE)
tests_unit_test_zone_soa_SOURCES = tests/unit/test_zone_soa.c $(ZONE_FIXTURE)
tests_unit_test_print_SOURCES = tests/unit/test_print.c $(ZONE_FIXTURE)
tests_unit_test_failover_list_SOURCES = tests/unit/test_failover_list.c $(ZONE_FIXTURE)
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c $(ZONE_FIXTURE)
tests_unit_test_geo_SOURCES = tests/unit/test_geo.c $(ZONE_FIXTURE)
tests_unit_test_gossip_net_SOURCES = tests/unit/test_gossip_net.c tests/unit/gossip_sim.c \
	tests/unit/gossip_sim.h
tests_unit_test_gossip_vip_SOURCES = tests/unit/test_gossip_vip.c tests/unit/gossip_sim.c \
	tests/unit/gossip_sim.h
tests_unit_test_gossip_conf_SOURCES = tests/unit/test_gossip_conf.c health/prober/conf.c \
	health/prober/conf.h
# The engine tests share their engine.
tests_unit_test_engine_quorum_SOURCES = tests/unit/test_engine_quorum.c tests/unit/engine_fixture.c \
	tests/unit/engine_fixture.h
tests_unit_test_engine_vip_SOURCES = tests/unit/test_engine_vip.c tests/unit/engine_fixture.c \
	tests/unit/engine_fixture.h
# Counts every allocation: the query path must make none.
tests_unit_test_query_path_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

# The tests' MaxMind DB, written by MaxMind's own writer from the CSV.
check_DATA = tests/data/geo-test.mmdb
tests/data/geo-test.mmdb: $(top_srcdir)/tests/data/geo-test.csv $(top_srcdir)/tools/mmdb-from-csv
	@$(MKDIR_P) tests/data
	$(AM_V_GEN)$(top_srcdir)/tools/mmdb-from-csv $(top_srcdir)/tests/data/geo-test.csv $@
CLEANFILES += tests/data/geo-test.mmdb
EXTRA_DIST += tests/data/geo-test.csv
tests_unit_test_xfr_SOURCES = tests/unit/test_xfr.c $(ZONE_FIXTURE)

# Fuzz targets, one list. With --enable-fuzzing (tools/fuzz) they link libFuzzer; otherwise the
# replay driver runs each seed corpus file through the same entry point, so every test run, the
# sanitizer build included, exercises the corpus through tests/fuzz/replay_TARGET.sh.
FUZZ_TARGETS = tests/fuzz/fuzz_packet tests/fuzz/fuzz_zone tests/fuzz/fuzz_config \
	tests/fuzz/fuzz_control tests/fuzz/fuzz_gossip tests/fuzz/fuzz_vrrp tests/fuzz/fuzz_xfr
FUZZ_REPLAYS = tests/fuzz/replay_packet.sh tests/fuzz/replay_zone.sh tests/fuzz/replay_config.sh \
	tests/fuzz/replay_control.sh tests/fuzz/replay_gossip.sh tests/fuzz/replay_vrrp.sh \
	tests/fuzz/replay_xfr.sh
if FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
FUZZ_LIBS = $(TEST_LIBS)
FUZZ_LINK = -fsanitize=fuzzer
else
check_PROGRAMS += $(FUZZ_TARGETS)
check_LIBRARIES += tests/fuzz/libreplay.a
tests_fuzz_libreplay_a_SOURCES = tests/fuzz/replay.c
FUZZ_LIBS = tests/fuzz/libreplay.a $(TEST_LIBS)
FUZZ_LINK =
TESTS += $(FUZZ_REPLAYS)
endif
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c tests/fuzz/fuzz_check.h
tests_fuzz_fuzz_packet_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_packet_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_zone_SOURCES = tests/fuzz/fuzz_zone.c tests/fuzz/fuzz_check.h
tests_fuzz_fuzz_zone_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_zone_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/fuzz_check.h
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_control_SOURCES = tests/fuzz/fuzz_control.c tests/fuzz/fuzz_check.h
tests_fuzz_fuzz_control_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_control_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_gossip_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_gossip_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_vrrp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_vrrp_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_xfr_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_xfr_LDADD = $(FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/replay.sh $(FUZZ_REPLAYS) tests/fuzz/packet.dict \
	tests/fuzz/zone.dict tests/fuzz/make_corpus.py tests/fuzz/make_gossip_corpus.py \
	tests/fuzz/vrrp_corpus.py tests/fuzz/make_xfr_corpus.py

INTEGRATION_TESTS = \
	tests/integration/basic.sh \
	tests/integration/tcp.sh \
	tests/integration/reload.sh \
	tests/integration/reload_async.sh \
	tests/integration/malformed.sh \
	tests/integration/checkzone.sh \
	tests/integration/zone_input.sh \
	tests/integration/checks_dns_icmp_exec.sh \
	tests/integration/checks_tcp_http.sh \
	tests/integration/failover.sh \
	tests/integration/policies.sh \
	tests/integration/drill.sh \
	tests/integration/diff_nsd.sh \
	tests/integration/identity.sh \
	tests/integration/mmdb.sh \
	tests/integration/install.sh \
	tests/integration/geo.sh \
	tests/integration/http.sh \
	tests/integration/http_flood.sh \
	tests/integration/control_socket.sh \
	tests/integration/rrl.sh \
	tests/integration/xfr.sh \
	tests/integration/soak.sh \
	tests/integration/wildcard.sh \
	tests/integration/nodata_ttl.sh \
	tests/integration/dnssec.sh \
	tests/integration/xfr_secondaries.sh \
	tests/lab/faults.sh \
	tests/browser/status_page.sh
TESTS += $(INTEGRATION_TESTS) tests/style.sh
# Re-signing under libfaketime: the gcc build only, since libfaketime preloaded into an ASan
# binary deadlocks in ASan's own start-up (a futex before main), so the sanitizer build lists it
# not at all rather than running it to a hang.
if !SANITIZERS
TESTS += tests/integration/dnssec_resign.sh
endif
EXTRA_DIST += tests/integration/dnssec_resign.sh
EXTRA_DIST += tests/style.sh .clang-format
# The docs against the tree: the README tour names every source file, the man pages every key.
TESTS += tests/docs.sh tests/man_keys.sh
EXTRA_DIST += tests/docs.sh tests/man_keys.sh
EXTRA_DIST += tests/browser/status_page.py
EXTRA_DIST += tests/integration/tcpload.py
EXTRA_DIST += tests/integration/http_client.py
EXTRA_DIST += tests/integration/xfr_tool.py
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/lib.sh tests/integration/diffdns.py \
	tests/integration/dnsraw.py tests/integration/difftest.queries \
	tests/integration/difftest.allowed zones/difftest.zone

# the gossip integration scripts, and its lab tests (network namespaces; root, as CI runs)
TESTS += tests/integration/gossip.sh tests/integration/gossip_batond.sh
EXTRA_DIST += tests/integration/gossip.sh tests/integration/gossip_inject.py \
	tests/integration/gossip_batond.sh
GOSSIP_LAB_TESTS = tests/lab/gossip_failover.sh tests/lab/gossip_partition.sh tests/lab/gossip_loss.sh \
	tests/lab/gossip_clock.sh tests/lab/gossip_flood.sh
TESTS += $(GOSSIP_LAB_TESTS)
EXTRA_DIST += $(GOSSIP_LAB_TESTS) tests/lab/gossip_lib.sh tests/lab/gossip_delay.py \
	tests/lab/gossip_flood.py

# baton-vip's lab tests (network namespaces; root, as CI runs)
VIP_LAB_TESTS = tests/lab/vip_failover.sh tests/lab/vip_ipv6_unicast.sh tests/lab/vip_splitbrain.sh \
	tests/lab/vip_keepalived.sh tests/lab/vip_track.sh tests/lab/vip_gate.sh tests/lab/vip_gossip.sh \
	tests/lab/vip_verdict.sh
TESTS += $(VIP_LAB_TESTS)
EXTRA_DIST += $(VIP_LAB_TESTS) tests/lab/vip_lib.sh
# the privileges drill uses the vip lab's namespaces and runs all three daemons
TESTS += tests/lab/privileges.sh
EXTRA_DIST += tests/lab/privileges.sh tests/lab/seccomp_exec.py
# links planted in the state folder where batond and baton-probe write as root
TESTS += tests/lab/symlink_takeover.sh
EXTRA_DIST += tests/lab/symlink_takeover.sh
TESTS += tests/integration/checkzone_count.sh
EXTRA_DIST += tests/integration/checkzone_count.sh
