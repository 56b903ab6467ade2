# libserver: the query path (parse, lookup, encode) and the serving runtime; batond is main.c.
noinst_LIBRARIES += server/libserver.a
server_libserver_a_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(URCU_CFLAGS) \
	$(MAXMINDDB_CFLAGS)
server_libserver_a_SOURCES = \
	server/config.c server/config.h \
	server/query.c server/query.h \
	server/ecs.c server/ecs.h \
	server/geo_db.c server/geo_db.h \
	server/geo_index.c server/geo.h \
	server/response.c server/response.h \
	server/lookup.c server/lookup.h \
	server/policy.c server/policy.h \
	server/answer.c server/answer.h \
	server/reload.c server/reload.h \
	server/udp.c server/udp.h \
	server/tcp.c server/tcp.h \
	server/control.c server/control.h \
	server/status.c server/status.h \
	server/drainfile.c server/drainfile.h \
	server/failovers.c server/failovers.h \
	server/server.h
SERVER_LIBS = server/libserver.a $(HEALTH_LIBS) $(ZONES_LIBS) $(LIBEVENT_LIBS) $(URCU_LIBS) \
	$(MAXMINDDB_LIBS) -lm

sbin_PROGRAMS += batond
batond_SOURCES = server/main.c
batond_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(URCU_CFLAGS) $(MAXMINDDB_CFLAGS)
batond_LDADD = $(SERVER_LIBS)
