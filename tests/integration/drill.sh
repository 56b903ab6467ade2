#!/bin/bash
# drill.sh: `batonctl drill SITE` drains a site, sees every FAILOVER name that used it answer
# from a standby, undrains and reports (exit 0); refuses to drain when a standby is down
# (exit 1) and runs for no unknown or unused site (exit 2); undrains on a timeout and on Ctrl-C.
# Drains survive `batonctl reload`; they survive a restart with `state-file:` and only then.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 30
make_state_check
state=$STATE
check_line="\$CHECK alive exec command=\"$WORKDIR/alive\" interval=300ms timeout=250ms rise=2 fall=2"
com=$WORKDIR/example.com.zone
cat >"$com" <<ZONE
$ZONE_APEX
$check_line
\$SITE fra 192.0.2.10 2001:db8::10 check=alive
\$SITE iad 198.51.100.10 check=alive
\$SITE lon 203.0.113.10 check=alive
www 30 IN FAILOVER policy=order sites=fra,iad fallback=servfail
api 30 IN FAILOVER policy=all sites=fra,iad
ZONE
# example.net: `twin` has ams's address, so a drill of ams never sees the answer move.
net=$WORKDIR/example.net.zone
cat >"$net" <<ZONE
\$ORIGIN example.net.
\$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
\$SITE ams 192.0.2.20
\$SITE twin 192.0.2.20
same 30 IN FAILOVER policy=order sites=ams,twin
ZONE
touch "$state/192.0.2.10" "$state/2001:db8::10" "$state/198.51.100.10" "$state/203.0.113.10"

www() { ask +short www.example.com A; }
is_drained() { ctl status | grep -q "^site $1 (zone [^)]*): [a-z]*, drained since"; }
answers() { [ "$(www)" = "$1" ]; }
# restart: stop batond by pid and start it again with the same configuration and port.
restart() {
	stop_pid "$BATOND_PID"
	forget_pid "$BATOND_PID"
	run_batond "$BATOND_CONF" "$BATOND_LOG"
	BATOND_PID=$BATOND_RUN_PID
	wait_for_dns 127.0.0.1 "$BATOND_PORT" 10 "$BATOND_PID"
}
# drill ARGS...: run `batonctl drill`, output in $out, exit status in $rc (SHOW=1: echo it).
drill() { out=$(ctl drill "$@" 2>&1); rc=$?; [ -z "${SHOW:-}" ] || printf "%s\n" "$out" >&2; }

start_batond "" "example.com=$com" "example.net=$net" || tap_bail "batond did not start"
wait_until 10 sites_up 5 || tap_bail "the sites were not checked: $(ctl status)"

# 1. A healthy standby: the drill passes and leaves everything as it was.
drill fra
[ "$rc" = 0 ] && tap_ok "drill fra with iad up exits 0" || tap_fail "drill fra exits 0 (got $rc)" "$out"
grep -Eq '^www\.example\.com\. A: 192\.0\.2\.10 -> 198\.51\.100\.10 in [0-9]+\.[0-9]{2} s$' <<<"$out" &&
	tap_ok "it prints the move of www" || tap_fail "it prints the move of www" "$out"
grep -Eq '^api\.example\.com\. A: (192\.0\.2\.10,198\.51\.100\.10|198\.51\.100\.10,192\.0\.2\.10) -> 198\.51\.100\.10 in ' <<<"$out" &&
	tap_ok "it prints the move of api (policy=all)" || tap_fail "it prints the move of api" "$out"
grep -Eq '^www\.example\.com\. AAAA: 2001:db8::10 -> \(no data\) in ' <<<"$out" &&
	tap_ok "AAAA: the standby has no IPv6, honestly shown as no data" || tap_fail "AAAA line" "$out"
grep -q '^drill fra: passed: 2 of 2 names answered from a standby' <<<"$out" &&
	tap_ok "a summary line" || tap_fail "a summary line" "$out"
is_drained fra && tap_fail "fra is undrained after the drill" "$(ctl status)" || tap_ok "fra is undrained after the drill"
answers 192.0.2.10 && tap_ok "www answers fra again" || tap_fail "www answers fra again" "$(www)"
[ "$(grep -c 'site fra: drained by the operator' "$BATOND_LOG")" = 1 ] &&
	[ "$(grep -c 'site fra: undrained by the operator' "$BATOND_LOG")" = 1 ] &&
	tap_ok "batond logged one drain and one undrain" || tap_fail "one drain, one undrain" "$(grep 'site fra' "$BATOND_LOG")"

# 2. The standby is down: nothing is drained.
rm "$state/198.51.100.10"
wait_until 10 sites_up 4 || tap_bail "iad did not go down: $(ctl status)"
drill fra
[ "$rc" = 1 ] && tap_ok "drill fra with iad down exits 1" || tap_fail "drill fra with iad down exits 1 (got $rc)" "$out"
grep -q '^www\.example\.com\. standbys: iad (down): none healthy$' <<<"$out" &&
	grep -q 'FAILED: 2 of 2 names have no healthy standby; fra was not drained' <<<"$out" &&
	tap_ok "it names what has no healthy standby" || tap_fail "it names what has no healthy standby" "$out"
[ "$(grep -c 'site fra: drained by the operator' "$BATOND_LOG")" = 1 ] && ! is_drained fra &&
	tap_ok "nothing was drained" || tap_fail "nothing was drained" "$(ctl status)"
answers 192.0.2.10 && tap_ok "www still answers fra" || tap_fail "www still answers fra" "$(www)"
touch "$state/198.51.100.10"
wait_until 10 sites_up 5 || tap_bail "iad did not come back: $(ctl status)"

# 3. Nothing to drill.
drill nosuch
[ "$rc" = 2 ] && grep -q "no site called 'nosuch' is served" <<<"$out" &&
	tap_ok "an unknown site: exit 2" || tap_fail "an unknown site: exit 2 (got $rc)" "$out"
drill lon
[ "$rc" = 2 ] && grep -q "no FAILOVER record lists site lon" <<<"$out" &&
	tap_ok "a site in no FAILOVER: exit 2" || tap_fail "a site in no FAILOVER: exit 2 (got $rc)" "$out"
out=$(ctl drill 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "usage" <<<"$out" && tap_ok "drill without a site: usage, exit 2" || tap_fail "drill without a site" "$out"

# 4. A name that cannot move (its standby has the same address): the timeout ends the drill,
# which undrains; so does Ctrl-C.
drill ams --timeout 1
[ "$rc" = 1 ] && grep -q '^same\.example\.net\. A: 192\.0\.2\.20 -> 192\.0\.2\.20 NOT MOVED after 1\.[0-9] s$' <<<"$out" &&
	grep -q 'FAILED: 1 of 1 names still answered with ams after 1 s; ams undrained' <<<"$out" &&
	tap_ok "a name that does not move: exit 1 after the timeout" || tap_fail "timeout: exit 1 (got $rc)" "$out"
is_drained ams && tap_fail "ams undrained after the timeout" "$(ctl status)" || tap_ok "ams undrained after the timeout"
# batonctl itself in the background, not through ctl: $! of a backgrounded shell function is
# the subshell running it, and the SIGINT below must reach batonctl.
"$BATONCTL" -c "$BATOND_CONF" drill ams --timeout 60 >"$WORKDIR/drill.out" 2>&1 &
drill_pid=$!
wait_until 10 is_drained ams || tap_bail "the drill did not drain ams"
kill -INT "$drill_pid"
wait_until 10 pid_gone "$drill_pid"
wait "$drill_pid"; rc=$?
[ "$rc" = 1 ] && grep -q '^drill ams: INTERRUPTED after' "$WORKDIR/drill.out" && ! is_drained ams &&
	tap_ok "Ctrl-C ends the drill and undrains (exit 1)" || tap_fail "Ctrl-C undrains (got $rc)" "$(cat "$WORKDIR/drill.out"; ctl status)"

# 5. Drains survive a reload, not a restart without state-file.
ctl drain fra >/dev/null
ctl reload >/dev/null
is_drained fra && answers 198.51.100.10 && tap_ok "a drain survives batonctl reload" ||
	tap_fail "a drain survives batonctl reload" "$(ctl status; www)"
restart || tap_bail "batond did not restart"
! is_drained fra && answers 192.0.2.10 && tap_ok "without state-file, a restart clears the drain" ||
	tap_fail "without state-file, a restart clears the drain" "$(ctl status; www)"

# 6. With state-file, drains survive a restart.
stop_pid "$BATOND_PID"
drains=$WORKDIR/var/drains
mkdir -p "$WORKDIR/var"
start_batond "state-file: $drains" "example.com=$com" "example.net=$net" || tap_bail "batond did not start"
[ ! -e "$drains" ] && ! grep -q "state-file" "$BATOND_LOG" && tap_ok "a missing state file is no drains, quietly" ||
	tap_fail "a missing state file is fine" "$(grep state-file "$BATOND_LOG")"
ctl drain fra >/dev/null && ctl drain ams >/dev/null
[ "$(cat "$drains")" = "$(printf 'ams\nfra')" ] && tap_ok "a drain writes the state file, one name per line" ||
	tap_fail "state file after drains" "$(cat "$drains")"
ls "$WORKDIR/var" | grep -q tmp && tap_fail "no temporary file is left" "$(ls "$WORKDIR/var")" || tap_ok "no temporary file is left"
ctl undrain ams >/dev/null
[ "$(cat "$drains")" = fra ] && tap_ok "an undrain rewrites it" || tap_fail "an undrain rewrites it" "$(cat "$drains")"
restart || tap_bail "batond did not restart"
is_drained fra && answers 198.51.100.10 && ! is_drained ams &&
	tap_ok "with state-file, the drain survives a restart" || tap_fail "drain survives a restart" "$(ctl status; www)"
grep -q "state-file $drains: site fra stays drained (1 zone)" "$BATOND_LOG" &&
	tap_ok "the restored drain is logged" || tap_fail "the restored drain is logged" "$(grep state-file "$BATOND_LOG")"
drill fra
[ "$rc" = 2 ] && grep -q "site fra is drained already" <<<"$out" && is_drained fra &&
	tap_ok "a drill of a drained site exits 2 and leaves it drained" || tap_fail "drill of a drained site (got $rc)" "$out"

# A drained site that is gone after an edit is ignored; a garbled file is ignored.
printf 'fra\ngone\n' >"$drains"
restart || tap_bail "batond did not restart"
is_drained fra && grep -q "state-file $drains: site gone is not served any more; its drain is ignored" "$BATOND_LOG" &&
	tap_ok "a drain of a site no longer served is ignored, logged" || tap_fail "unknown site in state file" "$(grep state-file "$BATOND_LOG")"
printf 'fra\nnot a site\n\001\002\n' >"$drains"
restart || tap_bail "batond did not restart with a garbled state file"
! is_drained fra && grep -q "state-file $drains:2: not a site name .*: 'not a site'$" "$BATOND_LOG" &&
	grep -q "state-file $drains:3: not a site name .*: '??'$" "$BATOND_LOG" &&
	grep -q "state-file $drains: ignored (garbled); starting without drains" "$BATOND_LOG" &&
	tap_ok "a garbled state file is logged and ignored" || tap_fail "garbled state file" "$(grep state-file "$BATOND_LOG"; ctl status)"
# The state file's folder replaced by a file: it cannot be written, even by root.
mv "$WORKDIR/var" "$WORKDIR/var.saved" && touch "$WORKDIR/var"
out=$(ctl drain fra 2>&1); rc=$?
rm "$WORKDIR/var" && mv "$WORKDIR/var.saved" "$WORKDIR/var"
[ "$rc" = 0 ] && grep -q "^warning: state-file $drains: cannot save: Not a directory; this drain is lost on a restart" <<<"$out" &&
	is_drained fra && tap_ok "an unwritable state file: the drain holds, with a warning" ||
	tap_fail "an unwritable state file" "$out"
tap_done
