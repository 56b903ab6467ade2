#!/bin/bash
# batond as a gossip member, on loopback: two baton-probe processes (eu, us) and batond listed
# as the prober of region ap. fra dies and batond's answer moves by quorum; `batonctl status`
# (text and --json) shows each vote behind the verdict; /metrics has the gossip families; a
# drain still applies over the quorum; with both probers stopped the verdict holds and status
# says why. Then a batond.conf gossip: section with mistakes is refused with file:line.
. "$top_srcdir/tests/integration/lib.sh"
lib_init
PROBE=${PROBE:-$top_builddir/baton-probe}
names=(p-eu p-us b-ap)
regions=(eu us ap)
tap_plan 15

make_state_check
: >"$STATE/192.0.2.10"
: >"$STATE/198.51.100.10"
zone=$WORKDIR/db.example.com
cat >"$zone" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@   IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@   IN NS  ns1
ns1 IN A   192.0.2.53
\$CHECK alive exec command="$WORKDIR/alive" interval=200ms timeout=150ms rise=1 fall=2
\$SITE fra 192.0.2.10 check=alive
\$SITE iad 198.51.100.10 check=alive
www 20 IN FAILOVER policy=order sites=fra,iad
ZONE

declare -A port
for i in 0 1 2; do
	n=${names[i]}
	trust_key "$n" "${regions[i]}"
	port[$n]=$(free_port)
done
# gossip_keys NAME: the gossip keys of member NAME, as probe.conf and batond.conf both spell them
gossip_keys() {
	local m
	echo "name: $1"
	echo "region: ${regions[$2]}"
	echo "key: $1.key"
	echo "trusted-keys: trusted-keys"
	echo "listen: 127.0.0.1@${port[$1]}"
	for m in "${names[@]}"; do
		[ "$m" = "$1" ] || echo "peer: $m 127.0.0.1@${port[$m]}"
	done
	echo "round: 200ms"
	echo "dead-after: 1s"
}
for i in 0 1; do
	n=${names[i]}
	{
		echo "probe:"
		gossip_keys "$n" "$i" | sed 's/^/    /'
		echo "zone:"
		echo "    name: example.com"
		echo "    zonefile: db.example.com"
	} >"$WORKDIR/$n.conf"
	"$PROBE" -c "$WORKDIR/$n.conf" >"$WORKDIR/$n.log" 2>&1 &
	register_pid $!
	register_log "$WORKDIR/$n.log"
	eval "probe_pid_$i=$!"
done
http_port=$(free_port)
start_batond "http-listen: 127.0.0.1@$http_port
gossip:
$(gossip_keys b-ap 2 | sed 's/^/    /')" "example.com=$zone" || tap_bail "batond did not start"

answers() { [ "$(ask +short www.example.com A)" = "$1" ]; }
status_has() { ctl status | grep -Eq -- "$1"; }

if wait_until 10 status_has '^  quorum: up; quorum: 0 of 3 live probers down' && answers 192.0.2.10; then
	tap_ok "three probers live (batond one of them): fra up by quorum, www answers fra"
else
	tap_fail "three probers live: fra up by quorum" "$(ctl status; tail -n 20 "$BATOND_LOG")"
fi
if ! ask www.example.com A | grep -q 'EDE:'; then
	tap_ok "a verdict the quorum decided: the answer carries no Extended DNS Error"
else
	tap_fail "a decided verdict carries no EDE" "$(ask www.example.com A)"
fi
st=$(ctl status)
if printf '%s\n' "$st" | grep -q '^gossip member b-ap (region ap, role probe): 3 of 3 members live$' &&
	printf '%s\n' "$st" | grep -Eq '^  vote p-us \(region us, live\): up since [0-9T:.-]+Z, signed [0-9T:.-]+Z$' &&
	printf '%s\n' "$st" | grep -Eq '^  vote b-ap \(region ap, live\): up since .* \(this batond.s checks\)$' &&
	[ "$(printf '%s\n' "$st" | grep -c '^  vote ')" = 6 ]; then
	tap_ok "status shows the members and every prober's vote on each site, with when and where"
else
	tap_fail "status shows the members and every prober's vote" "$st"
fi

start=$EPOCHREALTIME
rm -f "$STATE/192.0.2.10"
if wait_until 10 answers 198.51.100.10; then
	took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	tap_ok "fra dies: batond answers iad by quorum in ${took}s (fall x interval 0.4s, round 0.2s)"
else
	tap_fail "fra dies: batond answers iad by quorum" "$(ctl status; tail -n 20 "$BATOND_LOG")"
fi
# batond's own checks may see it after the two probers' did
wait_until 5 status_has '^  quorum: down; quorum: 3 of 3 live probers down, 3 regions'
if grep -Eq 'site fra: up -> down \(quorum: [23] of 3 live probers down, [23] regions \(2 needed, from 2 regions\)\)' "$BATOND_LOG" &&
	[ "$(grep -c 'site fra: up -> down' "$BATOND_LOG")" = 1 ] &&
	grep -q 'site fra: local checks up -> down (alive@192.0.2.10' "$BATOND_LOG"; then
	tap_ok "the log has the quorum's transition and batond's own checks' one"
else
	tap_fail "the log has the quorum's transition" "$(grep 'site fra' "$BATOND_LOG")"
fi
json=$(ctl status --json)
if printf '%s' "$json" | "$LIB_PYTHON" -c '
import json, sys
s = json.load(sys.stdin)
g = s["gossip"]
assert g["member"] == "b-ap" and g["role"] == "probe", g
assert sum(m["live"] for m in g["members"]) == 3, g["members"]
fra = [x for x in s["sites"] if x["name"] == "fra"][0]
q = fra["quorum"]
assert fra["verdict"] == "down" and fra["local_verdict"] == "down", fra
assert q["verdict"] == "down" and not q["held"] and q["needed"] == 2 and q["down"] == 3, q
votes = {v["member"]: v for v in q["votes"]}
assert set(votes) == {"p-eu", "p-us", "b-ap"}, votes
assert votes["p-us"]["region"] == "us" and votes["p-us"]["verdict"] == "down", votes
assert votes["b-ap"]["self"] and votes["p-eu"]["signed_ms"] > 0, votes
'; then
	tap_ok "status --json: the quorum, its tally and the votes (member, region, live, verdict, when)"
else
	tap_fail "status --json: the quorum and the votes" "$json"
fi

metrics=$(curl -sS --max-time 5 "http://127.0.0.1:$http_port/metrics")
missing=
for re in '^baton_gossip_sent_total [1-9]' '^baton_gossip_sent_bytes_total [1-9]' \
	'^baton_gossip_received_total [1-9]' '^baton_gossip_accepted_total [1-9]' \
	'^baton_gossip_relayed_total [0-9]' '^baton_gossip_dropped_total\{reason="bad_signature"\} 0$' \
	'^baton_gossip_member_live\{member="p-us",region="us",role="probe"\} 1$' \
	'^baton_gossip_members_live 3$' \
	'^baton_gossip_quorum_votes\{zone="example.com.",site="fra",vote="down"\} 3$' \
	'^baton_gossip_quorum_votes\{zone="example.com.",site="iad",vote="up"\} 3$' \
	'^baton_gossip_quorum_needed\{zone="example.com.",site="fra"\} 2$' \
	'^baton_gossip_quorum_held\{zone="example.com.",site="fra"\} 0$'; do
	printf '%s\n' "$metrics" | grep -Eq "$re" || missing="$missing $re"
done
if [ -z "$missing" ]; then
	tap_ok "/metrics: gossip traffic, drops by reason, members live and each site's quorum tally"
else
	tap_fail "/metrics: gossip families" "missing:$missing
$(printf '%s\n' "$metrics" | grep gossip)"
fi

: >"$STATE/192.0.2.10"
if wait_until 10 answers 192.0.2.10; then
	tap_ok "fra comes back: the quorum says up and www answers fra again"
else
	tap_fail "fra comes back" "$(ctl status)"
fi
ctl drain fra >/dev/null
if wait_until 5 answers 198.51.100.10; then
	tap_ok "a drain applies over the quorum's verdict"
else
	tap_fail "a drain applies over the quorum's verdict" "$(ctl status)"
fi
ctl undrain fra >/dev/null
wait_until 5 answers 192.0.2.10

# both probers stop: batond alone is 1 of the 2 live probers a decision needs
stop_pid "$probe_pid_0"
stop_pid "$probe_pid_1"
if wait_until 5 status_has '^  quorum: up; held: too few live probers \(1 of 2 needed\)'; then
	tap_ok "both probers stop: status says the verdict is held (1 of 2 needed)"
else
	tap_fail "both probers stop: status says held" "$(ctl status)"
fi
rm -f "$STATE/192.0.2.10"
if wait_until 5 status_has '^  local checks: down since' &&
	observe 0.6 "fall x interval and more: time for a wrong failover to show" && answers 192.0.2.10 &&
	status_has '^site fra \(zone example.com.\): up since'; then
	tap_ok "batond's own checks see fra down, but alone it is no quorum: fra still answered"
else
	tap_fail "alone, batond's checks do not fail fra over" "$(ctl status)"
fi
if curl -sS --max-time 5 "http://127.0.0.1:$http_port/metrics" |
	grep -Eq '^baton_gossip_quorum_held\{zone="example.com.",site="fra"\} 1$'; then
	tap_ok "/metrics says the verdict is held"
else
	tap_fail "/metrics says the verdict is held" "$(curl -sS "http://127.0.0.1:$http_port/metrics" | grep quorum)"
fi
if ask www.example.com A | grep -q '^; EDE: 3 (Stale Answer): (health verdict held: too few live probers)'; then
	tap_ok "an answer resting on the held verdict says so: EDE 3 (Stale Answer)"
else
	tap_fail "an answer on a held verdict carries EDE 3" "$(ask www.example.com A)"
fi
stop_pid "$BATOND_PID"

# configuration mistakes: each names the file and line and the fix
bad=$WORKDIR/bad.conf
printf 'server:\n    ip-address: 127.0.0.1@%s\ngossip:\n    name: b-ap\n    listen: 127.0.0.1\n    quorum: most\n    round: 200ms\n    round: 300ms\n    colour: blue\n' \
	"$(free_port)" >"$bad"
out=$(timeout 10 "$BATOND" -f -c "$bad" 2>&1)
if [ $? != 0 ] && printf '%s\n' "$out" | grep -q "bad.conf:5: listen: '127.0.0.1': write ADDRESS@PORT" &&
	printf '%s\n' "$out" | grep -q "bad.conf:6: quorum: 'most': use majority, a number of probers (3) or a percentage (82%)" &&
	printf '%s\n' "$out" | grep -q "bad.conf:8: round: '300ms': given twice (first at line 7); keep one" &&
	printf '%s\n' "$out" | grep -q "bad.conf:9: unknown key 'colour' in gossip: section (known: name, region," &&
	printf '%s\n' "$out" | grep -q "bad.conf:3: no key: add 'key: NAME.key' (from baton-keygen) under gossip:"; then
	tap_ok "a gossip: section with mistakes: each is file:line with the fix, and batond does not start"
else
	tap_fail "a gossip: section with mistakes is refused" "$out"
fi
sed -e 's/^\( *\)name: b-ap$/\1name: b-eu/' "$BATOND_CONF" >"$WORKDIR/stranger.conf"
line=$(grep -n '^ *name: b-eu$' "$WORKDIR/stranger.conf" | cut -d: -f1)
out=$(timeout 10 "$BATOND" -f -c "$WORKDIR/stranger.conf" 2>&1)
if [ $? != 0 ] && printf '%s\n' "$out" | grep -q "stranger.conf:$line: name b-eu is not in .*trusted-keys; add its key line there"; then
	tap_ok "a member name not in the trusted keys is refused at its line"
else
	tap_fail "a member name not in the trusted keys is refused" "$out"
fi
tap_done
