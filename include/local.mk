# Headers several programs share.
noinst_HEADERS += include/baton/compiler.h include/baton/log.h include/baton/wire.h include/baton/health.h \
	include/baton/prom.h include/baton/json.h include/baton/clock.h include/baton/diag.h \
	include/baton/arena.h include/baton/file_replace.h include/baton/privileges.h \
	include/baton/http_listen.h include/baton/listen_guard.h include/baton/addr_text.h
