#!/bin/bash
# symlink_takeover.sh: the state folder is the user's to write (drains must persist), so that
# user can plant links where batond, started as root with `username:`, writes its pidfile and
# hands the state-file over (CVE-2020-28935 in NSD was this). Links planted by nobody at those
# paths, and hard links to root's files (as nobody could make with fs.protected_hardlinks=0),
# point at root-only 0600 files holding a secret line: batond refuses to start, naming the
# path; the files keep their owner, mode and contents, and the secret never reaches the log.
# Then baton-probe's status-file, and batond as root without username reading a linked
# state-file. Needs root (CI runs it as root); everything listens on 127.0.0.1.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 15
[ "$(id -u)" = 0 ] || tap_bail "batond must start as root to drop to nobody: run as root (CI does)"
BATON_PROBE=$top_builddir/baton-probe
SECRET=root:7f3a9c:secret # no site name: a garbled state-file line is quoted in the log
chmod 755 "$WORKDIR"
private=$WORKDIR/private # root's, as /etc: anyone may search it, only root read its 0600 files
mkdir -m 755 "$private"
state=$WORKDIR/state # nobody's, as state-file's folder must be for drains to persist
mkdir -m 755 "$state"
chown nobody:nogroup "$state"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# secrets: root-only files with the secret line, made afresh; what they held is kept to compare
secrets() {
	local f
	for f in pid state status; do
		printf '%s\nsecond line\n' "$SECRET" >"$private/$f"
		chmod 600 "$private/$f"
		chown root:root "$private/$f"
	done
}

# intact DESC: one point; every secret file is still root:root 0600 with its two lines
intact() {
	local f got bad=
	for f in pid state status; do
		got="$(stat -c '%U:%G %a' "$private/$f") $(tr '\n' ' ' <"$private/$f")"
		[ "$got" = "root:root 600 $SECRET second line " ] || bad+="$f: $got; "
	done
	[ -z "$bad" ] && tap_ok "$1" || tap_fail "$1" "$bad"
}

# no_secret DESC LOG: one point; the secret line is not in LOG
no_secret() {
	! grep -q "$SECRET" "$2" && tap_ok "$1" || tap_fail "$1" "$(cat "$2")"
}

zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
$ZONE_APEX
\$SITE fra 192.0.2.10
\$SITE iad 198.51.100.10
www 30 IN FAILOVER policy=order sites=fra,iad
ZONE
chmod 644 "$zone"

# conf NAME [USER]: a batond.conf with its pidfile and state-file in the user's folder
conf() {
	cat >"$WORKDIR/$1.conf" <<-EOF
	server:
	    ip-address: 127.0.0.1@$(free_port)
	    control-socket: $WORKDIR/$1.sock
	    pidfile: $state/batond.pid
	    state-file: $state/drains
	${2:+    username: $2}
	zone:
	    name: example.com
	    zonefile: $zone
	EOF
}

# refuses DESC NAME PATH WORDS: one point; batond with NAME.conf exits (not 0) within 10 s and
# its log names PATH and says WORDS
refuses() {
	local pid log=$WORKDIR/$2.log
	conf "$2" nobody
	run_batond "$WORKDIR/$2.conf" "$log"
	pid=$BATOND_RUN_PID
	if wait_until 10 pid_gone "$pid" && ! wait $pid &&
		grep -q "$3.*$4" "$log"; then
		tap_ok "$1"
	else
		tap_fail "$1" "$(cat "$log")"
	fi
	stop_pid $pid
	forget_pid $pid
}

# --- symbolic links, planted by nobody ----------------------------------------------------------
secrets
as_nobody ln -s "$private/pid" "$state/batond.pid"
as_nobody ln -s "$private/state" "$state/drains"
refuses "a link at the pidfile: batond refuses, naming it" links "pidfile $state/batond.pid" "symbolic link"
intact "the files linked keep their owner, mode and contents"
no_secret "nothing of them in the log" "$WORKDIR/links.log"

as_nobody rm "$state/batond.pid"
refuses "a link at the state-file: batond refuses, naming it" statelink "$state/drains" "symbolic link"
intact "the file linked keeps its owner, mode and contents"
no_secret "nothing of it in the log" "$WORKDIR/statelink.log"
rm -f "$state/drains" "$state/batond.pid"

# --- hard links to root's files (nobody makes them when fs.protected_hardlinks=0) ------------
ln "$private/pid" "$state/batond.pid"
refuses "a hard link at the pidfile: batond refuses, naming it" hardpid "pidfile $state/batond.pid" "hard link"
rm -f "$state/batond.pid"
ln "$private/state" "$state/drains"
refuses "a hard link at the state-file: batond refuses, naming it" hardstate "$state/drains" "hard link"
intact "the files hard-linked keep their owner, mode and contents"
rm -f "$state/drains"

# --- a clean folder: batond starts; the pidfile stays root's, the state-file is handed over ---
: >"$state/drains"
conf clean nobody
run_batond "$WORKDIR/clean.conf" "$WORKDIR/clean.log"
pid=$BATOND_RUN_PID
if wait_until 10 grep -qs 'running as uid' "$WORKDIR/clean.log" &&
	[ "$(cat "$state/batond.pid" 2>/dev/null)" = "$pid" ] &&
	[ "$(stat -c '%U %a' "$state/batond.pid")" = "root 644" ] &&
	[ "$(stat -c %U "$state/drains")" = nobody ]; then
	tap_ok "a clean folder: batond starts, its pidfile is root's 0644, the state-file nobody's"
else
	tap_fail "a clean folder: batond starts as nobody" \
		"$(ls -l "$state"; cat "$WORKDIR/clean.log")"
fi
stop_pid $pid
forget_pid $pid
rm -f "$state/drains" "$state/batond.pid"

# --- batond as root, no username: a linked state-file is not read ------------------------------
secrets
as_nobody ln -s "$private/state" "$state/drains"
conf asroot
run_batond "$WORKDIR/asroot.conf" "$WORKDIR/asroot.log"
pid=$BATOND_RUN_PID
if wait_until 10 grep -qs "state-file $state/drains: ignored (is a symbolic link" "$WORKDIR/asroot.log"; then
	tap_ok "as root: a linked state-file is refused, named, and batond starts without drains"
else
	tap_fail "as root: a linked state-file is refused and named" "$(cat "$WORKDIR/asroot.log")"
fi
stop_pid $pid
forget_pid $pid
no_secret "as root: nothing of the file linked in the log" "$WORKDIR/asroot.log"
rm -f "$state/drains" "$state/batond.pid"

# --- baton-probe: a link at its status-file ----------------------------------------------------
: >"$WORKDIR/trusted-keys"
trust_key probe eu
trust_key other eu
cat >"$WORKDIR/probe.conf" <<EOF
probe:
    name: probe
    region: eu
    key: probe.key
    trusted-keys: trusted-keys
    listen: 127.0.0.1@$(free_port)
    peer: other 127.0.0.1@$(free_port)
    quorum-regions: 1
    status-file: $state/probe.status
    username: nobody
zone:
    name: example.com
    zonefile: $zone
EOF
as_nobody ln -s "$private/status" "$state/probe.status"
"$BATON_PROBE" -c "$WORKDIR/probe.conf" >"$WORKDIR/probe.log" 2>&1 &
pid=$!
register_pid $pid
register_log "$WORKDIR/probe.log"
if wait_until 10 eval '! is_running_not_zombie $pid' && ! wait $pid &&
	grep -q "$state/probe.status is a symbolic link" "$WORKDIR/probe.log"; then
	tap_ok "a link at baton-probe's status-file: it refuses, naming it"
else
	tap_fail "a link at baton-probe's status-file: it refuses, naming it" "$(cat "$WORKDIR/probe.log")"
fi
intact "the file linked keeps its owner, mode and contents"
no_secret "nothing of it in baton-probe's log" "$WORKDIR/probe.log"
tap_done
