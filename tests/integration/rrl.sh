#!/bin/bash
# rrl.sh: response rate limiting and DNS Cookies through the real batond. A spoof-like flood
# from 250 addresses of one /24 of 127.0.0.0/8 (the "victim" a reflection attack would aim at)
# gets about rrl-ratelimit answers per second, every rrl-slip-th of the rest truncated; a
# client elsewhere keeps every answer; a client inside the flooded network still gets its
# answer over TCP after a slip, and over UDP when it returns a valid server cookie; the
# whitelist is never limited; the counts show in /metrics. Bounded: 3000 queries in 2 s.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 9
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
$ZONE_APEX
www A 192.0.2.80
ZONE
http_port=$(free_port)
start_batond "rrl-ratelimit: 50
rrl-slip: 2
rrl-whitelist: 127.77.0.0/24
http-listen: 127.0.0.1@$http_port" "example.com=$zone" || tap_bail "batond did not start"
raw() { /usr/bin/python3 "$top_srcdir/tests/integration/dnsraw.py" "$@"; }

# the flood runs in the background while the other clients ask
raw flood 127.0.0.1 "$BATOND_PORT" 127.66.0 3000 2 www.example.com >"$WORKDIR/flood.out" 2>&1 &
flood=$!
register_pid $flood
# limiting: the flood has used up its bucket, so the other clients ask while it is limited
limiting() {
	curl -s --max-time 1 "http://127.0.0.1:$http_port/metrics" |
		grep -Eq '^baton_rrl_limited_total\{action="(slipped|dropped)"\} [1-9]'
}
wait_until 5 limiting || tap_bail "the flood was never rate-limited"
legit=0
for _ in $(seq 20); do
	[ "$(dig @127.0.0.1 -p "$BATOND_PORT" +short +time=1 +tries=1 www.example.com A)" = 192.0.2.80 ] &&
		legit=$((legit + 1))
done
[ $legit -eq 20 ] && tap_ok "a client in another network keeps all 20 answers during the flood" ||
	tap_fail "a client in another network keeps its answers" "$legit of 20"
out=$(raw resolve 127.0.0.1 "$BATOND_PORT" 127.66.0.251 www.example.com 2>&1)
# a token may be free when it asks (the bucket refills every 20 ms), else it is slipped or
# dropped: either way a resolver that resends and follows TC gets its answer
printf '%s\n' "$out" | grep -Eq "^(truncated, then )?answered over (udp|tcp) after [0-9]+ tries: 1 records$" &&
	tap_ok "a client in the flooded network still gets its answer ($out)" ||
	tap_fail "a client in the flooded network still gets its answer" "$out"
wait $flood
read -r _ sent _ answered _ truncated <"$WORKDIR/flood.out"
# 50/s for about 2.5 s plus the full bucket, then half the rest slipped
[ "$sent" -eq 3000 ] && [ "$answered" -lt 1900 ] && [ "$answered" -gt 1200 ] &&
	tap_ok "the flood is limited: $answered answered of $sent" ||
	tap_fail "the flood is limited" "$(cat "$WORKDIR/flood.out")"
full=$((answered - truncated))
[ "$full" -ge 50 ] && [ "$full" -le 250 ] && tap_ok "about rrl-ratelimit full answers per second: $full in ~2.5 s" ||
	tap_fail "about rrl-ratelimit full answers per second" "$(cat "$WORKDIR/flood.out")"
[ "$truncated" -gt 1000 ] && tap_ok "every second limited response slips: $truncated truncated" ||
	tap_fail "every second limited response slips" "$(cat "$WORKDIR/flood.out")"

raw flood 127.0.0.1 "$BATOND_PORT" 127.77.0 600 1 www.example.com >"$WORKDIR/white.out" 2>&1
read -r _ sent _ answered _ truncated <"$WORKDIR/white.out"
[ "$answered" -eq "$sent" ] && [ "$truncated" -eq 0 ] && tap_ok "the whitelisted network is never limited" ||
	tap_fail "the whitelisted network is never limited" "$(cat "$WORKDIR/white.out")"

# A valid server cookie proves the address: from inside a network at its limit, UDP answers.
raw flood 127.0.0.1 "$BATOND_PORT" 127.0.0 400 0.5 www.example.com >/dev/null 2>&1
out=$(raw cookie 127.0.0.1 "$BATOND_PORT" www.example.com 2>&1)
[ "$out" = "20 of 20 answered in full" ] &&
	tap_ok "a client returning its server cookie is answered over UDP at the limit" ||
	tap_fail "a client returning its server cookie is answered over UDP at the limit" "$out"
out=$(dig @127.0.0.1 -p "$BATOND_PORT" +cookie=0102030405 +time=1 +tries=1 www.example.com A 2>&1)
printf '%s\n' "$out" | grep -q "status: FORMERR" && tap_ok "a malformed cookie is FORMERR" ||
	tap_fail "a malformed cookie is FORMERR" "$out"
m=$(curl -s "http://127.0.0.1:$http_port/metrics" | grep '^baton_rrl_limited_total')
printf '%s\n' "$m" | grep -Eq 'action="slipped"\} [1-9]' && printf '%s\n' "$m" | grep -Eq 'action="dropped"\} [1-9]' &&
	tap_ok "/metrics counts slipped and dropped responses" || tap_fail "/metrics counts slipped and dropped" "$m"
tap_done
