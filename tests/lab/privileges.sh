#!/bin/bash
# Lab: what batond, baton-probe and baton-vip keep after start-up, read from /proc for every
# thread. Started as root with a username, each runs as that user with only the capabilities
# it still uses: none for batond and baton-probe, CAP_NET_RAW too when the namespace's
# net.ipv4.ping_group_range refuses ping sockets and icmp checks need raw ones;
# CAP_NET_ADMIN and CAP_NET_RAW for baton-vip, which still moves its VIP. batond started by a
# user with an ambient CAP_NET_BIND_SERVICE (as its systemd unit does) binds port 53 and then
# gives the capability up. Checks and hooks they run get no capability at all. Each daemon
# runs in its own namespace (the sysctl is per namespace), on documentation addresses.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/vip_lib.sh"
vip_lab_init
tap_plan 18

NOBODY=$(id -u nobody)
NET_RAW=0000000000002000
NET_ADMIN_RAW=0000000000003000
NONE=0000000000000000
# files the daemons read as nobody; a folder of their own that they and their checks write
chmod 755 "$WORKDIR"
OUT=$WORKDIR/out
mkdir -m 1777 "$OUT"
# What nobody runs, copied out of the checkout and the build, which may sit in a folder only
# root may enter (a clone under /root); $WORKDIR goes, copies and all, in cleanup.
BIN=$WORKDIR/bin
mkdir -m 755 "$BIN"
install -m 755 "$top_builddir/batond" "$top_builddir/baton-probe" "$BIN/" &&
	install -m 644 "$top_srcdir/tests/lab/seccomp_exec.py" "$BIN/" || tap_bail "cannot copy the programs to $BIN"
setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$BIN/batond" ||
	tap_bail "nobody cannot reach $BIN: set TMPDIR to a folder every user may search"
BATOND=$BIN/batond
BATON_PROBE=$BIN/baton-probe

# caps PID: "uid=R,E,S,F eff=... prm=... inh=... amb=... bnd=..." of every thread of PID, one
# line each, sorted and made unique, so a thread left behind with more shows as a second line.
caps() {
	local t
	for t in /proc/"$1"/task/*; do
		awk '/^Uid:/ { u = $2 "," $3 "," $4 "," $5 }
			/^CapEff:/ { e = $2 } /^CapPrm:/ { p = $2 } /^CapInh:/ { i = $2 }
			/^CapAmb:/ { a = $2 } /^CapBnd:/ { b = $2 }
			END { print "uid=" u " eff=" e " prm=" p " inh=" i " amb=" a " bnd=" b }' "$t/status"
	done | sort -u
}

# expect_caps DESC PID UID SET BOUNDING: one point; every thread runs as UID with SET as its
# effective and permitted sets, nothing inheritable or ambient, and BOUNDING as its bounding set.
expect_caps() {
	local want="uid=$3,$3,$3,$3 eff=$4 prm=$4 inh=$NONE amb=$NONE bnd=$5" got
	got=$(caps "$2")
	[ "$got" = "$want" ] && tap_ok "$1" || tap_fail "$1" "want $want, got: $got"
}

# a program for exec checks and hooks: it writes down its uid and capabilities, and succeeds
capdump=$WORKDIR/capdump
cat >"$capdump" <<EOF
#!/bin/sh
{ id -u; grep -E '^Cap(Eff|Prm|Inh|Amb):' /proc/self/status; } >"$OUT/\$1.tmp" && mv "$OUT/\$1.tmp" "$OUT/\$1"
EOF
chmod 755 "$capdump"

# expect_child_caps DESC NAME UID: the last run of capdump NAME ran as UID with no capability.
expect_child_caps() {
	local got
	wait_until 10 test -f "$OUT/$2" || true
	got=$(tr '\n\t' '  ' <"$OUT/$2" 2>/dev/null)
	[ "$got" = "$3 CapInh: $NONE CapPrm: $NONE CapEff: $NONE CapAmb: $NONE " ] &&
		tap_ok "$1" || tap_fail "$1" "got: $got"
}

# zone NAME ADDRESS: a FAILOVER name whose first site (ADDRESS, the namespace's own) has an
# icmp check and whose second has an exec check that records what it was given.
zone() {
	cat <<EOF
\$ORIGIN example.com.
\$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 192.0.2.53
\$CHECK ping icmp interval=1s timeout=500ms
\$CHECK dump exec command="$capdump $1" interval=1s timeout=500ms
\$SITE fra $2 check=ping
\$SITE iad 198.51.100.10 check=dump
www 30 IN FAILOVER policy=order sites=fra,iad fallback=servfail
EOF
}

# in_ns_of NAME RANGE: node NAME's namespace, with net.ipv4.ping_group_range set to RANGE.
node_with_ping_range() {
	vip_node "$1" "$2"
	vip_in "$1" sysctl -qw net.ipv4.ping_group_range="$3"
}

# answers NAME ADDRESS PORT: batond in NAME answers www with the icmp-checked site, fra
answers() {
	[ "$(vip_in "$1" dig @"$2" -p "$3" +short +time=1 +tries=1 www.example.com A 2>/dev/null)" = "$2" ]
}

# --- batond, root with username: nobody ------------------------------------------------------
# start_batond_in NAME N EXTRA [WRAPPER...]: batond on 192.0.2.N@53 in node NAME
start_batond_in() {
	local name=$1 n=$2 extra=$3
	shift 3
	zone "$name" "192.0.2.$n" >"$WORKDIR/$name.zone"
	chmod 644 "$WORKDIR/$name.zone"
	cat >"$WORKDIR/$name.conf" <<-EOF
	server:
	    ip-address: 192.0.2.$n@53
	    control-socket: $OUT/$name.sock
	$extra
	zone:
	    name: example.com
	    zonefile: $WORKDIR/$name.zone
	EOF
	run_batond "$WORKDIR/$name.conf" "$WORKDIR/$name.log" ip netns exec "$(vip_ns "$name")" "$@"
	eval "PID_${name}=$BATOND_RUN_PID"
}

node_with_ping_range bd 21 "0 2147483647"
start_batond_in bd 21 "    username: nobody"
if wait_until 10 answers bd 192.0.2.21 53; then
	tap_ok "batond as nobody answers with the icmp-checked site (ping socket)"
else
	tap_fail "batond as nobody answers with the icmp-checked site" "$(tail -n 20 "$WORKDIR/bd.log")"
fi
expect_caps "batond, username: nobody, ping sockets allowed: nobody with no capability" \
	"$PID_bd" "$NOBODY" "$NONE" "$NONE"
expect_child_caps "batond's exec check runs as nobody with no capability" bd "$NOBODY"

node_with_ping_range bdraw 22 "1 0"
start_batond_in bdraw 22 "    username: nobody"
if wait_until 10 answers bdraw 192.0.2.22 53; then
	tap_ok "batond as nobody, ping sockets refused: the icmp check still works (raw socket)"
else
	tap_fail "batond as nobody, ping sockets refused: the icmp check works" "$(tail -n 20 "$WORKDIR/bdraw.log")"
fi
expect_caps "batond, ping sockets refused: nobody with CAP_NET_RAW alone" \
	"$PID_bdraw" "$NOBODY" "$NET_RAW" "$NET_RAW"
if grep -q 'capabilities cap_net_raw (for icmp checks: net.ipv4.ping_group_range' "$WORKDIR/bdraw.log"; then
	tap_ok "batond logs why it kept CAP_NET_RAW"
else
	tap_fail "batond logs why it kept CAP_NET_RAW" "$(cat "$WORKDIR/bdraw.log")"
fi

# --- batond as a user with an ambient CAP_NET_BIND_SERVICE, as batond.service starts it -------
# batond.service's system-call filter: ~@privileged, with capset allowed back
SECCOMP="$LIB_PYTHON $BIN/seccomp_exec.py"
UNIT_FILTER=setuid,setresuid,setreuid,setgid,setresgid,setgroups,chown,fchown,chroot
as_unit() { # as_unit SYSCALLS CAPS: started as systemd starts the units
	# shellcheck disable=SC2086 # the wrapper is words on purpose
	echo setpriv --reuid=nobody --regid=nogroup --clear-groups ${2:+--inh-caps=$2 --ambient-caps=$2} \
		$SECCOMP "$1" --
}
node_with_ping_range bdamb 23 "0 2147483647"
# shellcheck disable=SC2046
start_batond_in bdamb 23 "" $(as_unit $UNIT_FILTER +net_bind_service)
if wait_until 10 answers bdamb 192.0.2.23 53; then
	tap_ok "batond started by nobody with CAP_NET_BIND_SERVICE serves port 53"
else
	tap_fail "batond started by nobody with CAP_NET_BIND_SERVICE serves port 53" "$(tail -n 20 "$WORKDIR/bdamb.log")"
fi
# no CAP_SETPCAP, so the bounding set stays as setpriv left it
bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
expect_caps "after binding it holds no capability, ambient ones included" "$PID_bdamb" "$NOBODY" "$NONE" "$bnd"
rm -f "$OUT/bdamb"
expect_child_caps "its exec check inherits no CAP_NET_BIND_SERVICE" bdamb "$NOBODY"

# the same without capset allowed back: batond stops and says what to allow
node_with_ping_range bdcap 24 "0 2147483647"
# shellcheck disable=SC2046
start_batond_in bdcap 24 "" $(as_unit $UNIT_FILTER,capset +net_bind_service)
if wait_until 10 pid_gone "$PID_bdcap" &&
	grep -q 'cannot give up capabilities: Operation not permitted (a system-call filter refusing capset? allow capset' "$WORKDIR/bdcap.log"; then
	tap_ok "with capset refused, batond stops and names the system call to allow"
else
	tap_fail "with capset refused, batond stops and names the system call" "$(cat "$WORKDIR/bdcap.log")"
fi

# --- baton-probe, root with username: nobody, ping sockets refused ----------------------------
node_with_ping_range probe 31 "1 0"
: >"$WORKDIR/trusted-keys"
trust_key probe eu
trust_key other eu
zone probe 192.0.2.31 >"$WORKDIR/probe.zone"
cat >"$WORKDIR/probe.conf" <<EOF
probe:
    name: probe
    region: eu
    key: probe.key
    trusted-keys: trusted-keys
    listen: 192.0.2.31@5300
    peer: other 192.0.2.32@5300
    quorum-regions: 1
    status-file: $OUT/probe.status
    username: nobody
zone:
    name: example.com
    zonefile: probe.zone
EOF
chmod 644 "$WORKDIR/probe.zone"
ip netns exec "$(vip_ns probe)" "$BATON_PROBE" -c "$WORKDIR/probe.conf" >>"$WORKDIR/probe.log" 2>&1 &
PID_probe=$!
register_pid $PID_probe
register_log "$WORKDIR/probe.log"
if wait_until 10 grep -qs 'running as uid' "$WORKDIR/probe.log" && wait_until 10 test -s "$OUT/probe.status"; then
	tap_ok "baton-probe as nobody runs and writes its status file"
else
	tap_fail "baton-probe as nobody runs and writes its status file" "$(tail -n 20 "$WORKDIR/probe.log")"
fi
expect_caps "baton-probe, ping sockets refused: nobody with CAP_NET_RAW alone" \
	"$PID_probe" "$NOBODY" "$NET_RAW" "$NET_RAW"
expect_child_caps "baton-probe's exec check runs as nobody with no capability" probe "$NOBODY"

# as baton-probe.service starts it: a user with no capability under ~@privileged, capset
# included; with nothing to give up it needs no capset
node_with_ping_range other 32 "0 2147483647"
zone other 192.0.2.32 >"$WORKDIR/other.zone"
chmod 644 "$WORKDIR/other.zone"
chown nobody "$WORKDIR/other.key"
sed -e 's/name: probe/name: other/' -e 's/key: probe.key/key: other.key/' \
	-e 's/listen: 192.0.2.31/listen: 192.0.2.32/' -e 's/peer: other 192.0.2.32/peer: probe 192.0.2.31/' \
	-e "s|$OUT/probe.status|$OUT/other.status|" -e '/username:/d' -e 's/probe.zone/other.zone/' \
	"$WORKDIR/probe.conf" >"$WORKDIR/other.conf"
# shellcheck disable=SC2046
ip netns exec "$(vip_ns other)" $(as_unit $UNIT_FILTER,capset) "$BATON_PROBE" -c "$WORKDIR/other.conf" >>"$WORKDIR/other.log" 2>&1 &
PID_other=$!
register_pid $PID_other
register_log "$WORKDIR/other.log"
if wait_until 10 test -s "$OUT/other.status" && wait_until 10 grep -qs 'capabilities none' "$WORKDIR/other.log"; then
	tap_ok "baton-probe started as its unit starts it (a user, no capability, capset refused) runs"
else
	tap_fail "baton-probe started as its unit starts it runs" "$(tail -n 20 "$WORKDIR/other.log")"
fi
expect_caps "that baton-probe holds no capability" "$PID_other" "$NOBODY" "$NONE" "$bnd"

# --- baton-vip, root with username nobody -----------------------------------------------------
vip_node vip 41
cat >"$WORKDIR/vip.conf" <<EOF
global_defs {
	username nobody
}
$(vip_conf vip 150 "	notify $capdump")
EOF
vip_start vip "$WORKDIR/vip.conf"
if wait_until 5 vip_has vip "$VIP4"; then
	tap_ok "baton-vip as nobody becomes master and adds the VIP (CAP_NET_ADMIN kept)"
else
	tap_fail "baton-vip as nobody becomes master and adds the VIP" "$(vip_show_logs)"
fi
expect_caps "baton-vip: nobody with CAP_NET_ADMIN and CAP_NET_RAW alone" \
	"${VIP_PID[vip]}" "$NOBODY" "$NET_ADMIN_RAW" "$NET_ADMIN_RAW"
# the hook is called with INSTANCE lab STATE PRIORITY: capdump writes $OUT/INSTANCE
expect_child_caps "its notify hook runs as nobody with no capability" INSTANCE "$NOBODY"
tap_done
