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

# The same identity, version and NSID on both: their defaults differ (host name aside, NSD says
# "NSD 4.6.1"). answer-cookie is NSD 4.6's default, off, so no COOKIE differs either.
same='identity: "ns1.diff.test"
version: "diff 1"
nsid: "ascii_ns1.diff"'
nsd_port=$(free_port) || tap_bail "no free port"
NSD_EXTRA=$same start_nsd "$zonefile" diff.test "$nsd_port" "$WORKDIR/nsd" ||
	tap_bail "nsd did not start on port $nsd_port"

start_batond "workers: 1
$same" "diff.test=$zonefile" || tap_bail "batond did not answer"
baton_port=$BATOND_PORT

"$LIB_PYTHON" "$here/diffdns.py" \
	--a "127.0.0.1:$nsd_port" --b "127.0.0.1:$baton_port" \
	--queries "$here/difftest.queries" --allow "$here/difftest.allowed"
rc=$?

# A daemon that died during the run is a failure even if answers matched.
for pid in "$NSD_PID" "$BATOND_PID"; do
	if ! is_running_not_zombie "$pid"; then
		echo "# process $pid exited during the run"
		rc=1
	fi
done
exit "$rc"
