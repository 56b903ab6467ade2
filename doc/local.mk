# Man pages, written by hand in man(7) and filled in with the installation paths, and the
# example configurations, installed under $(docdir)/examples so `make install` never
# overwrites a live configuration.
BATON_MANS = doc/batond.8 doc/batond.conf.5 doc/baton-zone.5 doc/batonctl.8 \
	doc/baton-checkzone.8 doc/baton-check.8 doc/baton-probe.8 doc/probe.conf.5 \
	doc/baton-vip.8 doc/vip.conf.5 doc/baton-keygen.8
man_MANS = $(BATON_MANS)
EXTRA_DIST += $(BATON_MANS:=.in)
CLEANFILES += $(BATON_MANS)

examplesdir = $(docdir)/examples
dist_examples_DATA = doc/examples/batond.conf doc/examples/example.com.zone \
	doc/examples/vip.conf doc/examples/probe.conf doc/examples/trusted-keys

# Paths as configured; `[@]` keeps this line from being substituted itself.
baton_subst = sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' -e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@docdir[@]|$(docdir)|g' -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'

$(BATON_MANS): Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(baton_subst) $(srcdir)/$@.in >$@-t && mv $@-t $@
doc/batond.8: $(srcdir)/doc/batond.8.in
doc/batond.conf.5: $(srcdir)/doc/batond.conf.5.in
doc/baton-zone.5: $(srcdir)/doc/baton-zone.5.in
doc/batonctl.8: $(srcdir)/doc/batonctl.8.in
doc/baton-checkzone.8: $(srcdir)/doc/baton-checkzone.8.in
doc/baton-check.8: $(srcdir)/doc/baton-check.8.in
doc/baton-probe.8: $(srcdir)/doc/baton-probe.8.in
doc/probe.conf.5: $(srcdir)/doc/probe.conf.5.in
doc/baton-vip.8: $(srcdir)/doc/baton-vip.8.in
doc/vip.conf.5: $(srcdir)/doc/vip.conf.5.in
doc/baton-keygen.8: $(srcdir)/doc/baton-keygen.8.in

# The longer documents, shipped in the tarball (the man pages point to them).
EXTRA_DIST += docs/design.md docs/dns.md docs/failover.md docs/gossip.md docs/vip.md \
	docs/monitoring.md docs/install.md docs/benchmarks.md docs/security.md docs/secondaries.md \
	tests/README.md
