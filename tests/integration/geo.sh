#!/bin/bash
# geo.sh: policy=geo through the real batond and dig. A MaxMind DB written by MaxMind's writer
# (tools/mmdb-from-csv) places clients given by `dig +subnet` (IPv4, IPv6, IPv4-mapped) and by
# their source address (dig -b, in a network namespace of this test's own); each answer's ECS
# scope is checked; a site going down moves its clients to the next nearest; $GEO-NET and
# $GEO-MAP beat distance; malformed ECS is FORMERR while the server keeps answering; `ecs: no`
# ignores the option; a database that breaks on reload keeps the one serving; and without a
# database a geo zone stops batond at start.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 29
make_state_check
state=$WORKDIR/state
db=$WORKDIR/geo.mmdb
"$top_srcdir/tools/mmdb-from-csv" "$top_srcdir/tests/data/geo-test.csv" "$db" ||
	tap_bail "tools/mmdb-from-csv failed"

zone=$WORKDIR/example.com.zone
over=$WORKDIR/over.example.zone
sites="\$CHECK alive exec command=\"$WORKDIR/alive\" interval=200ms timeout=150ms rise=1 fall=1
\$SITE fra 192.0.2.10 2001:db8::10 check=alive geo=50.11,8.68
\$SITE iad 198.51.100.10 check=alive geo=38.95,-77.45
\$SITE sin 203.0.113.10 check=alive geo=1.35,103.99"
cat >"$zone" <<ZONE
$ZONE_APEX
$sites
www 30 IN FAILOVER policy=geo sites=fra,iad,sin
static A 192.0.2.80
ZONE
cat >"$over" <<ZONE
\$ORIGIN over.example.
\$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
$sites
\$GEO-NET 192.0.2.128/25 sin
\$GEO-MAP NA fra
\$GEO-MAP AS/JP iad
www 30 IN FAILOVER policy=geo sites=fra,iad,sin
ZONE
touch "$state/192.0.2.10" "$state/2001:db8::10" "$state/198.51.100.10" "$state/203.0.113.10"

start_batond "geoip-database: $db" "example.com=$zone" "over.example=$over" ||
	tap_bail "batond did not start"

# geo DESC NAME SUBNET ANSWER SCOPE: one point: `dig +subnet=SUBNET NAME` answers ANSWER and
# echoes SUBNET with scope SCOPE.
geo() {
	local desc=$1 name=$2 subnet=$3 answer=$4 scope=$5 type=A out
	case $answer in *:*) type=AAAA ;; esac
	out=$(ask "+subnet=$subnet" "$name" "$type" 2>&1)
	if printf '%s\n' "$out" | grep -Eq "^$name\.[[:space:]].*IN[[:space:]]+$type[[:space:]]+$answer\$" &&
		printf '%s\n' "$out" | grep -q "CLIENT-SUBNET: $subnet/$scope\$"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "expected $answer with CLIENT-SUBNET $subnet/$scope in:
$out"
	fi
}

# settle SITE STATE: wait until batonctl status shows SITE as STATE (up or down) in both zones.
settled() {
	[ "$(ctl status | grep -cE "^site $1 \(zone [^)]*\): $2 since")" = 2 ]
}
settle() {
	wait_until 10 settled "$1" "$2"
}

# --- ECS clients and their scopes ---
geo "Frankfurt /24 gets fra, scope 24" www.example.com 192.0.2.0/24 192.0.2.10 24
geo "Tokyo /24 gets sin, scope 24" www.example.com 203.0.113.0/24 203.0.113.10 24
geo "Washington's /24 holds Paris's /25: iad, scope 25" www.example.com 198.51.100.0/24 198.51.100.10 25
geo "Paris /25 gets fra" www.example.com 198.51.100.128/25 192.0.2.10 25
geo "a /32 client is scoped to its database network" www.example.com 203.0.113.9/32 203.0.113.10 24
geo "IPv6 Sao Paulo gets iad, scope 48" www.example.com 2001:db8:3::/48 198.51.100.10 48
geo "IPv6 London gets fra's IPv6 address" www.example.com 2001:db8:2::/48 2001:db8::10 48
geo "IPv4-mapped Frankfurt gets fra, scope 120" www.example.com ::ffff:192.0.2.0/120 192.0.2.10 120
geo "static data is scope 0" static.example.com 203.0.113.0/24 192.0.2.80 0
# the database has nothing in 0.0.0.0/1 (loopback included), so the list order holds for all of it
geo "a client no database network holds gets the list order" www.example.com 127.9.0.0/16 192.0.2.10 1
expect "source prefix 0: the resolver decides, scope 0" 'CLIENT-SUBNET: 0.0.0.0/0/0' \
	+subnet=0.0.0.0/0 www.example.com A

# --- overrides ---
geo "\$GEO-MAP NA fra beats iad's distance" www.over.example 198.51.100.0/24 192.0.2.10 25
geo "\$GEO-MAP AS/JP iad beats sin's distance" www.over.example 203.0.113.0/24 198.51.100.10 24
geo "\$GEO-NET 192.0.2.128/25 sin beats fra's distance" www.over.example 192.0.2.130/32 203.0.113.10 25
geo "outside the \$GEO-NET, distance again" www.over.example 192.0.2.0/24 192.0.2.10 25

# --- a site going down ---
rm "$state/203.0.113.10"
settle sin down
geo "sin down: Tokyo moves to the next nearest, fra" www.example.com 203.0.113.0/24 192.0.2.10 24
geo "sin down: the \$GEO-NET's clients go by distance" www.over.example 192.0.2.130/32 192.0.2.10 25
touch "$state/203.0.113.10"
settle sin up
geo "sin back: Tokyo returns" www.example.com 203.0.113.0/24 203.0.113.10 24

# --- malformed ECS ---
check "malformed ECS is FORMERR with our OPT and no echo; the server goes on" \
	/usr/bin/python3 "$top_srcdir/tests/integration/dnsraw.py" badecs 127.0.0.1 "$BATOND_PORT" www.example.com
geo "still answering after malformed options" www.example.com 192.0.2.0/24 192.0.2.10 24

# --- database reloads: a broken file keeps the one serving, a new one replaces it ---
cp "$db" "$db.good"
printf 'not a MaxMind DB' >"$db"
ctl reload >/dev/null 2>&1
geo "a broken database on reload: the old one still answers" www.example.com 203.0.113.0/24 203.0.113.10 24
check "the broken database is logged with its file" grep -q "geoip $db: .*cannot open the MaxMind DB" "$BATOND_LOG"
geo_status() { ctl status | grep -q "^geoip $db: 7 networks, 7 locations, loaded .*; 1 reloads could not open it"; }
check "batonctl status shows the database serving and the failed reload" geo_status
printf 'network,continent,country,latitude,longitude\n203.0.113.0/24,NA,US,38.90,-77.03\n' >"$WORKDIR/moved.csv"
"$top_srcdir/tools/mmdb-from-csv" "$WORKDIR/moved.csv" "$db" || tap_bail "mmdb-from-csv failed"
ctl reload >/dev/null 2>&1
geo "a new database on reload moves Tokyo's /24 to iad" www.example.com 203.0.113.0/24 198.51.100.10 24
cp "$db.good" "$db"
ctl reload >/dev/null 2>&1

# --- the source address, from inside a namespace of this test's own ---
ns=baton-geo-$$
if lab_netns_add "$ns" 2>/dev/null; then
	ip -n "$ns" addr add 203.0.113.7/32 dev lo
	ip -n "$ns" addr add 2001:db8:3::7/128 dev lo nodad
	sed -e "s|$BATOND_SOCK|$WORKDIR/ns.sock|" -e '/ip-address: ::1/d' \
		-e "s|^\( *\)ip-address: 127.0.0.1@.*|&\n\1ip-address: ::1@$BATOND_PORT|" \
		"$BATOND_CONF" >"$WORKDIR/ns.conf"
	run_batond "$WORKDIR/ns.conf" "$WORKDIR/ns.log" ip netns exec "$ns"
	# nsdig SERVER ARGS...: dig inside the namespace
	nsdig() {
		local server=$1
		shift
		ip netns exec "$ns" dig "@$server" -p "$BATOND_PORT" +norec +time=1 +tries=1 "$@"
	}
	ns_answers() { [ -n "$(nsdig 127.0.0.1 +short static.example.com 2>/dev/null)" ]; }
	wait_until 5 ns_answers
	out=$(nsdig 127.0.0.1 -b 203.0.113.7 +short www.example.com A 2>&1)
	[ "$out" = 203.0.113.10 ] && tap_ok "source 203.0.113.7 without ECS gets sin" ||
		tap_fail "source 203.0.113.7 without ECS gets sin" "$out"
	out=$(nsdig ::1 -b 2001:db8:3::7 +short www.example.com A 2>&1)
	[ "$out" = 198.51.100.10 ] && tap_ok "IPv6 source 2001:db8:3::7 gets iad" ||
		tap_fail "IPv6 source 2001:db8:3::7 gets iad" "$out"
	out=$(nsdig 127.0.0.1 -b 203.0.113.7 www.example.com A 2>&1)
	printf '%s\n' "$out" | grep -q CLIENT-SUBNET && tap_fail "no ECS in, no ECS out" "$out" ||
		tap_ok "no ECS in, no ECS out"
else
	tap_fail "source address in a namespace" "ip netns add failed: this test needs root"
	tap_fail "IPv6 source address" "no namespace"
	tap_fail "no ECS in, no ECS out" "no namespace"
fi

# --- ecs: no, and a geo zone without a database ---
conf=$WORKDIR/noecs.conf
port=$(free_port)
sed -e "s|@$BATOND_PORT|@$port|" -e "s|$BATOND_SOCK|$WORKDIR/noecs.sock|" -e '/ip-address: ::1/d' \
	"$BATOND_CONF" >"$conf"
sed -i 's|^server:|server:\n    ecs: no|' "$conf"
run_batond "$conf" "$WORKDIR/noecs.log"
wait_for_dns 127.0.0.1 "$port" 10 "$BATOND_RUN_PID" || tap_bail "batond with ecs: no did not start"
out=$(dig @127.0.0.1 -p "$port" +norec +time=2 +tries=1 +subnet=203.0.113.0/24 www.example.com A 2>&1)
printf '%s\n' "$out" | grep -q "CLIENT-SUBNET" && tap_fail "ecs: no neither uses nor echoes the option" "$out" ||
	{ printf '%s\n' "$out" | grep -Eq "IN[[:space:]]+A[[:space:]]+192.0.2.10$" &&
		tap_ok "ecs: no neither uses nor echoes the option" ||
		tap_fail "ecs: no neither uses nor echoes the option" "$out"; }
sed -e '/geoip-database/d' -e "s|@$BATOND_PORT|@$(free_port)|" -e "s|$BATOND_SOCK|$WORKDIR/nodb.sock|" \
	-e '/ip-address: ::1/d' "$BATOND_CONF" >"$WORKDIR/nodb.conf"
out=$(timeout 10 "$BATOND" -c "$WORKDIR/nodb.conf" -f 2>&1)
rc=$?
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "$zone:10: policy=geo needs a MaxMind DB: set geoip-database: in" &&
	tap_ok "a geo zone without a database stops batond at start, naming file and line" ||
	tap_fail "a geo zone without a database stops batond at start, naming file and line" "rc=$rc $out"
tap_done
