#!/bin/bash
# xfr.sh: batond as a hidden primary. A signed AXFR carries SOA ... SOA with each FAILOVER as
# the A/AAAA records it answers now (TTL ttl-min, no stanza); unsigned or from elsewhere it is
# refused as NSD refuses it; IXFR at the current serial is the SOA alone; a site that dies makes
# a new serial in the SOA, an IXFR of just the changed records and a signed NOTIFY; batonctl
# static prints what an AXFR carries; the serial survives a restart; IXFR over UDP gets TC.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 12
make_state_check
SECRET=K2tf3TRjvQkVCmJF3/Z9vA==
KEY=hmac-sha256:xfr.key:$SECRET
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@ SOA ns1 hostmaster 7 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
\$CHECK alive exec command="$WORKDIR/alive" interval=1s timeout=900ms rise=1 fall=1
\$SITE fra 192.0.2.10 2001:db8::10 check=alive
\$SITE iad 198.51.100.10 check=alive
www 30 IN FAILOVER policy=order sites=fra,iad ttl-min=10
all 30 IN FAILOVER policy=all sites=fra,iad
ZONE
touch "$STATE/192.0.2.10" "$STATE/2001:db8::10" "$STATE/198.51.100.10"

# A secondary's NOTIFY listener: answers NOERROR, writes "SERIAL tsig-ok|unsigned|bad" a line.
notify_port=$(free_port)
notify_log=$WORKDIR/notify.log
"$LIB_PYTHON" - "$notify_port" "$notify_log" "$SECRET" <<'PY' &
import socket, sys
import dns.message, dns.rcode, dns.tsig, dns.tsigkeyring
port, log, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ring = dns.tsigkeyring.from_text({"xfr.key.": ("hmac-sha256", secret)})
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
while True:
    data, peer = s.recvfrom(4096)
    try:
        m = dns.message.from_wire(data, keyring=ring)
        how = "tsig-ok" if m.had_tsig else "unsigned"
    except Exception as e:
        m, how = dns.message.from_wire(data, ignore_trailing=True, keyring=False), "bad:" + str(e)
    serial = m.answer[0][0].serial if m.answer else -1
    with open(log, "a") as f:
        f.write(f"{serial} {how}\n")
    r = dns.message.make_response(m)
    r.use_tsig(ring, keyname="xfr.key.") if how == "tsig-ok" else None
    s.sendto(r.to_wire(), peer)
PY
register_pid $!

BATOND_PORT=$(free_port)
BATOND_CONF=$WORKDIR/batond.conf
BATOND_SOCK=$WORKDIR/batond.sock
BATOND_LOG=$WORKDIR/batond.log
cat >"$BATOND_CONF" <<CONF
server:
    ip-address: 127.0.0.1@$BATOND_PORT
    control-socket: $BATOND_SOCK
    state-file: $WORKDIR/drains
key:
    name: xfr.key
    algorithm: hmac-sha256
    secret: "$SECRET"
zone:
    name: example.com
    zonefile: $zone
    provide-xfr: 127.0.0.1 xfr.key
    provide-xfr: 127.0.0.2 NOKEY
    notify: 127.0.0.1@$notify_port xfr.key
CONF
start() {
	run_batond "$BATOND_CONF" "$BATOND_LOG"
	BATOND_PID=$BATOND_RUN_PID
	wait_for_dns 127.0.0.1 "$BATOND_PORT" 10 "$BATOND_PID" || tap_bail "batond did not start: $(tail -5 "$BATOND_LOG")"
}
start
sites_up() { [ "$(ctl status | grep -c '^site .*: up since')" = 2 ]; }
wait_until 10 sites_up || tap_bail "the sites were not checked"
serial() { ask +short example.com SOA | awk '{print $3}'; }
# records ARGS...: the transfer's records, one a line, blanks squeezed, TSIG left out
records() { ask "$@" | grep -v '^;' | grep -v 'TSIG' | awk 'NF { $1=$1; print }'; }

s0=$(serial)
out=$(records example.com AXFR -y "$KEY")
first=$(printf '%s\n' "$out" | head -1)
last=$(printf '%s\n' "$out" | tail -1)
if [[ $first == "example.com. 300 IN SOA "*" $s0 "* ]] && [ "$first" = "$last" ] &&
	printf '%s\n' "$out" | grep -qx 'www.example.com. 10 IN A 192.0.2.10' &&
	printf '%s\n' "$out" | grep -qx 'www.example.com. 10 IN AAAA 2001:db8::10' &&
	printf '%s\n' "$out" | grep -qx 'all.example.com. 15 IN A 198.51.100.10' &&
	! printf '%s\n' "$out" | grep -q 'www.example.com. .* 198.51.100.10'; then
	tap_ok "signed AXFR: SOA ... SOA, FAILOVERs as their answers with ttl-min"
else
	tap_fail "signed AXFR" "$out"
fi
ask example.com AXFR -y "$KEY" | grep -q 'xfr.key.*TSIG.*NOERROR' && ! ask example.com AXFR -y "$KEY" | grep -q 'tsig verify failure' &&
	tap_ok "the transfer is signed and dig verifies it" || tap_fail "signed transfer" "$(ask example.com AXFR -y "$KEY")"

# rcode of the first message of a TCP transfer, as dnspython reads it
rcode() {
	"$LIB_PYTHON" - "$BATOND_PORT" "$@" <<'PY'
import sys, dns.message, dns.query, dns.rcode, dns.tsig
port, src, qtype, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
q = dns.message.make_query("example.com.", qtype)
if key != "-":
    name, secret = key.split(":")
    q.use_tsig(dns.tsig.Key(name, secret, "hmac-sha256."))
try:
    r = dns.query.tcp(q, "127.0.0.1", port=port, source=src, timeout=3)
    print(dns.rcode.to_text(r.rcode()) + (" signed" if r.had_tsig else ""))
except dns.message.UnknownTSIGKey:
    print("answer signed with a key we do not have")
except dns.tsig.PeerError as e:  # the answer's TSIG error, raised by dnspython
    print("NOTAUTH " + type(e).__name__)
PY
}
r1=$(rcode 127.0.0.1 AXFR - 2>&1)
r2=$(rcode 127.0.0.2 AXFR xfr.key:$SECRET 2>&1)
r3=$(rcode 127.0.0.1 AXFR other.key:$SECRET 2>&1)
[ "$r1" = REFUSED ] && [ "$r2" = "REFUSED signed" ] && [ "$r3" = "NOTAUTH PeerBadKey" ] &&
	tap_ok "unsigned REFUSED, a key where NOKEY is asked REFUSED, an unknown key NOTAUTH (as NSD)" ||
	tap_fail "refusals" "unsigned: $r1; NOKEY peer signed: $r2; unknown key: $r3"
grep -q "zone example.com.: AXFR to 127.0.0.1@[0-9]* refused (not in provide-xfr)" "$BATOND_LOG" &&
	tap_ok "a refused transfer is logged with the client and the zone" || tap_fail "refusal logged" "$(grep -i axfr "$BATOND_LOG")"

out=$(records example.com IXFR="$s0" -y "$KEY")
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ $out == *" $s0 "* ]] &&
	tap_ok "IXFR at the current serial: the SOA alone" || tap_fail "IXFR current" "$out"

# (dig reports a TC answer to a UDP IXFR only as "Transfer failed": dnspython shows the flags)
udp_ixfr() { # SOURCE
	"$LIB_PYTHON" - "$BATOND_PORT" "$s0" "$1" <<'PY'
import sys, dns.flags, dns.message, dns.query, dns.rcode, dns.rrset
q = dns.message.make_query("example.com.", "IXFR")
q.authority.append(dns.rrset.from_text("example.com.", 0, "IN", "SOA", f"a. b. {sys.argv[2]} 0 0 0 0"))
r = dns.query.udp(q, "127.0.0.1", port=int(sys.argv[1]), source=sys.argv[3], timeout=3)
print(dns.rcode.to_text(r.rcode()), dns.flags.to_text(r.flags), len(r.answer))
PY
}
out=$(udp_ixfr 127.0.0.1 2>&1)
out3=$(udp_ixfr 127.0.0.3 2>&1)
[[ $out == NOERROR*TC*" 0" ]] && [[ $out3 == REFUSED* ]] &&
	tap_ok "IXFR over UDP: TC from a provide-xfr address, REFUSED from another (as NSD)" ||
	tap_fail "UDP IXFR" "127.0.0.1: $out; 127.0.0.3: $out3"

rm "$STATE/192.0.2.10" "$STATE/2001:db8::10"
moved() { [ "$(serial)" != "$s0" ]; }
wait_until 10 moved && tap_ok "fra dies: a new serial in the SOA ($s0 -> $(serial))" || tap_fail "new serial" "$(serial)"
s1=$(serial)
out=$(records example.com IXFR="$s0" -y "$KEY")
expect="example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. $s1 7200 3600 1209600 300
example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. $s0 7200 3600 1209600 300
all.example.com. 15 IN A 192.0.2.10
all.example.com. 15 IN AAAA 2001:db8::10
www.example.com. 10 IN A 192.0.2.10
www.example.com. 10 IN AAAA 2001:db8::10
example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. $s1 7200 3600 1209600 300
www.example.com. 10 IN A 198.51.100.10
example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. $s1 7200 3600 1209600 300"
[ "$out" = "$expect" ] && tap_ok "IXFR from the old serial: only the changed records" || tap_fail "IXFR diff" "$out"

notified() { grep -qx "$s1 tsig-ok" "$notify_log" 2>/dev/null; }
wait_until 10 notified && tap_ok "a NOTIFY of serial $s1, signed with the key, reached the secondary" ||
	tap_fail "NOTIFY" "$(cat "$notify_log" 2>&1)"

# batonctl static: exactly the AXFR's records (compared sorted, the closing SOA taken off)
axfr=$(records example.com AXFR -y "$KEY" | sed '$d' | sort)
static=$(ctl static example.com | awk 'NF { $1=$1; print }' | sort)
[ -n "$static" ] && [ "$static" = "$axfr" ] && tap_ok "batonctl static prints what an AXFR carries" ||
	tap_fail "static = AXFR" "$(diff <(printf '%s\n' "$axfr") <(printf '%s\n' "$static"))"

stop_pid "$BATOND_PID"
forget_pid "$BATOND_PID"
start
s2=$(serial)
"$LIB_PYTHON" -c "import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(0 if 0 < (b - a) % 2**32 < 2**31 else 1)" "$s1" "$s2" &&
	tap_ok "after a restart the serial goes on ($s1 -> $s2), never back" || tap_fail "serial across restart" "$s1 -> $s2"
grep -qx "$s2" "$WORKDIR/drains.example.com.serial" && tap_ok "the serial is kept beside the state-file" ||
	tap_fail "serial file" "$(cat "$WORKDIR/drains.example.com.serial" 2>&1)"
tap_done
