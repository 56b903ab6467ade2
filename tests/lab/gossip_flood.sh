#!/bin/bash
# Lab drill: a member flooding gossip with junk at line rate. Three probers in three
# regions and two batond that only listen, as in gossip_failover.sh. From p-ap's namespace (a
# member's address, another port) tests/lab/gossip_flood.py sends junk at b1's and p-eu's
# gossip ports as fast as one core can for 5 s (at most 3,000,000 datagrams): random bytes,
# oversized, truncated, and well-formed but unsigned (trusted key ids with random signatures,
# and unknown key ids). fra dies once the flood is counted at both targets: both batond must still answer iad within
# fall x interval + one round (+250 ms, as gossip_failover.sh), no member may go silent
# anywhere, b1 must keep answering DNS, and the junk must be counted by kind at both targets.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/gossip_lib.sh"
glab_init
tap_plan 9

glab_five

all_live() { ! glab_status "$1" | grep -q '^  member .*: not live'; }
silences() { cat "$WORKDIR"/*.log | grep -c ': not live, silent'; }

if wait_until 10 glab_quorum_up b1 && wait_until 5 glab_quorum_up b2 && glab_all_answer "$GLAB_FRA" b1 b2; then
	tap_ok "both batond hear the three probers: fra up by quorum, www answers fra"
else
	tap_fail "both batond hear the three probers" "$(glab_show_logs)"
fi
kinds="malformed oversized unknown_key bad_signature"
declare -A before pbefore
for k in $kinds; do
	before[$k]=$(glab_dropped b1 "$k")
	pbefore[$k]=$(glab_probe_dropped p-eu "$k")
done
silent_before=$(silences)
trans_before=$(glab_transitions b1)

# not through glab_in: $! must be the flooder (ip netns exec execs it)
ip netns exec "$(glab_ns p-ap)" "$LIB_PYTHON" "$top_srcdir/tests/lab/gossip_flood.py" \
	--to "${GLAB_ADDR[b1]}:$GLAB_PORT" --to "${GLAB_ADDR[p-eu]}:$GLAB_PORT" \
	--key-id-from "$WORKDIR/p-us.pub" --key-id-from "$WORKDIR/p-ap.pub" \
	--seconds 5 --count 3000000 >"$WORKDIR/flood.out" 2>&1 &
flooder=$!
register_pid "$flooder"
flood_start=$(date +%s%N)
# b1 answers DNS throughout: a sampler asks it every 100 ms, and checks everyone's liveness, from
# the flood's first moment to its end (fra's death lands in the middle: fra's or iad's address
# are both answers; none is not)
sample_flood() {
	local a
	while ! pid_gone "$flooder"; do
		a=$(glab_answer b1)
		echo "${a:-none}" >>"$WORKDIR/samples"
		all_live b1 && all_live b2 ||
			echo "not all live at $(glab_ms_since "$flood_start") ms" >>"$WORKDIR/liveness"
		observe 0.1 "the sampler's pace"
	done
}
: >"$WORKDIR/samples"
sample_flood &
sampler=$!
register_pid "$sampler"
# flooding: every kind of junk is counted at both targets by now (b1's /metrics, p-eu's status
# file, rewritten once a round)
flooding() {
	local k
	for k in $kinds; do
		[ "$(glab_dropped b1 "$k")" -gt "${before[$k]}" ] &&
			[ "$(glab_probe_dropped p-eu "$k")" -gt "${pbefore[$k]}" ] || return 1
	done
}
WAIT_PID=$flooder wait_until 3 flooding ||
	echo "# the junk did not show in both targets' drop counters within 3 s: $(cat "$WORKDIR/flood.out")"
echo "# the flood counted at both targets after $(glab_ms_since "$flood_start") ms: fra dies now"
budget_ms=$((${GLAB_INTERVAL%ms} * GLAB_FALL + ${GLAB_ROUND%ms}))
start=$(date +%s%N)
glab_kill_site fra
if glab_converge "$start" 10 "$GLAB_IAD" b1 b2 && [ "$GLAB_SLOWEST" -le $((budget_ms + 250)) ]; then
	tap_ok "fra dies mid-flood: both batond answer iad ($GLAB_TIMES; fall x interval + one round = ${budget_ms}ms)"
else
	tap_fail "fra dies mid-flood: both batond answer iad within ${budget_ms}ms (+250)" "got: $GLAB_TIMES
$(glab_show_logs)"
fi
wait "$flooder"
forget_pid "$flooder"
wait "$sampler"
forget_pid "$sampler"
echo "# $(cat "$WORKDIR/flood.out")"
asked=$(wc -l <"$WORKDIR/samples")
answered=$(grep -cxE "$GLAB_FRA|$GLAB_IAD" "$WORKDIR/samples")
if [ "$asked" -gt 5 ] && [ "$answered" = "$asked" ]; then
	tap_ok "b1 answers DNS throughout the flood ($answered of $asked asked every 100 ms)"
else
	tap_fail "b1 answers DNS throughout the flood" "$answered of $asked answered: $(sort "$WORKDIR/samples" | uniq -c)"
fi
if [ ! -s "$WORKDIR/liveness" ] && [ "$(silences)" = "$silent_before" ]; then
	tap_ok "no member went silent anywhere during the flood (both batond see all five live)"
else
	tap_fail "no member went silent" "$(cat "$WORKDIR/liveness" 2>/dev/null; grep -h 'not live' "$WORKDIR"/*.log)"
fi
grew=yes
report=
for k in $kinds; do
	a=$(glab_dropped b1 "$k")
	p=$(glab_probe_dropped p-eu "$k")
	report="$report $k b1 +$((a - before[$k])) p-eu +$((p - pbefore[$k]));"
	[ "$a" -gt "${before[$k]}" ] && [ "$p" -gt "${pbefore[$k]}" ] || grew=no
done
if [ $grew = yes ]; then
	tap_ok "the junk is counted by kind at b1 (/metrics) and p-eu (status):$report"
else
	tap_fail "the junk is counted by kind" "$report"
fi
st=$(glab_status b1)
if printf '%s\n' "$st" | grep -Eq '^  quorum: down; quorum: 3 of 3 live probers down, 3 regions' &&
	[ "$(glab_transitions b1)" = $((trans_before + 1)) ]; then
	tap_ok "after the flood b1 counts all three probers' votes and made one transition (fra down)"
else
	tap_fail "after the flood b1 counts all three votes, one transition" "$st"
fi
# baton-probe's own HTTP listener (http-listen in probe.conf): p-eu's view, scraped
metrics=$(glab_metrics p-eu)
missing=
for want in '^baton_site_verdict\{zone="example.com.",site="fra",verdict="down"\} 1$' \
	'^baton_site_verdict_since_seconds\{zone="example.com.",site="iad"\} [1-9]' \
	'^baton_check_duration_seconds_bucket\{zone="example.com.",site="fra",check="web",kind="tcp",le="\+Inf"\} [1-9]' \
	'^baton_check_duration_seconds_count\{zone="example.com.",site="iad",check="web",kind="tcp"\} [1-9]' \
	'^baton_gossip_(sent|sent_bytes|received|accepted|relayed)_total [1-9]' \
	'^baton_gossip_dropped_total\{reason="bad_signature"\} [1-9]' \
	'^baton_gossip_member_live\{member="b1",region="eu",role="server"\} 1$' \
	'^baton_gossip_members_live 5$' \
	'^baton_gossip_quorum_verdict\{zone="example.com.",site="fra",verdict="down"\} 1$' \
	'^baton_gossip_quorum_votes\{zone="example.com.",site="fra",vote="down"\} 3$' \
	'^baton_gossip_quorum_(live|needed|held)\{zone="example.com.",site="iad"\} [0-9]' \
	'^baton_start_time_seconds [1-9]'; do
	printf '%s\n' "$metrics" | grep -Eq "$want" || missing="$missing
$want"
done
split=$(printf '%s\n' "$metrics" | glab_families_ok)
# the status file is rewritten once a round: give it a few rounds to show the same count
same_count() { [ "$(glab_dropped p-eu bad_signature)" = "$(glab_probe_dropped p-eu bad_signature)" ]; }
same=0
wait_until 2 same_count && same=1
if [ -z "$missing" ] && [ -z "$split" ] && [ $same -eq 1 ]; then
	tap_ok "p-eu's /metrics: its checks' verdicts and latencies, the gossip families and the quorum, each family one group (bad_signature $(glab_dropped p-eu bad_signature), as its status file)"
else
	tap_fail "p-eu's /metrics" "missing:$missing
$split"
fi
url=http://${GLAB_ADDR[p-eu]}:8053
json_ok() {
	glab_in p-eu curl -sS --max-time 2 "$url/status.json" | "$LIB_PYTHON" -c '
import json, sys
s = json.load(sys.stdin)
fra = [x for x in s["sites"] if x["site"] == "fra"][0]
assert s["name"] == "p-eu" and s["region"] == "eu" and s["role"] == "probe", s["name"]
assert len(s["members"]) == 5 and all(m["live"] for m in s["members"]), s["members"]
assert s["drops"]["malformed"] > 0 and s["traffic"]["accepted"] > 0, s["drops"]
assert fra["verdict"] == "down" and fra["local_verdict"] == "down" and fra["down"] == 3, fra
assert sorted(v["member"] for v in fra["votes"]) == ["p-ap", "p-eu", "p-us"], fra["votes"]
'
}
code() { glab_in p-eu curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@"; }
if json_ok && [ "$(code "$url/nothing")" = 404 ] && [ "$(code -X POST "$url/metrics")" = 405 ]; then
	tap_ok "p-eu's /status.json: members, drops, traffic, each site's quorum, local verdict and votes; 404 and 405"
else
	tap_fail "p-eu's /status.json, 404, 405" "$(glab_in p-eu curl -sS --max-time 2 "$url/status.json"; code "$url/nothing"; code -X POST "$url/metrics")"
fi

start=$(date +%s%N)
glab_site_up fra
if glab_converge "$start" 10 "$GLAB_FRA" b1 b2; then
	tap_ok "fra comes back after the flood: both batond answer fra again ($GLAB_TIMES)"
else
	tap_fail "fra comes back" "$(glab_show_logs)"
fi
tap_done
