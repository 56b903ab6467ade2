#!/bin/bash
# Lab: two baton-vip nodes and a client on one switch, advert 50 ms. The master crashes
# (SIGKILL and its link down): the backup takes the VIP and the client's pings follow; the old
# master comes back and preempts; a graceful stop hands over by priority 0 at once; a restart
# clears the VIP a crash left behind.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 9

vip_node a 11
vip_node b 12
vip_node client 50
hook=$WORKDIR/hook.sh
printf '#!/bin/sh\necho "$@" >>%s/hooks.txt\n' "$WORKDIR" >"$hook"
chmod +x "$hook"
vip_conf a 150 "	notify $hook" >"$WORKDIR/a.conf"
vip_conf b 100 "	notify $hook" >"$WORKDIR/b.conf"
vip_start a "$WORKDIR/a.conf"
vip_start b "$WORKDIR/b.conf"

if wait_until 5 vip_has a "$VIP4" && wait_until 3 vip_ping client "$VIP4" &&
	[ "$(vip_masters "$VIP4" a b)" = a ]; then
	tap_ok "a (priority 150) is master and the client reaches the VIP"
else
	tap_fail "a (priority 150) is master and the client reaches the VIP" "$(vip_show_logs)"
fi

# the crash: no priority 0, the VIP stays on a's dead interface
start=$(date +%s%N)
vip_kill a
vip_link a down
if wait_until 3 vip_has b "$VIP4" && wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "a crashed: b took the VIP in $((($(date +%s%N) - start) / 1000000)) ms"
else
	tap_fail "a crashed: b took the VIP" "$(vip_show_logs)"
fi
if vip_log_has b 'vip lab: backup -> master \(no advert within Master_Down_Interval; priority 100\)'; then
	tap_ok "b logged one transition line with its reason"
else
	tap_fail "b logged one transition line with its reason" "$(vip_show_logs)"
fi

# a restarts: it removes the VIP the crash left, waits, and preempts b
vip_link a up
vip_start a "$WORKDIR/a.conf"
if wait_until 5 vip_log_has a 'backup -> master \(preempting a lower priority master' &&
	wait_until 3 vip_has a "$VIP4" && wait_until 3 eval '! vip_has b "$VIP4"' &&
	wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "a came back and preempted b; b removed the VIP"
else
	tap_fail "a came back and preempted b" "$(vip_show_logs)"
fi
if vip_log_has b 'master -> backup \(higher priority master heard'; then
	tap_ok "b stepped down on hearing a higher priority"
else
	tap_fail "b stepped down on hearing a higher priority" "$(vip_show_logs)"
fi

# graceful stop: priority 0, so b takes over after Skew_Time rather than Master_Down_Interval
start=$(date +%s%N)
vip_stop a
if wait_until 3 vip_has b "$VIP4" && ! vip_has a "$VIP4"; then
	tap_ok "a stopped: the VIP moved to b in $((($(date +%s%N) - start) / 1000000)) ms"
else
	tap_fail "a stopped: the VIP moved to b" "$(vip_show_logs)"
fi
if vip_log_has b 'backup -> master \(master sent priority 0'; then
	tap_ok "b took over on a's priority 0 hand-off"
else
	tap_fail "b took over on a's priority 0 hand-off" "$(vip_show_logs)"
fi

# the hooks saw every transition, with keepalived's arguments
if wait_until 3 grep -q '^INSTANCE lab STOP 150$' "$WORKDIR/hooks.txt" &&
	grep -q '^INSTANCE lab MASTER 150$' "$WORKDIR/hooks.txt" &&
	grep -q '^INSTANCE lab BACKUP 100$' "$WORKDIR/hooks.txt"; then
	tap_ok "notify hooks ran with INSTANCE name STATE priority"
else
	tap_fail "notify hooks ran" "$(cat "$WORKDIR/hooks.txt" 2>&1)"
fi

# the drop counters: nothing was dropped on a clean LAN, and b received adverts
kill -USR1 "${VIP_PID[b]}"
if wait_until 3 vip_log_has b 'received=[1-9][0-9]*, dropped: short=0 ttl=0 version=0 type=0 checksum=0 vrid=0'; then
	tap_ok "counters: adverts received, none dropped"
else
	tap_fail "counters" "$(vip_show_logs)"
fi
tap_done
