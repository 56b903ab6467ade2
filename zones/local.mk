# libzones: names and the zone compiler. Every program links it.
noinst_LIBRARIES += zones/libzones.a
zones_libzones_a_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
zones_libzones_a_SOURCES = \
	zones/dname.c zones/dname.h \
	zones/reader.c zones/reader.h \
	zones/load.c zones/load.h \
	zones/fast_rr.c zones/fast_rr.h \
	zones/compile.c zones/zone.h \
	zones/name_set.c zones/name_set.h \
	zones/validate.c zones/validate.h \
	zones/zoneset.c zones/zoneset.h \
	zones/failover.h \
	zones/stanza.c zones/stanza.h \
	zones/stanza_args.c zones/stanza_args.h \
	zones/geo_stanza.c \
	zones/site.c zones/site.h \
	zones/keep.c zones/keep.h \
	zones/check_spec.c zones/check_spec.h \
	zones/print.c zones/print.h \
	zones/dnssec.h zones/dnssec_internal.h zones/dnssec_keys.c zones/dnssec_sign.c \
	zones/dnssec_nsec.c zones/dnssec_failover.c \
	zones/pick.c zones/pick.h \
	zones/walk.c zones/walk.h
ZONES_LIBS = zones/libzones.a $(BATON_LIBS) $(LDNS_LIBS)
EXTRA_DIST += zones/example.com.zone zones/failover.example.com.zone
