#!/bin/bash
# xfr_secondaries.sh: batond as a hidden primary (issue 17). An NSD 4.6 and a Knot 3.2 secondary,
# started here on loopback, pull a FAILOVER zone from batond with TSIG and are NOTIFYed of every
# verdict change. Ten trials kill a site's check and time, per secondary, the step from the kill
# until it answers without the site (min/median/max); the changes must arrive as IXFR (Knot's
# log; for NSD, whose log does not name the kind of transfer, the TCP proxy it pulls through
# logs each response). Transfers without the key, with a wrong key and from an address not in
# provide-xfr are refused, and a response whose TSIG MAC the proxy flips is rejected by NSD,
# which keeps the old serial.
#
# usage: xfr_secondaries.sh [batond|nsd]    (or XFR_PRIMARY=...; default batond)
# With "nsd", NSD is the primary, serving the static version of the zone (with store-ixfr and
# create-ixfr), and a kill is a rewritten zone file with the next serial and a SIGHUP: the
# secondaries' side of the test checked before batond had transfers. XFR_TRIALS sets the count.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

PRIMARY=${1:-${XFR_PRIMARY:-batond}}
TRIALS=${XFR_TRIALS:-10}
TOOL=$top_srcdir/tests/integration/xfr_tool.py
FRA=192.0.2.10 FRA6=2001:db8::10 IAD=198.51.100.10
# A step (kill or revival) must reach both secondaries within this; sized for the sanitizer
# build: a verdict (2 x 200 ms), export-min-interval (1 s), a NOTIFY and an IXFR.
STEP_S=15

command -v knotd >/dev/null || tap_bail "knotd is missing: run tools/install-deps"
lib_init
tap_plan 16

secret=$("$LIB_PYTHON" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
wrong=$("$LIB_PYTHON" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
P_PORT=$(free_port) N_PORT=$(free_port) K_PORT=$(free_port) X_PORT=$(free_port)
zone=$WORKDIR/example.com.zone

# --- the primary -----------------------------------------------------------------------------

xfr_zone_lines() { # the provide-xfr and notify lines of the zone, shared by both primaries
	cat <<EOF
    provide-xfr: 127.0.0.1 xfrkey
    notify: 127.0.0.1@$N_PORT xfrkey
    notify: 127.0.0.1@$K_PORT xfrkey
EOF
}

key_section() {
	cat <<EOF
key:
    name: xfrkey
    algorithm: hmac-sha256
    secret: "$secret"
EOF
}

start_batond_primary() {
	make_state_check
	touch "$STATE/$FRA" "$STATE/$FRA6" "$STATE/$IAD"
	cat >"$zone" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
\$CHECK alive exec command="$WORKDIR/alive" interval=200ms timeout=150ms rise=2 fall=2
\$SITE fra $FRA $FRA6 check=alive
\$SITE iad $IAD check=alive
www 30 IN FAILOVER policy=order sites=fra,iad fallback=servfail
ZONE
	BATOND_PORT=$P_PORT BATOND_CONF=$WORKDIR/batond.conf BATOND_SOCK=$WORKDIR/batond.sock
	BATOND_LOG=$WORKDIR/batond.log
	{
		echo "server:"
		echo "    ip-address: 127.0.0.1@$P_PORT"
		echo "    control-socket: $BATOND_SOCK"
		key_section
		echo "zone:"
		echo "    name: example.com"
		echo "    zonefile: $zone"
		xfr_zone_lines
	} >"$BATOND_CONF"
	run_batond "$BATOND_CONF" "$BATOND_LOG"
	PRIMARY_PID=$BATOND_RUN_PID
	if ! wait_for_dns 127.0.0.1 "$P_PORT" 10 "$PRIMARY_PID"; then
		sed 's/^/# batond: /' "$BATOND_LOG"
		return 1
	fi
	# Unknown sites are answered as up: start from checked verdicts.
	wait_until 10 sites_checked
}
sites_checked() { [ "$(ctl status | grep -c '^site .*: up since')" = 2 ]; }

NSD_SERIAL=1
write_static_zone() { # $1: the address www answers
	local aaaa=
	[ "$1" = "$FRA" ] && aaaa="www 30 IN AAAA $FRA6"
	cat >"$zone.tmp" <<ZONE
\$ORIGIN example.com.
\$TTL 300
@ SOA ns1 hostmaster $NSD_SERIAL 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
www 30 IN A $1
$aaaa
ZONE
	mv "$zone.tmp" "$zone"
}

start_nsd_primary() {
	local dir=$WORKDIR/primary
	mkdir -p "$dir"
	write_static_zone "$FRA"
	{
		nsd_server_section "$dir" "$P_PORT"
		key_section
		echo "zone:"
		echo "    name: example.com"
		echo "    zonefile: $zone"
		echo "    store-ixfr: yes"
		echo "    create-ixfr: yes"
		xfr_zone_lines
	} >"$dir/nsd.conf"
	nsd-checkconf "$dir/nsd.conf" || return 1
	nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
	PRIMARY_PID=$!
	register_pid "$PRIMARY_PID"
	wait_for_dns 127.0.0.1 "$P_PORT" 10 "$PRIMARY_PID"
}

# kill_site / revive_site: fra's check fails (batond), or the next serial without fra (NSD).
kill_site() {
	if [ "$PRIMARY" = batond ]; then
		rm -f "$STATE/$FRA" "$STATE/$FRA6"
	else
		NSD_SERIAL=$((NSD_SERIAL + 1))
		write_static_zone "$IAD"
		kill -HUP "$PRIMARY_PID"
	fi
}
revive_site() {
	if [ "$PRIMARY" = batond ]; then
		touch "$STATE/$FRA" "$STATE/$FRA6"
	else
		NSD_SERIAL=$((NSD_SERIAL + 1))
		write_static_zone "$FRA"
		kill -HUP "$PRIMARY_PID"
	fi
}

# --- the secondaries ---------------------------------------------------------------------------

nsd_server_section() { # DIR PORT
	cat <<EOF
server:
    ip-address: 127.0.0.1@$2
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$1"
    pidfile: "$1/nsd.pid"
    logfile: "$1/nsd.log"
    database: ""
    zonelistfile: "$1/zone.list"
    xfrdfile: "$1/xfrd.state"
    xfrdir: "$1"
    zonefiles-write: 0
    xfrd-reload-timeout: 0
    verbosity: 2
remote-control:
    control-enable: no
EOF
}

# NSD pulls through the proxy on X_PORT (which logs each response and tampers on demand); the
# NOTIFYs come straight from the primary.
start_nsd_secondary() {
	local dir=$WORKDIR/nsd
	mkdir -p "$dir"
	{
		nsd_server_section "$dir" "$N_PORT"
		key_section
		cat <<EOF
zone:
    name: example.com
    zonefile: "$dir/example.com.zone"
    request-xfr: 127.0.0.1@$X_PORT xfrkey
    allow-notify: 127.0.0.1 xfrkey
EOF
	} >"$dir/nsd.conf"
	nsd-checkconf "$dir/nsd.conf" || return 1
	"$LIB_PYTHON" "$TOOL" proxy "$X_PORT" "$P_PORT" "$WORKDIR/tamper" "$WORKDIR/proxy.log" 300 &
	register_pid $!
	wait_until 5 grep -q listening "$WORKDIR/proxy.log" 2>/dev/null || return 1
	nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
	NSD2_PID=$!
	register_pid "$NSD2_PID"
	wait_for_dns 127.0.0.1 "$N_PORT" 10 "$NSD2_PID"
}

start_knot_secondary() {
	local dir=$WORKDIR/knot
	mkdir -p "$dir"
	cat >"$dir/knot.conf" <<EOF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
    listen: 127.0.0.1@$K_PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$dir/knot.sock"
log:
  - target: "$dir/knot.log"
    any: info
database:
    storage: "$dir"
key:
  - id: xfrkey
    algorithm: hmac-sha256
    secret: $secret
remote:
  - id: primary
    address: 127.0.0.1@$P_PORT
    key: xfrkey
acl:
  - id: notify_from_primary
    address: 127.0.0.1
    key: xfrkey
    action: notify
zone:
  - domain: example.com
    storage: "$dir"
    file: example.com.zone
    master: primary
    acl: notify_from_primary
    zonefile-sync: -1
    zonefile-load: none
    journal-content: changes
EOF
	knotc -c "$dir/knot.conf" conf-check >/dev/null || return 1
	knotd -c "$dir/knot.conf" >"$dir/knot.out" 2>&1 &
	KNOT_PID=$!
	register_pid "$KNOT_PID"
	wait_for_dns 127.0.0.1 "$K_PORT" 10 "$KNOT_PID"
}

a_of() { dig @127.0.0.1 -p "$1" +norec +time=1 +tries=1 +short www.example.com A; }
serial_of() { dig @127.0.0.1 -p "$1" +norec +time=1 +tries=1 +short example.com SOA | awk '{ print $3 }'; }
answers() { [ "$(a_of "$1")" = "$2" ]; }
# all_answer ADDRESS: the primary and both secondaries answer www with ADDRESS alone.
all_answer() { answers "$P_PORT" "$1" && answers "$N_PORT" "$1" && answers "$K_PORT" "$1"; }
in_step() { answers "$N_PORT" "$1" && answers "$K_PORT" "$1"; }

case $PRIMARY in
batond) start_batond_primary || tap_bail "batond did not start as a primary" ;;
nsd) start_nsd_primary || tap_bail "the NSD primary did not start" ;;
*) tap_bail "usage: xfr_secondaries.sh [batond|nsd]" ;;
esac
start_nsd_secondary || tap_bail "the NSD secondary did not start: $(cat "$WORKDIR"/nsd/nsd.out "$WORKDIR"/nsd/nsd.log 2>/dev/null)"
start_knot_secondary || tap_bail "the Knot secondary did not start: $(cat "$WORKDIR"/knot/knot.out 2>/dev/null)"

# 1-2: both secondaries serve the zone, the FAILOVER name as its current A.
if wait_until "$STEP_S" all_answer "$FRA"; then
	tap_ok "NSD and Knot serve www as the primary's current A ($FRA)"
else
	tap_fail "NSD and Knot serve www's current A" "primary $(a_of "$P_PORT") nsd $(a_of "$N_PORT") knot $(a_of "$K_PORT")"
fi
p_serial=$(serial_of "$P_PORT")
[ -n "$p_serial" ] && [ "$(serial_of "$N_PORT")" = "$p_serial" ] && [ "$(serial_of "$K_PORT")" = "$p_serial" ] &&
	tap_ok "the secondaries hold the primary's serial $p_serial" ||
	tap_fail "the secondaries hold the primary's serial" "primary $p_serial nsd $(serial_of "$N_PORT") knot $(serial_of "$K_PORT")"

# 3: an AXFR carries plain records: www as its current A and AAAA, no FAILOVER, and (batond)
# exactly what `batonctl static` prints.
axfr=$(dig @127.0.0.1 -p "$P_PORT" +noall +answer -y "hmac-sha256:xfrkey:$secret" example.com AXFR)
if [ "$PRIMARY" = batond ]; then static=$(ctl static example.com); else static=$(cat "$zone"); fi
if out=$(printf '%s\n' "$axfr" | "$LIB_PYTHON" -c '
import sys, dns.zone
def rrs(text):
    z = dns.zone.from_text(text, "example.com.", relativize=False, check_origin=False)
    return sorted(str(r) for n, ttl, rd in z.iterate_rdatas() for r in [(n, ttl, rd.rdtype, rd.to_text())])
axfr, static = rrs(sys.stdin.read()), rrs(sys.argv[1])
print("\n".join(axfr))
sys.exit(0 if axfr == static else 1)' "$static" 2>&1) &&
	printf '%s\n' "$axfr" | grep -Eq "^www\.example\.com\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+$FRA$" &&
	printf '%s\n' "$axfr" | grep -Eq "^www\.example\.com\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+AAAA[[:space:]]+$FRA6$"; then
	tap_ok "the AXFR carries www's current A and AAAA and equals the static zone"
else
	tap_fail "the AXFR equals the static zone" "axfr:
$axfr
static:
$static
$out"
fi

# 4-8: the trials. Each kills fra and times, per secondary, the step until it answers iad
# (polled every 20 ms; a poll asks the primary first, then NSD, then Knot), then revives fra
# and waits until all are back on fra.
t0=0 t_p='' t_n='' t_k=''
now_us() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }
moved() {
	local now
	if [ -z "$t_p" ] && answers "$P_PORT" "$IAD"; then now=$(now_us); t_p=$(((now - t0) / 1000)); fi
	if [ -z "$t_n" ] && answers "$N_PORT" "$IAD"; then now=$(now_us); t_n=$(((now - t0) / 1000)); fi
	if [ -z "$t_k" ] && answers "$K_PORT" "$IAD"; then now=$(now_us); t_k=$(((now - t0) / 1000)); fi
	[ -n "$t_p" ] && [ -n "$t_n" ] && [ -n "$t_k" ]
}
stats() { # min/median/max of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "min %d median %d max %d ms over %d", v[1], v[int((NR + 1) / 2)], v[NR], NR }'
}
p_times=() n_times=() k_times=() failed_trials=
for ((i = 1; i <= TRIALS; i++)); do
	t_p='' t_n='' t_k=''
	t0=$(now_us)
	kill_site
	if wait_until "$STEP_S" moved; then
		p_times+=("$t_p") n_times+=("$t_n") k_times+=("$t_k")
		echo "# trial $i: primary ${t_p} ms, NSD ${t_n} ms, Knot ${t_k} ms"
	else
		failed_trials+=" $i(kill: primary ${t_p:-never} nsd ${t_n:-never} knot ${t_k:-never})"
	fi
	revive_site
	wait_until "$STEP_S" all_answer "$FRA" || failed_trials+=" $i(revival)"
done
[ -z "$failed_trials" ] && tap_ok "$TRIALS trials: each kill and revival reached both secondaries within ${STEP_S}s" ||
	tap_fail "every kill and revival reached both secondaries" "failed:$failed_trials"
p_stats=$(printf '%s\n' "${p_times[@]}" | stats)
n_stats=$(printf '%s\n' "${n_times[@]}" | stats)
k_stats=$(printf '%s\n' "${k_times[@]}" | stats)
[ ${#n_times[@]} -eq "$TRIALS" ] && tap_ok "kill to NSD answering without the site: $n_stats" ||
	tap_fail "kill to NSD answering without the site" "$n_stats"
[ ${#k_times[@]} -eq "$TRIALS" ] && tap_ok "kill to Knot answering without the site: $k_stats" ||
	tap_fail "kill to Knot answering without the site" "$k_stats"
[ ${#p_times[@]} -eq "$TRIALS" ] && tap_ok "kill to the primary itself answering without the site: $p_stats" ||
	tap_fail "kill to the primary answering without the site" "$p_stats"
# Every change has a serial of its own, and both secondaries end on the primary's last one.
last=$(serial_of "$P_PORT")
all_on_last() { [ "$(serial_of "$N_PORT")" = "$last" ] && [ "$(serial_of "$K_PORT")" = "$last" ]; }
if [ -n "$last" ] && [ -n "$p_serial" ] && [ $((last - p_serial)) -ge $((2 * TRIALS)) ] && wait_until "$STEP_S" all_on_last; then
	tap_ok "$((2 * TRIALS)) changes moved the serial from $p_serial to $last, which both secondaries hold"
else
	tap_fail "a serial per change, held by both secondaries" "primary $p_serial -> $last; nsd $(serial_of "$N_PORT") knot $(serial_of "$K_PORT")"
fi

# 9-10: the changes came as IXFR: one AXFR (the first load) and then only incremental ones.
changes=$((2 * TRIALS))
k_ixfr=$(grep -c 'IXFR, incoming, remote .*, finished' "$WORKDIR/knot/knot.log")
k_axfr=$(grep -c 'AXFR, incoming, remote .*, finished' "$WORKDIR/knot/knot.log")
[ "$k_axfr" -eq 1 ] && [ "$k_ixfr" -ge "$changes" ] &&
	tap_ok "Knot's log: $k_ixfr incoming IXFRs for $changes changes, 1 AXFR (the first load)" ||
	tap_fail "Knot's log shows the changes as IXFR" "$k_ixfr IXFR, $k_axfr AXFR for $changes changes:
$(grep -E 'XFR|refresh' "$WORKDIR/knot/knot.log" | tail -n 20)"
n_ixfr=$(grep -c 'response to IXFR: ixfr' "$WORKDIR/proxy.log")
n_axfr=$(grep -c ': axfr serial' "$WORKDIR/proxy.log")
n_upd=$(grep -c 'committed "received update to serial' "$WORKDIR/nsd/nsd.log")
[ "$n_axfr" -eq 1 ] && [ "$n_ixfr" -ge "$changes" ] && [ "$n_upd" -ge $((changes + 1)) ] &&
	tap_ok "NSD received $n_ixfr incremental IXFR responses for $changes changes, 1 whole zone ($n_upd transfers committed in its log)" ||
	tap_fail "NSD received the changes as IXFR" "$n_ixfr ixfr, $n_axfr axfr, $n_upd updates:
$(tail -n 20 "$WORKDIR/proxy.log")"

# 11-14: transfers the primary must refuse, beside one it must serve.
probe() { "$LIB_PYTHON" "$TOOL" probe "$P_PORT" example.com "$@" 2>&1; }
out=$(probe --key "xfrkey:$secret")
[[ $out == "rcode=NOERROR tsig=NOERROR answers="[1-9]* ]] && tap_ok "a signed AXFR from 127.0.0.1 is served ($out)" ||
	tap_fail "a signed AXFR from 127.0.0.1 is served" "$out"
out=$(probe)
[ "$out" = "rcode=REFUSED tsig=none answers=0" ] && tap_ok "an AXFR without the key is refused ($out)" ||
	tap_fail "an AXFR without the key is refused" "$out"
out=$(probe --key "xfrkey:$wrong")
[ "$out" = "rcode=NOTAUTH tsig=BADSIG answers=0" ] && tap_ok "an AXFR signed with a wrong secret is refused ($out)" ||
	tap_fail "an AXFR signed with a wrong secret is refused" "$out"
out=$(probe --key "xfrkey:$secret" --source 127.0.0.2)
[[ $out == "rcode=REFUSED tsig="*" answers=0" ]] && tap_ok "a signed AXFR from 127.0.0.2, not in provide-xfr, is refused ($out)" ||
	tap_fail "an AXFR from an address not in provide-xfr is refused" "$out"

# 15-16: a response whose TSIG MAC the proxy flipped: NSD rejects it and keeps its serial,
# while Knot (pulling directly) takes the change.
old=$(serial_of "$N_PORT")
touch "$WORKDIR/tamper"
kill_site
knot_moved() { answers "$K_PORT" "$IAD"; }
tsig_rejected() { grep -q "xfrd: zone example.com, from 127.0.0.1@$X_PORT: bad tsig signature" "$WORKDIR/nsd/nsd.log"; }
if wait_until "$STEP_S" knot_moved && wait_until "$STEP_S" tsig_rejected; then
	tap_ok "NSD rejects the transfer whose MAC was flipped: $(grep -m1 'bad tsig signature' "$WORKDIR/nsd/nsd.log" | sed 's/.*: xfrd/xfrd/')"
else
	tap_fail "NSD rejects the transfer whose MAC was flipped" "$(grep tampered "$WORKDIR/proxy.log" | tail -n 3)
$(tail -n 10 "$WORKDIR/nsd/nsd.log")"
fi
new=$(serial_of "$K_PORT")
[ -n "$old" ] && [ "$(serial_of "$N_PORT")" = "$old" ] && [ "$new" != "$old" ] && answers "$N_PORT" "$FRA" &&
	grep -q tampered "$WORKDIR/proxy.log" &&
	tap_ok "NSD keeps serial $old and www $FRA after the tampered transfer (Knot has $new)" ||
	tap_fail "NSD keeps the old serial" "nsd $(serial_of "$N_PORT") $(a_of "$N_PORT"), was $old; knot $new"
tap_done
