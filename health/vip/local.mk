# baton-vip: VRRPv3 for a site's virtual IPs. libvip holds everything but main, so
# the unit tests and the fuzz target link what the daemon runs.
noinst_LIBRARIES += health/vip/libvip.a
health_vip_libvip_a_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(OPENSSL_CFLAGS)
health_vip_libvip_a_SOURCES = \
	health/vip/vrrp.c health/vip/vrrp.h \
	health/vip/fsm.c health/vip/fsm.h \
	health/vip/conf.c health/vip/conf.h \
	health/vip/conf_keywords.c health/vip/conf_keywords.h \
	health/vip/conf_gossip.c health/vip/conf_gossip.h \
	health/vip/netlink.c health/vip/netlink.h \
	health/vip/net.c health/vip/net.h \
	health/vip/announce.c health/vip/announce.h \
	health/vip/gate.c health/vip/gate.h \
	health/vip/track.c health/vip/track.h \
	health/vip/notify.c health/vip/notify.h \
	health/vip/instance.c health/vip/instance.h \
	health/vip/http.c health/vip/http.h \
	health/vip/gossip.c health/vip/gossip.h
VIP_LIBS = health/vip/libvip.a $(GOSSIP_LIBS) $(HEALTH_LIBS)
sbin_PROGRAMS += baton-vip
baton_vip_SOURCES = health/vip/main.c
baton_vip_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(OPENSSL_CFLAGS)
baton_vip_LDADD = $(VIP_LIBS)
