#!/bin/bash
# Lab: a partition isolates the backup b while its link stays up. Without a witness b claims
# the VIP too (split brain) until the partition heals and the lower priority steps down. With
# a witness (w answers ARP) the isolated b cannot reach it and does not claim; when the master
# really crashes the witness answers, the fencing command runs, and only then b claims.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 6

vip_node a 11
vip_node b 12
vip_node w 1
vip_node client 50
fence=$WORKDIR/fence.sh
printf '#!/bin/sh\necho "fenced $BATON_ADDRESS" >%s/fenced\n' "$WORKDIR" >"$fence"
chmod +x "$fence"
vip_conf a 150 >"$WORKDIR/a.conf"
vip_conf b 100 >"$WORKDIR/b.conf"
vip_start a "$WORKDIR/a.conf"
vip_start b "$WORKDIR/b.conf"
wait_until 5 vip_has a "$VIP4" || tap_bail "a never became master"
wait_until 3 vip_log_has b 'init -> backup' || tap_bail "b never started"

vip_isolate b
if wait_until 3 vip_has b "$VIP4" && vip_has a "$VIP4"; then
	tap_ok "no witness: the isolated backup claims the VIP too (split brain)"
else
	tap_fail "no witness: the isolated backup claims the VIP too" "$(vip_show_logs)"
fi
vip_heal b
if wait_until 3 eval '! vip_has b "$VIP4"' && vip_has a "$VIP4" &&
	vip_log_has b 'master -> backup \(higher priority master heard'; then
	tap_ok "healed: b hears a's higher priority, steps down and removes the VIP"
else
	tap_fail "healed: one master again" "$(vip_show_logs)"
fi

vip_stop b
vip_conf b 100 "	witness 192.0.2.1 arp
	witness-timeout 200ms
	fence $fence
	fence-timeout 2s" >"$WORKDIR/bw.conf"
vip_start b "$WORKDIR/bw.conf"
wait_until 3 vip_log_has b 'init -> backup' || tap_bail "b never restarted"
observe 0.3 "the fixture: b hears a for a few intervals before the partition"
vip_isolate b
if wait_until 3 vip_log_has b 'not claiming the VIPs: no witness answered' &&
	! vip_has b "$VIP4" && vip_has a "$VIP4"; then
	tap_ok "witness: the isolated backup cannot reach the witness and does not claim"
else
	tap_fail "witness: the isolated backup does not claim" "$(vip_show_logs)"
fi
observe 0.5 "the fixture: b retries every Master_Down_Interval and must keep refusing"
if ! vip_has b "$VIP4" && [ ! -e "$WORKDIR/fenced" ]; then
	tap_ok "witness: still no claim and no fencing while partitioned"
else
	tap_fail "witness: still no claim while partitioned" "$(vip_show_logs)"
fi
vip_heal b
vip_kill a
vip_link a down
if wait_until 5 vip_has b "$VIP4" && wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "a crashed: b reached the witness, fenced a and took the VIP"
else
	tap_fail "a crashed: b took the VIP" "$(vip_show_logs)"
fi
if grep -q "fenced $VIP4" "$WORKDIR/fenced" 2>/dev/null &&
	vip_log_has b 'backup -> master \(no advert within Master_Down_Interval; witness 192.0.2.1 answered ARP, fence succeeded: exit 0'; then
	tap_ok "the transition line names the witness and the fence"
else
	tap_fail "the transition line names the witness and the fence" "$(vip_show_logs)"
fi
tap_done
