# libhealth: the check engine, one probe kind per file, and the history of transitions.
noinst_LIBRARIES += health/libhealth.a
health_libhealth_a_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(OPENSSL_CFLAGS) $(URCU_CFLAGS)
health_libhealth_a_SOURCES = \
	health/probe.c health/probe.h \
	health/target.c health/target.h \
	health/engine.c health/engine.h \
	health/history.c health/history.h \
	health/vip_evidence.c health/vip_evidence.h \
	health/check_tcp.c \
	health/check_http.c \
	health/check_dns.c \
	health/check_icmp.c \
	health/check_exec.c
HEALTH_LIBS = health/libhealth.a $(ZONES_LIBS) $(LIBEVENT_LIBS) $(OPENSSL_LIBS) $(URCU_LIBS)
