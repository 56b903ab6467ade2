#!/bin/bash
# Lab: tracking, preempt-delay and the HTTP listener. a (priority 150) tracks an exec check
# with weight=60 and a second interface with `fault`, waits 2 s before preempting, and serves
# /metrics and /status.json on its loopback; b (priority 100) is a plain peer. The check fails:
# a drops to 90 and b takes over; it passes again: a waits out its preempt-delay, then takes the
# VIP back; the tracked interface goes down: a enters FAULT (the fault hook runs) and b takes
# over. Each step is read back from a's /metrics and /status.json.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 12

vip_node a 11
vip_node b 12
vip_node client 50
# eth1's cable is a veth whose far end stays in a: setting that end down drops eth1's carrier
vip_in a ip link add eth1 type veth peer name eth1p
vip_in a ip link set eth1 up
vip_in a ip link set eth1p up
hook=$WORKDIR/hook.sh
printf '#!/bin/sh\necho "$@" >>%s/hooks.txt\n' "$WORKDIR" >"$hook"
chmod +x "$hook"
touch "$WORKDIR/up"
{
	printf 'global_defs {\n\thttp-listen 127.0.0.1@8053\n}\n'
	vip_conf a 150 "	track-check 192.0.2.11 weight=60 app exec command=\"/usr/bin/test -e $WORKDIR/up\" interval=100ms timeout=90ms rise=1 fall=1
	track-interface eth1 fault
	preempt-delay 2s
	notify-fault $hook"
} >"$WORKDIR/a.conf"
vip_conf b 100 >"$WORKDIR/b.conf"
vip_start a "$WORKDIR/a.conf"
vip_start b "$WORKDIR/b.conf"

# scrape PATH [CURL OPTIONS]: a's listener, from a's namespace
scrape() {
	local path=$1
	shift
	vip_in a curl -s -m 2 "$@" "http://127.0.0.1:8053$path"
}
# metric LINE: is the exact sample in a's /metrics?
metric() {
	scrape /metrics | grep -qxF "$1"
}
# status EXPR: a python expression over s, a's /status.json's first instance
status() {
	scrape /status.json | python3 -c "import json, sys
s = json.load(sys.stdin)['instances'][0]
sys.exit(0 if ($1) else 1)"
}

if wait_until 5 vip_has a "$VIP4" && wait_until 3 vip_ping client "$VIP4" &&
	wait_until 3 metric 'baton_vip_state{instance="lab",state="master"} 1'; then
	tap_ok "a (150, tracking) is master; its /metrics says so"
else
	tap_fail "a is master" "$(vip_show_logs; scrape /metrics)"
fi
body=$(scrape /metrics)
if grep -qxF 'baton_vip_effective_priority{instance="lab"} 150' <<<"$body" &&
	grep -qxF 'baton_vip_transitions_total{instance="lab",from="backup",to="master"} 1' <<<"$body" &&
	grep -qE '^baton_vip_adverts_sent_total\{instance="lab"\} [1-9]' <<<"$body" &&
	grep -qE '^baton_vip_announcements_total\{instance="lab",kind="garp"\} [1-9]' <<<"$body" &&
	grep -qxF 'baton_vip_address_changes_total{instance="lab",op="add"} 1' <<<"$body" &&
	grep -qxF 'baton_vip_adverts_dropped_total{instance="lab",kind="checksum"} 0' <<<"$body" &&
	# Prometheus: one HELP and one TYPE per family, and each family's samples together
	awk '/^# TYPE/ { if (seen[$3]++) bad = 1; fam = $3; next } /^#/ { next }
		{ n = $1; sub(/\{.*/, "", n); if (n != fam) bad = 1 } END { exit bad }' <<<"$body"; then
	tap_ok "/metrics: priorities, transitions, adverts, GARPs, VIP adds; families grouped"
else
	tap_fail "/metrics content" "$body"
fi
if [ "$(scrape /nothing -o /dev/null -w '%{http_code}')" = 404 ] &&
	[ "$(scrape /metrics -X POST -o /dev/null -w '%{http_code}')" = 405 ] &&
	status "s['state'] == 'master' and s['master'] == {'address': '192.0.2.11', 'self': True} and s['last_transition']['to'] == 'master' and s['priority'] == 150"; then
	tap_ok "/status.json shows master (self); other paths 404, POST 405"
else
	tap_fail "/status.json and errors" "$(scrape /status.json)"
fi

# the tracked check fails: 150 - 60 = 90 < 100, b preempts
rm "$WORKDIR/up"
if wait_until 3 vip_log_has a 'vip lab: priority 150 -> 90 \(app ' &&
	wait_until 3 vip_has b "$VIP4" && wait_until 3 eval '! vip_has a "$VIP4"' &&
	wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "the tracked check failed: a's priority fell to 90 and b took over"
else
	tap_fail "the tracked check failed: b took over" "$(vip_show_logs)"
fi
if wait_until 3 metric 'baton_vip_effective_priority{instance="lab"} 90' &&
	metric 'baton_vip_priority{instance="lab"} 150' &&
	metric 'baton_vip_state{instance="lab",state="backup"} 1' &&
	wait_until 3 status "s['state'] == 'backup' and s['master'] == {'address': '192.0.2.12', 'self': False} and s['last_transition']['reason'].startswith('higher priority master heard')"; then
	tap_ok "/metrics and /status.json: backup at 90, master 192.0.2.12, with the reason"
else
	tap_fail "metrics after the check failed" "$(scrape /metrics; scrape /status.json)"
fi

# the check passes again: a is back at 150, but preempt-delay holds it off for 2 s
touch "$WORKDIR/up"
wait_until 3 vip_log_has a 'vip lab: priority 90 -> 150' || tap_bail "a's check never came back"
observe 0.5 "the fixture: a quarter of the preempt delay"
if vip_has b "$VIP4" && ! vip_has a "$VIP4"; then
	tap_ok "preempt-delay: 0.5 s after its priority came back, a still waits"
else
	tap_fail "preempt-delay: a waits" "$(vip_show_logs)"
fi
if wait_until 4 vip_has a "$VIP4" && wait_until 3 eval '! vip_has b "$VIP4"' &&
	vip_log_has a 'backup -> master \(preempting a lower priority master'; then
	tap_ok "preempt-delay: then a preempted b"
else
	tap_fail "preempt-delay: then a preempted b" "$(vip_show_logs)"
fi

# the tracked interface goes down: `fault` forces FAULT whatever the weights
vip_in a ip link set eth1p down
if wait_until 3 vip_log_has a 'vip lab: master -> fault \(eth1 link down' &&
	wait_until 3 vip_has b "$VIP4" && ! vip_has a "$VIP4" && wait_until 3 vip_ping client "$VIP4"; then
	tap_ok "fault: the tracked interface went down, a entered FAULT and b took over"
else
	tap_fail "fault: a entered FAULT" "$(vip_show_logs)"
fi
if wait_until 3 grep -q '^INSTANCE lab FAULT ' "$WORKDIR/hooks.txt"; then
	tap_ok "fault: notify-fault ran"
else
	tap_fail "fault: notify-fault ran" "$(cat "$WORKDIR/hooks.txt" 2>&1)"
fi
body=$(scrape /metrics)
if grep -qxF 'baton_vip_state{instance="lab",state="fault"} 1' <<<"$body" &&
	grep -qxF 'baton_vip_transitions_total{instance="lab",from="master",to="fault"} 1' <<<"$body" &&
	grep -qxF 'baton_vip_address_changes_total{instance="lab",op="remove"} 2' <<<"$body"; then
	tap_ok "/metrics: state fault, master->fault counted, VIP removed twice"
else
	tap_fail "/metrics in FAULT" "$body"
fi
vip_in a ip link set eth1p up
if wait_until 3 vip_log_has a 'vip lab: fault -> backup' && wait_until 5 vip_has a "$VIP4" &&
	wait_until 3 eval '! vip_has b "$VIP4"'; then
	tap_ok "fault lifted: a came back as backup and preempted after its delay"
else
	tap_fail "fault lifted" "$(vip_show_logs)"
fi
kill -USR1 "${VIP_PID[b]}"
if wait_until 3 vip_log_has b 'received=[1-9][0-9]*, dropped: short=0 ttl=0 version=0 type=0 checksum=0 vrid=0'; then
	tap_ok "b: adverts received, none dropped"
else
	tap_fail "b's counters" "$(vip_show_logs)"
fi
tap_done
