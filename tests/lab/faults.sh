#!/bin/bash
# faults.sh: batond's fault drills. (1) kill -9 in the middle of a reload, twice: when the zone
# files are broken by then, the restart serves the last good copy (zone-cache); when they are
# good, it serves them; drains survive both (state-file). (2) A full disk: the state-file and
# the zone cache cannot be written; the error names the file and everything keeps serving.
# (3) A zone file that cannot be read on reload: the error names it and the old zone serves.
# Needs root for the small tmpfs of (2); everything runs on loopback and is removed on exit.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 13
[ "$(id -u)" = 0 ] || tap_bail "the full-disk drill mounts a tmpfs: run as root (CI does)"
zone=$WORKDIR/example.com.zone
cache=$WORKDIR/cache
mkdir -p "$cache"
# big ZONEFILE SERIAL: a zone large enough that a reload takes a while to compile
big() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import sys
path, serial = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write("$ORIGIN example.com.\n$TTL 300\n")
    f.write("@ SOA ns1 hostmaster %s 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n" % serial)
    f.write("$SITE fra 192.0.2.10\n$SITE iad 198.51.100.10\n")
    f.write("www 30 IN FAILOVER policy=order sites=fra,iad\n")
    for i in range(100000):
        f.write("h%d A 192.0.2.%d\n" % (i, i % 250 + 1))
PY
}
serial() { dig @127.0.0.1 -p "$BATOND_PORT" +short +time=2 +tries=1 example.com SOA | awk '{ print $3 }'; }
big "$zone" 1
export BATOND_START_S=60 # 100,000 records, under the sanitizers too
start_batond "zone-cache: $cache
state-file: $WORKDIR/drains" "example.com=$zone" || tap_bail "batond did not start"
restart() {
	forget_pid "$BATOND_PID"
	run_batond "$BATOND_CONF" "$BATOND_LOG"
	BATOND_PID=$BATOND_RUN_PID
	wait_for_dns 127.0.0.1 "$BATOND_PORT" "$BATOND_START_S" "$BATOND_PID"
}
reloads_started() { grep -c ': reload: reading ' "$BATOND_LOG"; }
reload_started_after() { [ "$(reloads_started)" -gt "$1" ]; }
# kill_mid_reload: starts a reload, kills batond with SIGKILL as soon as it logs the reload's
# start, while it compiles the big zone; false when the reload had finished by then (no
# drill), or never started.
kill_mid_reload() {
	local before client
	before=$(reloads_started)
	ctl reload >/dev/null 2>&1 &
	client=$!
	WAIT_PID=$BATOND_PID wait_until 10 reload_started_after "$before" || return 1
	kill -9 "$BATOND_PID"
	wait "$BATOND_PID" 2>/dev/null
	wait "$client"
	# the zone's own lines (loaded, or its errors) come when it has compiled: none may be there
	tail -n 1 "$BATOND_LOG" | grep -q ': reload: reading '
}
[ -s "$cache/example.com.zone" ] && tap_ok "a zone that compiles leaves its last good copy" ||
	tap_fail "a zone that compiles leaves its last good copy" "$(ls -l "$cache")"
ctl drain iad >/dev/null

# (1a) the files are broken when batond dies in a reload: the restart serves the copy
sed -i 's/^h7 A .*/h7 A 192.0.2.999/' "$zone"
kill_mid_reload && tap_ok "kill -9 lands in the reload of the broken file" ||
	tap_fail "kill -9 lands in the reload of the broken file" "$(tail -n 3 "$BATOND_LOG")"
restart || tap_bail "batond did not restart"
[ "$(serial)" = 1 ] && tap_ok "kill -9 mid-reload of a broken file: the restart serves serial 1 from the copy" ||
	tap_fail "the restart serves the last good copy" "serial $(serial); $(tail -n 5 "$BATOND_LOG")"
grep -q "zone example.com: $zone has errors; serving its last good copy, serial 1, from $cache/example.com.zone" "$BATOND_LOG" &&
	tap_ok "the log says the copy is serving, and why" || tap_fail "the log says the copy is serving" "$(tail -n 8 "$BATOND_LOG")"
ctl status | grep -q "^site iad .*drained" && tap_ok "the drain survived the crash" ||
	tap_fail "the drain survived the crash" "$(ctl status)"

# (1b) the files are good and new when batond dies in their reload: the restart serves them
big "$zone" 2
kill_mid_reload && tap_ok "kill -9 lands in the reload of the good file" ||
	tap_fail "kill -9 lands in the reload of the good file" "$(tail -n 3 "$BATOND_LOG")"
restart || tap_bail "batond did not restart"
[ "$(serial)" = 2 ] && tap_ok "kill -9 mid-reload of a good file: the restart serves serial 2" ||
	tap_fail "the restart serves the new good file" "serial $(serial)"
ctl undrain iad >/dev/null

# (2) a full disk under the state-file and the zone cache
full=$WORKDIR/full
mkdir -p "$full"
mount -t tmpfs -o size=64k tmpfs "$full" || tap_bail "cannot mount a tmpfs"
# the exit status goes on to lib_on_exit, whatever umount says
trap 'status=$?; umount "$full" 2>/dev/null; (exit $status); lib_on_exit' EXIT
stop_pid "$BATOND_PID"
sed -i -e "s|state-file: .*|state-file: $full/drains|" -e "s|zone-cache: .*|zone-cache: $full|" "$BATOND_CONF"
restart || tap_bail "batond did not restart"
head -c 1M /dev/zero >"$full/filler" 2>/dev/null
out=$(ctl drain fra 2>&1)
grep -q "state-file $full/drains: cannot save the drain of site fra" "$BATOND_LOG" &&
	tap_ok "disk full: the state-file error names the file" ||
	tap_fail "disk full: the state-file error names the file" "$out $(tail -n 4 "$BATOND_LOG")"
[ "$(dig @127.0.0.1 -p "$BATOND_PORT" +short www.example.com A)" = 198.51.100.10 ] &&
	tap_ok "disk full: the drain applies anyway" || tap_fail "disk full: the drain applies anyway" ""
big "$zone" 3
ctl reload >/dev/null 2>&1
grep -q "zone example.com: cannot keep its last good copy in $full/example.com.zone: No space left on device" "$BATOND_LOG" &&
	tap_ok "disk full: the zone-cache error names the file" ||
	tap_fail "disk full: the zone-cache error names the file" "$(tail -n 4 "$BATOND_LOG")"
[ "$(serial)" = 3 ] && tap_ok "disk full: the reload still serves the new zone" ||
	tap_fail "disk full: the reload still serves the new zone" "serial $(serial)"

# (3) a zone file that cannot be read (a folder in its place: root reads any mode)
mv "$zone" "$zone.away"
mkdir "$zone"
ctl reload >/dev/null 2>&1
grep -q "zone example.com: $zone: cannot read zone file" "$BATOND_LOG" &&
	tap_ok "an unreadable zone file: the error names it" ||
	tap_fail "an unreadable zone file: the error names it" "$(tail -n 4 "$BATOND_LOG")"
[ "$(serial)" = 3 ] && tap_ok "an unreadable zone file: the old zone keeps serving" ||
	tap_fail "an unreadable zone file: the old zone keeps serving" "serial $(serial)"
rmdir "$zone"
mv "$zone.away" "$zone"
stop_pid "$BATOND_PID"
umount "$full"
tap_done
