#!/bin/bash
# Lab (issue 6, scenarios 1 and 4): three probers in three regions (eu, us, ap) and two batond
# that only listen (eu, us), on one switch. Site fra dies: both batond move www to iad within
# fall x interval plus one gossip round (measured and printed). Then a forged datagram (a key no
# one trusts), a replayed one and a tampered one, each claiming fra is up, are injected at a
# batond: each is counted by kind and none changes a vote or the verdict. fra comes back.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/gossip_lib.sh"
glab_init
tap_plan 7
INJECT="$LIB_PYTHON $top_srcdir/tests/integration/gossip_inject.py"

glab_five

if wait_until 10 glab_quorum_up b1 && wait_until 5 glab_quorum_up b2 && glab_all_answer "$GLAB_FRA" b1 b2; then
	tap_ok "both batond hear the three probers: fra up by quorum, www answers fra"
else
	tap_fail "both batond hear the three probers" "$(glab_show_logs)"
fi

# scenario 1: fra dies
budget_ms=$((${GLAB_INTERVAL%ms} * GLAB_FALL + ${GLAB_ROUND%ms}))
start=$(date +%s%N)
glab_kill_site fra
# a probe runs at a random phase of its interval; the pollers (ip netns exec, dig) and two
# cores shared with ASan builds get 250 ms of slack
if glab_converge "$start" 10 "$GLAB_IAD" b1 b2 && [ "$GLAB_SLOWEST" -le $((budget_ms + 250)) ]; then
	tap_ok "fra dies: both batond answer iad ($GLAB_TIMES; fall x interval + one round = ${budget_ms}ms)"
else
	tap_fail "fra dies: both batond answer iad within ${budget_ms}ms (+250)" "got: $GLAB_TIMES
$(glab_show_logs)"
fi
st=$(glab_status b1)
if printf '%s\n' "$st" | grep -Eq '^  quorum: down; quorum: [23] of 3 live probers down, [23] regions' &&
	printf '%s\n' "$st" | grep -Eq '^  vote p-us \(region us, live\): down since [0-9T:.-]+Z, signed' &&
	printf '%s\n' "$st" | grep -Eq '^site fra \(zone example.com.\): down since .*; quorum: '; then
	tap_ok "b1's status shows the verdict with each prober's vote, region and times"
else
	tap_fail "b1's status shows the votes" "$st"
fi

# scenario 4: bad datagrams at b1, each claiming fra is up, from a namespace of no member
wait_until 3 sh -c "grep -q 'vote example.com/fra p-us .*verdict down' '$WORKDIR/p-us.status'"
to=${GLAB_ADDR[b1]}:$GLAB_PORT
glab_in site $INJECT --to "$to" --stranger
glab_in site $INJECT --to "$to" --key "$WORKDIR/p-us.key" --seq 1
glab_in site $INJECT --to "$to" --key "$WORKDIR/p-us.key" --tamper
drops() {
	glab_status b1 | grep '^gossip drops:' | grep -q "unknown_key [1-9]" &&
		glab_status b1 | grep '^gossip drops:' | grep -q "replay [1-9]" &&
		glab_status b1 | grep '^gossip drops:' | grep -q "bad_signature [1-9]"
}
if wait_until 5 drops; then
	tap_ok "forged, replayed and tampered datagrams are each counted by kind"
else
	tap_fail "forged, replayed and tampered datagrams are counted" "$(glab_status b1 | grep '^gossip')"
fi
metrics=$(glab_in b1 curl -sS --max-time 2 "http://${GLAB_ADDR[b1]}:8053/metrics")
if printf '%s\n' "$metrics" | grep -Eq '^baton_gossip_dropped_total\{reason="unknown_key"\} [1-9]' &&
	printf '%s\n' "$metrics" | grep -Eq '^baton_gossip_dropped_total\{reason="bad_signature"\} [1-9]' &&
	printf '%s\n' "$metrics" | grep -Eq '^baton_gossip_dropped_total\{reason="replay"\} [1-9]'; then
	tap_ok "/metrics counts them under baton_gossip_dropped_total by reason"
else
	tap_fail "/metrics counts the drops" "$(printf '%s\n' "$metrics" | grep gossip_dropped)"
fi
observe 0.6 "three rounds, for a forgery that got through to have shown"
st=$(glab_status b1)
fra_votes=$(printf '%s\n' "$st" | awk '/^site / { fra = /^site fra / } fra && /^  vote /')
if printf '%s\n' "$st" | grep -q '^site fra (zone example.com.): down since' &&
	[ "$(printf '%s\n' "$fra_votes" | grep -c ': down since')" = 3 ] &&
	glab_all_answer "$GLAB_IAD" b1 b2; then
	tap_ok "none of them changed a vote or a verdict: fra stays down, www answers iad"
else
	tap_fail "none of them changed a vote or a verdict" "$st"
fi

start=$(date +%s%N)
glab_site_up fra
if glab_converge "$start" 10 "$GLAB_FRA" b1 b2; then
	tap_ok "fra comes back: both batond answer fra again ($GLAB_TIMES; rise 2)"
else
	tap_fail "fra comes back" "$(glab_show_logs)"
fi
tap_done
