#!/bin/bash
# diff_nsd.sh: serve zones/difftest.zone from NSD and from batond, ask both
# every query in difftest.queries, and pass diffdns.py's TAP through.
#
# Environment: BATOND (the batond binary; default $top_builddir/batond),
# top_srcdir and top_builddir (default: the tree this script sits in),
# KEEP_WORKDIR=1 to keep the daemons' configs and logs.

top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"

BATOND=${BATOND:-$top_builddir/batond}
here=$top_srcdir/tests/integration
zonefile=$top_srcdir/zones/difftest.zone

command -v nsd >/dev/null || tap_skip_all "nsd is not installed"
command -v dig >/dev/null || tap_skip_all "dig is not installed"
[ -x "$BATOND" ] || tap_skip_all "no batond at $BATOND"
"$LIB_PYTHON" -c 'import dns.message' 2>/dev/null ||
	tap_skip_all "dnspython is not installed for $LIB_PYTHON"

lib_init

nsd_port=$(free_port) || tap_bail "no free port"
start_nsd "$zonefile" diff.test "$nsd_port" "$WORKDIR/nsd" ||
	tap_bail "nsd did not start on port $nsd_port"

baton_port=$(free_port) || tap_bail "no free port"
conf=$WORKDIR/batond.conf
cat >"$conf" <<EOF
server:
    ip-address: 127.0.0.1@$baton_port
    workers: 1
    control-socket: $WORKDIR/batond.sock
zone:
    name: diff.test
    zonefile: $zonefile
EOF
"$BATOND" -c "$conf" -f >"$WORKDIR/batond.log" 2>&1 &
baton_pid=$!
register_pid "$baton_pid"
if ! wait_for_dns 127.0.0.1 "$baton_port" 10 "$baton_pid"; then
	sed 's/^/# batond: /' "$WORKDIR/batond.log"
	tap_bail "batond did not answer on port $baton_port"
fi

"$LIB_PYTHON" "$here/diffdns.py" \
	--a "127.0.0.1:$nsd_port" --b "127.0.0.1:$baton_port" \
	--queries "$here/difftest.queries" --allow "$here/difftest.allowed"
rc=$?

# A daemon that died during the run is a failure even if answers matched.
for pid in "$NSD_PID" "$baton_pid"; do
	if ! is_running_not_zombie "$pid"; then
		echo "# process $pid exited during the run"
		rc=1
	fi
done
exit "$rc"
