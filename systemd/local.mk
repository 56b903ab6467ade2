# systemd units, sandboxed (see docs/install.md), installed to $(systemdsystemunitdir):
# by default $(prefix)/lib/systemd/system; ./configure --with-systemdsystemunitdir=DIR moves
# them, and =no leaves them out.
BATON_UNITS = systemd/batond.service systemd/baton-probe.service systemd/baton-vip.service
if HAVE_SYSTEMD_UNITS
systemdsystemunit_DATA = $(BATON_UNITS)
endif
EXTRA_DIST += $(BATON_UNITS:=.in)
CLEANFILES += $(BATON_UNITS)

$(BATON_UNITS): Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(baton_subst) $(srcdir)/$@.in >$@-t && mv $@-t $@
systemd/batond.service: $(srcdir)/systemd/batond.service.in
systemd/baton-probe.service: $(srcdir)/systemd/baton-probe.service.in
systemd/baton-vip.service: $(srcdir)/systemd/baton-vip.service.in
