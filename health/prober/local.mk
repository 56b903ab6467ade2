# baton-probe: the check engine on the zone files of its config, gossiping signed observations.
sbin_PROGRAMS += baton-probe
baton_probe_SOURCES = health/prober/main.c health/prober/conf.c health/prober/conf.h \
	health/prober/status.c health/prober/status.h health/prober/http.c health/prober/http.h
baton_probe_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(URCU_CFLAGS)
baton_probe_LDADD = $(GOSSIP_LIBS) $(HEALTH_LIBS)
