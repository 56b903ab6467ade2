#!/bin/bash
# Lab: baton-vip and Debian's keepalived in the same VRID (VRRPv3, 50 ms adverts) elect one
# master and hand the VIP over in both directions: by priority 0 on a graceful stop, by
# preemption, and by Master_Down_Interval after a crash.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 6
command -v keepalived >/dev/null || tap_bail "keepalived is not installed (tools/install-deps)"

vip_node v 11
vip_node k 12
vip_node client 50
vip_conf v 150 >"$WORKDIR/v.conf"
vip_keepalived_conf 100 0.05 >"$WORKDIR/k.conf"
vip_start v "$WORKDIR/v.conf"
wait_until 5 vip_has v "$VIP4" || tap_bail "baton-vip never became master"
vip_keepalived_start k "$WORKDIR/k.conf"
wait_until 5 vip_log_has k 'Entering BACKUP STATE' || tap_bail "keepalived did not start"
observe 0.5 "the fixture: ten adverts each way"
if [ "$(vip_masters "$VIP4" v k)" = v ] && vip_ping client "$VIP4" &&
	vip_log_has k 'received lower priority \(150\)|Entering BACKUP' &&
	! vip_log_has k 'Entering MASTER'; then
	tap_ok "one master: baton-vip (150); keepalived (100) accepts our adverts and stays backup"
else
	tap_fail "one master: baton-vip" "$(vip_show_logs)"
fi

vip_stop v
if wait_until 3 vip_has k "$VIP4" && wait_until 3 vip_ping client "$VIP4" &&
	vip_log_has k 'priority 0'; then
	tap_ok "baton-vip stopped: keepalived took over on our priority 0"
else
	tap_fail "baton-vip stopped: keepalived took over" "$(vip_show_logs)"
fi

vip_start v "$WORKDIR/v.conf"
if wait_until 5 vip_has v "$VIP4" && wait_until 3 eval '! vip_has k "$VIP4"' &&
	wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "baton-vip back: it preempted keepalived, which removed the VIP"
else
	tap_fail "baton-vip back: it preempted keepalived" "$(vip_show_logs)"
fi

vip_kill v
vip_link v down
if wait_until 3 vip_has k "$VIP4" && wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "baton-vip crashed: keepalived took over after Master_Down_Interval"
else
	tap_fail "baton-vip crashed: keepalived took over" "$(vip_show_logs)"
fi

# now the other way: keepalived is master, baton-vip (lower) backs it up
vip_link v up
vip_conf v 50 >"$WORKDIR/v50.conf"
vip_start v "$WORKDIR/v50.conf"
observe 0.5 "the fixture: ten adverts each way"
if vip_log_has v 'init -> backup' && ! vip_has v "$VIP4" && vip_has k "$VIP4"; then
	tap_ok "keepalived master, baton-vip (50) backup: one master"
else
	tap_fail "keepalived master, baton-vip backup" "$(vip_show_logs)"
fi
vip_keepalived_kill k
vip_link k down
if wait_until 3 vip_has v "$VIP4" && wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "keepalived crashed: baton-vip took over"
else
	tap_fail "keepalived crashed: baton-vip took over" "$(vip_show_logs)"
fi
tap_done
