#!/bin/bash
# policies.sh: every FAILOVER policy and fallback through the real batond, with sites whose
# exec checks follow state files: order, all, weighted (proportions), fallback all, servfail,
# none and a named site, and NODATA for AAAA when the picked site has no IPv6.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

lib_init
tap_plan 12
make_state_check
state=$STATE
zone=$WORKDIR/example.com.zone
cat >"$zone" <<ZONE
$ZONE_APEX
\$CHECK alive exec command="$WORKDIR/alive" interval=200ms timeout=150ms rise=1 fall=1
\$SITE a 192.0.2.1 2001:db8::1 check=alive weight=1
\$SITE b 192.0.2.2 check=alive weight=4
\$SITE spare 192.0.2.9 2001:db8::9
order 30 IN FAILOVER policy=order sites=b,a fallback=all
all 30 IN FAILOVER policy=all sites=a,b
weighted 30 IN FAILOVER policy=weighted sites=a,b
fb-all 30 IN FAILOVER policy=order sites=a,b fallback=all
fb-servfail 30 IN FAILOVER policy=order sites=a,b fallback=servfail
fb-none 30 IN FAILOVER policy=order sites=a,b fallback=none
fb-site 30 IN FAILOVER policy=order sites=a,b fallback=spare
ZONE
touch "$state/192.0.2.1" "$state/2001:db8::1" "$state/192.0.2.2"
start_batond "" "example.com=$zone" || tap_bail "batond did not start"
answers() { ask +short "$1.example.com" "${2:-A}" | sort | tr '\n' ' ' | sed 's/ $//'; }
ab_up() { [ "$(ctl status | grep -cE '^site (a|b) .*: up since')" = "$1" ]; }
# settle UP_COUNT: poll until that many sites (a, b) are up, the others down
settle() {
	wait_until 10 ab_up "$1"
}
is() { # DESC EXPECTED ACTUAL
	[ "$2" = "$3" ] && tap_ok "$1" || tap_fail "$1" "expected '$2', got '$3'"
}

settle 2
is "order: the first usable site" "192.0.2.2" "$(answers order)"
is "order: AAAA of a site without IPv6 is NODATA" "" "$(answers order AAAA)"
ask order.example.com AAAA | grep -q 'ANSWER: 0, AUTHORITY: 1' && tap_ok "the NODATA carries the SOA" || tap_fail "the NODATA carries the SOA" "$(ask order.example.com AAAA)"
is "all: every usable site" "192.0.2.1 192.0.2.2" "$(answers all)"
b=0
for _ in $(seq 1 200); do [ "$(answers weighted)" = 192.0.2.2 ] && b=$((b + 1)); done
# weight 4:1 gives b 160 of 200 on average; 130 is more than 5 sigma below
[ $b -ge 130 ] && [ $b -le 190 ] && tap_ok "weighted: b answered $b of 200 (weights 4:1)" || tap_fail "weighted proportions" "b answered $b of 200"

rm "$state/192.0.2.2"
settle 1
is "order: the next site when the first is down" "192.0.2.1" "$(answers order)"
is "all: the down site is left out" "192.0.2.1" "$(answers all)"

rm "$state/192.0.2.1" "$state/2001:db8::1"
settle 0
is "fallback=all: every site when none is usable" "192.0.2.1 192.0.2.2" "$(answers fb-all)"
ask fb-servfail.example.com A | grep -q 'status: SERVFAIL' && tap_ok "fallback=servfail" || tap_fail "fallback=servfail" "$(ask fb-servfail.example.com A)"
out=$(ask fb-none.example.com A)
printf '%s' "$out" | grep -q 'status: NOERROR' && printf '%s' "$out" | grep -q 'ANSWER: 0' && tap_ok "fallback=none: NODATA" || tap_fail "fallback=none" "$out"
is "fallback=SITE: that site's A" "192.0.2.9" "$(answers fb-site)"
is "fallback=SITE: and its AAAA" "2001:db8::9" "$(answers fb-site AAAA)"
tap_done
