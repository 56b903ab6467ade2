# lib.sh: helpers sourced by the bash integration tests: free ports, daemons
# started and stopped by pid, polling waits with deadlines, and TAP output.
#
# Conventions for a test script:
#
#     . "$top_srcdir/tests/integration/lib.sh"
#     lib_init            # makes $WORKDIR, sets `trap cleanup EXIT`
#     port=$(free_port)
#     start_nsd "$zonefile" diff.test "$port" "$WORKDIR/nsd" || tap_bail "nsd did not start"
#     ... NSD_PID holds the pid; start_nsd registers it, so cleanup stops it.
#     tap_plan 2; tap_ok "..."; tap_fail "..." "detail"; tap_done
#
# Every daemon a test starts is recorded with register_pid and stopped by
# pid in cleanup; nothing is ever killed by name. Only 127.0.0.1 is used, or
# namespaces made with lab_netns_add (deleted in cleanup).
#
# One of each: wait_until for every wait (no hand-rolled deadline loops, no
# bare sleeps), run_batond to start batond (start_batond writes a conf for
# it), ctl for batonctl, lab_netns_add for a namespace.

LIB_PYTHON=/usr/bin/python3

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir

WORKDIR=
LIB_PIDS=()
LIB_NETNS=()
LIB_LOGS=()

# lib_init: make a private work directory ($WORKDIR) and arrange for
# cleanup to run on exit and on INT/TERM. Set KEEP_WORKDIR=1 to keep it.
lib_init() {
	WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/baton-it.XXXXXX") || {
		echo "Bail out! mktemp failed"
		exit 99
	}
	trap lib_on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# register_pid PID: stop PID in cleanup.
register_pid() {
	LIB_PIDS+=("$1")
}

# forget_pid PID: cleanup need not stop PID (a test stopped and reaped it), so a later process
# that reuses the number is never signalled.
forget_pid() {
	local i
	for i in "${!LIB_PIDS[@]}"; do
		[ "${LIB_PIDS[i]}" = "$1" ] && unset 'LIB_PIDS[i]'
	done
	LIB_PIDS=("${LIB_PIDS[@]}")
}

# register_netns NAME: delete the network namespace NAME in cleanup, after the pids stop.
register_netns() {
	LIB_NETNS+=("$1")
}

# lab_netns_add NAME: a new network namespace with lo up, deleted in cleanup. Returns 1 when
# it cannot be made (that needs root).
lab_netns_add() {
	ip netns add "$1" || return 1
	register_netns "$1"
	ip -n "$1" link set lo up
}

# register_log FILE: cleanup fails the script when FILE holds a sanitizer report, as it does
# for $BATOND_LOG (for a second server's log).
register_log() {
	LIB_LOGS+=("$1")
}

# sanitizer_clean LOG: false, with the report shown as TAP comments, when LOG (if it exists)
# holds an AddressSanitizer, LeakSanitizer or UBSan report.
sanitizer_clean() {
	if [ -f "$1" ] && grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$1"; then
		echo "# $1 holds a sanitizer report:"
		sed 's/^/# /' "$1" | head -n 60
		return 1
	fi
}

# cleanup: stop every registered pid (newest first), check batond's log, remove $WORKDIR.
# Returns 1 when batond's log holds a sanitizer report.
cleanup() {
	local i status=0
	for ((i = ${#LIB_PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${LIB_PIDS[i]}"
	done
	LIB_PIDS=()
	for i in "${LIB_NETNS[@]}"; do
		ip netns del "$i" 2>/dev/null
	done
	LIB_NETNS=()
	# Under --enable-sanitizers batond reports leaks and UB when it exits, to its log: that
	# fails the script (the TAP driver counts a non-zero exit as an error).
	for i in ${BATOND_LOG:-} "${LIB_LOGS[@]}"; do
		sanitizer_clean "$i" || status=1
	done
	if [ -n "$WORKDIR" ] && [ -d "$WORKDIR" ]; then
		if [ -n "${KEEP_WORKDIR:-}" ]; then
			echo "# kept work directory $WORKDIR" >&2
		else
			rm -rf "$WORKDIR"
		fi
	fi
	return $status
}

# The EXIT trap lib_init sets: a sanitizer report fails the script even when every point
# passed (the TAP driver counts a non-zero exit as an error).
lib_on_exit() {
	local status=$?

	cleanup || status=1
	exit $status
}

# stop_pid PID: SIGTERM, wait up to 5 s for it to go, then SIGKILL.
# Reaps PID when it is a child of this shell. Quiet if PID is already gone.
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	wait_until 5 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# pid_gone PID: true once PID has exited (a zombie counts as gone).
pid_gone() {
	! is_running_not_zombie "$1"
}

# wait_until SECONDS CMD...: polls CMD every 20 ms until it succeeds (0) or SECONDS pass (1).
# SECONDS may have a fraction ("0.5"). With WAIT_PID set (WAIT_PID=$pid wait_until ...), it
# gives up at once when that process has exited: a daemon that died will not start answering.
# WAIT_POLL sets another poll interval in seconds (a convergence timed to 10 ms).
wait_until() {
	local whole=${1%%.*} frac=${1#*.} deadline
	shift
	[ "$frac" != "$whole" ] || frac=
	frac=${frac}000
	deadline=$(($(date +%s%N) + (${whole:-0} * 1000 + 10#${frac:0:3}) * 1000000))
	until "$@"; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		[ -z "${WAIT_PID:-}" ] || is_running_not_zombie "$WAIT_PID" || return 1
		sleep "${WAIT_POLL:-0.02}" # poll interval
	done
}

# observe SECONDS WHY: lets SECONDS pass on purpose, for something that must NOT happen to
# have had its chance (a forged datagram accepted, a wrong verdict, a second master), or as the
# window a measure is taken over, a random phase a drill starts at, or the pace of a load loop.
# Waiting for something that should happen is wait_until's job, never this. WHY is for the
# reader.
observe() {
	sleep "$1"
}

# is_running_not_zombie PID: true while PID exists and is not a zombie
# (a zombie child of ours answers kill -0 until it is reaped by wait).
is_running_not_zombie() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# free_port: print a port on 127.0.0.1 that is free for both TCP and UDP right now, drawn
# below the ephemeral range. (Another process could still take it before the daemon binds; the
# daemon's start then fails and the test says so.)
free_port() {
	"$LIB_PYTHON" - <<'EOF'
import random, socket, sys
# Below the kernel's ephemeral range: a client (dig, dnsperf) draws its own port from that
# range, so it is never handed a port that a server of the test (a gossip member killed and
# restarted, say) still receives on.
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
for _ in range(200):
    port = random.randrange(10000, max(low, 10001))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        t.bind(("127.0.0.1", port))
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        u.close()
        t.close()
    print(port)
    sys.exit(0)
sys.exit("free_port: no port free for both TCP and UDP")
EOF
}

# wait_for_dns HOST PORT SECONDS [PID]: poll HOST:PORT over UDP until any
# DNS response arrives (REFUSED or SERVFAIL count too), for at most SECONDS.
# With PID, give up at once if that process has exited.
# Returns 0 when the server answered, 1 otherwise.
wait_for_dns() {
	WAIT_PID=${4:-} wait_until "$3" dns_answers "$1" "$2"
}

# dns_answers HOST PORT: any DNS reply from HOST:PORT within a second? (dig exits 0 when a
# reply arrived, 9 when none did.)
dns_answers() {
	dig +time=1 +tries=1 +norec "@$1" -p "$2" . SOA >/dev/null 2>&1
}

# start_nsd ZONEFILE ORIGIN PORT WORKDIR: run NSD in the foreground (-d) in
# the background of this shell, serving ZONEFILE as ORIGIN on
# 127.0.0.1@PORT, with every file it writes under WORKDIR (made if needed).
# NSD_EXTRA: more server: lines (nsd.conf syntax), one a line.
# Sets NSD_PID and registers it for cleanup; waits up to 10 s for answers.
# Returns 0 once NSD answers; otherwise 1 with NSD's log on stderr.
start_nsd() {
	local zonefile=$1 origin=$2 port=$3 dir=$4 conf
	mkdir -p "$dir" || return 1
	case $zonefile in /*) ;; *) zonefile=$PWD/$zonefile ;; esac
	conf=$dir/nsd.conf
	# refuse-any: no and minimal-responses: yes are what batond is compared
	# against; rrl-ratelimit: 0 because a test sends many similar queries
	# from one address, which NSD's built-in RRL would otherwise slip (TC).
	cat >"$conf" <<EOF
server:
    ip-address: 127.0.0.1@$port
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    zonefiles-write: 0
    minimal-responses: yes
    refuse-any: no
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    verbosity: 1
${NSD_EXTRA:+$(printf '%s\n' "$NSD_EXTRA" | sed 's/^/    /')}
remote-control:
    control-enable: no
zone:
    name: "$origin"
    zonefile: "$zonefile"
EOF
	if ! nsd-checkconf "$conf" >&2; then
		return 1
	fi
	nsd -d -c "$conf" >"$dir/nsd.out" 2>&1 &
	NSD_PID=$!
	register_pid "$NSD_PID"
	if ! wait_for_dns 127.0.0.1 "$port" 10 "$NSD_PID"; then
		echo "# nsd on port $port did not answer; its log:" >&2
		sed 's/^/# /' "$dir/nsd.out" "$dir/nsd.log" >&2 2>/dev/null
		return 1
	fi
	return 0
}

# TAP output. tap_plan N prints the plan; tap_ok and tap_fail print one
# numbered result each (tap_fail's DETAIL lines become # comments);
# tap_done returns 0 iff nothing failed.
TAP_N=0
TAP_FAILED=0

tap_plan() {
	echo "1..$1"
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	if [ $# -ge 2 ] && [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/# /'
	fi
}

# tap_skip_all REASON: the whole script is skipped (plan 1..0).
tap_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# tap_bail REASON: abort the run; the TAP harness reports an error.
tap_bail() {
	echo "Bail out! $1"
	exit 99
}

tap_done() {
	[ "$TAP_FAILED" -eq 0 ]
}

# Where the programs under test are: the build tree, or $BATOND / $BATONCTL.
BATOND=${BATOND:-${top_builddir:-.}/batond}
BATONCTL=${BATONCTL:-${top_builddir:-.}/batonctl}
CHECKZONE=${CHECKZONE:-${top_builddir:-.}/baton-checkzone}
KEYGEN=${KEYGEN:-${top_builddir:-.}/baton-keygen}

# trust_key NAME REGION [ROLE]: a gossip key pair $WORKDIR/NAME.key and NAME.pub (baton-keygen),
# and a line trusting it as ROLE (probe by default) in REGION added to $WORKDIR/trusted-keys.
trust_key() {
	local pub
	(cd "$WORKDIR" && "$KEYGEN" "$1" >/dev/null) || tap_bail "baton-keygen $1 failed"
	read -r _ pub <"$WORKDIR/$1.pub"
	echo "$1 $2 ${3:-probe} $pub" >>"$WORKDIR/trusted-keys"
}

# start_batond CONF_EXTRA ZONE=FILE...: write $WORKDIR/batond.conf with a
# server: section on a free port of 127.0.0.1 (and ::1 on the same port when
# BATOND_IPV6=1), CONF_EXTRA appended to the server: section, one zone:
# section per ZONE=FILE; start `batond -f` and wait until it answers.
# Sets BATOND_PID, BATOND_PORT, BATOND_CONF, BATOND_SOCK, BATOND_LOG.
start_batond() {
	local extra=$1 z
	shift
	BATOND_PORT=$(free_port) || return 1
	BATOND_CONF=$WORKDIR/batond.conf
	BATOND_SOCK=$WORKDIR/batond.sock
	BATOND_LOG=$WORKDIR/batond.log
	{
		echo "server:"
		echo "    ip-address: 127.0.0.1@$BATOND_PORT"
		[ "${BATOND_IPV6:-0}" = 1 ] && echo "    ip-address: ::1@$BATOND_PORT"
		echo "    control-socket: $BATOND_SOCK"
		[ -n "$extra" ] && printf '%s\n' "$extra" | sed 's/^/    /'
		for z in "$@"; do
			echo "zone:"
			echo "    name: ${z%%=*}"
			echo "    zonefile: ${z#*=}"
		done
	} >"$BATOND_CONF"
	run_batond "$BATOND_CONF" "$BATOND_LOG"
	BATOND_PID=$BATOND_RUN_PID
	# BATOND_START_S: how long the first load may take (a big zone under the sanitizers on a busy
	# machine takes longer than the 10 s that a small one needs at most)
	if ! wait_for_dns 127.0.0.1 "$BATOND_PORT" "${BATOND_START_S:-10}" "$BATOND_PID"; then
		sed 's/^/# batond: /' "$BATOND_LOG" >&2
		return 1
	fi
}

# run_batond CONF LOG [WRAPPER...]: starts `WRAPPER... batond -f -c CONF` in the background,
# appending to LOG, which cleanup checks for sanitizer reports; registers it and sets
# BATOND_RUN_PID. WRAPPER must exec (ip netns exec, env, setpriv do), so $! is batond itself. It
# does not wait: the caller knows where batond answers (wait_for_dns, or inside a namespace).
run_batond() {
	local conf=$1 log=$2
	shift 2
	"$@" "$BATOND" -f -c "$conf" >>"$log" 2>&1 &
	BATOND_RUN_PID=$!
	register_pid "$BATOND_RUN_PID"
	[ "$log" = "${BATOND_LOG:-}" ] || register_log "$log"
}

# ctl ARGS...: batonctl at the batond of $BATOND_CONF (set BATOND_CONF=... for another).
# With CTL_TIMEOUT=SECONDS a batonctl that hangs is ended then (for tests of a batond that must
# keep answering).
ctl() {
	${CTL_TIMEOUT:+timeout "$CTL_TIMEOUT"} "$BATONCTL" -c "$BATOND_CONF" "$@"
}

# ask ARGS...: dig at the running batond, no recursion, one try.
ask() {
	dig @127.0.0.1 -p "$BATOND_PORT" +norec +time=2 +tries=1 "$@"
}

# check DESC COMMAND...: one TAP point, ok when COMMAND succeeds; its output is
# shown on failure.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_fail "$desc" "$out"
	fi
}

# expect DESC PATTERN ARGS...: one TAP point: `ask ARGS` output matches the
# extended regular expression PATTERN.
expect() {
	local desc=$1 pattern=$2 out
	shift 2
	out=$(ask "$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "expected /$pattern/ in:
$out"
	fi
}

# make_state_check: writes $WORKDIR/alive, the program of an exec $CHECK that is up while the
# file $STATE/<the probed address> exists ("exit 1: no FILE" otherwise); a file holding
# "flap" makes every other probe fail. Sets STATE and makes that folder.
make_state_check() {
	STATE=$WORKDIR/state
	mkdir -p "$STATE"
	cat >"$WORKDIR/alive" <<SCRIPT
#!/bin/sh
f="$STATE/\$BATON_ADDRESS"
[ -e "\$f" ] || { echo "no \$f"; exit 1; }
if [ "\$(cat "\$f")" = flap ]; then
	n=\$(cat "\$f.n" 2>/dev/null || echo 0); echo \$((n + 1)) >"\$f.n"
	[ \$((n % 2)) -eq 0 ] || { echo "flap down"; exit 1; }
fi
echo "present"
SCRIPT
	chmod +x "$WORKDIR/alive"
}

# ZONE_APEX: the lines a test zone of example.com. starts with ($ORIGIN, $TTL, the SOA, the NS
# and its address); an unquoted heredoc writes it as $ZONE_APEX.
# shellcheck disable=SC2016 # $ORIGIN and $TTL are the zone file's, not the shell's
ZONE_APEX='$ORIGIN example.com.
$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53'

# write_failover_zone FILE [SITE1 SITE2 [CHECK_OPTIONS]]: FILE becomes the zone example.com.
# with two sites, SITE1 (fra by default) at 192.0.2.10 and SITE2 (iad) at 198.51.100.10, each
# checked by make_state_check's program (CHECK_OPTIONS by default "interval=200ms timeout=150ms
# rise=1 fall=1") and up (their state files are made), and www 30 IN FAILOVER policy=order over
# them. Call make_state_check first.
write_failover_zone() {
	local one=${2:-fra} two=${3:-iad} options=${4:-interval=200ms timeout=150ms rise=1 fall=1}
	cat >"$1" <<ZONE
$ZONE_APEX
\$CHECK alive exec command="$WORKDIR/alive" $options
\$SITE $one 192.0.2.10 check=alive
\$SITE $two 198.51.100.10 check=alive
www 30 IN FAILOVER policy=order sites=$one,$two
ZONE
	touch "$STATE/192.0.2.10" "$STATE/198.51.100.10"
}

# sites_up N: true when `ctl status` shows exactly N sites up (a wait_until condition).
sites_up() { [ "$(ctl status | grep -c '^site .*: up since')" = "$1" ]; }
