# Operator tools and the scripts of the two README commands.
sbin_PROGRAMS += batonctl baton-checkzone baton-check
batonctl_SOURCES = tools/batonctl.c tools/control_client.c tools/control_client.h \
	tools/drill.c tools/drill.h
batonctl_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
batonctl_LDADD = server/libserver.a $(GOSSIP_LIBS) $(ZONES_LIBS)
baton_checkzone_SOURCES = tools/checkzone.c
baton_checkzone_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
baton_checkzone_LDADD = $(ZONES_LIBS)
dist_noinst_SCRIPTS += tools/test tools/demo tools/install-deps tools/bench-dns tools/bench-failover tools/mmdb-from-csv tools/fuzz tools/soak \
	tools/bench-gossip tools/bench-zone tools/bench-transfer
# The helpers of tools/bench-dns and tools/bench-zone.
EXTRA_DIST += tools/bench/genzone.py tools/bench/gengeo.py tools/bench/ecswire.py \
	tools/bench/httpback.py
baton_check_SOURCES = tools/check.c
baton_check_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS)
baton_check_LDADD = $(HEALTH_LIBS)
# baton-keygen: a gossip member's Ed25519 key pair.
sbin_PROGRAMS += baton-keygen
baton_keygen_SOURCES = tools/keygen.c tools/keygen_dnssec.c tools/keygen_dnssec.h
baton_keygen_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
baton_keygen_LDADD = $(GOSSIP_LIBS) $(LDNS_LIBS)
