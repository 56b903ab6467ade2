#!/bin/bash
# mmdb.sh: tools/mmdb-from-csv builds a City-shaped MaxMind DB that libmaxminddb (mmdblookup) reads.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

MMDB_FROM_CSV=$top_srcdir/tools/mmdb-from-csv
command -v mmdblookup >/dev/null || tap_bail "mmdblookup not installed: run tools/install-deps (mmdb-bin)"
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null ||
	tap_bail "MaxMind::DB::Writer::Tree not installed: run tools/install-deps (libmaxmind-db-writer-perl)"

lib_init
tap_plan 12

# The /25 comes first in the file: the tool, not the file order, must make it win over the /24.
csv=$WORKDIR/geo.csv
db=$WORKDIR/geo.mmdb
cat >"$csv" <<'CSV'
network,continent,country,latitude,longitude
# documentation ranges, which the writer drops unless told not to
203.0.113.128/25,AS,JP,35.68,139.69
203.0.113.0/24,AS,SG,1.35,103.99

192.0.2.0/24,NA,US,37.75,-97.82
2001:db8:1::/48,EU,DE,50.11,8.68
CSV
out=$("$MMDB_FROM_CSV" "$csv" "$db" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -s "$db" ] && [ ! -e "$db.tmp" ] && tap_ok "good CSV builds the database" ||
	tap_fail "good CSV builds the database" "rc=$rc $out"

# lookup IP PATH...: print the one value mmdblookup finds at PATH, or its whole output if none.
lookup() {
	local ip=$1 out
	shift
	out=$(mmdblookup --file "$db" --ip "$ip" "$@" 2>&1)
	printf '%s\n' "$out" | sed -nE 's/^ *"?([^"<]*[^" <])"? <(utf8_string|double)>$/\1/p' | grep . ||
		printf '%s\n' "$out"
}

# expect_value DESC WANT IP PATH...: one TAP point: the value at PATH for IP is WANT.
expect_value() {
	local desc=$1 want=$2 got
	shift 2
	got=$(lookup "$@")
	[ "$got" = "$want" ] && tap_ok "$desc" || tap_fail "$desc" "want $want, got: $got"
}

expect_value "IPv4 address: country" SG 203.0.113.5 country iso_code
expect_value "IPv4 address: latitude (double)" 1.350000 203.0.113.5 location latitude
expect_value "IPv4 documentation range is kept" US 192.0.2.77 country iso_code
expect_value "IPv6 address: country" DE 2001:db8:1::5 country iso_code
expect_value "IPv6 address: longitude (double)" 8.680000 2001:db8:1:ffff::1 location longitude
expect_value "IPv4-mapped address reaches the IPv4 record" SG ::ffff:203.0.113.5 country iso_code
expect_value "overlap: the /24 outside the /25 stays SG" SG 203.0.113.127 country iso_code
expect_value "overlap: the more specific /25 wins" JP 203.0.113.200 country iso_code
expect_value "overlap through IPv4-mapped: the /25 wins" JP ::ffff:203.0.113.129 country iso_code

out=$(mmdblookup --file "$db" --ip 198.51.100.1 country iso_code 2>&1)
printf '%s' "$out" | grep -q "Could not find an entry for this IP address" &&
	tap_ok "address in no network is not found" || tap_fail "address in no network is not found" "$out"

bad=$WORKDIR/bad.csv
baddb=$WORKDIR/bad.mmdb
cat >"$bad" <<'CSV'
# one good line, then a bad network, bad coordinates and a missing field
203.0.113.0/24,AS,SG,1.35,103.99
203.0.113.0/33,AS,SG,1.35,103.99
198.51.100.0/24,NA,US,95,-97.82
2001:db8:2::/48,EU,DE,50.11
CSV
out=$("$MMDB_FROM_CSV" "$bad" "$baddb" 2>&1); rc=$?
if [ $rc -eq 1 ] && [ ! -e "$baddb" ] && [ ! -e "$baddb.tmp" ] &&
	printf '%s\n' "$out" | grep -q "bad.csv:3: bad network" &&
	printf '%s\n' "$out" | grep -q "bad.csv:4: bad latitude" &&
	printf '%s\n' "$out" | grep -q "bad.csv:5: expected 5 fields"; then
	tap_ok "bad CSV: file:line for each error, exit 1, nothing written"
else
	tap_fail "bad CSV: file:line for each error, exit 1, nothing written" "rc=$rc $(ls "$WORKDIR") $out"
fi
tap_done
