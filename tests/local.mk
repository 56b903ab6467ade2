# Unit tests (cmocka, one per module), fuzz-corpus replays and integration scripts, all TAP.
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(URCU_CFLAGS) \
	$(MAXMINDDB_CFLAGS)
UNIT_LIBS = $(SERVER_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS = \
	tests/unit/test_wire \
	tests/unit/test_dname \
	tests/unit/test_response \
	tests/unit/test_lookup \
	tests/unit/test_zone_errors \
	tests/unit/test_zone_input \
	tests/unit/test_config \
	tests/unit/test_query_path \
	tests/unit/test_policy \
	tests/unit/test_check_exec \
	tests/unit/test_drainfile \
	tests/unit/test_control \
	tests/unit/test_geo \
	tests/unit/test_log \
	tests/unit/test_listen_guard \
	tests/unit/test_cookie \
	tests/unit/test_rrl \
	tests/unit/test_target \
	tests/unit/test_history
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_unit_test_wire_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_listen_guard_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_listen_guard_LDADD = $(UNIT_LIBS)
tests_unit_test_wire_LDADD = $(UNIT_LIBS)
tests_unit_test_dname_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dname_LDADD = $(UNIT_LIBS)
tests_unit_test_response_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_response_LDADD = $(UNIT_LIBS)
tests_unit_test_lookup_SOURCES = tests/unit/test_lookup.c tests/unit/zone_fixture.c tests/unit/zone_fixture.h
tests_unit_test_lookup_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lookup_LDADD = $(UNIT_LIBS)
tests_unit_test_zone_errors_SOURCES = tests/unit/test_zone_errors.c tests/unit/zone_fixture.c tests/unit/zone_fixture.h
tests_unit_test_zone_errors_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_zone_errors_LDADD = $(UNIT_LIBS)
tests_unit_test_zone_input_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_zone_input_LDADD = $(UNIT_LIBS)
tests_unit_test_query_path_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_query_path_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
tests_unit_test_query_path_LDADD = $(UNIT_LIBS)
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c tests/unit/zone_fixture.c tests/unit/zone_fixture.h
tests_unit_test_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_policy_LDADD = $(UNIT_LIBS)
tests_unit_test_check_exec_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_check_exec_LDADD = $(HEALTH_LIBS) $(CMOCKA_LIBS)
tests_unit_test_drainfile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_drainfile_LDADD = $(UNIT_LIBS)
tests_unit_test_control_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_control_LDADD = $(UNIT_LIBS)
tests_unit_test_geo_SOURCES = tests/unit/test_geo.c tests/unit/zone_fixture.c tests/unit/zone_fixture.h
tests_unit_test_geo_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_geo_LDADD = $(UNIT_LIBS)
# The tests' MaxMind DB, written by MaxMind's own writer from the CSV.
check_DATA = tests/data/geo-test.mmdb
tests/data/geo-test.mmdb: $(top_srcdir)/tests/data/geo-test.csv $(top_srcdir)/tools/mmdb-from-csv
	@$(MKDIR_P) tests/data
	$(AM_V_GEN)$(top_srcdir)/tools/mmdb-from-csv $(top_srcdir)/tests/data/geo-test.csv $@
CLEANFILES += tests/data/geo-test.mmdb
EXTRA_DIST += tests/data/geo-test.csv
tests_unit_test_cookie_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cookie_LDADD = $(UNIT_LIBS)
tests_unit_test_rrl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rrl_LDADD = $(UNIT_LIBS)
tests_unit_test_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_log_LDADD = $(ZONES_LIBS) $(CMOCKA_LIBS)
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LIBS)
tests_unit_test_target_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_target_LDADD = $(HEALTH_LIBS) $(CMOCKA_LIBS)
tests_unit_test_history_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_history_LDADD = $(HEALTH_LIBS) $(CMOCKA_LIBS)

# Fuzz targets: with --enable-fuzzing they link libFuzzer; otherwise a replay driver runs each
# seed corpus file through the same entry point, so every test run (and the sanitizer build)
# exercises the corpus.
FUZZ_TARGETS = tests/fuzz/fuzz_packet tests/fuzz/fuzz_zone tests/fuzz/fuzz_config \
	tests/fuzz/fuzz_control
if FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
FUZZ_DRIVER =
FUZZ_LINK = -fsanitize=fuzzer
else
check_PROGRAMS += $(FUZZ_TARGETS)
FUZZ_DRIVER = tests/fuzz/replay.c
FUZZ_LINK =
endif
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c tests/fuzz/fuzz_check.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_packet_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_fuzz_packet_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_packet_LDADD = $(SERVER_LIBS)
tests_fuzz_fuzz_zone_SOURCES = tests/fuzz/fuzz_zone.c tests/fuzz/fuzz_check.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_zone_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_fuzz_zone_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_zone_LDADD = $(SERVER_LIBS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/fuzz_check.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_config_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(SERVER_LIBS)
tests_fuzz_fuzz_control_SOURCES = tests/fuzz/fuzz_control.c tests/fuzz/fuzz_check.h $(FUZZ_DRIVER)
tests_fuzz_fuzz_control_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_fuzz_control_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_control_LDADD = $(SERVER_LIBS)
TESTS += tests/fuzz/replay_packet.sh tests/fuzz/replay_zone.sh tests/fuzz/replay_config.sh \
	tests/fuzz/replay_control.sh

INTEGRATION_TESTS = \
	tests/integration/basic.sh \
	tests/integration/tcp.sh \
	tests/integration/reload.sh \
	tests/integration/malformed.sh \
	tests/integration/checkzone.sh \
	tests/integration/zone_input.sh \
	tests/integration/checks_dns_icmp_exec.sh \
	tests/integration/checks_tcp_http.sh \
	tests/integration/failover.sh \
	tests/integration/policies.sh \
	tests/integration/drill.sh \
	tests/integration/diff_nsd.sh \
	tests/integration/mmdb.sh \
	tests/integration/install.sh \
	tests/integration/geo.sh \
	tests/integration/http.sh \
	tests/integration/http_flood.sh \
	tests/integration/control_socket.sh \
	tests/integration/rrl.sh \
	tests/integration/soak.sh \
	tests/integration/xfr_secondaries.sh \
	tests/lab/faults.sh \
	tests/browser/status_page.sh
TESTS += $(INTEGRATION_TESTS) tests/style.sh
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
	tests/integration/difftest.allowed zones/difftest.zone \
	tests/fuzz/corpus tests/fuzz/replay.sh tests/fuzz/replay_packet.sh tests/fuzz/replay_zone.sh \
	tests/fuzz/replay_config.sh tests/fuzz/replay_control.sh \
	tests/fuzz/packet.dict tests/fuzz/zone.dict tests/fuzz/make_corpus.py

# --- gossip (issue 6): wire format, keys, quorum, a simulated network, and the fuzz target ---
GOSSIP_UNIT_TESTS = tests/unit/test_gossip_wire tests/unit/test_gossip_keys \
	tests/unit/test_quorum tests/unit/test_gossip_net tests/unit/test_gossip_conf \
	tests/unit/test_engine_quorum
check_PROGRAMS += $(GOSSIP_UNIT_TESTS)
TESTS += $(GOSSIP_UNIT_TESTS)
tests_unit_test_gossip_wire_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gossip_wire_LDADD = $(GOSSIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gossip_keys_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gossip_keys_LDADD = $(GOSSIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_quorum_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_quorum_LDADD = $(GOSSIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gossip_net_SOURCES = tests/unit/test_gossip_net.c tests/unit/gossip_sim.c \
	tests/unit/gossip_sim.h
tests_unit_test_gossip_net_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gossip_net_LDADD = $(GOSSIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gossip_conf_SOURCES = tests/unit/test_gossip_conf.c health/prober/conf.c \
	health/prober/conf.h
tests_unit_test_gossip_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gossip_conf_LDADD = $(GOSSIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_engine_quorum_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_engine_quorum_LDADD = $(HEALTH_LIBS) $(CMOCKA_LIBS)
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_gossip
else
check_PROGRAMS += tests/fuzz/fuzz_gossip
endif
tests_fuzz_fuzz_gossip_SOURCES = tests/fuzz/fuzz_gossip.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_gossip_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_fuzz_gossip_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_gossip_LDADD = $(GOSSIP_LIBS)
TESTS += tests/fuzz/replay_gossip.sh tests/integration/gossip.sh tests/integration/gossip_batond.sh
EXTRA_DIST += tests/fuzz/replay_gossip.sh tests/fuzz/make_gossip_corpus.py \
	tests/integration/gossip.sh tests/integration/gossip_inject.py \
	tests/integration/gossip_batond.sh
# the gossip lab tests (network namespaces; root, as CI runs)
GOSSIP_LAB_TESTS = tests/lab/gossip_failover.sh tests/lab/gossip_partition.sh tests/lab/gossip_loss.sh \
	tests/lab/gossip_clock.sh tests/lab/gossip_flood.sh
TESTS += $(GOSSIP_LAB_TESTS)
EXTRA_DIST += $(GOSSIP_LAB_TESTS) tests/lab/gossip_lib.sh tests/lab/gossip_delay.py \
	tests/lab/gossip_flood.py
# --- end gossip ---

# baton-vip (issue 7): unit tests, the VRRP advert fuzz target and its corpus replay, and the
# lab tests (network namespaces; root, as CI runs).
VIP_UNIT_TESTS = tests/unit/test_vrrp tests/unit/test_vrrp_fsm tests/unit/test_vrrp_conf \
	tests/unit/test_vip_track
check_PROGRAMS += $(VIP_UNIT_TESTS)
TESTS += $(VIP_UNIT_TESTS)
tests_unit_test_vrrp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vrrp_LDADD = $(VIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_vrrp_fsm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vrrp_fsm_LDADD = $(VIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_vrrp_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vrrp_conf_LDADD = $(VIP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_vip_track_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vip_track_LDADD = $(VIP_LIBS) $(CMOCKA_LIBS)
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_vrrp
else
check_PROGRAMS += tests/fuzz/fuzz_vrrp
endif
tests_fuzz_fuzz_vrrp_SOURCES = tests/fuzz/fuzz_vrrp.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_vrrp_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_fuzz_vrrp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_vrrp_LDADD = $(VIP_LIBS)
TESTS += tests/fuzz/replay_vrrp.sh
EXTRA_DIST += tests/fuzz/replay_vrrp.sh tests/fuzz/vrrp_corpus.py
VIP_LAB_TESTS = tests/lab/vip_failover.sh tests/lab/vip_ipv6_unicast.sh tests/lab/vip_splitbrain.sh \
	tests/lab/vip_keepalived.sh tests/lab/vip_track.sh tests/lab/vip_gate.sh
TESTS += $(VIP_LAB_TESTS)
# the privileges drill uses the vip lab's namespaces and runs all three daemons
TESTS += tests/lab/privileges.sh
EXTRA_DIST += tests/lab/privileges.sh tests/lab/seccomp_exec.py
# links planted in the state folder where batond and baton-probe write as root (issue 14)
TESTS += tests/lab/symlink_takeover.sh
EXTRA_DIST += tests/lab/symlink_takeover.sh
EXTRA_DIST += $(VIP_LAB_TESTS) tests/lab/vip_lib.sh
# end baton-vip

# zones/ modules (issue 15): the second SOA's line, and one test per pure module.
ZONES_UNIT_TESTS = tests/unit/test_zone_soa
check_PROGRAMS += $(ZONES_UNIT_TESTS)
TESTS += $(ZONES_UNIT_TESTS)
tests_unit_test_zone_soa_SOURCES = tests/unit/test_zone_soa.c tests/unit/zone_fixture.c \
	tests/unit/zone_fixture.h
tests_unit_test_zone_soa_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_zone_soa_LDADD = $(UNIT_LIBS)
TESTS += tests/integration/checkzone_count.sh
EXTRA_DIST += tests/integration/checkzone_count.sh
ZONES_UNIT_TESTS += tests/unit/test_stanza_args
tests_unit_test_stanza_args_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_stanza_args_LDADD = $(ZONES_LIBS) $(CMOCKA_LIBS)
ZONES_UNIT_TESTS += tests/unit/test_load
tests_unit_test_load_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_load_LDADD = $(ZONES_LIBS) $(CMOCKA_LIBS)
ZONES_UNIT_TESTS += tests/unit/test_print
tests_unit_test_print_SOURCES = tests/unit/test_print.c tests/unit/zone_fixture.c \
	tests/unit/zone_fixture.h
tests_unit_test_print_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_print_LDADD = $(UNIT_LIBS)
ZONES_UNIT_TESTS += tests/unit/test_keep
tests_unit_test_keep_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_keep_LDADD = $(ZONES_LIBS) $(CMOCKA_LIBS)
ZONES_UNIT_TESTS += tests/unit/test_failover_list
tests_unit_test_failover_list_SOURCES = tests/unit/test_failover_list.c tests/unit/zone_fixture.c \
	tests/unit/zone_fixture.h
tests_unit_test_failover_list_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_failover_list_LDADD = $(UNIT_LIBS)
