#!/bin/bash
# nodata_ttl.sh: through a real resolver (Unbound), a dual-stack client loses IPv6 at a FAILOVER
# name no longer than the A answer's TTL. The name's first site has IPv4 and IPv6, its second
# only IPv4: failing over makes AAAA a NODATA, and its SOA's TTL (which bounds the negative TTL,
# RFC 2308 §5) must be the FAILOVER answer's (4 s here), not the zone's negative TTL (300 s), or
# the resolver keeps answering "no IPv6" for five minutes after the first site is back.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

command -v unbound >/dev/null || tap_skip_all "unbound is not installed (tools/install-deps)"
command -v dig >/dev/null || tap_skip_all "dig is not installed"

TTL=4 # the FAILOVER answer's TTL: its sites have no checks, so nothing lowers it
SLACK=3 # for the resolver's and this script's own round trips on a loaded machine

lib_init
tap_plan 6
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
\$SITE fra 192.0.2.10 2001:db8::10
\$SITE iad 198.51.100.10
www $TTL IN FAILOVER policy=order sites=fra,iad
ZONE
start_batond "" "example.com=$zone" || tap_bail "batond did not start"

# Unbound on another loopback port, resolving example.com only through batond.
ub=$WORKDIR/unbound
mkdir -p "$ub"
UB_PORT=$(free_port) || tap_bail "no free port"
cat >"$ub/unbound.conf" <<CONF
server:
    interface: 127.0.0.1@$UB_PORT
    port: $UB_PORT
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$ub"
    pidfile: "$ub/unbound.pid"
    logfile: "$ub/unbound.log"
    use-syslog: no
    verbosity: 1
    num-threads: 1
    do-ip6: no
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    qname-minimisation: no
remote-control:
    control-enable: no
stub-zone:
    name: "example.com"
    stub-addr: 127.0.0.1@$BATOND_PORT
CONF
unbound -d -c "$ub/unbound.conf" >"$ub/unbound.out" 2>&1 &
UB_PID=$!
register_pid "$UB_PID"
if ! wait_for_dns 127.0.0.1 "$UB_PORT" 10 "$UB_PID"; then
	sed 's/^/# unbound: /' "$ub/unbound.out" "$ub/unbound.log" 2>/dev/null
	tap_bail "unbound did not start on port $UB_PORT"
fi

resolve() { dig @127.0.0.1 -p "$UB_PORT" +time=2 +tries=1 "$@"; }
addresses() { resolve +short www.example.com "$1"; }
answers() { [ "$(addresses "$1")" = "$2" ]; }
nodata() {
	local out
	out=$(resolve www.example.com AAAA)
	grep -q 'status: NOERROR' <<<"$out" && grep -q 'ANSWER: 0,' <<<"$out"
}
# The TTL the resolver reports for the cached NODATA: its SOA's, counting down.
nodata_ttl() { resolve +noall +authority www.example.com AAAA | awk '$4 == "SOA" { print $2 }'; }

wait_until 5 answers AAAA 2001:db8::10 && tap_ok "AAAA through the resolver: the dual-stack site" ||
	tap_fail "AAAA through the resolver" "$(resolve www.example.com AAAA)"

ctl drain fra >/dev/null
wait_until $((TTL + SLACK)) answers A 198.51.100.10 &&
	tap_ok "failed over to the IPv4-only site: A moves within the answer TTL ($TTL s)" ||
	tap_fail "A moves within $TTL s" "$(addresses A)"
wait_until $((TTL + SLACK)) nodata && tap_ok "AAAA becomes NODATA once the cached AAAA expires" ||
	tap_fail "AAAA becomes NODATA" "$(resolve www.example.com AAAA)"

out=$(ask +noall +authority www.example.com AAAA | awk '$4 == "SOA" { print $2 }')
[ -n "$out" ] && [ "$out" -le "$TTL" ] &&
	tap_ok "batond's NODATA SOA has TTL $out, at most the answer's $TTL" ||
	tap_fail "batond's NODATA SOA TTL at most $TTL" "$(ask www.example.com AAAA)"
cached=$(nodata_ttl)
[ -n "$cached" ] && [ "$cached" -le "$TTL" ] &&
	tap_ok "the resolver caches the NODATA for $cached s, at most $TTL (not 300)" ||
	tap_fail "the resolver caches the NODATA at most $TTL s" "cached TTL '$cached'"

ctl undrain fra >/dev/null
start=$EPOCHREALTIME
if wait_until $((TTL + SLACK)) answers AAAA 2001:db8::10; then
	took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	tap_ok "the site is back: AAAA returns through the resolver in ${took}s"
else
	tap_fail "AAAA returns within $((TTL + SLACK)) s of the site coming back" \
		"$(resolve www.example.com AAAA)"
fi

for pid in "$BATOND_PID" "$UB_PID"; do
	is_running_not_zombie "$pid" || tap_fail "process $pid is still running" "it exited"
done
tap_done
