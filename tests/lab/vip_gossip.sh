#!/bin/bash
# Lab: two baton-vip nodes (a, b) serving site web and one batond (dns) on one switch, all
# three on the gossip channel (advert 50 ms, round 200 ms). batond's `batonctl status --json`
# shows a as web's master; a crashes and b is shown master; a forged, a replayed and a
# tampered VIP report claiming a is master again are dropped, counted, and change nothing.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 7
BATON_KEYGEN=$top_builddir/baton-keygen
INJECT=$top_srcdir/tests/integration/gossip_inject.py
PORT=7946

vip_node a 11
vip_node b 12
vip_node dns 53

: >"$WORKDIR/trusted-keys"
for n in a b dns; do
	(cd "$WORKDIR" && "$BATON_KEYGEN" "$n" >/dev/null) || tap_bail "baton-keygen $n failed"
	read -r _ pub <"$WORKDIR/$n.pub"
	# batond is a probe so its quorum has one region; it checks nothing here
	role=vip
	[ "$n" = dns ] && role=probe
	echo "$n eu $role $pub" >>"$WORKDIR/trusted-keys"
done

# gossip_block NAME: vip.conf's gossip block for node NAME
gossip_block() {
	local m
	echo "gossip {"
	echo "	name $1"
	echo "	region eu"
	echo "	key $1.key"
	echo "	trusted-keys trusted-keys"
	echo "	listen ${VIP_ADDR[$1]}@$PORT"
	for m in a b dns; do
		[ "$m" = "$1" ] || echo "	peer $m ${VIP_ADDR[$m]}@$PORT"
	done
	echo "	round 200ms"
	echo "	dead-after 1s"
	echo "}"
}
for n in a b; do
	prio=150
	[ "$n" = b ] && prio=100
	{
		gossip_block "$n"
		vip_conf "$n" "$prio" "	site web"
	} >"$WORKDIR/$n.conf"
done
cat >"$WORKDIR/db.example.com" <<'ZONE'
$ORIGIN example.com.
$TTL 300
@   IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@   IN NS  ns1
ns1 IN A   192.0.2.53
ZONE
cat >"$WORKDIR/dns.conf" <<CONF
server:
    ip-address: 192.0.2.53@53
    control-socket: $WORKDIR/dns.sock
    http-listen: 192.0.2.53@8053
    pidfile: $WORKDIR/dns.pid
gossip:
    name: dns
    region: eu
    key: dns.key
    trusted-keys: trusted-keys
    listen: 192.0.2.53@$PORT
    peer: a 192.0.2.11@$PORT
    peer: b 192.0.2.12@$PORT
    round: 200ms
    dead-after: 1s
    quorum-regions: 1
zone:
    name: example.com
    zonefile: db.example.com
CONF

if "$BATON_VIP" -t -c "$WORKDIR/a.conf" >"$WORKDIR/t.out" 2>&1; then
	tap_ok "vip.conf with a gossip block and site checks"
else
	tap_fail "vip.conf with a gossip block and site checks" "$(cat "$WORKDIR/t.out")"
fi

run_batond "$WORKDIR/dns.conf" "$WORKDIR/dns.log" ip netns exec "$(vip_ns dns)"
vip_start a "$WORKDIR/a.conf"
vip_start b "$WORKDIR/b.conf"

status_json() { BATOND_CONF=$WORKDIR/dns.conf ctl status --json; }
# web_master NODE: does batond show NODE as web's only live master, and the other node's report
# (backup, or its last word with live false once it crashed)?
web_master() {
	status_json | /usr/bin/python3 -c '
import json, sys
want = sys.argv[1]
web = [s for s in json.load(sys.stdin).get("vip", []) if s["site"] == "web"]
nodes = {n["node"]: n for n in web[0]["nodes"]} if web else {}
other = "b" if want == "a" else "a"
ok = web and web[0]["master"] == want and web[0]["masters"] == 1 and \
    nodes[want]["state"] == "master" and nodes[want]["instance"] == "lab" and \
    nodes[want]["vips"] == ["192.0.2.100/24"] and other in nodes and \
    (nodes[other]["state"] in ("backup", "init") or not nodes[other]["live"]) and \
    web[0]["moved_ms"] > 0
sys.exit(0 if ok else 1)' "$1"
}

if wait_until 10 web_master a && vip_has a "$VIP4"; then
	tap_ok "batond's status --json shows a as web's master, b's report beside it"
else
	tap_fail "batond shows a as web's master" "$(status_json; vip_show_logs)"
fi
if BATOND_CONF=$WORKDIR/dns.conf ctl status | grep -q '^vip site web: master a since ' &&
	BATOND_CONF=$WORKDIR/dns.conf ctl status |
	grep -Eq '^  vip node b \(region eu, live\) instance lab: backup, priority 100, master-down [0-9]+ ms'; then
	tap_ok "status text: web's master and each node's state and priority"
else
	tap_fail "status text" "$(BATOND_CONF=$WORKDIR/dns.conf ctl status)"
fi

start=$(date +%s%N)
vip_kill a
vip_link a down
if wait_until 5 web_master b; then
	tap_ok "a crashed: batond shows b as web's master in $((($(date +%s%N) - start) / 1000000)) ms"
else
	tap_fail "a crashed: batond shows b as master" "$(status_json; vip_show_logs)"
fi

metrics() { vip_in dns curl -sS --max-time 2 "http://192.0.2.53:8053/metrics"; }
if metrics | grep -q '^baton_vip_report_state{site="web",node="b",instance="lab",state="master"} 1$' &&
	metrics | grep -q '^baton_vip_site_masters{site="web"} 1$'; then
	tap_ok "/metrics: b's state master, one live master for web"
else
	tap_fail "/metrics shows b master" "$(metrics | grep baton_vip)"
fi

# forged, replayed and tampered reports claiming a is master again: dropped and counted
drops() {
	status_json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)["gossip"]["drops"]
print(d["unknown_key"], d["replay"], d["bad_signature"])'
}
read -r uk0 rp0 bs0 <<<"$(drops)"
to=192.0.2.53:$PORT
vip_in b /usr/bin/python3 "$INJECT" --vip --to "$to" --stranger --node-state master
vip_in b /usr/bin/python3 "$INJECT" --vip --to "$to" --key "$WORKDIR/a.key" --seq 1 --node-state master
vip_in b /usr/bin/python3 "$INJECT" --vip --to "$to" --key "$WORKDIR/a.key" --tamper --node-state master
counted() {
	read -r uk rp bs <<<"$(drops)"
	[ "$uk" -gt "$uk0" ] && [ "$rp" -gt "$rp0" ] && [ "$bs" -gt "$bs0" ]
}
if wait_until 3 counted; then
	tap_ok "forged, replayed and tampered VIP reports are counted as unknown_key, replay, bad_signature"
else
	tap_fail "bad VIP reports counted" "$(drops)"
fi
if web_master b; then
	tap_ok "and batond still shows b as web's only master"
else
	tap_fail "bad VIP reports changed nothing" "$(status_json)"
fi
tap_done
