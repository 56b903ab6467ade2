# libserver: the query path (parse, lookup, encode) and the serving runtime; batond is main.c.
noinst_LIBRARIES += server/libserver.a
server_libserver_a_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(URCU_CFLAGS) \
	$(MAXMINDDB_CFLAGS) $(OPENSSL_CFLAGS)
server_libserver_a_SOURCES = \
	server/config.c server/config.h \
	server/config_finish.c server/config_finish.h \
	server/config_text.c server/config_text.h \
	server/config_xfr.c server/config_xfr.h \
	server/dns.h \
	server/query.c server/query.h \
	server/ecs.c server/ecs.h \
	server/geo_db.c server/geo_db.h \
	server/geo_index.c server/geo.h \
	server/response.c server/response.h \
	server/lookup.c server/lookup.h \
	server/policy.c server/policy.h \
	server/answer.c server/answer.h \
	server/answer_source.c server/answer_source.h \
	server/chaos.c server/chaos.h \
	server/reload.c server/reload.h server/reload_job.h \
	server/reload_thread.c \
	server/fingerprint.c server/fingerprint.h \
	server/udp.c server/udp.h \
	server/tcp.c server/tcp.h \
	server/control.c server/control.h \
	server/status.c server/status.h \
	server/drainfile.c server/drainfile.h \
	server/failovers.c server/failovers.h \
	server/counters.c server/counters.h \
	server/addr.h \
	server/metrics.c server/metrics.h \
	server/http.c server/http.h \
	server/siphash.c server/siphash.h \
	server/cookie.c server/cookie.h \
	server/rrl.c server/rrl.h \
	server/member.c server/member.h \
	server/tsig.c server/tsig.h \
	server/xfr_request.c server/xfr_request.h \
	server/xfr.c server/xfr.h \
	server/export.c server/export.h \
	server/notify.c server/notify.h \
	server/status_page.h \
	server/server.h
nodist_server_libserver_a_SOURCES = server/status_page.c
# The status page is written as a plain HTML file and compiled in as a string: no build step
# for the page itself, and nothing to find on disk at run time.
server/status_page.c: $(top_srcdir)/server/status_page.html
	@$(MKDIR_P) server
	$(AM_V_GEN){ \
	  echo '/* Generated from server/status_page.html by server/local.mk: edit that file. */'; \
	  echo '#include "autoconfig.h"'; \
	  echo '#include "server/status_page.h"'; \
	  echo 'const char status_page_html[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $<; \
	  printf '\t"";\n'; \
	  echo 'const size_t status_page_html_len = sizeof(status_page_html) - 1;'; \
	} >$@.tmp && mv $@.tmp $@
CLEANFILES += server/status_page.c
EXTRA_DIST += server/status_page.html
SERVER_LIBS = server/libserver.a $(GOSSIP_LIBS) $(HEALTH_LIBS) $(ZONES_LIBS) $(LIBEVENT_LIBS) $(URCU_LIBS) \
	$(MAXMINDDB_LIBS)

sbin_PROGRAMS += batond
batond_SOURCES = server/main.c
batond_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS) $(URCU_CFLAGS) $(MAXMINDDB_CFLAGS)
batond_LDADD = $(SERVER_LIBS)
