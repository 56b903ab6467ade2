#!/bin/bash
# http.sh: the HTTP listener. /metrics is scraped and every documented family is found with its
# labels (and moves when queries are asked and a site goes down); /status.json parses and holds
# sites, transitions and the answer for the asking client; / is the status page; unknown paths
# are 404 and other methods 405 (OPTIONS, TRACE, PATCH, CONNECT and unknown ones too, not 501);
# HEAD gets the headers alone, and the next request on the connection is answered;
# http-connections and http-timeout bound the connections. Then
# `username:` drops root after binding.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 28
make_state_check
state=$WORKDIR/state
zone=$WORKDIR/example.com.zone
write_failover_zone "$zone"
http_port=$(free_port)
start_batond "http-listen: 127.0.0.1@$http_port
http-connections: 4
http-timeout: 3" "example.com=$zone" || tap_bail "batond did not start"
url=http://127.0.0.1:$http_port
fetch() { curl -sS --max-time 5 "$@"; }

wait_until 5 sites_up 2
for _ in 1 2 3; do ask +short www.example.com A >/dev/null; done
ask +tcp +short www.example.com A >/dev/null
ask +short nope.example.com TXT >/dev/null

metrics=$(fetch "$url/metrics")
# has METRIC_LINE_REGEX DESC: one point: a line of the scrape matches
has() {
	if printf '%s\n' "$metrics" | grep -Eq "$1"; then tap_ok "$2"; else
		tap_fail "$2" "no line matches /$1/ in:
$(printf '%s\n' "$metrics" | head -n 80)"
	fi
}
has '^baton_dns_responses_total\{proto="udp",rcode="NOERROR"\} [3-9]' "responses by transport and rcode"
has '^baton_dns_queries_total\{proto="tcp",type="A"\} 1$' "queries by transport and type"
has '^baton_dns_responses_total\{proto="udp",rcode="NXDOMAIN"\} 1$' "NXDOMAIN counted"
has '^baton_failover_answers_total\{zone="example.com.",name="www.example.com.",site="fra"\} [4-9]' \
	"FAILOVER answers by name and site"
has '^baton_site_verdict\{zone="example.com.",site="iad",verdict="up"\} 1$' "verdict per site"
has '^baton_check_duration_seconds_bucket\{zone="example.com.",site="fra",check="alive",kind="exec",le="\+Inf"\} [1-9]' \
	"check latencies as a histogram"
has '^baton_reloads_total\{outcome="ok"\} 1$' "reloads by outcome"
has '^baton_udp_errors_total\{call="recvmmsg"\} 0$' "failed recvmmsg calls counted (none here)"
has '^baton_udp_errors_total\{call="sendmmsg"\} 0$' "failed sendmmsg calls counted (none here)"
# Prometheus wants each family's samples together, after its one TYPE line
check "each family is one group with one TYPE line" sh -c "printf '%s\n' \"\$1\" | awk '
	/^# TYPE/ { if (seen[\$3]++) { print \"TYPE twice: \" \$3; bad = 1 } next }
	/^#/ { next }
	{ name = \$1; sub(/[{ ].*/, \"\", name); sub(/_(bucket|sum|count)\$/, \"\", name)
	  if (name != last && done[name]) { print \"family split: \" name; bad = 1 }
	  if (name != last) done[last] = 1; last = name }
	END { exit bad }'" _ "$metrics"

rm "$state/192.0.2.10"
fra_down() { ctl status | grep -q '^site fra .*: down since'; }
wait_until 5 fra_down
has2=$(fetch "$url/metrics")
printf '%s\n' "$has2" | grep -q '^baton_site_verdict{zone="example.com.",site="fra",verdict="down"} 1$' &&
	tap_ok "a site going down shows in the scrape" || tap_fail "a site going down shows in the scrape" "$has2"

json=$(fetch "$url/status.json")
check "status.json: sites, the transition, and the answer for this client" \
	/usr/bin/python3 -c '
import json, sys
s = json.loads(sys.argv[1])
sites = {x["name"]: x for x in s["sites"]}
assert sites["fra"]["verdict"] == "down", sites
assert any(t["site"] == "fra" and t["to"] == "down" for t in s["transitions"]), s["transitions"]
www = [f for f in s["failovers"] if f["name"] == "www.example.com."][0]
assert www["a"] == ["198.51.100.10"], www
assert www["policy"] == "order" and www["sites"] == ["fra", "iad"], www
' "$json"
page=$(fetch "$url/")
printf '%s' "$page" | grep -q '<title>batond status</title>' && printf '%s' "$page" | grep -q 'fetch("/status.json"' &&
	tap_ok "/ is the status page, which fetches /status.json" || tap_fail "/ is the status page" "$page"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/nothing")
[ "$code" = 404 ] && tap_ok "unknown path: 404" || tap_fail "unknown path: 404" "got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/metrics")
allow=$(curl -s -o /dev/null -D - -X POST "$url/metrics" | tr -d '\r' | grep -i '^Allow:')
[ "$code" = 405 ] && [ "$allow" = "Allow: GET, HEAD" ] && tap_ok "POST: 405 with Allow: GET, HEAD" ||
	tap_fail "POST: 405 with Allow: GET, HEAD" "got $code, '$allow'"

# HEAD: headers with the GET's Content-Length and no body, else the body would be read as the
# start of the next response on a keep-alive connection (issue 14, point 6)
raw=$top_srcdir/tests/integration/http_client.py
out=$(/usr/bin/python3 "$raw" head-keepalive 127.0.0.1 "$http_port" /metrics 2>&1)
printf '%s\n' "$out" | grep -q '^HTTP/1.1 200' && printf '%s\n' "$out" | grep -q "^content-length: \['[1-9]" &&
	printf '%s\n' "$out" | grep -q '^after-head-bytes: 0$' &&
	printf '%s\n' "$out" | grep -q '^second: HTTP/1.1 404' &&
	tap_ok "HEAD: headers only, and the next request on the connection is answered" ||
	tap_fail "HEAD: headers only, and the next request on the connection is answered" "$out"
for m in OPTIONS TRACE PATCH CONNECT BREW; do
	out=$(/usr/bin/python3 "$raw" method 127.0.0.1 "$http_port" "$m" /metrics 2>&1)
	[ "$out" = "405 GET, HEAD" ] && tap_ok "$m: 405 with Allow: GET, HEAD" ||
		tap_fail "$m: 405 with Allow: GET, HEAD" "got: $out"
done

# http-timeout: 3 closes a connection 3 s after its accept however it trickles bytes (an idle
# timer restarted by each byte would not)
t=$(/usr/bin/python3 "$raw" trickle 127.0.0.1 "$http_port" 8 2>&1)
awk -v t="$t" 'BEGIN { exit !(t >= 2.5 && t <= 5) }' &&
	tap_ok "http-timeout: a trickling client is closed 3 s after its accept (${t} s)" ||
	tap_fail "http-timeout: a trickling client is closed 3 s after its accept" "closed after: $t"
# http-connections: 4: of 10 idle clients 6 are refused at once, and a scrape gets in once the
# oldest have had their second
/usr/bin/python3 "$raw" hold 127.0.0.1 "$http_port" 10 1.5 >"$WORKDIR/hold.out" 2>&1 &
hold=$!
register_pid $hold
scrape() { fetch -o /dev/null "$url/metrics" 2>/dev/null; }
wait_until 3 scrape && tap_ok "http-connections: a scrape gets in past idle clients" ||
	tap_fail "http-connections: a scrape gets in past idle clients" "no answer"
wait $hold
closed=$(cat "$WORKDIR/hold.out")
[ "$closed" -ge 6 ] 2>/dev/null && [ "$closed" -le 8 ] &&
	tap_ok "http-connections: 4 at most ($closed of 10 idle clients closed)" ||
	tap_fail "http-connections: 4 at most" "closed: $closed"

# username: batond binds as root, then runs as nobody; it still answers and reloads.
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$WORKDIR"
	chmod 644 "$zone"
	conf=$WORKDIR/nobody.conf
	port=$(free_port)
	sed -e "s|@$BATOND_PORT|@$port|" -e "s|$BATOND_SOCK|$WORKDIR/nobody.sock|" \
		-e "/http-/d" -e 's|^server:|server:\n    username: nobody|' "$BATOND_CONF" >"$conf"
	run_batond "$conf" "$WORKDIR/nobody.log"
	pid=$BATOND_RUN_PID
	wait_for_dns 127.0.0.1 "$port" 10 $pid || tap_bail "batond with username: did not start"
	uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' /proc/$pid/status)
	nobody=$(id -u nobody)
	[ "$uid" = "$nobody,$nobody,$nobody,$nobody" ] && tap_ok "username: nobody runs as nobody after binding" ||
		tap_fail "username: nobody runs as nobody after binding" "Uid: $uid"
	reload=$(BATOND_CONF=$conf ctl reload 2>&1)
	out=$(dig @127.0.0.1 -p "$port" +short +time=2 +tries=1 www.example.com A)
	[ -n "$out" ] && grep -q "reloaded 1 zones" <<<"$reload" && tap_ok "as nobody it answers, and reloads" ||
		tap_fail "as nobody it answers, and reloads" "batonctl reload: $reload
$(cat "$WORKDIR/nobody.log")"
	# the control socket: mode 0660, so only root and the daemon's group may use it
	mode=$(stat -c %a "$BATOND_SOCK")
	# a copy nobody can run: the build may sit in a folder only root may enter (under /root)
	install -m 755 "$BATONCTL" "$WORKDIR/batonctl"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$WORKDIR/batonctl" -c "$BATOND_CONF" status 2>&1)
	[ "$mode" = 660 ] && printf '%s\n' "$out" | grep -q "^batonctl: $BATOND_SOCK: Permission denied" &&
		tap_ok "the control socket is mode 0660: another user is refused" ||
		tap_fail "the control socket is mode 0660: another user is refused" "mode $mode: $out"
else
	tap_fail "the control socket is mode 0660" "needs root"
	tap_fail "username: nobody runs as nobody after binding" "needs root"
	tap_fail "as nobody it answers, and reloads" "needs root"
fi
out=$(sed -e "s|@$BATOND_PORT|@$(free_port)|" -e "s|$BATOND_SOCK|$WORKDIR/bad.sock|" -e 's|^server:|server:\n    username: no-such-user-here|' \
	-e "/http-/d" "$BATOND_CONF" >"$WORKDIR/bad.conf"; timeout 10 "$BATOND" -c "$WORKDIR/bad.conf" -f 2>&1)
printf '%s\n' "$out" | grep -q "username no-such-user-here: no such user" &&
	tap_ok "an unknown username stops batond with its name" || tap_fail "an unknown username stops batond" "$out"
tap_done
