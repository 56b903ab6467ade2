#!/bin/bash
# reload_async.sh: a reload compiles on its own thread, so TCP queries and batonctl are
# answered while a big zone compiles; a request during a reload is queued and answered after
# it; a zone whose files did not change (a touch changes only the mtime) is kept without
# compiling; `batonctl reload ZONE` reloads only that zone.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 17
# Names in the big zone: compiling 200000 takes about 3 s in the gcc build on a loaded
# 2-core machine and about 6 s under the sanitizers, enough for several queries to land
# inside the reload; the test checks that the reload was still running after them.
names=${RELOAD_ASYNC_NAMES:-200000}
big=$WORKDIR/big.zone a=$WORKDIR/a.zone b=$WORKDIR/b.zone

# write_zone FILE ORIGIN SERIAL [NAMES]: a zone with NAMES extra A records (default none).
write_zone() {
	{
		echo "\$ORIGIN $2."
		echo "\$TTL 300"
		echo "@ SOA ns1 hostmaster $3 7200 3600 1209600 300"
		echo "@ NS ns1"
		echo "ns1 A 192.0.2.53"
		awk -v n="${4:-0}" 'BEGIN { for (i = 0; i < n; i++) printf "h%d A 192.0.2.%d\n", i, i % 250 + 1 }'
	} >"$1.tmp" && mv "$1.tmp" "$1"
}
serial() { ask +short "$1" SOA | awk '{print $3}'; }
tcp_serial() { ask +tcp +time=1 +short "$1" SOA | awk '{print $3}'; }
count() { grep -c "$1" "$BATOND_LOG"; }
log_has_more() { [ "$(count "$1")" -gt "$2" ]; }

write_zone "$big" big.example 1
write_zone "$a" a.example 1
write_zone "$b" b.example 1
start_batond "" "big.example=$big" "a.example=$a" "b.example=$b" || tap_bail "batond did not start"

# 1. While the big zone compiles, TCP and the control socket answer, each within 1 s (dig's
# +time=1, timeout 1): a behaviour check across a reload of seconds, not a benchmark. Before
# reloads ran on a thread, the main loop compiled and answered nothing until it was done.
write_zone "$big" big.example 2 "$names"
started=$(count "reload: reading") done=$(count "reload: done")
ctl reload >"$WORKDIR/reload1.out" 2>&1 &
reload1=$!
wait_until 10 log_has_more "reload: reading" "$started" || tap_bail "the reload did not start"
late=""
for i in 1 2 3; do
	s=$(tcp_serial a.example)
	[ "$s" = 1 ] || late="$late; TCP query $i: '$s'"
	timeout 1 "$BATONCTL" -c "$BATOND_CONF" status >/dev/null 2>&1 || late="$late; status $i: no reply within 1 s"
done
during=$(count "reload: done")
[ -z "$late" ] && tap_ok "TCP queries and batonctl status answered within 1 s during the reload" ||
	tap_fail "TCP queries and batonctl status answered within 1 s during the reload" "${late#; }"
[ "$during" -eq "$done" ] && tap_ok "the reload was still running after them" ||
	tap_fail "the reload was still running after them" "it ended first: raise RELOAD_ASYNC_NAMES ($names)"

# 2. A request during the reload waits for it and runs after it.
write_zone "$a" a.example 2
queued=$(count "queued")
ctl reload a.example >"$WORKDIR/reload2.out" 2>&1 &
reload2=$!
wait_until 5 log_has_more "queued" "$queued" && tap_ok "a second reload is queued" ||
	tap_fail "a second reload is queued" "$(tail -5 "$BATOND_LOG")"
wait "$reload1"; rc1=$?
wait "$reload2"; rc2=$?
# The first reload may see a.example's new file too (it reaches a.example after big.example);
# the queued one runs after it either way.
[ $rc1 -eq 0 ] && grep -q "reloaded 3 zones: " "$WORKDIR/reload1.out" &&
	tap_ok "the first reload's reply" || tap_fail "the first reload's reply" "rc $rc1: $(cat "$WORKDIR/reload1.out")"
[ $rc2 -eq 0 ] && grep -q "reloaded 1 zones: " "$WORKDIR/reload2.out" && log_has_more "reload: done" $((done + 1)) &&
	tap_ok "the queued reload ran after it and replied" ||
	tap_fail "the queued reload ran after it and replied" "rc $rc2: $(cat "$WORKDIR/reload2.out")"
s=$(serial big.example); [ "$s" = 2 ] && tap_ok "the new big.example is served" || tap_fail "the new big.example is served" "serial '$s'"
s=$(serial a.example); [ "$s" = 2 ] && tap_ok "the new a.example is served" || tap_fail "the new a.example is served" "serial '$s'"

# 3. Unchanged files are not compiled: not even the big zone's (its hash is compared).
out=$(ctl reload 2>&1)
printf '%s' "$out" | grep -q "reloaded 3 zones: 0 compiled, 3 unchanged" &&
	tap_ok "a reload with no file changed compiles nothing" ||
	tap_fail "a reload with no file changed compiles nothing" "$out"
grep -q "zone big.example: unchanged, kept (serial 2)" "$BATOND_LOG" &&
	tap_ok "the log says the zone was kept" || tap_fail "the log says the zone was kept" "$(tail -5 "$BATOND_LOG")"
touch -d '2001-01-01 00:00:00' "$big"
out=$(ctl reload 2>&1)
printf '%s' "$out" | grep -q "0 compiled, 3 unchanged" && grep -q "zone big.example: unchanged, kept (serial 2; a file's mtime moved" "$BATOND_LOG" &&
	tap_ok "a touched file (same content) is kept" || tap_fail "a touched file (same content) is kept" "$out"
write_zone "$b" b.example 2
out=$(ctl reload 2>&1)
printf '%s' "$out" | grep -q "reloaded 3 zones: 1 compiled, 2 unchanged" &&
	tap_ok "a changed file is compiled, the others kept" || tap_fail "a changed file is compiled, the others kept" "$out"
s=$(serial b.example); [ "$s" = 2 ] && tap_ok "its new serial is served" || tap_fail "its new serial is served" "serial '$s'"

# 4. `reload ZONE` looks at that zone only.
write_zone "$a" a.example 3
write_zone "$b" b.example 3
check "batonctl reload a.example" ctl reload a.example
sa=$(serial a.example) sb=$(serial b.example)
[ "$sa" = 3 ] && [ "$sb" = 2 ] && tap_ok "only a.example was reloaded" ||
	tap_fail "only a.example was reloaded" "a serial '$sa', b serial '$sb'"
out=$(ctl reload nosuch.example 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "no zone 'nosuch.example' is configured" &&
	tap_ok "an unknown zone is an error" || tap_fail "an unknown zone is an error" "rc $rc: $out"
ctl reload >/dev/null 2>&1
s=$(serial b.example); [ "$s" = 3 ] && tap_ok "a full reload picks up b.example" || tap_fail "a full reload picks up b.example" "serial '$s'"
kill -0 "$BATOND_PID" 2>/dev/null && tap_ok "batond still running" || tap_fail "batond still running"
tap_done
