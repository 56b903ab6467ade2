#!/bin/bash
# checkzone_count.sh: baton-checkzone counts errors in English and names the second SOA's line.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 4
zone=$WORKDIR/two.zone
cat >"$zone" <<'ZONE'
$ORIGIN two.test.
@ 300 SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 NS ns1
ns1 300 A 192.0.2.1
@ 300 SOA ns1 hostmaster 2 7200 3600 1209600 300
ZONE
out=$("$CHECKZONE" "$zone" two.test 2>&1); rc=$?
printf '%s\n' "$out" | grep -qx "$zone:5: zone two.test. has 2 SOA records at its apex: keep exactly one" &&
	tap_ok "two SOAs: the second one's line" || tap_fail "two SOAs: the second one's line" "rc=$rc $out"
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -qx "zone two.test: 1 error" &&
	tap_ok "one error is '1 error'" || tap_fail "one error is '1 error'" "rc=$rc $out"

printf 'www 300 A 192.0.2.300\n' >>"$zone"
out=$("$CHECKZONE" "$zone" two.test 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -qx "zone two.test: 2 errors" &&
	tap_ok "two errors are '2 errors'" || tap_fail "two errors are '2 errors'" "rc=$rc $out"
sed -i '5d;$d' "$zone"
out=$("$CHECKZONE" "$zone" two.test 2>&1); rc=$?
[ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q "error" &&
	tap_ok "the fixed zone has no error line" || tap_fail "the fixed zone has no error line" "rc=$rc $out"
tap_done
