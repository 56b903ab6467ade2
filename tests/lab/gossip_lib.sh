# gossip_lib.sh: probers and batond gossiping across "regions" in network namespaces, for the
# gossip lab tests and tools/bench-gossip; sourced after tests/integration/lib.sh (TAP, pids,
# cleanup). One "switch" namespace holds bridge br0; each member is a namespace whose eth0 is
# a veth on the bridge, its switch port named after its region ("eu-3"), so nftables rules on
# the bridge can cut a member off or drop a share of the datagrams between regions. A "site"
# namespace holds the two sites the zone checks over TCP (fra 192.0.2.210, iad 192.0.2.220),
# each served by a small listener that a test kills to make the site die. Only 192.0.2.0/24.
#
#     . "$top_srcdir/tests/integration/lib.sh"; . "$top_srcdir/tests/lab/gossip_lib.sh"
#     glab_init                        # lib_init, root check, the switch, the site namespace
#     glab_member p-eu eu probe 1; glab_member b1 eu server 11 ...
#     glab_start                       # keys, configurations, every daemon; waits for answers
#     glab_kill_site fra; wait_until 10 glab_all_answer 192.0.2.220 ...
#
# Everything is bounded: waits poll to a deadline, dig tries once for 1 s, and every process
# is stopped by pid and every namespace deleted on exit.

BATON_PROBE=$top_builddir/baton-probe
GLAB_FRA=192.0.2.210
GLAB_IAD=192.0.2.220
GLAB_PORT=7946
: "${GLAB_ROUND:=200ms}"
: "${GLAB_DEAD_AFTER:=1s}"
: "${GLAB_INTERVAL:=200ms}"
: "${GLAB_FALL:=2}"
declare -A GLAB_REGION GLAB_ROLE GLAB_ADDR GLAB_PID GLAB_SITE_PID
# GLAB_WRAP[NAME]: words put before NAME's daemon (e.g. "env LD_PRELOAD=... FAKETIME=...");
# they must end in an exec (env does), so $! is still the daemon's pid
declare -A GLAB_WRAP
GLAB_NAMES=()

glab_ns() { echo "bg$$-$1"; }

glab_new_ns() {
	lab_netns_add "$1" || tap_bail "cannot create network namespace $1"
}

# glab_init: work directory, cleanup (lib.sh's: every process by pid, then the namespaces and
# the logs), the switch and the site namespace.
glab_init() {
	lib_init
	if [ "$(id -u)" != 0 ]; then
		echo "Bail out! the lab tests need root (network namespaces)"
		exit 1
	fi
	local b
	for b in "$BATON_PROBE" "$KEYGEN" "$BATOND"; do
		[ -x "$b" ] || tap_bail "$b is not built"
	done
	GLAB_SW=$(glab_ns sw)
	glab_new_ns "$GLAB_SW"
	ip -n "$GLAB_SW" link add br0 type bridge
	ip -n "$GLAB_SW" link set br0 type bridge forward_delay 0 stp_state 0
	ip -n "$GLAB_SW" link set br0 up
	glab_port site site 250
	ip -n "$(glab_ns site)" addr add "$GLAB_FRA/24" dev eth0
	ip -n "$(glab_ns site)" addr add "$GLAB_IAD/24" dev eth0
	glab_site_up fra
	glab_site_up iad
	glab_zone >"$WORKDIR/db.example.com"
}

# glab_port NAME PORT N: namespace NAME with eth0 (192.0.2.N/24) on switch port PORT.
glab_port() {
	local ns
	ns=$(glab_ns "$1")
	glab_new_ns "$ns"
	ip -n "$ns" link add eth0 type veth peer name "$2" netns "$GLAB_SW"
	ip -n "$GLAB_SW" link set "$2" master br0 up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "192.0.2.$3/24" dev eth0
}

# glab_in NAME CMD...: runs CMD in NAME's namespace.
glab_in() {
	local ns
	ns=$(glab_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# glab_site_up SITE / glab_kill_site SITE: the TCP listener behind fra or iad (port 80).
glab_site_up() {
	local addr=$GLAB_FRA
	[ "$1" = iad ] && addr=$GLAB_IAD
	# not through glab_in: $! must be the listener itself (ip netns exec execs it)
	ip netns exec "$(glab_ns site)" "$LIB_PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 80))
s.listen(64)
end = time.monotonic() + 900  # a lab never runs this long; bounded anyway
s.settimeout(1)
while time.monotonic() < end:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
' "$addr" >/dev/null 2>&1 &
	GLAB_SITE_PID[$1]=$!
	register_pid "${GLAB_SITE_PID[$1]}"
}
glab_kill_site() {
	kill -KILL "${GLAB_SITE_PID[$1]}" 2>/dev/null
	wait "${GLAB_SITE_PID[$1]}" 2>/dev/null
	forget_pid "${GLAB_SITE_PID[$1]}"
}

glab_zone() {
	cat <<ZONE
\$ORIGIN example.com.
\$TTL 300
@   IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@   IN NS  ns1
ns1 IN A   192.0.2.53
\$CHECK web tcp port=80 interval=$GLAB_INTERVAL timeout=150ms rise=2 fall=$GLAB_FALL
\$SITE fra $GLAB_FRA check=web
\$SITE iad $GLAB_IAD check=web
www 20 IN FAILOVER policy=order sites=fra,iad
ZONE
}

# glab_member NAME REGION ROLE N: a member at 192.0.2.N on switch port REGION-N; ROLE probe
# runs baton-probe, server a batond that only listens, "batond" a batond that also probes.
glab_member() {
	local name=$1 region=$2 role=$3 n=$4
	GLAB_NAMES+=("$name")
	GLAB_REGION[$name]=$region
	GLAB_ROLE[$name]=$role
	GLAB_ADDR[$name]=192.0.2.$n
	glab_port "$name" "$region-$n" "$n"
}

glab_portname() { echo "${GLAB_REGION[$1]}-${GLAB_ADDR[$1]##*.}"; }

# glab_peer_addr FROM TO: where FROM sends to TO: directly, or with GLAB_DELAY_MS set and TO
# in another region, through FROM's delaying relay on 127.0.0.1 (glab_start runs it).
glab_peer_addr() {
	if [ -n "${GLAB_DELAY_MS:-}" ] && [ "${GLAB_REGION[$1]}" != "${GLAB_REGION[$2]}" ]; then
		echo "127.0.0.1@$((17000 + ${GLAB_ADDR[$2]##*.}))"
	else
		echo "${GLAB_ADDR[$2]}@$GLAB_PORT"
	fi
}

# glab_delay_relay NAME: NAME's relay to the members of other regions, GLAB_DELAY_MS late.
glab_delay_relay() {
	local m maps=()
	for m in "${GLAB_NAMES[@]}"; do
		[ "${GLAB_REGION[$m]}" != "${GLAB_REGION[$1]}" ] &&
			maps+=(--map "$((17000 + ${GLAB_ADDR[$m]##*.}))=${GLAB_ADDR[$m]}:$GLAB_PORT")
	done
	ip netns exec "$(glab_ns "$1")" "$LIB_PYTHON" "$top_srcdir/tests/lab/gossip_delay.py" --delay-ms "$GLAB_DELAY_MS" \
		--lifetime 600 "${maps[@]}" >>"$WORKDIR/$1.relay.log" 2>&1 &
	GLAB_SITE_PID[relay-$1]=$!
	register_pid "${GLAB_SITE_PID[relay-$1]}"
}

glab_gossip_keys() {
	local m
	echo "    name: $1"
	echo "    region: ${GLAB_REGION[$1]}"
	echo "    key: $1.key"
	echo "    trusted-keys: trusted-keys"
	echo "    listen: ${GLAB_ADDR[$1]}@$GLAB_PORT"
	for m in "${GLAB_NAMES[@]}"; do
		[ "$m" = "$1" ] || echo "    peer: $m $(glab_peer_addr "$1" "$m")"
	done
	echo "    round: $GLAB_ROUND"
	echo "    dead-after: $GLAB_DEAD_AFTER"
	[ -n "${GLAB_QUORUM:-}" ] && echo "    quorum: $GLAB_QUORUM"
	[ -n "${GLAB_REGIONS:-}" ] && echo "    quorum-regions: $GLAB_REGIONS"
	return 0
}

glab_conf() {
	local name=$1
	if [ "${GLAB_ROLE[$name]}" = probe ]; then
		echo "probe:"
		glab_gossip_keys "$name"
		echo "    status-file: $name.status"
		echo "    http-listen: ${GLAB_ADDR[$name]}@8053"
	else
		echo "server:"
		echo "    ip-address: ${GLAB_ADDR[$name]}@53"
		echo "    control-socket: $WORKDIR/$name.sock"
		echo "    http-listen: ${GLAB_ADDR[$name]}@8053"
		echo "    pidfile: $WORKDIR/$name.pid"
		echo "gossip:"
		glab_gossip_keys "$name"
	fi
	echo "zone:"
	echo "    name: example.com"
	echo "    zonefile: db.example.com"
}

# glab_start: keys, the trusted-keys file, configurations; starts every member and waits until
# every batond answers.
glab_start() {
	local n role
	: >"$WORKDIR/trusted-keys"
	for n in "${GLAB_NAMES[@]}"; do
		role=probe
		[ "${GLAB_ROLE[$n]}" = server ] && role=server
		trust_key "$n" "${GLAB_REGION[$n]}" "$role"
	done
	for n in "${GLAB_NAMES[@]}"; do
		[ -n "${GLAB_DELAY_MS:-}" ] && glab_delay_relay "$n"
		glab_conf "$n" >"$WORKDIR/$n.conf"
		glab_run "$n"
	done
	for n in $(glab_batonds); do
		wait_until 10 glab_answers_any "$n" || tap_bail "batond $n did not answer: $(tail -n 5 "$WORKDIR/$n.log")"
	done
}

glab_run() {
	local n=$1
	local ns
	ns=$(glab_ns "$n")
	# not through glab_in: $! must be the daemon itself (ip netns exec execs it)
	if [ "${GLAB_ROLE[$n]}" = probe ]; then
		# shellcheck disable=SC2086 # the wrapper is words on purpose
		ip netns exec "$ns" ${GLAB_WRAP[$n]:-} "$BATON_PROBE" -c "$WORKDIR/$n.conf" >>"$WORKDIR/$n.log" 2>&1 &
		GLAB_PID[$n]=$!
		register_pid "${GLAB_PID[$n]}"
		register_log "$WORKDIR/$n.log"
	else
		run_batond "$WORKDIR/$n.conf" "$WORKDIR/$n.log" ip netns exec "$ns"
		GLAB_PID[$n]=$BATOND_RUN_PID
	fi
}

glab_batonds() {
	local n
	for n in "${GLAB_NAMES[@]}"; do
		[ "${GLAB_ROLE[$n]}" != probe ] && echo "$n"
	done
}

# glab_answer NAME: www's A record as batond NAME gives it (asked inside its namespace).
glab_answer() {
	glab_in "$1" dig @"${GLAB_ADDR[$1]}" +norec +time=1 +tries=1 +short www.example.com A 2>/dev/null
}
glab_answers_any() { [ -n "$(glab_answer "$1")" ]; }
glab_answers_with() { [ "$(glab_answer "$1")" = "$2" ]; }

# glab_all_answer ADDRESS NAME...: does every named batond answer www with ADDRESS?
glab_all_answer() {
	local want=$1 n
	shift
	for n in "$@"; do
		[ "$(glab_answer "$n")" = "$want" ] || return 1
	done
}

# glab_status NAME [--json]: batonctl status of batond NAME.
glab_status() {
	local name=$1
	shift
	BATOND_CONF=$WORKDIR/$name.conf ctl status "$@"
}

# glab_converge START_NS SECONDS ADDRESS NAME...: one poller per batond asks it every 10 ms
# until it answers www with ADDRESS; sets GLAB_TIMES ("b1:611 b2:659", ms after START_NS) and
# GLAB_SLOWEST (ms). Returns 1 when some batond did not within SECONDS.
glab_converge() {
	local start=$1 limit=$2 want=$3 n pids=() t left
	shift 3
	left=$((limit * 1000 - $(glab_ms_since "$start")))
	[ "$left" -gt 0 ] || left=0
	for n in "$@"; do
		rm -f "$WORKDIR/converged.$n"
		(
			WAIT_POLL=0.01 wait_until "$((left / 1000)).$(printf '%03d' $((left % 1000)))" \
				glab_answers_with "$n" "$want" &&
				glab_ms_since "$start" >"$WORKDIR/converged.$n"
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	GLAB_TIMES=
	GLAB_SLOWEST=0
	for n in "$@"; do
		[ -s "$WORKDIR/converged.$n" ] || return 1
		t=$(cat "$WORKDIR/converged.$n")
		GLAB_TIMES="$GLAB_TIMES $n:${t}ms"
		[ "$t" -gt "$GLAB_SLOWEST" ] && GLAB_SLOWEST=$t
	done
	GLAB_TIMES=${GLAB_TIMES# }
}

# glab_ms_since START_NS: milliseconds since START_NS (from date +%s%N).
glab_ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# glab_isolate NAME / glab_heal NAME: the switch drops every frame to and from NAME.
glab_isolate() {
	local port
	port=$(glab_portname "$1")
	ip netns exec "$GLAB_SW" nft -f - <<-NFT
	table bridge cut_$1 {
		chain forward {
			type filter hook forward priority 0; policy accept;
			iifname "$port" drop
			oifname "$port" drop
		}
	}
	NFT
}
glab_heal() {
	ip netns exec "$GLAB_SW" nft delete table bridge "cut_$1"
}

# glab_loss PERCENT: the switch drops PERCENT% of the gossip datagrams between regions, at
# random (nftables numgen; this kernel has no netem).
glab_loss() {
	local r rules=
	for r in $(printf '%s\n' "${GLAB_REGION[@]}" | sort -u); do
		rules="$rules
			iifname \"$r-*\" oifname != \"$r-*\" udp dport $GLAB_PORT numgen random mod 100 < $1 counter drop"
	done
	ip netns exec "$GLAB_SW" nft -f - <<-NFT
	table bridge loss {
		chain forward {
			type filter hook forward priority 0; policy accept;
			$rules
		}
	}
	NFT
}

# glab_loss_dropped: datagrams the loss rules dropped so far.
glab_loss_dropped() {
	ip netns exec "$GLAB_SW" nft list table bridge loss |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) } END { print s + 0 }'
}

# glab_show_logs: the tail of every member's log and each batond's status, as TAP comments.
glab_show_logs() {
	local n
	for n in "${GLAB_NAMES[@]}"; do
		echo "# --- $n"
		tail -n 15 "$WORKDIR/$n.log" | sed 's/^/# /'
	done
	for n in $(glab_batonds); do
		echo "# --- status $n"
		glab_status "$n" 2>&1 | grep -E '^(gossip|  member|site|  quorum|  vote)' | sed 's/^/# /'
	done
}

# glab_status_has NAME REGEX: does batond NAME's status have a line matching REGEX?
glab_status_has() { glab_status "$1" | grep -Eq -- "$2"; }

# glab_five: the usual lab: probers p-eu, p-us, p-ap in regions eu, us, ap and two batond that
# only listen, b1 (eu) and b2 (us); starts them all.
glab_five() {
	glab_member p-eu eu probe 1
	glab_member p-us us probe 2
	glab_member p-ap ap probe 3
	glab_member b1 eu server 11
	glab_member b2 us server 12
	glab_start
}

# glab_live NAME MEMBER / glab_not_live NAME MEMBER: batond NAME's view of MEMBER.
glab_live() { glab_status "$1" | grep -q "^  member $2 ([^)]*): live"; }
glab_not_live() { glab_status "$1" | grep -q "^  member $2 ([^)]*): not live"; }

# glab_transitions NAME: how many verdict transitions batond NAME has made.
glab_transitions() {
	glab_status "$1" --json | "$LIB_PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)["transitions"]))'
}

# glab_metrics NAME: member NAME's /metrics (batond and baton-probe both listen on @8053).
glab_metrics() { glab_in "$1" curl -sS --max-time 2 "http://${GLAB_ADDR[$1]}:8053/metrics"; }

# glab_families_ok: are the metrics on stdin grouped as Prometheus wants, each family's
# samples together after its one TYPE line? Prints what is not.
glab_families_ok() {
	awk '/^# TYPE/ { if (seen[$3]++) { print "TYPE twice: " $3; bad = 1 } next }
	/^#/ { next }
	{ name = $1; sub(/[{ ].*/, "", name); sub(/_(bucket|sum|count)$/, "", name)
	  if (name != last && done[name]) { print "family split: " name; bad = 1 }
	  if (name != last) done[last] = 1; last = name }
	END { exit bad }'
}

# glab_dropped NAME REASON: member NAME's baton_gossip_dropped_total for REASON, from /metrics.
glab_dropped() {
	glab_metrics "$1" |
		awk -v k="baton_gossip_dropped_total{reason=\"$2\"}" 'index($0, k " ") == 1 { print $2 }'
}

# glab_probe_dropped NAME REASON: prober NAME's drops of REASON, from its status file.
glab_probe_dropped() {
	awk -v k="$2" '$1 == "drops" { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$WORKDIR/$1.status"
}

# glab_quorum_up NAME: batond NAME counts three live probers and none sees a site down.
glab_quorum_up() { glab_status "$1" | grep -q '^  quorum: up; quorum: 0 of 3 live probers down'; }
