#!/bin/bash
# basic.sh: batond on loopback serving zones/example.com.zone, asked with dig: each kind of
# answer RFC 1034 §4.3.2 gives, the error rcodes, EDNS, and start-up errors.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 24
zone=$top_srcdir/zones/example.com.zone
BATOND_IPV6=1 start_batond "" "example.com=$zone" || tap_bail "batond did not start"

expect "A answer, authoritative" 'flags: qr aa;.*ANSWER: 1, AUTHORITY: 0' www.example.com A
expect "A answer data" '^www\.example\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80' www.example.com A
out=$(dig @::1 -p "$BATOND_PORT" +norec +short +time=2 +tries=1 www.example.com AAAA)
if [ "$out" = "2001:db8::80" ]; then tap_ok "AAAA over IPv6"; else tap_fail "AAAA over IPv6" "$out"; fi
expect "NXDOMAIN" 'status: NXDOMAIN.*' nope.example.com A
expect "NXDOMAIN carries SOA with TTL min(SOA TTL, MINIMUM)" '^example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA' nope.example.com A
expect "NODATA is NOERROR with SOA" 'status: NOERROR.*' www.example.com TXT
expect "NODATA has no answer and one authority record" 'ANSWER: 0, AUTHORITY: 1' www.example.com TXT
expect "CNAME followed inside the zone" '^www\.example\.com\..*A[[:space:]]+192\.0\.2\.80' web.example.com A
expect "CNAME itself in the answer" '^web\.example\.com\..*CNAME[[:space:]]+www\.example\.com\.' web.example.com A
expect "wildcard synthesises the query name" '^anything\.apps\.example\.com\..*A[[:space:]]+192\.0\.2\.100' anything.apps.example.com A
expect "referral: AA clear, NS in authority" 'flags: qr;.*ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 2' host.lab.example.com A
expect "referral carries glue" '^ns\.lab\.example\.com\..*A[[:space:]]+198\.51\.100\.53' host.lab.example.com A
expect "name in no zone is REFUSED" 'status: REFUSED' www.example.org A
expect "class CH is REFUSED" 'status: REFUSED' -c CH version.bind TXT
expect "NOTIFY for a zone batond serves is REFUSED, as NSD answers it" 'opcode: NOTIFY, status: REFUSED' +opcode=notify example.com SOA
expect "EDNS version 1 is BADVERS" 'status: BADVERS' +edns=1 +noednsnegotiation example.com SOA
expect "EDNS payload size echoed" 'udp: 1232' example.com SOA
out=$(ask +noedns example.com SOA)
if ! printf '%s' "$out" | grep -q 'OPT PSEUDOSECTION'; then tap_ok "no OPT without EDNS"; else tap_fail "no OPT without EDNS" "$out"; fi
expect "question echoed in the client's case" '^;WwW\.ExAmPlE\.CoM\.[[:space:]]+IN[[:space:]]+A' WwW.ExAmPlE.CoM A
expect "RD copied, RA not set" 'flags: qr aa rd;' +rec www.example.com A
expect "ANY gets one RRset (RFC 8482)" 'ANSWER: 1,' example.com ANY
out=$(dig @127.0.0.1 -p "$BATOND_PORT" +time=2 +tries=1 example.com AXFR 2>&1)
if printf '%s' "$out" | grep -q 'Transfer failed'; then tap_ok "AXFR refused"; else tap_fail "AXFR refused" "$out"; fi

# Start-up errors name the file and line.
bad=$WORKDIR/bad.conf
printf 'server:\n    port: 53\n    wokers: 2\n' >"$bad"
out=$("$BATOND" -c "$bad" -f 2>&1); rc=$?
if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q "bad.conf:3:.*wokers"; then
	tap_ok "unknown config key is an error naming file and line"
else
	tap_fail "unknown config key is an error naming file and line" "rc=$rc $out"
fi
out=$("$BATOND" -v 2>&1)
if printf '%s' "$out" | grep -q '^batond [0-9]'; then tap_ok "batond -v"; else tap_fail "batond -v" "$out"; fi
tap_done
