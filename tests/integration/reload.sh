#!/bin/bash
# reload.sh: zones reload on `batonctl reload` and SIGHUP; a broken or missing zone file keeps
# the old zone serving with the error's file and line reported; and a steady query stream
# across many reloads gets every answer.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 11
raw="$LIB_PYTHON $top_srcdir/tests/integration/dnsraw.py"
zone=$WORKDIR/example.com.zone

# write_zone SERIAL [broken]: the zone with that serial; `broken` adds a bad record on line 6.
write_zone() {
	{
		echo "\$ORIGIN example.com."
		echo "\$TTL 300"
		echo "@ SOA ns1 hostmaster $1 7200 3600 1209600 300"
		echo "@ NS ns1"
		echo "ns1 A 192.0.2.53"
		if [ "${2:-}" = broken ]; then echo "bad A 192.0.2.999"; fi
		echo "www A 192.0.2.$(($1 % 250 + 1))"
	} >"$zone"
}
serial() { ask +short example.com SOA | awk '{print $3}'; }

write_zone 1
start_batond "" "example.com=$zone" || tap_bail "batond did not start"

write_zone 2
check "batonctl reload succeeds" ctl reload
s=$(serial); [ "$s" = 2 ] && tap_ok "new serial served after reload" || tap_fail "new serial served after reload" "serial $s"

write_zone 3 broken
out=$(ctl reload 2>&1); rc=$?
[ $rc -ne 0 ] && tap_ok "reload of a broken zone reports failure" || tap_fail "reload of a broken zone reports failure" "$out"
if printf '%s' "$out" | grep -q "example.com.zone:6:"; then tap_ok "the error names file and line"; else tap_fail "the error names file and line" "$out"; fi
s=$(serial); [ "$s" = 2 ] && tap_ok "old zone keeps serving after a failed reload" || tap_fail "old zone keeps serving after a failed reload" "serial $s"

write_zone 4
kill -HUP "$BATOND_PID"
serial_is() { [ "$(serial)" = "$1" ]; }
wait_until 10 serial_is 4
s=$(serial); [ "$s" = 4 ] && tap_ok "SIGHUP reloads" || tap_fail "SIGHUP reloads" "serial $s"

rm -f "$zone"
ctl reload >/dev/null 2>&1
s=$(serial); [ "$s" = 4 ] && tap_ok "a missing zone file keeps the old zone" || tap_fail "a missing zone file keeps the old zone" "serial $s"
grep -q "example.com.zone.*No such file" "$BATOND_LOG" && tap_ok "the missing file is logged" || tap_fail "the missing file is logged" "$(tail -5 "$BATOND_LOG")"

# Reloads back to back, alternating good and broken files, for as long as a steady stream of
# queries runs (6 s at 300 queries/s): every query must be answered.
$raw stream 127.0.0.1 "$BATOND_PORT" 6 300 www.example.com. NOERROR >"$WORKDIR/stream.out" 2>&1 &
stream_pid=$!
reloads=0
while kill -0 "$stream_pid" 2>/dev/null; do
	reloads=$((reloads + 1))
	if [ $((reloads % 2)) -eq 0 ]; then write_zone $((5 + reloads)); else write_zone $((5 + reloads)) broken; fi
	ctl reload >/dev/null 2>&1
done
wait "$stream_pid"; rc=$?
if [ $rc -eq 0 ] && [ $reloads -ge 30 ]; then
	tap_ok "every query answered during $reloads reloads: $(cat "$WORKDIR/stream.out")"
else
	tap_fail "every query answered during reloads" "$reloads reloads; $(cat "$WORKDIR/stream.out")"
fi
write_zone 100000
ctl reload >/dev/null 2>&1
s=$(serial); [ "$s" = 100000 ] && tap_ok "the last good zone serves" || tap_fail "the last good zone serves" "serial $s"
kill -0 "$BATOND_PID" 2>/dev/null && tap_ok "batond still running" || tap_fail "batond still running"
tap_done
