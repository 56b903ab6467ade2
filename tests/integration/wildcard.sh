#!/bin/bash
# wildcard.sh: batond listening on the wildcard (ip-address: 0.0.0.0, ::, or no ip-address at
# all, as NSD) on a host with many addresses: every UDP reply comes from the address its query
# was sent to (a resolver drops one from another address), and TCP answers on each address.
# The wildcard would listen on every interface of this machine, so each batond runs in a network
# namespace of this test's own: loopback, plus 192.0.2.53 and 2001:db8::53 on it.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 17
zone=$top_srcdir/zones/example.com.zone
port=5300
ns=baton-wild-$$
lab_netns_add "$ns" || tap_bail "cannot make network namespace $ns (needs root)"
ip -n "$ns" addr add 192.0.2.53/32 dev lo
ip -n "$ns" addr add 2001:db8::53/128 dev lo nodad

# udp_source ADDRESS: asks ADDRESS:$port for www.example.com A from an unconnected UDP socket in
# the namespace; true when an answer came back from ADDRESS itself. Prints where it came from.
# The socket is bound to another address of the namespace (loopback when asking 192.0.2.53 or
# 2001:db8::53, those when asking loopback): the kernel, left to choose, would answer from the
# address it is replying to, never the one asked.
udp_source() {
	ip netns exec "$ns" "$LIB_PYTHON" - "$1" "$port" <<'EOF'
import ipaddress, socket, sys
import dns.message

addr, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
q = dns.message.make_query("www.example.com", "A")
s = socket.socket(family, socket.SOCK_DGRAM)
if family == socket.AF_INET:
    s.bind(("192.0.2.53" if addr.startswith("127.") else "127.0.0.1", 0))
else:
    s.bind(("2001:db8::53" if addr == "::1" else "::1", 0))
s.settimeout(1)
for _ in range(3):
    s.sendto(q.to_wire(), (addr, port))
    try:
        data, src = s.recvfrom(4096)
    except socket.timeout:
        continue
    r = dns.message.from_wire(data)
    same = ipaddress.ip_address(src[0]) == ipaddress.ip_address(addr)
    print("asked %s from %s, reply from %s, id %s"
          % (addr, s.getsockname()[0], src[0], "ok" if r.id == q.id else "wrong"))
    sys.exit(0 if same and r.id == q.id and r.answer else 1)
print("asked %s from %s: no reply" % (addr, s.getsockname()[0]))
sys.exit(1)
EOF
}

# tcp_answers ADDRESS: www.example.com A over TCP at ADDRESS:$port, from inside the namespace.
tcp_answers() {
	local out
	out=$(ip netns exec "$ns" dig "@$1" -p "$port" +tcp +norec +time=2 +tries=1 +short \
		www.example.com A 2>&1)
	[ "$out" = 192.0.2.80 ] || { echo "asked $1 over TCP: $out"; return 1; }
}

# serve NAME SERVER_LINES: starts batond in the namespace with SERVER_LINES in its server:
# section; waits until ASK (an address) answers over TCP, and sets SERVE_PID.
serve() {
	local conf=$WORKDIR/$1.conf
	printf 'server:\n%s\n    control-socket: %s\nzone:\n    name: example.com\n    zonefile: %s\n' \
		"$2" "$WORKDIR/$1.sock" "$zone" >"$conf"
	run_batond "$conf" "$WORKDIR/$1.log" ip netns exec "$ns"
	SERVE_PID=$BATOND_RUN_PID
	WAIT_PID=$SERVE_PID wait_until 10 tcp_answers "$ASK" >/dev/null ||
		tap_bail "batond ($1) did not answer on $ASK; its log: $(cat "$WORKDIR/$1.log")"
}

# --- ip-address: 0.0.0.0 ---
ASK=127.0.0.1 serve v4 "    ip-address: 0.0.0.0@$port"
for a in 127.0.0.1 127.0.0.2 127.0.0.3 192.0.2.53; do
	check "0.0.0.0: the UDP reply to $a comes from $a" udp_source "$a"
done
for a in 127.0.0.2 192.0.2.53; do
	check "0.0.0.0: TCP on $a answers" tcp_answers "$a"
done
stop_pid "$SERVE_PID"
forget_pid "$SERVE_PID"

# --- ip-address: :: ---
ASK=::1 serve v6 "    ip-address: ::@$port"
for a in ::1 2001:db8::53; do
	check ":: : the UDP reply to $a comes from $a" udp_source "$a"
	check ":: : TCP on $a answers" tcp_answers "$a"
done
stop_pid "$SERVE_PID"
forget_pid "$SERVE_PID"

# --- no ip-address, a port: the wildcard of both families, as NSD ---
ASK=127.0.0.2 serve default "    port: $port"
for a in 127.0.0.2 192.0.2.53 ::1 2001:db8::53; do
	check "no ip-address: the UDP reply to $a comes from $a" udp_source "$a"
done
for a in 127.0.0.3 2001:db8::53; do
	check "no ip-address: TCP on $a answers" tcp_answers "$a"
done
if kill -0 "$SERVE_PID" 2>/dev/null; then tap_ok "batond still running"; else tap_fail "batond still running"; fi
tap_done
