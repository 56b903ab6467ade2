#!/bin/bash
# http_flood.sh: descriptor starvation through the HTTP listener (issue 14, point 2). batond runs
# with a soft limit of 1024 descriptors; 3000 clients open HTTP connections and trickle a byte a
# second, reconnecting when closed. The sites' checks keep passing (every FAILOVER answer over
# UDP and TCP stays on the first site), batond holds a bounded number of descriptors, failed
# accepts do not flood the log, and /metrics answers afterwards with baton_accept_errors_total.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 9
make_state_check
# fall=2: a check starved of descriptors fails every probe of the flood (that is what this test
# catches), while one slow probe on a busy machine under the sanitizers is no starvation.
zone=$WORKDIR/example.com.zone
write_failover_zone "$zone" fra iad "interval=500ms timeout=400ms rise=1 fall=2"
http_port=$(free_port)
# the soft limit only: the flood client raises its own
ulimit -Sn 1024
start_batond "http-listen: 127.0.0.1@$http_port" "example.com=$zone" || tap_bail "batond did not start"
wait_until 5 sites_up 2 || tap_bail "the sites did not come up: $(ctl status)"

fds() { find "/proc/$BATOND_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
before=$(fds)
/usr/bin/python3 "$top_srcdir/tests/integration/http_client.py" flood 127.0.0.1 "$http_port" 3000 12 \
	>"$WORKDIR/flood.out" 2>&1 &
flood=$!
register_pid $flood
# wait for the flood to reach batond before asking
flooded() { [ "$(fds)" -gt 60 ]; }
wait_until 5 flooded

udp_right=0 udp_wrong=0 tcp_right=0 tcp_wrong=0 max_fds=0 rounds=0
# one round: five UDP questions, one TCP; bounded to 400 rounds and the flood's 12 s
while kill -0 $flood 2>/dev/null && [ $rounds -lt 400 ]; do
	rounds=$((rounds + 1))
	for _ in 1 2 3 4 5; do
		if [ "$(ask +short www.example.com A)" = 192.0.2.10 ]; then
			udp_right=$((udp_right + 1))
		else
			udp_wrong=$((udp_wrong + 1))
		fi
	done
	if [ "$(ask +tcp +short www.example.com A)" = 192.0.2.10 ]; then
		tcp_right=$((tcp_right + 1))
	else
		tcp_wrong=$((tcp_wrong + 1))
	fi
	n=$(fds)
	[ "$n" -gt $max_fds ] && max_fds=$n
done
wait $flood
flood_out=$(cat "$WORKDIR/flood.out")

closed=$(sed -n 's/.*closed-by-server \([0-9]*\).*/\1/p' "$WORKDIR/flood.out")
[ "${closed:-0}" -ge 3000 ] && tap_ok "the flood reached batond, which shed connections ($flood_out)" ||
	tap_fail "the flood reached batond, which shed connections" "$flood_out"
[ $udp_wrong = 0 ] && [ $udp_right -ge 50 ] &&
	tap_ok "every FAILOVER answer over UDP during the flood is the first site ($udp_right)" ||
	tap_fail "every FAILOVER answer over UDP during the flood is the first site" \
		"$udp_right right, $udp_wrong wrong; $(ctl status)"
[ $tcp_wrong = 0 ] && [ $tcp_right -ge 10 ] &&
	tap_ok "DNS over TCP answered during the flood ($tcp_right)" ||
	tap_fail "DNS over TCP answered during the flood" "$tcp_right right, $tcp_wrong wrong or unanswered"
downs=$(grep -c 'up -> down' "$BATOND_LOG")
[ "$downs" = 0 ] && sites_up 2 && tap_ok "no site went down" ||
	tap_fail "no site went down" "$(grep 'up -> down' "$BATOND_LOG" | head -n 5)"
# 64 HTTP connections, the UDP and TCP sockets, the checks, and up to 16 closed connections whose
# descriptors libevent has yet to release (more of them under the sanitizers): far below 1024
[ $max_fds -le 150 ] && tap_ok "batond held at most $max_fds descriptors" ||
	tap_fail "batond held at most 150 descriptors" "up to $max_fds of 1024"
lines=$(grep -ciE 'accept|refused' "$BATOND_LOG")
[ "$lines" -le 12 ] && tap_ok "accept errors and refusals logged $lines times, not per connection" ||
	tap_fail "accept errors are rate-limited in the log" "$lines lines: $(grep -iE 'accept|refused' "$BATOND_LOG" | sort | uniq -c | sort -rn | head -n 5)"
# every connection's descriptor and memory go with it: none is left once the clients are gone
# (at the latest when http-timeout, 10 s, ends a connection whose client went quiet)
settled() { [ "$(fds)" -le $((before + 4)) ]; }
wait_until 15 settled && tap_ok "after the flood batond is back to its $before descriptors" ||
	tap_fail "after the flood batond is back to its descriptors" "$before before, $(fds) now"
metrics=$(curl -sS --max-time 5 "http://127.0.0.1:$http_port/metrics")
printf '%s\n' "$metrics" | grep -q '^baton_dns_responses_total' &&
	tap_ok "/metrics answers after the flood" || tap_fail "/metrics answers after the flood" "$metrics"
printf '%s\n' "$metrics" | grep -Eq '^baton_accept_errors_total\{listener="http"\} [0-9]+$' &&
	printf '%s\n' "$metrics" | grep -Eq '^baton_accept_errors_total\{listener="control"\} [0-9]+$' &&
	tap_ok "baton_accept_errors_total by listener" ||
	tap_fail "baton_accept_errors_total by listener" "$(printf '%s\n' "$metrics" | grep accept)"
tap_done
