#!/bin/bash
# Three baton-probe processes in three regions on loopback, checking one site with an exec
# check: the site dies and every prober's quorum verdict moves; forged, replayed, tampered,
# stale and oversized datagrams are counted by kind and change nothing; a prober stops and the
# others see it go, while the verdicts hold by the two left.
. "$top_srcdir/tests/integration/lib.sh"
lib_init
PROBE=${PROBE:-$top_builddir/baton-probe}
INJECT="$LIB_PYTHON $top_srcdir/tests/integration/gossip_inject.py"
names=(p-eu p-us p-ap)
regions=(eu us ap)
tap_plan 9

make_state_check
: >"$STATE/192.0.2.10"
cat >"$WORKDIR/db.example.com" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@   IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@   IN NS  ns1
ns1 IN A   192.0.2.53
\$CHECK alive exec command="$WORKDIR/alive" interval=200ms timeout=150ms rise=1 fall=2
\$SITE fra 192.0.2.10 check=alive
\$SITE iad 198.51.100.10
www 20 IN FAILOVER policy=order sites=fra,iad
ZONE

declare -A port
for i in 0 1 2; do
	n=${names[i]}
	trust_key "$n" "${regions[i]}"
	port[$n]=$(free_port)
done
for i in 0 1 2; do
	n=${names[i]}
	{
		echo "probe:"
		echo "    name: $n"
		echo "    region: ${regions[i]}"
		echo "    key: $n.key"
		echo "    trusted-keys: trusted-keys"
		echo "    listen: 127.0.0.1@${port[$n]}"
		for m in "${names[@]}"; do
			[ "$m" = "$n" ] || echo "    peer: $m 127.0.0.1@${port[$m]}"
		done
		echo "    round: 200ms"
		echo "    dead-after: 1s"
		echo "    status-file: $n.status"
		echo "zone:"
		echo "    name: example.com"
		echo "    zonefile: db.example.com"
	} >"$WORKDIR/$n.conf"
	"$PROBE" -c "$WORKDIR/$n.conf" >"$WORKDIR/$n.log" 2>&1 &
	register_pid $!
	register_log "$WORKDIR/$n.log"
	eval "pid_$i=$!"
done

# field FILE PREFIX KEY: the value after KEY on FILE's line starting with PREFIX.
field() {
	awk -v p="$2" -v k="$3" 'index($0, p) == 1 { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1" 2>/dev/null
}

# say VERDICT NAME...: every named prober's status says fra is VERDICT.
say() {
	local n
	for n in "${@:2}"; do
		[ "$(field "$WORKDIR/$n.status" "site example.com/fra " verdict)" = "$1" ] || return 1
	done
}
# all_say VERDICT SECONDS NAME...: poll until every named prober's status says fra is VERDICT.
all_say() {
	wait_until "$2" say "$1" "${@:3}"
}

if all_say up 10 "${names[@]}"; then
	tap_ok "three probers agree fra is up"
else
	tap_fail "three probers agree fra is up" "$(cat "$WORKDIR"/*.status "$WORKDIR"/*.log | tail -40)"
fi
# two up votes make the verdict; the third member's may land a round later
three_votes() { [ "$(grep -c '^vote example.com/fra ' "$WORKDIR/p-eu.status")" = 3 ]; }
if wait_until 5 three_votes; then
	tap_ok "p-eu's status shows the three votes behind the verdict"
else
	tap_fail "p-eu's status shows the three votes behind the verdict" "$(cat "$WORKDIR/p-eu.status")"
fi

start=$EPOCHREALTIME
rm -f "$STATE/192.0.2.10"
if all_say down 10 "${names[@]}"; then
	took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	tap_ok "fra dies: every prober's quorum says down (in ${took}s; fall x interval = 0.4s, round 0.2s)"
else
	tap_fail "fra dies: every prober's quorum says down" "$(cat "$WORKDIR"/*.status | tail -30)"
fi

# bad datagrams at p-eu, each claiming fra is up
to=127.0.0.1:${port[p-eu]}
$INJECT --to "$to" --stranger
$INJECT --to "$to" --key "$WORKDIR/p-us.key" --seq 1
$INJECT --to "$to" --key "$WORKDIR/p-us.key" --tamper
$INJECT --to "$to" --key "$WORKDIR/p-us.key" --age-ms 60000
"$LIB_PYTHON" -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'BG' + bytes(1400), ('127.0.0.1', ${port[p-eu]}))"
# all_dropped: each kind of drop counted at least once; the ones not yet in $missing.
all_dropped() {
	local k
	missing=""
	for k in unknown_key replay bad_signature stale oversized; do
		[ "$(field "$WORKDIR/p-eu.status" "drops " "$k")" -ge 1 ] 2>/dev/null || missing="$missing $k"
	done
	[ -z "$missing" ]
}
if wait_until 5 all_dropped; then
	tap_ok "forged, replayed, tampered, stale and oversized datagrams are each counted"
else
	tap_fail "forged, replayed, tampered, stale and oversized datagrams are each counted" \
		"missing:$missing; $(grep drops "$WORKDIR/p-eu.status")"
fi
observe 0.5 "two rounds, for an accepted forgery to have shown"
if [ "$(field "$WORKDIR/p-eu.status" "site example.com/fra " verdict)" = down ] &&
	[ "$(field "$WORKDIR/p-eu.status" "site example.com/fra " up)" = 0 ]; then
	tap_ok "none of them changed a vote or the verdict"
else
	tap_fail "none of them changed a vote or the verdict" "$(cat "$WORKDIR/p-eu.status")"
fi

: >"$STATE/192.0.2.10"
if all_say up 10 "${names[@]}"; then
	tap_ok "fra comes back: every prober says up"
else
	tap_fail "fra comes back: every prober says up" "$(cat "$WORKDIR"/*.status | tail -30)"
fi

stop_pid "$pid_2"
ap_not_live() { [ "$(field "$WORKDIR/p-eu.status" "member p-ap " live)" = no ]; }
if wait_until 5 ap_not_live; then
	tap_ok "p-ap stops: p-eu sees it is no longer live"
else
	tap_fail "p-ap stops: p-eu sees it is no longer live" "$(cat "$WORKDIR/p-eu.status")"
fi
rm -f "$STATE/192.0.2.10"
if all_say down 10 p-eu p-us; then
	tap_ok "with two of three probers live, a quorum of two still takes fra down"
else
	tap_fail "with two of three probers live, a quorum of two still takes fra down" \
		"$(cat "$WORKDIR/p-eu.status")"
fi
held=$(field "$WORKDIR/p-eu.status" "site example.com/fra " held)
live=$(field "$WORKDIR/p-eu.status" "site example.com/fra " live)
if [ "$held" = no ] && [ "$live" = 2 ]; then
	tap_ok "the verdict is decided (not held) by the 2 live probers"
else
	tap_fail "the verdict is decided (not held) by the 2 live probers" "$(cat "$WORKDIR/p-eu.status")"
fi
tap_done
