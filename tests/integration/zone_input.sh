#!/bin/bash
# zone_input.sh: zone input that never ends or is not a zone file. An $INCLUDE of /dev/zero or
# of a FIFO is refused at once by baton-checkzone and by a running batond's reload, which keeps
# serving and answering batonctl; an included file that is not a zone file is not echoed in
# errors; a reload past reload-timeout is abandoned; SIGTERM stops batond during a reload.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 22
zone=$WORKDIR/example.com.zone
secret='SECRETHASHsecrethashSECRETHASHsecrethash0123'

# write_zone FILE SERIAL [INCLUDE]: the zone, with `$INCLUDE INCLUDE` last when given.
write_zone() {
	{
		echo "\$ORIGIN example.com."
		echo "\$TTL 300"
		echo "@ SOA ns1 hostmaster $2 7200 3600 1209600 300"
		echo "@ NS ns1"
		echo "ns1 A 192.0.2.53"
		[ -n "${3:-}" ] && echo "\$INCLUDE $3"
	} >"$1"
}
has_exited() { ! is_running_not_zombie "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed CMD...: runs CMD (bounded by `timeout 5`), sets OUT, RC and MS (its time).
timed() {
	local t0
	t0=$(now_ms)
	OUT=$(timeout 5 "$@" 2>&1)
	RC=$?
	MS=$(($(now_ms) - t0))
}

mkfifo "$WORKDIR/fifo"
printf 'root:$y$j9T$salt0123456789abcdefgh$%s:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n' \
	"$secret" >"$WORKDIR/shadow"

# baton-checkzone
write_zone "$WORKDIR/zero.zone" 1 /dev/zero
timed "$CHECKZONE" "$WORKDIR/zero.zone" example.com
[ $RC -eq 1 ] && [ $MS -lt 1000 ] && tap_ok "checkzone: \$INCLUDE /dev/zero fails in ${MS} ms" ||
	tap_fail "checkzone: \$INCLUDE /dev/zero fails within 1 s" "rc $RC after $MS ms: $OUT"
printf '%s' "$OUT" | grep -q "zero.zone:6: \$INCLUDE /dev/zero: not a regular file (a character device)" &&
	tap_ok "checkzone: /dev/zero is named as a character device" ||
	tap_fail "checkzone: /dev/zero is named as a character device" "$OUT"
write_zone "$WORKDIR/fifo.zone" 1 fifo
timed "$CHECKZONE" "$WORKDIR/fifo.zone" example.com
[ $RC -eq 1 ] && [ $MS -lt 1000 ] && tap_ok "checkzone: \$INCLUDE of a FIFO fails in ${MS} ms" ||
	tap_fail "checkzone: \$INCLUDE of a FIFO fails within 1 s" "rc $RC after $MS ms: $OUT"
printf '%s' "$OUT" | grep -q "not a regular file (a FIFO); zone files must be regular files" &&
	tap_ok "checkzone: the FIFO is named" || tap_fail "checkzone: the FIFO is named" "$OUT"
timed "$CHECKZONE" "$WORKDIR/fifo" example.com
[ $RC -eq 1 ] && [ $MS -lt 1000 ] && tap_ok "checkzone: a FIFO as the zone file fails in ${MS} ms" ||
	tap_fail "checkzone: a FIFO as the zone file fails within 1 s" "rc $RC after $MS ms: $OUT"

write_zone "$WORKDIR/shadow.zone" 1 shadow
timed "$CHECKZONE" "$WORKDIR/shadow.zone" example.com
[ $RC -eq 1 ] && printf '%s' "$OUT" | grep -q "shadow:1: cannot read the record: 'root:" &&
	tap_ok "checkzone: the included non-zone file's errors name file and line" ||
	tap_fail "checkzone: the included non-zone file's errors name file and line" "$OUT"
printf '%s' "$OUT" | grep -qF "$secret" &&
	tap_fail "checkzone: the hash in the included file is not echoed" "$OUT" ||
	tap_ok "checkzone: the hash in the included file is not echoed"

# /etc/shadow itself (this runs as root): no hash and no line longer than an excerpt (32
# bytes) comes back, and the errors still name the file.
hashes=$(awk -F: 'length($2) > 13 { print $2 }' /etc/shadow 2>/dev/null)
shadow_leak() {
	local h line
	for h in $hashes; do printf '%s' "$1" | grep -qF -- "${h: -20}" && return 0; done
	while IFS= read -r line; do
		[ ${#line} -gt 32 ] && printf '%s' "$1" | grep -qF -- "$line" && return 0
	done </etc/shadow
	return 1
}
write_zone "$WORKDIR/etc-shadow.zone" 1 /etc/shadow
timed "$CHECKZONE" "$WORKDIR/etc-shadow.zone" example.com
[ $RC -eq 1 ] && printf '%s' "$OUT" | grep -q "^/etc/shadow:[0-9]*: " && ! shadow_leak "$OUT" &&
	tap_ok "checkzone: /etc/shadow's errors name it, echo none of its hashes or lines" ||
	tap_fail "checkzone: /etc/shadow's errors name it, echo none of its hashes or lines" "$OUT"

# batond: a reload of the same is refused at once; the old zone serves and batonctl answers.
write_zone "$zone" 1
start_batond "reload-timeout: 1" "example.com=$zone" || tap_bail "batond did not start"
CTL_TIMEOUT=5 # batonctl must keep answering: a hang is a failure, not a stuck test
serial() { ask +short example.com SOA | awk '{print $3}'; }

for target in /dev/zero fifo; do
	write_zone "$zone" 2 "$target"
	timed "$BATONCTL" -c "$BATOND_CONF" reload
	[ $RC -ne 0 ] && [ $MS -lt 1000 ] && printf '%s' "$OUT" | grep -q "not a regular file" &&
		tap_ok "batond: a reload including $target is refused in ${MS} ms" ||
		tap_fail "batond: a reload including $target is refused within 1 s" "rc $RC after $MS ms: $OUT"
	s=$(serial)
	[ "$s" = 1 ] && tap_ok "batond: the old zone still serves ($target)" ||
		tap_fail "batond: the old zone still serves ($target)" "serial '$s'"
done
check "batond: batonctl status answers" ctl status

write_zone "$zone" 3 shadow
out=$(ctl reload 2>&1)
printf '%s' "$out" | grep -q "shadow:1:" && ! printf '%s' "$out" | grep -qF "$secret" &&
	tap_ok "batond: the reply names the error without the hash" ||
	tap_fail "batond: the reply names the error without the hash" "$out"
grep -q "shadow:1:" "$BATOND_LOG" && ! grep -qF "$secret" "$BATOND_LOG" &&
	tap_ok "batond: the log names the error without the hash" ||
	tap_fail "batond: the log names the error without the hash" "$(tail -5 "$BATOND_LOG")"
write_zone "$zone" 4 /etc/shadow
out=$(ctl reload 2>&1)
printf '%s' "$out" | grep -q "^/etc/shadow:[0-9]*: " && ! shadow_leak "$out" &&
	! shadow_leak "$(cat "$BATOND_LOG")" &&
	tap_ok "batond: /etc/shadow's errors echo none of its hashes or lines" ||
	tap_fail "batond: /etc/shadow's errors echo none of its hashes or lines" "$out"

# A zone of 1,500,000 SRV records: ldns reads each (SRV is not on the loader's fast path), which
# takes seconds, longer than the reload-timeout of 1 s this batond has, on any machine here.
big=$WORKDIR/big.zone
write_zone "$big" 5
awk 'BEGIN { for (i = 0; i < 1500000; i++) printf "_s%d._tcp SRV 0 0 80 h%d\n", i, i % 250 }' >>"$big"
cp "$big" "$zone"
timed "$BATONCTL" -c "$BATOND_CONF" reload
[ $RC -ne 0 ] && printf '%s' "$OUT" | grep -q "reload abandoned after reload-timeout (1 s)" &&
	tap_ok "batond: a reload past reload-timeout is abandoned (${MS} ms)" ||
	tap_fail "batond: a reload past reload-timeout is abandoned" "rc $RC after $MS ms: $OUT"
s=$(serial)
[ "$s" = 1 ] && tap_ok "batond: the zones serving before are kept" ||
	tap_fail "batond: the zones serving before are kept" "serial '$s'"
write_zone "$zone" 6
check "batond: the next reload works" ctl reload
s=$(serial)
[ "$s" = 6 ] && tap_ok "batond: it serves the new zone" || tap_fail "batond: it serves the new zone" "serial '$s'"
stop_pid "$BATOND_PID"

# SIGTERM during a long reload (no reload-timeout this time): batond stops within 2 s, status 0.
write_zone "$zone" 7
: >"$BATOND_LOG"
start_batond "" "example.com=$zone" || tap_bail "batond did not start"
cp "$big" "$zone"
kill -HUP "$BATOND_PID"
wait_until 10 grep -q "reload: SIGHUP" "$BATOND_LOG" || tap_bail "batond did not start the reload"
t0=$(now_ms)
kill -TERM "$BATOND_PID"
wait_until 5 has_exited "$BATOND_PID"
ms=$(($(now_ms) - t0))
wait "$BATOND_PID"; rc=$?
[ $rc -eq 0 ] && [ $ms -lt 2000 ] && tap_ok "batond: SIGTERM during a reload stops it in ${ms} ms, status 0" ||
	tap_fail "batond: SIGTERM during a reload stops it within 2 s, status 0" "status $rc after $ms ms; $(tail -5 "$BATOND_LOG")"
grep -q "loaded serial 5" "$BATOND_LOG" &&
	tap_fail "batond: the reload was abandoned, not finished" "$(tail -5 "$BATOND_LOG")" ||
	tap_ok "batond: the reload was abandoned, not finished"
tap_done
