#!/bin/bash
# Lab: the claim gate with ping witnesses, over IPv4 and IPv6, and a fence that fails, hangs,
# then succeeds. a and b run two instances each: `lab` (IPv4; b pings witness 192.0.2.1 and
# runs a fence) and `six` (IPv6; b pings 2001:db8::99, which nobody holds, and 2001:db8::1).
# Isolated, b reaches no witness and claims nothing. When a crashes, `six` claims as soon as
# its witness answers; `lab` stays BACKUP while its fence fails or times out, retrying, and
# claims once the fence succeeds. b's /metrics counts every outcome.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 10

vip_node a 11
vip_node b 12
vip_node w 1
vip_node client 50
fence=$WORKDIR/fence.sh
cat >"$fence" <<-SH
	#!/bin/sh
	# the fence does what fence.mode says: ok, fail or hang
	mode=\$(cat $WORKDIR/fence.mode)
	echo "\$mode \$BATON_ADDRESS" >>$WORKDIR/fence.log
	case \$mode in
	ok) exit 0 ;;
	hang) exec sleep 10 ;;
	*) exit 1 ;;
	esac
SH
chmod +x "$fence"
echo fail >"$WORKDIR/fence.mode"
# conf NAME PRIORITY [GATE LINES]: both instances
conf() {
	vip_conf "$1" "$2" "${3:-}"
	cat <<-CONF
	vrrp_instance six {
		interface eth0
		vrid 61
		priority $2
		advert 50ms
		vip $VIP6/64
	${4:-}
	}
	CONF
}
conf a 150 >"$WORKDIR/a.conf"
{
	printf 'global_defs {\n\thttp-listen 127.0.0.1@8053\n}\n'
	conf b 100 "	witness 192.0.2.1
	witness-timeout 300ms
	fence $fence
	fence-timeout 300ms" "	witness 2001:db8::99 ping
	witness 2001:db8::1 ping
	witness-timeout 300ms"
} >"$WORKDIR/b.conf"
vip_start a "$WORKDIR/a.conf"
vip_start b "$WORKDIR/b.conf"
metrics() {
	vip_in b curl -s -m 2 http://127.0.0.1:8053/metrics
}
# counter INSTANCE FAMILY OUTCOME: the value of b's counter
counter() {
	metrics | awk -v want="$2{instance=\"$1\",outcome=\"$3\"}" '$1 == want { print $2 }'
}

wait_until 5 vip_has a "$VIP4" && wait_until 5 vip_has a "$VIP6" || tap_bail "a never became master"
wait_until 3 vip_log_has b 'vip six: init -> backup' || tap_bail "b never started"
observe 0.3 "the fixture: b hears a for a few intervals before the partition"

vip_isolate b
if wait_until 3 vip_log_has b 'vip lab: not claiming the VIPs: no witness answered' &&
	wait_until 3 vip_log_has b 'vip six: not claiming the VIPs: no witness answered' &&
	! vip_has b "$VIP4" && ! vip_has b "$VIP6"; then
	tap_ok "isolated: no ping witness answers (IPv4, IPv6), b claims neither VIP"
else
	tap_fail "isolated: b claims nothing" "$(vip_show_logs)"
fi
if [ ! -e "$WORKDIR/fence.log" ] && [ "$(counter six baton_vip_witness_total no_answer)" -ge 1 ]; then
	tap_ok "isolated: the fence never ran; /metrics counts the unanswered witnesses"
else
	tap_fail "isolated: no fence, counted" "$(cat "$WORKDIR/fence.log" 2>&1; metrics)"
fi
vip_heal b
vip_kill a
vip_link a down
if wait_until 3 vip_has b "$VIP6" && wait_until 3 vip_ping client "$VIP6" &&
	vip_log_has b 'vip six: backup -> master \(no advert within Master_Down_Interval; witness 2001:db8::1 answered ping; priority 100\)'; then
	tap_ok "a crashed: six claimed once IPv6 witness 2001:db8::1 answered ping"
else
	tap_fail "a crashed: six claimed" "$(vip_show_logs)"
fi
if wait_until 3 vip_log_has b 'vip lab: not claiming the VIPs: witness 192.0.2.1 answered ping, fence failed: exit 1' &&
	! vip_has b "$VIP4"; then
	tap_ok "fence fails: lab stays BACKUP though its witness answered"
else
	tap_fail "fence fails: lab stays BACKUP" "$(vip_show_logs)"
fi
if wait_until 3 eval '[ "$(grep -c "^fail $VIP4$" "$WORKDIR/fence.log")" -ge 3 ]' && ! vip_has b "$VIP4" &&
	[ "$(counter lab baton_vip_fence_total failed)" -ge 3 ]; then
	tap_ok "fence fails: retried every Master_Down_Interval, counted in /metrics"
else
	tap_fail "fence fails: retried" "$(cat "$WORKDIR/fence.log"; metrics)"
fi
if [ "$(grep -c 'vip lab: not claiming the VIPs: witness 192.0.2.1 answered ping, fence failed' "$WORKDIR/b.log")" = 1 ]; then
	tap_ok "fence fails: logged once, not once per retry"
else
	tap_fail "fence fails: logged once" "$(vip_show_logs)"
fi
echo hang >"$WORKDIR/fence.mode"
if wait_until 3 vip_log_has b 'vip lab: not claiming the VIPs: witness 192.0.2.1 answered ping, fence timed out' &&
	wait_until 3 eval '[ "$(counter lab baton_vip_fence_total timeout)" -ge 1 ]' && ! vip_has b "$VIP4"; then
	tap_ok "fence hangs: killed after fence-timeout, lab stays BACKUP, counted"
else
	tap_fail "fence hangs: lab stays BACKUP" "$(vip_show_logs; metrics)"
fi
echo ok >"$WORKDIR/fence.mode"
if wait_until 3 vip_has b "$VIP4" && wait_until 3 vip_ping client "$VIP4" &&
	vip_log_has b 'vip lab: backup -> master \(no advert within Master_Down_Interval; witness 192.0.2.1 answered ping, fence succeeded: exit 0'; then
	tap_ok "fence succeeds: lab claims, the line names the witness and the fence"
else
	tap_fail "fence succeeds: lab claims" "$(vip_show_logs)"
fi
if [ "$(counter lab baton_vip_fence_total ok)" = 1 ] &&
	metrics | grep -qxF 'baton_vip_state{instance="lab",state="master"} 1' &&
	metrics | grep -qxF 'baton_vip_announcements_total{instance="six",kind="na"} 5' &&
	vip_in b curl -s -m 2 http://127.0.0.1:8053/status.json | python3 -c "import json, sys
i = {s['name']: s for s in json.load(sys.stdin)['instances']}
sys.exit(0 if i['lab']['state'] == i['six']['state'] == 'master' and 'fence succeeded' in i['lab']['last_transition']['reason'] else 1)"; then
	tap_ok "/metrics and /status.json: both masters, one fence ok, a burst of five NAs"
else
	tap_fail "metrics after the claims" "$(metrics; vip_in b curl -s http://127.0.0.1:8053/status.json)"
fi
# no fencing command outlives its timeout
if ! pgrep -f "sleep 10" -P "${VIP_PID[b]}" >/dev/null; then
	tap_ok "the hung fence was killed"
else
	tap_fail "the hung fence was killed" "$(ps -ef | grep 'sleep 10')"
fi
tap_done
