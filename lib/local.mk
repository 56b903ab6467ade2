# libbaton: what every program shares (logging, diagnostics, the arena, safe file writes,
# privileges, the HTTP listener and its guard against descriptor exhaustion), as gdnsd's
# libgdnsd. Its headers are in include/baton/.
noinst_LIBRARIES += lib/libbaton.a
lib_libbaton_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS)
lib_libbaton_a_SOURCES = \
	lib/log.c \
	lib/diag.c \
	lib/arena.c \
	lib/file_replace.c \
	lib/privileges.c \
	lib/http_listen.c \
	lib/listen_guard.c \
	lib/addr_text.c
BATON_LIBS = lib/libbaton.a $(LIBEVENT_LIBS)
