#!/bin/bash
# dnssec.sh: batond signs a zone (dnssec-signing: yes, keys from baton-keygen --dnssec) and
# Debian's Unbound, with the zone's key as its trust anchor, validates (AD) every kind of answer:
# static data, NXDOMAIN, NODATA, a wildcard, a CNAME, FAILOVER names before and after a site
# fails, and the proof that a delegation is insecure. A wrong trust anchor gives SERVFAIL.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

KEYGEN=${KEYGEN:-$top_builddir/baton-keygen}
command -v unbound >/dev/null || tap_skip_all "unbound is not installed (tools/install-deps)"

lib_init
tap_plan 20
make_state_check
state=$STATE
keys=$WORKDIR/keys
mkdir -p "$keys" "$WORKDIR/other"
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 127.0.0.1
host A 192.0.2.1
host MX 10 host
alias CNAME host
a.b TXT "deep"
*.wild A 192.0.2.99
sub NS ns.sub
ns.sub A 192.0.2.53
\$CHECK alive exec command="$WORKDIR/alive" interval=300ms timeout=250ms rise=1 fall=1
\$SITE fra 192.0.2.10 2001:db8::10 check=alive
\$SITE iad 198.51.100.10 check=alive
www 30 IN FAILOVER policy=order sites=fra,iad fallback=all
both 30 IN FAILOVER policy=all sites=fra,iad
ZONE
touch "$state/192.0.2.10" "$state/2001:db8::10" "$state/198.51.100.10"
check "baton-keygen --dnssec writes a key pair" "$KEYGEN" --dnssec example.com -d "$keys"
priv=$(ls "$keys"/Kexample.com.+013+*.private)
[ "$(stat -c %a "$priv")" = 600 ] && tap_ok "the private key is mode 0600" || tap_fail "private key mode" "$(stat -c %a "$priv")"
"$KEYGEN" --dnssec example.com -d "$WORKDIR/other" >/dev/null

BATOND_PORT=$(free_port) || tap_bail "no free port"
BATOND_CONF=$WORKDIR/batond.conf
BATOND_LOG=$WORKDIR/batond.log
cat >"$BATOND_CONF" <<CONF
server:
    ip-address: 127.0.0.1@$BATOND_PORT
    control-socket: $WORKDIR/batond.sock
zone:
    name: example.com
    zonefile: $zone
    dnssec-signing: yes
    dnssec-key-dir: $keys
CONF
run_batond "$BATOND_CONF" "$BATOND_LOG"
BATOND_PID=$BATOND_RUN_PID
wait_for_dns 127.0.0.1 "$BATOND_PORT" 10 "$BATOND_PID" || tap_bail "batond did not start: $(cat "$BATOND_LOG")"

# start_unbound NAME KEYFILE: a validating Unbound on a free port, its only trust anchor the
# DNSKEY in KEYFILE, example.com stubbed to batond; no cache, so each question reaches batond.
start_unbound() {
	local port conf=$WORKDIR/$1.conf
	port=$(free_port) || return 1
	cat >"$conf" <<CONF
server:
    interface: 127.0.0.1@$port
    port: $port
    do-not-query-localhost: no
    username: ""
    chroot: ""
    directory: "$WORKDIR"
    pidfile: ""
    use-syslog: no
    logfile: "$WORKDIR/$1.log"
    verbosity: 1
    val-log-level: 2
    num-threads: 1
    so-reuseport: no
    qname-minimisation: no
    aggressive-nsec: no
    cache-max-ttl: 0
    cache-max-negative-ttl: 0
    module-config: "validator iterator"
    trust-anchor: "$(grep -v '^;' "$2" | sed 's/;.*//')"
remote-control:
    control-enable: no
stub-zone:
    name: "example.com"
    stub-addr: 127.0.0.1@$BATOND_PORT
CONF
	unbound -d -c "$conf" >>"$WORKDIR/$1.log" 2>&1 &
	register_pid $!
	eval "${1}_PORT=$port"
	wait_for_dns 127.0.0.1 "$port" 10 $!
}
sites_up() { [ "$(ctl status | grep -c '^site .*: up since')" = 2 ]; }
wait_until 10 sites_up || tap_bail "the sites are not up: $(ctl status)"
start_unbound good "$(ls "$keys"/Kexample.com.+013+*.key)" || tap_bail "unbound did not start: $(cat "$WORKDIR/good.log")"
start_unbound bad "$(ls "$WORKDIR"/other/Kexample.com.+013+*.key)" || tap_bail "second unbound did not start"

resolve() { dig @127.0.0.1 -p "$good_PORT" +dnssec +time=3 +tries=1 "$@"; }
# validated DESC STATUS ANSWER-PATTERN NAME TYPE: Unbound answers STATUS with AD set, and the
# answer section matches the pattern ('' for none).
validated() {
	local desc=$1 status=$2 pattern=$3 out
	shift 3
	out=$(resolve "$@" 2>&1)
	if printf '%s\n' "$out" | grep -q "status: $status" &&
		printf '%s\n' "$out" | grep -Eq 'flags:[a-z ]* ad[ ;]' &&
		{ [ -z "$pattern" ] || printf '%s\n' "$out" | grep -Eq -- "$pattern"; }; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "$out
$(grep -i 'validation failure' "$WORKDIR/good.log" | tail -3)"
	fi
}
validated "static A validates" NOERROR 'host\.example\.com\..*A.*192\.0\.2\.1' host.example.com A
validated "the DNSKEY RRset validates" NOERROR 'DNSKEY.*257 3 13' example.com DNSKEY
validated "NXDOMAIN validates (NSEC covering name and wildcard)" NXDOMAIN '' nope.example.com A
validated "NODATA validates" NOERROR '' host.example.com TXT
validated "NODATA at an empty non-terminal validates" NOERROR '' b.example.com A
validated "a wildcard answer validates" NOERROR 'x\.wild\.example\.com\..*192\.0\.2\.99' x.wild.example.com A
validated "a wildcard NODATA validates" NOERROR '' x.wild.example.com TXT
validated "a CNAME chain validates" NOERROR 'host\.example\.com\..*A.*192\.0\.2\.1' alias.example.com A
validated "no DS at the insecure delegation validates" NOERROR '' sub.example.com DS
validated "FAILOVER A validates" NOERROR 'www\.example\.com\..*192\.0\.2\.10' www.example.com A
validated "FAILOVER AAAA validates" NOERROR '2001:db8::10' www.example.com AAAA
validated "policy=all answer (two sites and a signature) validates" NOERROR 'ANSWER: 3,' both.example.com A

rm "$state/192.0.2.10" "$state/2001:db8::10"
moved() { resolve www.example.com A | grep -q '198\.51\.100\.10'; }
wait_until 10 moved && tap_ok "FAILOVER moves to iad after fra fails" || tap_fail "FAILOVER moves" "$(resolve www.example.com A)"
validated "FAILOVER A from the second site validates" NOERROR 'www\.example\.com\..*198\.51\.100\.10' www.example.com A
validated "FAILOVER AAAA NODATA (iad has none) validates" NOERROR '' www.example.com AAAA
validated "policy=all answer (one site) validates" NOERROR 'both\.example\.com\..*198\.51\.100\.10' both.example.com A

out=$(dig @127.0.0.1 -p "$bad_PORT" +dnssec +time=3 +tries=1 host.example.com A 2>&1)
printf '%s\n' "$out" | grep -q "status: SERVFAIL" && tap_ok "a trust anchor that does not match gives SERVFAIL" || tap_fail "wrong anchor SERVFAIL" "$out"
out=$(ask +dnssec host.example.com A 2>/dev/null; ask host.example.com A 2>/dev/null)
[ "$(printf '%s\n' "$out" | grep -c 'RRSIG')" -ge 1 ] && [ "$(ask host.example.com A | grep -c RRSIG)" = 0 ] &&
	tap_ok "RRSIGs only with DO=1" || tap_fail "RRSIGs only with DO=1" "$out"
tap_done
