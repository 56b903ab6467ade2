#!/bin/bash
# checks_dns_icmp_exec.sh: the dns, icmp and exec probes, each run once by baton-check: dns
# against a real NSD, a closed port and a server that never answers; icmp echo to 127.0.0.1 and
# ::1 (and, as root, through a ping socket alone in a private network namespace); exec with exit
# codes, signals, its environment, arguments passed without a shell, and a timeout that must
# kill the program's whole process group.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

CHECKER=${CHECKER:-${top_builddir:-.}/baton-check}

lib_init
tap_plan 26

# --- servers: NSD with a small zone, and two scripted UDP servers -------------------------
cat >"$WORKDIR/probe.test.zone" <<'ZONE'
$ORIGIN probe.test.
@    300 SOA ns1 hostmaster 1 7200 3600 1209600 300
@    300 NS  ns1
ns1  300 A   127.0.0.1
www  300 A   192.0.2.80
v6   300 AAAA 2001:db8::80
ZONE
# Enough TXT data that the answer cannot fit 512 octets: NSD answers with TC set.
for i in $(seq 1 12); do
	printf 'big 300 TXT "%s%d"\n' "$(printf 'x%.0s' $(seq 1 100))" "$i" >>"$WORKDIR/probe.test.zone"
done
nsd_port=$(free_port) || tap_bail "no free port"
start_nsd "$WORKDIR/probe.test.zone" probe.test "$nsd_port" "$WORKDIR/nsd" ||
	tap_bail "nsd did not start"

# start_udp_server MODE: a DNS server on a UDP port of 127.0.0.1 (in UDP_PORT), registered for
# cleanup. MODE silent reads queries and never answers; MODE decoys answers each query with
# datagrams a probe must ignore (another ID, another question, the query itself, each with
# SERVFAIL), then with NOERROR and the question in other case (RFC 4343: names compare
# case-insensitively).
start_udp_server() {
	local mode=$1 portfile=$WORKDIR/$1.port
	"$LIB_PYTHON" - "$mode" "$portfile" <<'EOF' &
import os, socket, sys
mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(portfile + ".tmp", portfile)
def response(qid, question, rcode, qr=0x80):
    return qid + bytes([qr | 0x04, rcode]) + b"\0\1\0\0\0\0\0\0" + question
while True:
    query, peer = s.recvfrom(4096)
    if mode == "silent":
        continue
    qid, question = query[:2], query[12:]
    other = bytearray(question)
    other[1] ^= 1
    s.sendto(response(bytes([qid[0] ^ 0xff, qid[1]]), question, 2), peer)
    s.sendto(response(qid, bytes(other), 2), peer)
    s.sendto(response(qid, question, 2, qr=0), peer)
    s.sendto(response(qid, question.swapcase(), 0), peer)
EOF
	register_pid $!
	WAIT_PID=$! wait_until 10 test -s "$portfile" || return 1
	UDP_PORT=$(cat "$portfile")
}
start_udp_server silent || tap_bail "the silent UDP server did not start"
silent_port=$UDP_PORT
start_udp_server decoys || tap_bail "the decoy UDP server did not start"
decoys_port=$UDP_PORT
closed_port=$(free_port) || tap_bail "no free port"

# --- programs for the exec checks ------------------------------------------------------------
bin=$WORKDIR/bin
mkdir -p "$bin"
printf '#!/bin/sh\necho "all good"\necho "second line"\nexit 0\n' >"$bin/ok"
printf '#!/bin/sh\necho "db unreachable" >&2\nexit 3\n' >"$bin/three"
printf '#!/bin/sh\necho "about to die"\nkill -9 $$\n' >"$bin/killed"
printf '#!/bin/sh\necho "check=$BATON_CHECK address=$BATON_ADDRESS"\n' >"$bin/env"
printf '#!/bin/sh\nprintf "argc=%%s [%%s] [%%s] [%%s]\\n" "$#" "$1" "$2" "$3"\n' >"$bin/args"
printf '#!/bin/sh\nprintf "%%0300d\\n" 7\n' >"$bin/long"
# Starts a background child, records both pids, then outlives the check's timeout.
cat >"$bin/slow" <<EOF
#!/bin/sh
sleep 60 &
echo "\$\$ \$!" >"$WORKDIR/slow.pids.tmp"
mv "$WORKDIR/slow.pids.tmp" "$WORKDIR/slow.pids"
echo "sleeping"
sleep 60 # the probe must kill this on timeout
EOF
chmod +x "$bin"/*

# --- the zone with the checks ----------------------------------------------------------------
zone=$WORKDIR/checks.zone
cat >"$zone" <<EOF
\$ORIGIN checks.test.
@ 300 SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 NS  ns1
ns1 300 A 127.0.0.1
\$CHECK dns_a      dns port=$nsd_port name=www.probe.test type=A address=192.0.2.80 interval=2s timeout=1s
\$CHECK dns_aaaa   dns port=$nsd_port name=v6.probe.test type=AAAA address=2001:db8::80 interval=2s timeout=1s
\$CHECK dns_nx     dns port=$nsd_port name=nope.probe.test rcode=NXDOMAIN interval=2s timeout=1s
\$CHECK dns_nx_bad dns port=$nsd_port name=nope.probe.test interval=2s timeout=1s
\$CHECK dns_wrong  dns port=$nsd_port name=www.probe.test address=192.0.2.81 interval=2s timeout=1s
\$CHECK dns_tc     dns port=$nsd_port name=big.probe.test type=TXT interval=2s timeout=1s
\$CHECK dns_closed dns port=$closed_port name=www.probe.test interval=2s timeout=1s
\$CHECK dns_silent dns port=$silent_port name=www.probe.test interval=2s timeout=1s
\$CHECK dns_decoys dns port=$decoys_port name=www.probe.test interval=2s timeout=1s
\$CHECK ping       icmp interval=2s timeout=1s
\$CHECK ok         exec command="$bin/ok" interval=2s timeout=1s
\$CHECK three      exec command="$bin/three" interval=2s timeout=1s
\$CHECK killed     exec command="$bin/killed" interval=2s timeout=1s
\$CHECK missing    exec command="$bin/no-such-program" interval=2s timeout=1s
\$CHECK env_check  exec command="$bin/env" interval=2s timeout=1s
\$CHECK args       exec command="$bin/args a;b \$HOME *" interval=2s timeout=1s
\$CHECK long       exec command="$bin/long" interval=2s timeout=1s
\$CHECK slow       exec command="$bin/slow" interval=2s timeout=1s
EOF
out=$("$CHECKZONE" "$zone" checks.test 2>&1) || tap_bail "the check zone does not load: $out"

# run NAME ADDRESS [PREFIX...]: baton-check once; sets OUT, RC and ELAPSED_MS.
run() {
	local name=$1 address=$2 start end
	shift 2
	start=${EPOCHREALTIME/./}
	OUT=$("$@" "$CHECKER" "$zone" checks.test "$name" "$address" 2>&1)
	RC=$?
	end=${EPOCHREALTIME/./}
	ELAPSED_MS=$(((end - start) / 1000))
}

# expect_check DESC NAME ADDRESS RC LINE: one TAP point: exit status RC and output LINE exactly.
expect_check() {
	local desc=$1 name=$2 address=$3 rc=$4 line=$5
	run "$name" "$address"
	if [ "$RC" -eq "$rc" ] && [ "$OUT" = "$line" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "expected rc=$rc '$line'
got rc=$RC '$OUT'"
	fi
}

# gone PID...: true once none of PIDs is running (a zombie has exited: it only awaits reaping
# by its parent, init after baton-check has gone).
gone() {
	local pid
	for pid in "$@"; do
		is_running_not_zombie "$pid" && return 1
	done
	return 0
}

# --- dns --------------------------------------------------------------------------------------
expect_check "dns: A with the expected address is up" dns_a 127.0.0.1 0 \
	"up: dns_a rcode NOERROR, 192.0.2.80 in the answer"
expect_check "dns: AAAA with the expected address is up" dns_aaaa 127.0.0.1 0 \
	"up: dns_aaaa rcode NOERROR, 2001:db8::80 in the answer"
expect_check "dns: NXDOMAIN when NXDOMAIN is expected is up" dns_nx 127.0.0.1 0 \
	"up: dns_nx rcode NXDOMAIN"
expect_check "dns: NXDOMAIN when NOERROR is expected is down" dns_nx_bad 127.0.0.1 1 \
	"down: dns_nx_bad rcode NXDOMAIN (expected NOERROR)"
expect_check "dns: an answer without the expected address is down" dns_wrong 127.0.0.1 1 \
	"down: dns_wrong no 192.0.2.81 in the answer"
out=$(dig @127.0.0.1 -p "$nsd_port" +norec +noedns +ignore +time=2 +tries=1 big.probe.test TXT)
if printf '%s' "$out" | grep -q 'flags: qr aa tc'; then
	expect_check "dns: a truncated (TC) response is judged on its rcode" dns_tc 127.0.0.1 0 \
		"up: dns_tc rcode NOERROR"
else
	tap_fail "dns: a truncated (TC) response is judged on its rcode" "NSD did not set TC: $out"
fi
expect_check "dns: a closed port on 127.0.0.1 is down, refused" dns_closed 127.0.0.1 1 \
	"down: dns_closed recv: Connection refused"
expect_check "dns: a closed port on ::1 is down, refused" dns_closed ::1 1 \
	"down: dns_closed recv: Connection refused"
expect_check "dns: a server that never answers is down by timeout" dns_silent 127.0.0.1 1 \
	"down: dns_silent timeout"
if [ "$ELAPSED_MS" -ge 900 ] && [ "$ELAPSED_MS" -le 2000 ]; then
	tap_ok "dns: the timeout (1 s) is kept, give or take a second"
else
	tap_fail "dns: the timeout (1 s) is kept, give or take a second" "took ${ELAPSED_MS} ms"
fi

expect_check "dns: other IDs, other questions and queries are ignored; case is not" dns_decoys \
	127.0.0.1 0 "up: dns_decoys rcode NOERROR"

# --- icmp -------------------------------------------------------------------------------------
# These must pass on any machine: the probe needs a ping socket (net.ipv4.ping_group_range
# covering our group) or a raw socket (CAP_NET_RAW); having neither is a failure, not a skip.
echo "# net.ipv4.ping_group_range: $(cat /proc/sys/net/ipv4/ping_group_range 2>/dev/null), uid $(id -u), gid $(id -g)"
expect_check "icmp: echo to 127.0.0.1 is up" ping 127.0.0.1 0 "up: ping echo reply"
expect_check "icmp: echo to ::1 is up" ping ::1 0 "up: ping echo reply"

# As root, a private network namespace (its own ping_group_range) and a bounding set without
# CAP_NET_RAW show each path alone: a ping socket works with no privilege, and with neither the
# reason names both.
netns_run() {
	local range=$1
	shift
	unshare -n sh -c 'ip link set lo up && sysctl -q -w net.ipv4.ping_group_range="$1" && shift && exec "$@"' \
		sh "$range" setpriv --bounding-set=-net_raw --inh-caps=-net_raw "$@"
}
if [ "$(id -u)" -eq 0 ] && netns_run "0 0" true 2>/dev/null; then
	run ping ::1 netns_run "0 2147483647"
	if [ "$RC" -eq 0 ] && [ "$OUT" = "up: ping echo reply" ]; then
		run ping 127.0.0.1 netns_run "0 2147483647"
	fi
	if [ "$RC" -eq 0 ] && [ "$OUT" = "up: ping echo reply" ]; then
		tap_ok "icmp: a ping socket alone (no CAP_NET_RAW) works, IPv4 and IPv6"
	else
		tap_fail "icmp: a ping socket alone (no CAP_NET_RAW) works, IPv4 and IPv6" "rc=$RC $OUT"
	fi
	run ping 127.0.0.1 netns_run "1 0"
	if [ "$RC" -eq 1 ] && [[ $OUT == *"no ping socket"*"ping_group_range"*"no raw socket"*"CAP_NET_RAW"* ]]; then
		tap_ok "icmp: with neither socket, down with both reasons"
	else
		tap_fail "icmp: with neither socket, down with both reasons" "rc=$RC $OUT"
	fi
else
	tap_ok "icmp: a ping socket alone works # SKIP needs root and unshare -n"
	tap_ok "icmp: with neither socket, down with both reasons # SKIP needs root and unshare -n"
fi

# --- exec -------------------------------------------------------------------------------------
expect_check "exec: exit 0 is up, the first output line is the reason" ok 127.0.0.1 0 \
	"up: ok exit 0: all good"
expect_check "exec: exit 3 is down, stderr is read too" three 127.0.0.1 1 \
	"down: three exit 3: db unreachable"
expect_check "exec: death by a signal is down" killed 127.0.0.1 1 \
	"down: killed killed by signal 9"
expect_check "exec: a program that does not exist is down" missing 127.0.0.1 1 \
	"down: missing exec $bin/no-such-program: No such file or directory"
expect_check "exec: BATON_CHECK and BATON_ADDRESS in the environment" env_check 127.0.0.1 0 \
	"up: env_check exit 0: check=env_check address=127.0.0.1"
expect_check "exec: BATON_ADDRESS of an IPv6 target" env_check ::1 0 \
	"up: env_check exit 0: check=env_check address=::1"
expect_check "exec: no shell: ';', '\$HOME' and '*' reach the program as they are" args \
	127.0.0.1 0 "up: args exit 0: argc=3 [a;b] [\$HOME] [*]"
expect_check "exec: the reason keeps at most 148 bytes of the first line" long 127.0.0.1 0 \
	"up: long exit 0: $(printf '%0148d' 0)"

rm -f "$WORKDIR/slow.pids"
expect_check "exec: a program past its timeout is down by timeout" slow 127.0.0.1 1 \
	"down: slow timeout"
if [ "$ELAPSED_MS" -ge 900 ] && [ "$ELAPSED_MS" -le 2000 ]; then
	tap_ok "exec: the timeout (1 s) is kept, give or take a second"
else
	tap_fail "exec: the timeout (1 s) is kept, give or take a second" "took ${ELAPSED_MS} ms"
fi
pids=$(cat "$WORKDIR/slow.pids" 2>/dev/null)
if [ -z "$pids" ]; then
	tap_fail "exec: the timed-out program and its background child are killed" \
		"the script never wrote its pids"
else
	for pid in $pids; do register_pid "$pid"; done
	# shellcheck disable=SC2086 # one word per pid
	if wait_until 2 gone $pids; then
		tap_ok "exec: the timed-out program and its background child are killed"
	else
		tap_fail "exec: the timed-out program and its background child are killed" \
			"still running: $(ps -o pid=,pgid=,stat=,args= -p "${pids// /,}")"
		# The script leads its process group: take everything it started, by that id.
		kill -KILL -- "-${pids%% *}" 2>/dev/null
	fi
fi
tap_done
