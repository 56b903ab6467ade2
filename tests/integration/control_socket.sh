#!/bin/bash
# control_socket.sh: what batond does with the path of `control-socket:` (issue 14, point 7) and
# how the socket bounds its clients (point 2). A regular file there is left alone and batond
# refuses to start, naming it; a socket nobody listens on (a killed run's) is replaced; a live
# one, another batond's, is not stolen. At most 16 connections at once, the oldest shed, and
# each closed 10 s after its accept even while it trickles bytes.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 7
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
$ZONE_APEX
ZONE
raw=$top_srcdir/tests/integration/http_client.py
# conf_with SOCKET: a batond.conf on a free port with that control socket
conf_with() {
	printf 'server:\n    ip-address: 127.0.0.1@%s\n    control-socket: %s\nzone:\n    name: example.com\n    zonefile: %s\n' \
		"$(free_port)" "$1" "$zone"
}

# a stale socket: bound, never listened on, left behind
stale=$WORKDIR/stale.sock
/usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$stale"
[ -S "$stale" ] || tap_bail "could not make a stale socket"
start_batond "" "example.com=$zone" || tap_bail "batond did not start"

conf_with "$stale" >"$WORKDIR/stale.conf"
run_batond "$WORKDIR/stale.conf" "$WORKDIR/stale.log"
pid=$BATOND_RUN_PID
stale_served() { BATOND_CONF=$WORKDIR/stale.conf ctl status >/dev/null 2>&1; }
wait_until 10 stale_served && tap_ok "a stale socket at control-socket is replaced" ||
	tap_fail "a stale socket at control-socket is replaced" "$(cat "$WORKDIR/stale.log")"
stop_pid $pid
forget_pid $pid

printf 'precious data\n' >"$WORKDIR/notes.txt"
conf_with "$WORKDIR/notes.txt" >"$WORKDIR/file.conf"
out=$(timeout 10 "$BATOND" -c "$WORKDIR/file.conf" -f 2>&1)
rc=$?
[ $rc != 0 ] && [ $rc != 124 ] && printf '%s\n' "$out" | grep -q "control-socket $WORKDIR/notes.txt: exists and is not a socket" &&
	tap_ok "a regular file at control-socket: batond refuses, naming it" ||
	tap_fail "a regular file at control-socket: batond refuses, naming it" "exit $rc: $out"
[ -f "$WORKDIR/notes.txt" ] && [ "$(cat "$WORKDIR/notes.txt")" = "precious data" ] &&
	tap_ok "the file is left untouched" || tap_fail "the file is left untouched" "$(ls -l "$WORKDIR")"

conf_with "$BATOND_SOCK" >"$WORKDIR/second.conf"
out=$(timeout 10 "$BATOND" -c "$WORKDIR/second.conf" -f 2>&1)
rc=$?
[ $rc != 0 ] && [ $rc != 124 ] && printf '%s\n' "$out" | grep -q "control-socket $BATOND_SOCK: another process" &&
	ctl status >/dev/null &&
	tap_ok "a live socket is not stolen: the second batond refuses, the first still answers" ||
	tap_fail "a live socket is not stolen" "exit $rc: $out; $(ctl status 2>&1 | head -n 2)"

# 20 idle clients: past 16 the oldest go, and batonctl still gets in
/usr/bin/python3 "$raw" hold "unix:$BATOND_SOCK" 20 3 >"$WORKDIR/hold.out" 2>&1 &
hold=$!
register_pid $hold
held() { [ "$(find "/proc/$BATOND_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)" -gt 16 ]; }
wait_until 5 held
out=$(ctl status 2>&1)
rc=$?
wait $hold
closed=$(cat "$WORKDIR/hold.out")
[ $rc = 0 ] && printf '%s\n' "$out" | grep -q '^version:' && tap_ok "batonctl gets in past 20 idle clients" ||
	tap_fail "batonctl gets in past 20 idle clients" "$out"
[ "$closed" -ge 5 ] 2>/dev/null && tap_ok "16 connections at most: $closed of the 20 idle ones shed" ||
	tap_fail "16 connections at most: the oldest idle ones are shed" "closed: $closed"

# a byte every 0.2 s, never a whole line: an idle timer would never fire
t=$(/usr/bin/python3 "$raw" trickle "unix:$BATOND_SOCK" 14 2>&1)
awk -v t="$t" 'BEGIN { exit !(t >= 9 && t <= 12) }' &&
	tap_ok "a client trickling bytes is closed 10 s after its accept (${t} s)" ||
	tap_fail "a client trickling bytes is closed 10 s after its accept" "closed after: $t"
tap_done
