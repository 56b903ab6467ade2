#!/bin/bash
# tcp.sh: DNS over TCP per RFC 7766: answers, pipelining in order, the idle timeout, and the
# connection cap that closes the longest idle connection first. Then, on a second server:
# 10,000 pipelined queries all answered in order (the answers pass the output high-water mark),
# a query dripped a byte at a time closed at tcp-timeout from its first byte, and accept()
# failing with EMFILE neither spins nor floods the log, and stops when descriptors free up.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 15
raw="$LIB_PYTHON $top_srcdir/tests/integration/dnsraw.py"
load="$LIB_PYTHON $top_srcdir/tests/integration/tcpload.py"
zone=$top_srcdir/zones/example.com.zone
start_batond "tcp-count: 2
tcp-timeout: 1" "example.com=$zone" || tap_bail "batond did not start"

expect "answer over TCP" 'flags: qr aa;.*ANSWER: 1' +tcp www.example.com A
expect "TCP answer is not truncated" '^www\.example\.com\..*192\.0\.2\.80' +tcp www.example.com A
check "pipelined queries answered in order" $raw pipeline 127.0.0.1 "$BATOND_PORT" 20
check "idle connection closed after tcp-timeout" $raw idle 127.0.0.1 "$BATOND_PORT" 5
check "over tcp-count the longest idle connection is closed" $raw cap 127.0.0.1 "$BATOND_PORT"
if kill -0 "$BATOND_PID" 2>/dev/null; then tap_ok "batond still running"; else tap_fail "batond still running"; fi
stop_pid "$BATOND_PID"

# big.example.com TXT is 4 KB: the answers to one 4 KB read of queries pass TCP_OUTPUT_HIGH,
# so the server stops reading with complete queries left in its buffer.
big=$WORKDIR/big.example.com.zone
{
	cat "$zone"
	for c in a b c d e f g h i j k l m n o p; do
		printf 'big IN TXT "%s"\n' "$(head -c 240 /dev/zero | tr '\0' "$c")"
	done
} >"$big"
http_port=$(free_port)
start_batond "tcp-count: 200
tcp-timeout: 2
http-listen: 127.0.0.1@$http_port" "example.com=$big" || tap_bail "the second batond did not start"
check "10,000 queries written before reading: 10,000 answers in order" \
	$load pipeline 127.0.0.1 "$BATOND_PORT" 10000 0
check "10,000 queries, read after 1 s: 10,000 answers in order" \
	$load pipeline 127.0.0.1 "$BATOND_PORT" 10000 1
check "a query sent a byte every 0.5 s is cut off at tcp-timeout; other clients are answered" \
	$load slowloris 127.0.0.1 "$BATOND_PORT" 0.5 3.5
check "a query sent over 1.6 s is answered, and the idle timeout after it is whole again" \
	$load slowok 127.0.0.1 "$BATOND_PORT" 2

# Room for 4 more descriptors, and 40 connections: accept() fails with EMFILE.
nofile=$(prlimit --pid "$BATOND_PID" --nofile --noheadings --output SOFT)
prlimit --pid "$BATOND_PID" --nofile=$(($(ls "/proc/$BATOND_PID/fd" | wc -l) + 4)):
held=$WORKDIR/held
hold_start=$(date +%s)
$load hold 127.0.0.1 "$BATOND_PORT" 40 "$held" >/dev/null &
hold_pid=$!
register_pid "$hold_pid"
wait_until 10 test -e "$held" || tap_bail "the 40 connections were not opened"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$BATOND_PID/stat"; }
before=$(cpu_ticks)
observe 2 "the window CPU time is measured over"
used=$(($(cpu_ticks) - before))
if [ "$used" -lt 20 ]; then
	tap_ok "accept() failing with EMFILE: batond rests (${used} ticks of CPU in 2 s)"
else
	tap_fail "accept() failing with EMFILE: batond rests" "${used} ticks of CPU in 2 s: spinning"
fi
expect "UDP is answered while TCP cannot accept" '^www\.example\.com\..*192\.0\.2\.80' www.example.com A
rm -f "$held"
wait "$hold_pid"
hold_s=$(($(date +%s) - hold_start + 1))
prlimit --pid "$BATOND_PID" --nofile="$nofile":
tcp_answers() { ask +tcp +short www.example.com A | grep -qx 192.0.2.80; }
if wait_until 5 tcp_answers; then
	tap_ok "TCP is answered again once the connections close"
else
	tap_fail "TCP is answered again once the connections close"
fi
lines=$(grep -c 'tcp: cannot accept' "$BATOND_LOG")
if [ "$lines" -ge 1 ] && [ "$lines" -le 5 ]; then
	tap_ok "accept failures logged, $lines times (at most 5 a minute)"
else
	tap_fail "accept failures logged at most 5 times a minute" "$lines lines"
fi
errors=$(curl -sS --max-time 5 "http://127.0.0.1:$http_port/metrics" |
	sed -n 's/^baton_accept_errors_total{listener="tcp"} //p')
# one failure, then 100 ms of rest: about 10 a second while the connections were held
if [ -n "$errors" ] && [ "$errors" -ge 1 ] && [ "$errors" -le $((hold_s * 10 + 10)) ]; then
	tap_ok "baton_accept_errors_total{listener=\"tcp\"} counts $errors failures in ${hold_s} s"
else
	tap_fail "baton_accept_errors_total{listener=\"tcp\"} counts about 10 failures a second" \
		"got '$errors' over ${hold_s} s"
fi
tap_done
