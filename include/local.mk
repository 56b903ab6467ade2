# Headers several programs share.
noinst_HEADERS += include/baton/compiler.h include/baton/log.h include/baton/wire.h include/baton/health.h \
	include/baton/prom.h include/baton/json.h
