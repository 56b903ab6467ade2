#!/bin/bash
# Lab: a site's own VRRP nodes take it down (issue 20). Two baton-vip nodes (a, b) hold site
# web's address and report on gossip; batond (dns) serves www from web ($SITE ... vip=lab),
# else from spare, and checks web remotely with an exec check of fall 5 x 1 s. Both nodes track
# the same application (a state file) with `fault`: when it goes, both enter FAULT, and batond
# answers spare at once, well before its own check falls; status says "by vip evidence". The
# application comes back: a node is master again and web rises by its check. Then both
# baton-vip nodes are killed (silence): the answer does not move, the check decides.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 6
BATON_KEYGEN=$top_builddir/baton-keygen
PORT=7946
APP=$WORKDIR/app
FALL=5
INTERVAL_S=1

vip_node a 11
vip_node b 12
vip_node dns 53

: >"$WORKDIR/trusted-keys"
for n in a b dns; do
	(cd "$WORKDIR" && "$BATON_KEYGEN" "$n" >/dev/null) || tap_bail "baton-keygen $n failed"
	read -r _ pub <"$WORKDIR/$n.pub"
	role=vip
	[ "$n" = dns ] && role=probe # batond's own checks are the quorum (one region)
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
touch "$APP"
for n in a b; do
	prio=150
	[ "$n" = b ] && prio=100
	{
		gossip_block "$n"
		vip_conf "$n" "$prio" "	site web
	track-check ${VIP_ADDR[$n]} fault app exec command=\"/usr/bin/test -e $APP\" interval=200ms timeout=150ms rise=1 fall=1"
	} >"$WORKDIR/$n.conf"
done
cat >"$WORKDIR/db.example.com" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@   IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@   IN NS  ns1
ns1 IN A   192.0.2.53
\$CHECK app exec command="/usr/bin/test -e $APP" interval=${INTERVAL_S}s timeout=500ms rise=2 fall=$FALL
\$SITE web $VIP4 check=app vip=lab
\$SITE spare 192.0.2.200
www 20 IN FAILOVER sites=web,spare policy=order
ZONE
cat >"$WORKDIR/dns.conf" <<CONF
server:
    ip-address: 192.0.2.53@53
    control-socket: $WORKDIR/dns.sock
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

run_batond "$WORKDIR/dns.conf" "$WORKDIR/dns.log" ip netns exec "$(vip_ns dns)"
vip_start a "$WORKDIR/a.conf"
vip_start b "$WORKDIR/b.conf"

status_json() { BATOND_CONF=$WORKDIR/dns.conf ctl status --json; }
www() { vip_in dns dig @192.0.2.53 +norec +time=1 +tries=1 +short www.example.com A; }
answers() { [ "$(www)" = "$1" ]; }
# web_site EXPR: a python expression over s, web's site in batond's status --json
web_site() {
	status_json | /usr/bin/python3 -c "import json, sys
s = [x for x in json.load(sys.stdin)['sites'] if x['name'] == 'web'][0]
sys.exit(0 if ($1) else 1)"
}

if wait_until 10 vip_has a "$VIP4" && wait_until 10 web_site "s['verdict'] == 'up'" &&
	answers "$VIP4"; then
	tap_ok "a is master; batond answers web ($VIP4), its check up"
else
	tap_fail "web up" "$(status_json; vip_show_logs)"
fi

start=$(date +%s%N)
rm -f "$APP"
# the remote check alone needs (fall - 1) x interval at least after the application goes (its
# first failure may come at once): an answer before that is the evidence's
if wait_until 5 answers 192.0.2.200 &&
	ms=$((($(date +%s%N) - start) / 1000000)) && [ "$ms" -lt $(((FALL - 1) * INTERVAL_S * 1000)) ]; then
	tap_ok "both nodes FAULT: batond answers spare in $ms ms (remote check: fall $FALL x ${INTERVAL_S}s = $((FALL * INTERVAL_S * 1000)) ms)"
else
	tap_fail "both FAULT: spare answers before the remote check falls (${ms:-no answer} ms)" \
		"$(status_json; vip_show_logs)"
fi
if web_site "s['vip_down'] and s['verdict'] == 'down' and s['evidence'] == 'vip lab: 2/2 nodes FAULT'" &&
	BATOND_CONF=$WORKDIR/dns.conf ctl status | grep -q '^site web (zone [^)]*): down by vip evidence since ' &&
	grep -q 'site web: up -> down (vip lab: 2/2 nodes FAULT)' "$WORKDIR/dns.log"; then
	tap_ok "status, status --json and the log say down by vip evidence: 2/2 nodes FAULT"
else
	tap_fail "down by vip evidence shown" "$(BATOND_CONF=$WORKDIR/dns.conf ctl status; grep 'site web' "$WORKDIR/dns.log")"
fi

touch "$APP"
if wait_until 10 answers "$VIP4" && web_site "not s['vip_down'] and s['verdict'] == 'up'"; then
	tap_ok "the application is back: a node is master again and web rises by its check"
else
	tap_fail "web back up" "$(status_json; vip_show_logs)"
fi

vip_kill a
vip_kill b
# silence: past dead-after (1 s) and Master_Down_Interval, the answer must not move
if wait_until 4 answers 192.0.2.200; then
	tap_fail "both baton-vip nodes killed: the answer must stay web" "$(status_json)"
else
	tap_ok "both baton-vip nodes killed (silence): batond still answers web"
fi
if web_site "not s['vip_down'] and s['verdict'] == 'up'"; then
	tap_ok "and web is up by its check, not down by vip evidence"
else
	tap_fail "silence is no evidence" "$(status_json)"
fi
tap_done
