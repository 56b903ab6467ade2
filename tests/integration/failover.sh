#!/bin/bash
# failover.sh: batond with exec checks moves a FAILOVER name from a dead site to a live one and
# back, honours rise/fall (a flapping check moves nothing), drains and undrains, keeps TTLs in
# [ttl-min, ttl], logs one line per transition, and survives reloads that change the checks.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 14
make_state_check
state=$STATE
zone=$WORKDIR/example.com.zone
write_zone() { # $1: the check interval
	cat >"$zone" <<ZONE
$ZONE_APEX
\$CHECK alive exec command="$WORKDIR/alive" interval=$1 timeout=250ms rise=2 fall=2
\$SITE fra 192.0.2.10 check=alive
\$SITE iad 198.51.100.10 check=alive
www 30 IN FAILOVER policy=order sites=fra,iad fallback=servfail
ZONE
}
touch "$state/192.0.2.10" "$state/198.51.100.10"
write_zone 300ms
start_batond "" "example.com=$zone" || tap_bail "batond did not start"
www() { ask +short www.example.com A; }
answers() { [ "$(www)" = "$1" ]; }
# wait_for VALUE SECONDS: poll www until it answers VALUE; prints the seconds it took
wait_for() {
	local start=$EPOCHREALTIME
	wait_until "$2" answers "$1" || return 1
	awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}
# moved_off ADDRESS: www answers another address (an empty reply is a dig timeout on a loaded
# machine, not an answer from another site).
moved_off() {
	local a
	a=$(www)
	[ -n "$a" ] && [ "$a" != "$1" ]
}
servfails() { ask www.example.com A | grep -q 'status: SERVFAIL'; }

# Unknown sites are answered as up; wait until both are checked so the steps below start
# from known verdicts.
wait_until 10 sites_up 2
t=$(wait_for 192.0.2.10 10) && tap_ok "the first site answers once checked (${t}s)" || tap_fail "the first site answers" "$(www)"
out=$(ask www.example.com A | grep -E '^www' | awk '{print $2}')
[ -n "$out" ] && [ "$out" -ge 15 ] && [ "$out" -le 30 ] && tap_ok "TTL $out within [ttl-min 15, ttl 30]" || tap_fail "TTL within [15, 30]" "$out"
rm "$state/192.0.2.10"
t=$(wait_for 198.51.100.10 10) && tap_ok "site down: answer moves to iad in ${t}s" || tap_fail "site down: answer moves" "$(www)"
grep -q "site fra: up -> down (alive@192.0.2.10: exit 1: no .* after 2/2 fails, 0.3s)" "$BATOND_LOG" &&
	tap_ok "the transition is one log line with its evidence" || tap_fail "transition log line" "$(grep 'site fra' "$BATOND_LOG")"
ctl status | grep -q "^site fra (zone example.com.): down" && tap_ok "status shows fra down" || tap_fail "status shows fra down" "$(ctl status)"
ctl status --json | "$LIB_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); s={x["name"]: x for x in d["sites"]}; assert s["fra"]["verdict"]=="down" and s["iad"]["verdict"]=="up" and s["fra"]["checks"][0]["reason"].startswith("exit 1")' &&
	tap_ok "status --json shows verdicts and evidence" || tap_fail "status --json" "$(ctl status --json)"
touch "$state/192.0.2.10"
t=$(wait_for 192.0.2.10 10) && tap_ok "site back up after rise: answer returns in ${t}s" || tap_fail "site back up" "$(www)"

# Flapping: every other probe fails, so fall=2 is never reached.
before=$(grep -c "site fra:" "$BATOND_LOG")
echo flap >"$state/192.0.2.10"
# a 3 s observation: wait_until succeeding means www moved, which it must not
flaps=0
wait_until 3 moved_off 192.0.2.10 && flaps=1
after=$(grep -c "site fra:" "$BATOND_LOG")
[ "$flaps" -eq 0 ] && [ "$before" = "$after" ] && [ "$(cat "$state/192.0.2.10.n")" -ge 6 ] &&
	tap_ok "a flapping check ($(cat "$state/192.0.2.10.n") probes, half failing) moves nothing" ||
	tap_fail "flapping moves nothing" "flaps=$flaps log $before->$after"
touch "$state/192.0.2.10" && echo >"$state/192.0.2.10"

check "drain takes fra out" ctl drain fra
[ "$(www)" = 198.51.100.10 ] && tap_ok "drained site is not answered" || tap_fail "drained site is not answered" "$(www)"
check "undrain puts it back" ctl undrain fra
[ "$(www)" = 192.0.2.10 ] && tap_ok "undrained site answers again" || tap_fail "undrained site answers again" "$(www)"

# Both down: fallback=servfail.
rm "$state/192.0.2.10" "$state/198.51.100.10"
wait_until 10 servfails && tap_ok "no site up: fallback=servfail" || tap_fail "fallback=servfail" "$(ask www.example.com A)"

# A reload that changes the check while probes run: the old ones stop, the new ones answer.
touch "$state/192.0.2.10" "$state/198.51.100.10"
write_zone 400ms
ctl reload >/dev/null
t=$(wait_for 192.0.2.10 10) && tap_ok "reload with a changed check: new checks decide (${t}s)" || tap_fail "reload with changed check" "$(www)"
tap_done
