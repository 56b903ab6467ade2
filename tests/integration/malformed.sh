#!/bin/bash
# malformed.sh: garbage, truncated packets, pointer loops and huge counts over UDP and TCP
# never crash, stall or silence the server.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 3
raw="$LIB_PYTHON $top_srcdir/tests/integration/dnsraw.py"
start_batond "" "example.com=$top_srcdir/zones/example.com.zone" || tap_bail "batond did not start"
check "5000 malformed packets, then a correct answer and FORMERR" \
	$raw garbage 127.0.0.1 "$BATOND_PORT" 5000 7
check "a second seed" $raw garbage 127.0.0.1 "$BATOND_PORT" 5000 1234
if kill -0 "$BATOND_PID" 2>/dev/null; then tap_ok "batond still running"; else tap_fail "batond still running"; fi
tap_done
