# libgossip: the signed gossip channel between probers and batond, and verdicts by quorum.
noinst_LIBRARIES += health/gossip/libgossip.a
health_gossip_libgossip_a_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(OPENSSL_CFLAGS) \
	$(URCU_CFLAGS)
health_gossip_libgossip_a_SOURCES = \
	health/gossip/wire.c health/gossip/wire.h \
	health/gossip/sign.c health/gossip/sign.h \
	health/gossip/keys.c health/gossip/keys.h \
	health/gossip/quorum.c health/gossip/quorum.h \
	health/gossip/node.c health/gossip/node.h health/gossip/node_impl.h \
	health/gossip/node_round.c \
	health/gossip/node_vip.c \
	health/gossip/udp.c health/gossip/udp.h \
	health/gossip/conf.c health/gossip/conf.h \
	health/gossip/member.c health/gossip/member.h \
	health/gossip/metrics.c health/gossip/metrics.h \
	health/gossip/vip_status.c health/gossip/vip_status.h
GOSSIP_LIBS = health/gossip/libgossip.a $(ZONES_LIBS) $(LIBEVENT_LIBS) $(OPENSSL_LIBS)
