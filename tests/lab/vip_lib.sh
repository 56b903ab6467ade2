# vip_lib.sh: a switched LAN in network namespaces for the baton-vip lab tests, sourced after
# tests/integration/lib.sh (TAP, pids, cleanup). Each test gets its own namespaces, named
# after its pid, so tests run in parallel: one "switch" namespace holding bridge br0, and one
# namespace per node whose eth0 is a veth plugged into the bridge. Only documentation ranges:
# node N is 192.0.2.N/24 and 2001:db8::N/64; the VIPs are 192.0.2.100 and 2001:db8::100.
#
#     . "$top_srcdir/tests/integration/lib.sh"; . "$top_srcdir/tests/lab/vip_lib.sh"
#     vip_lab_init                     # lib_init, root check, the switch
#     vip_node a 11; vip_node client 50
#     vip_conf a 150 >"$WORKDIR/a.conf"; vip_start a "$WORKDIR/a.conf"
#     wait_until 5 vip_has a 192.0.2.100 || ...
#
# Everything is bounded: waits poll to a deadline, pings are single packets with a 1 s limit.

VIP4=192.0.2.100
VIP6=2001:db8::100
BATON_VIP=$top_builddir/baton-vip
declare -A VIP_PID VIP_ADDR

vip_ns() { echo "bv$$-$1"; }

# vip_lab_init: the work directory, cleanup (lib.sh's: it stops the daemons by pid, so a
# master's VIPs go, then deletes the namespaces and checks the logs), and the switch namespace
# with its bridge.
vip_lab_init() {
	lib_init
	if [ "$(id -u)" != 0 ]; then
		echo "Bail out! the lab tests need root (network namespaces)"
		exit 1
	fi
	[ -x "$BATON_VIP" ] || tap_bail "$BATON_VIP is not built"
	VIP_SW=$(vip_ns sw)
	lab_netns_add "$VIP_SW" || tap_bail "cannot create a network namespace"
	ip -n "$VIP_SW" link add br0 type bridge
	# forward at once: no STP listening/learning delay on new ports
	ip -n "$VIP_SW" link set br0 type bridge forward_delay 0 stp_state 0
	ip -n "$VIP_SW" link set br0 up
}

# vip_node NAME N: a namespace with eth0 on the switch, 192.0.2.N/24 and 2001:db8::N/64.
vip_node() {
	local name=$1 n=$2 ns
	ns=$(vip_ns "$name")
	lab_netns_add "$ns" || tap_bail "cannot create namespace $ns"
	# DAD would hold fresh addresses tentative for a second; the lab has no duplicates
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$ns" link add eth0 type veth peer name "p$name" netns "$VIP_SW"
	ip -n "$VIP_SW" link set "p$name" master br0 up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "192.0.2.$n/24" dev eth0
	ip -n "$ns" addr add "2001:db8::$n/64" dev eth0 nodad
	VIP_ADDR[$name]=192.0.2.$n
}

# vip_in NAME CMD...: runs CMD in node NAME's namespace.
vip_in() {
	local ns
	ns=$(vip_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# vip_start NAME CONF: baton-vip in NAME's namespace, logging to $WORKDIR/NAME.log.
vip_start() {
	local name=$1 conf=$2 log=$WORKDIR/$1.log
	ip netns exec "$(vip_ns "$name")" "$BATON_VIP" -c "$conf" >>"$log" 2>&1 &
	VIP_PID[$name]=$!
	register_pid "${VIP_PID[$name]}"
	register_log "$log"
}

# vip_kill NAME: SIGKILL, no hand-off, VIPs left behind (the crash case).
vip_kill() {
	kill -KILL "${VIP_PID[$1]}" 2>/dev/null
	wait "${VIP_PID[$1]}" 2>/dev/null
	forget_pid "${VIP_PID[$1]}"
}

# vip_stop NAME: SIGTERM and wait (the graceful case).
vip_stop() {
	stop_pid "${VIP_PID[$1]}"
	forget_pid "${VIP_PID[$1]}"
}

# vip_link NAME up|down: the switch port of NAME, as if its cable were pulled.
vip_link() {
	ip -n "$VIP_SW" link set "p$1" "$2"
}

# vip_isolate NAME / vip_heal NAME: the switch drops every frame to and from NAME while its
# link stays up: the partition that makes split brain.
vip_isolate() {
	ip netns exec "$VIP_SW" nft -f - <<-NFT
	table bridge part_$1 {
		chain isolate {
			type filter hook forward priority 0; policy accept;
			iifname "p$1" drop
			oifname "p$1" drop
		}
	}
	NFT
}
vip_heal() {
	ip netns exec "$VIP_SW" nft delete table bridge "part_$1"
}

# vip_has NAME ADDRESS: does NAME hold ADDRESS on eth0?
vip_has() {
	ip -n "$(vip_ns "$1")" -o addr show dev eth0 | grep -q " ${2}/"
}

# vip_masters ADDRESS NAME...: prints the names that hold ADDRESS.
vip_masters() {
	local addr=$1 n out=
	shift
	for n in "$@"; do
		vip_has "$n" "$addr" && out="$out $n"
	done
	echo "${out# }"
}

# vip_ping FROM ADDRESS: one echo request, answered within a second?
vip_ping() {
	vip_in "$1" ping -n -q -c 1 -W 1 "$2" >/dev/null 2>&1
}

# vip_log_has NAME REGEX: does NAME's log hold a line matching REGEX?
vip_log_has() {
	grep -qE "$2" "$WORKDIR/$1.log"
}

# vip_conf NAME PRIORITY [EXTRA LINES]: an instance for the lab, advert 5 cs (Master_Down
# about 0.2 s).
vip_conf() {
	cat <<-CONF
	vrrp_instance lab {
		interface eth0
		vrid 51
		priority $2
		advert ${VIP_ADVERT:-50ms}
		vip $VIP4/24
		garp-count 3
	${3:-}
	}
	CONF
}

# vip_show_logs: the logs of every node, as TAP comments, for a failure.
vip_show_logs() {
	local f
	for f in "$WORKDIR"/*.log; do
		echo "# --- $f"
		sed 's/^/# /' "$f" | tail -n 30
	done
}

# vip_keepalived_conf PRIORITY ADVERT_S: Debian's keepalived as a VRRPv3 peer of vip_conf.
vip_keepalived_conf() {
	cat <<-CONF
	global_defs {
		vrrp_version 3
		max_auto_priority -1
	}
	vrrp_instance lab {
		state BACKUP
		interface eth0
		virtual_router_id 51
		priority $1
		advert_int $2
		virtual_ipaddress {
			$VIP4/24
		}
	}
	CONF
}

# vip_keepalived_start NAME CONF: keepalived (VRRP only, foreground) in NAME's namespace; its
# pid files in $WORKDIR so it never meets a system keepalived.
vip_keepalived_start() {
	local name=$1 log=$WORKDIR/$1.log
	ip netns exec "$(vip_ns "$name")" keepalived -n -l -D --vrrp -f "$2" \
		-p "$WORKDIR/$name.pid" -r "$WORKDIR/$name.vrrp.pid" >>"$log" 2>&1 &
	VIP_PID[$name]=$!
	register_pid "${VIP_PID[$name]}"
}

# vip_keepalived_kill NAME: SIGKILL both keepalived processes (the parent would restart its
# VRRP child, and a lone child would linger): the crash case.
vip_keepalived_kill() {
	local child
	child=$(cat "$WORKDIR/$1.vrrp.pid" 2>/dev/null)
	# the child first: it dies with SIGTERM (a graceful priority 0) when its parent goes
	[ -n "$child" ] && kill -KILL "$child" 2>/dev/null
	kill -KILL "${VIP_PID[$1]}" 2>/dev/null
	wait "${VIP_PID[$1]}" 2>/dev/null
	forget_pid "${VIP_PID[$1]}"
	# the orphaned child may stay a zombie for a while, and a restart would take its pid
	# file for a running daemon ("daemon is already running")
	rm -f "$WORKDIR/$1.pid" "$WORKDIR/$1.vrrp.pid"
}
