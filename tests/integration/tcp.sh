#!/bin/bash
# tcp.sh: DNS over TCP per RFC 7766: answers, pipelining in order, the idle timeout, and the
# connection cap that closes the longest idle connection first.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 6
raw="$LIB_PYTHON $top_srcdir/tests/integration/dnsraw.py"
zone=$top_srcdir/zones/example.com.zone
start_batond "tcp-count: 2
tcp-timeout: 1" "example.com=$zone" || tap_bail "batond did not start"

expect "answer over TCP" 'flags: qr aa;.*ANSWER: 1' +tcp www.example.com A
expect "TCP answer is not truncated" '^www\.example\.com\..*192\.0\.2\.80' +tcp www.example.com A
check "pipelined queries answered in order" $raw pipeline 127.0.0.1 "$BATOND_PORT" 20
check "idle connection closed after tcp-timeout" $raw idle 127.0.0.1 "$BATOND_PORT" 5
check "over tcp-count the longest idle connection is closed" $raw cap 127.0.0.1 "$BATOND_PORT"
if kill -0 "$BATOND_PID" 2>/dev/null; then tap_ok "batond still running"; else tap_fail "batond still running"; fi
tap_done
