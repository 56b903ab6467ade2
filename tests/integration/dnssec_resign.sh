#!/bin/bash
# dnssec_resign.sh: a signed zone's signatures are renewed while batond runs, under a faked clock
# (libfaketime, 1000 times as fast) rather than by waiting: with the shortest lifetime (3 h) a
# signature is renewed past half its life (1.5 h, 5.4 s here) by the re-signing reload, which
# keeps the zone as it is before then; a renewed signature is valid for the lifetime from an
# inception an hour back.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 5
keys=$WORKDIR/keys
mkdir -p "$keys"
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
$ZONE_APEX
host A 192.0.2.1
ZONE
"$KEYGEN" --dnssec example.com -d "$keys" >/dev/null || tap_bail "baton-keygen --dnssec failed"

BATOND_PORT=$(free_port) || tap_bail "no free port"
BATOND_CONF=$WORKDIR/batond.conf
BATOND_LOG=$WORKDIR/batond.log
cat >"$BATOND_CONF" <<CONF
server:
    ip-address: 127.0.0.1@$BATOND_PORT
    control-socket: $WORKDIR/batond.sock
zone:
    name: example.com
    zonefile: $zone
    dnssec-signing: yes
    dnssec-key-dir: $keys
    dnssec-signature-lifetime: 10800
CONF
run_batond "$BATOND_CONF" "$BATOND_LOG" faketime -f "+0 x1000"
BATOND_PID=$BATOND_RUN_PID
wait_for_dns 127.0.0.1 "$BATOND_PORT" 10 "$BATOND_PID" || tap_bail "batond did not start: $(cat "$BATOND_LOG")"

# rrsig FIELD: the RRSIG over host's A, field 5 (expiration) or 6 (inception), as YYYYMMDDHHMMSS
rrsig() { ask +dnssec +short host.example.com A | awk -v f="$1" '$1 == "A" { print $f }'; }
expiry0=$(rrsig 5)
[ -n "$expiry0" ] && tap_ok "host's A is signed, expiring $expiry0" || tap_bail "no RRSIG: $(ask +dnssec host.example.com A)"

# the timer asks for a reload every eighth of the lifetime; before half of it the zone is kept
kept() { grep -q 'zone example.com: unchanged, kept' "$BATOND_LOG"; }
WAIT_PID=$BATOND_PID wait_until 10 kept && tap_ok "before half its lifetime, the re-signing reload keeps the zone" ||
	tap_fail "the re-signing reload keeps the zone before half its lifetime" "$(tail -n 5 "$BATOND_LOG")"
renewed() { [ -n "$(rrsig 5)" ] && [ "$(rrsig 5)" != "$expiry0" ]; }
if WAIT_PID=$BATOND_PID wait_until 20 renewed; then
	tap_ok "past half its lifetime the signature is renewed: expiry $expiry0 -> $(rrsig 5)"
else
	tap_fail "the signature is renewed past half its lifetime" "still $(rrsig 5); $(tail -n 5 "$BATOND_LOG")"
fi
# seconds SIGFIELD: a YYYYMMDDHHMMSS field as seconds since the epoch
seconds() { date -u -d "$(echo "$1" | sed -E 's/(....)(..)(..)(..)(..)(..)/\1-\2-\3 \4:\5:\6/')" +%s; }
life=$(($(seconds "$(rrsig 5)") - $(seconds "$(rrsig 6)")))
[ "$life" = $((10800 + 3600)) ] && tap_ok "the new signature runs the lifetime from an inception an hour back" ||
	tap_fail "the new signature runs lifetime + 1 h" "$life s"
[ "$(seconds "$(rrsig 5)")" -gt "$(seconds "$expiry0")" ] && tap_ok "the new expiry is later than the old" ||
	tap_fail "the new expiry is later than the old" "$(rrsig 5) vs $expiry0"
tap_done
