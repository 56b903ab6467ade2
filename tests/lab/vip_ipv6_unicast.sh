#!/bin/bash
# Lab: an IPv6 instance (adverts to ff02::12 from the link-local address, the VIP added without
# DAD and announced by unsolicited NA) fails over on a crash, is preempted back by the restarted
# master and hands over again on its graceful stop (priority 0); then an IPv4 instance in
# unicast mode does the same, and drops adverts from a sender that is not one of its peers.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 10

vip_node a 11
vip_node b 12
vip_node c 13
vip_node client 50
v6conf() {
	cat <<-CONF
	vrrp_instance six {
		interface eth0
		vrid 61
		priority $1
		advert 50ms
		vip $VIP6/64
	}
	CONF
}
v6conf 150 >"$WORKDIR/a6.conf"
v6conf 100 >"$WORKDIR/b6.conf"
vip_start a "$WORKDIR/a6.conf"
vip_start b "$WORKDIR/b6.conf"
if wait_until 5 vip_has a "$VIP6" && wait_until 3 vip_ping client "$VIP6" &&
	[ "$(vip_masters "$VIP6" a b)" = a ] &&
	! vip_in a ip -o -6 addr show dev eth0 | grep " $VIP6/" | grep -q tentative; then
	tap_ok "IPv6: a is master, the VIP is usable at once (no DAD) and answers the client"
else
	tap_fail "IPv6: a is master" "$(vip_show_logs)"
fi
# the client knows a's MAC for the VIP: only the NA can make it switch before the entry ages
vip_kill a
vip_link a down
if wait_until 3 vip_has b "$VIP6" && wait_until 3 vip_ping client "$VIP6"; then
	tap_ok "IPv6: a crashed, b took the VIP and the client follows (unsolicited NA)"
else
	tap_fail "IPv6: a crashed, b took the VIP" "$(vip_show_logs; vip_in client ip -6 neigh)"
fi
# preempt_and_stop INSTANCE ADDRESS CONF: b is master of INSTANCE after a's crash; a restarts
# with CONF and preempts, then stops gracefully and b takes over on its priority 0.
preempt_and_stop() {
	local inst=$1 addr=$2 conf=$3
	vip_link a up
	vip_start a "$conf"
	if wait_until 5 vip_log_has a "vip $inst: backup -> master \\(preempting a lower priority master" &&
		wait_until 3 vip_has a "$addr" && wait_until 3 eval '! vip_has b "$addr"' &&
		wait_until 3 vip_ping client "$addr" &&
		vip_log_has b "vip $inst: master -> backup \\(higher priority master heard"; then
		tap_ok "$inst: a came back and preempted b"
	else
		tap_fail "$inst: a came back and preempted b" "$(vip_show_logs)"
	fi
	vip_stop a
	if wait_until 3 vip_has b "$addr" && ! vip_has a "$addr" && wait_until 3 vip_ping client "$addr" &&
		vip_log_has b "vip $inst: backup -> master \\(master sent priority 0"; then
		tap_ok "$inst: a stopped, b took over on its priority 0"
	else
		tap_fail "$inst: a stopped, b took over on its priority 0" "$(vip_show_logs)"
	fi
}
preempt_and_stop six "$VIP6" "$WORKDIR/a6.conf"
vip_stop b
vip_link a up

ucconf() {
	cat <<-CONF
	vrrp_instance uni {
		interface eth0
		vrid 52
		priority $1
		advert 50ms
		vip $VIP4/24
		unicast-src $2
		unicast-peer $3
	}
	CONF
}
ucconf 150 192.0.2.11 192.0.2.12 >"$WORKDIR/au.conf"
ucconf 100 192.0.2.12 192.0.2.11 >"$WORKDIR/bu.conf"
# c is a stranger: it sends to a, which does not list it
ucconf 200 192.0.2.13 192.0.2.11 >"$WORKDIR/cu.conf"
vip_start a "$WORKDIR/au.conf"
vip_start b "$WORKDIR/bu.conf"
if wait_until 5 vip_has a "$VIP4" && wait_until 3 vip_ping client "$VIP4" &&
	[ "$(vip_masters "$VIP4" a b)" = a ]; then
	tap_ok "unicast: a is master"
else
	tap_fail "unicast: a is master" "$(vip_show_logs)"
fi
vip_start c "$WORKDIR/cu.conf"
observe 0.5 "the fixture: c advertises to a for ten intervals"
kill -USR1 "${VIP_PID[a]}"
if wait_until 3 vip_log_has a 'vip uni: master, .* peer=[1-9]' && vip_has a "$VIP4"; then
	tap_ok "unicast: adverts from a non-peer are dropped and counted"
else
	tap_fail "unicast: adverts from a non-peer are dropped" "$(vip_show_logs)"
fi
vip_stop c
vip_in c ip addr del "$VIP4/24" dev eth0 2>/dev/null
vip_kill a
vip_link a down
if wait_until 3 vip_has b "$VIP4" && wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "unicast: a crashed, b took the VIP"
else
	tap_fail "unicast: a crashed, b took the VIP" "$(vip_show_logs)"
fi
if vip_log_has b 'vip uni: backup -> master \(no advert within Master_Down_Interval'; then
	tap_ok "unicast: b logged why it took over"
else
	tap_fail "unicast: b logged why it took over" "$(vip_show_logs)"
fi
preempt_and_stop uni "$VIP4" "$WORKDIR/au.conf"
tap_done
