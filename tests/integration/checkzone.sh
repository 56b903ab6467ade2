#!/bin/bash
# checkzone.sh: baton-checkzone reports what batond would, without a server.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 8
out=$("$CHECKZONE" "$top_srcdir/zones/example.com.zone" example.com 2>&1); rc=$?
[ $rc -eq 0 ] && tap_ok "clean zone exits 0" || tap_fail "clean zone exits 0" "$out"
out=$("$CHECKZONE" "$top_srcdir/zones/difftest.zone" diff.test 2>&1); rc=$?
[ $rc -eq 0 ] && tap_ok "the differential zone is clean" || tap_fail "the differential zone is clean" "$out"

bad=$WORKDIR/bad.zone
cat >"$bad" <<'ZONE'
$ORIGIN bad.test.
@ 300 SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 NS ns1
www 300 A 192.0.2.1
www 300 CNAME elsewhere.example.
out.of.zone. 300 A 192.0.2.2
ZONE
out=$("$CHECKZONE" "$bad" bad.test 2>&1); rc=$?
[ $rc -eq 1 ] && tap_ok "bad zone exits 1" || tap_fail "bad zone exits 1" "rc=$rc $out"
printf '%s' "$out" | grep -q "bad.zone:5: .*CNAME and other data" && tap_ok "CNAME beside data: file and line" || tap_fail "CNAME beside data: file and line" "$out"
printf '%s' "$out" | grep -q "bad.zone:6: .*outside the zone" && tap_ok "out-of-zone data: file and line" || tap_fail "out-of-zone data: file and line" "$out"
printf '%s' "$out" | grep -q "bad.zone:3: .*ns1.bad.test. is inside the zone but has no A or AAAA" && tap_ok "missing glue: file and line" || tap_fail "missing glue: file and line" "$out"

stanzas=$WORKDIR/stanzas.zone
cat >"$stanzas" <<'ZONE'
$ORIGIN fo.test.
@ 300 SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 NS ns1
ns1 300 A 192.0.2.53
$SITE fra 192.0.2.10
www 30 IN FAILOVER policy=order sites=fra,nowhere
ZONE
out=$("$CHECKZONE" "$stanzas" fo.test 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "stanzas.zone:6: FAILOVER names site 'nowhere'" &&
	tap_ok "a FAILOVER naming an unknown site: file and line" || tap_fail "FAILOVER unknown site" "rc=$rc $out"
sed -i 's/,nowhere//' "$stanzas"
out=$("$CHECKZONE" --static "$stanzas" fo.test 2>&1); rc=$?
[ $rc -eq 0 ] && printf '%s' "$out" | grep -qE '^www\.fo\.test\.[[:space:]]+15[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.10' &&
	tap_ok "--static resolves the FAILOVER to A records" || tap_fail "--static" "rc=$rc $out"
tap_done
