#!/bin/bash
# Lab (issue 6, scenario 5): three probers in three regions and two batond, with 30% of the
# gossip datagrams between regions dropped at random by the switch (nftables numgen) and every
# datagram between regions delayed by 100 ms (a delaying UDP relay in each member's namespace:
# this kernel has no netem). The verdicts still converge: fra dies and both batond move, fra
# comes back and both return, each time measured; iad, which never fails, never changes verdict.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/gossip_lib.sh"
glab_init
tap_plan 5
GLAB_DELAY_MS=100
GLAB_DEAD_AFTER=2s

glab_member p-eu eu probe 1
glab_member p-us us probe 2
glab_member p-ap ap probe 3
glab_member b1 eu server 11
glab_member b2 us server 12
glab_loss 30
glab_start

quorum_up() { glab_status "$1" | grep -q '^  quorum: up; quorum: 0 of 3 live probers down'; }
if wait_until 15 quorum_up b1 && wait_until 5 quorum_up b2 && glab_all_answer "$GLAB_FRA" b1 b2; then
	tap_ok "through 30% loss and 100 ms delay both batond hear the probers: fra up by quorum"
else
	tap_fail "both batond hear the probers through loss and delay" "$(glab_show_logs)"
fi

start=$(date +%s%N)
glab_kill_site fra
if glab_converge "$start" 15 "$GLAB_IAD" b1 b2; then
	tap_ok "fra dies: both batond answer iad ($GLAB_TIMES; 600 ms without loss or delay)"
else
	tap_fail "fra dies: both batond converge" "got: $GLAB_TIMES
$(glab_show_logs)"
fi
start=$(date +%s%N)
glab_site_up fra
if glab_converge "$start" 15 "$GLAB_FRA" b1 b2; then
	tap_ok "fra comes back: both batond answer fra ($GLAB_TIMES)"
else
	tap_fail "fra comes back: both batond converge" "got: $GLAB_TIMES
$(glab_show_logs)"
fi
dropped=$(glab_loss_dropped)
if [ "$dropped" -gt 0 ]; then
	tap_ok "the switch dropped $dropped gossip datagrams between regions meanwhile"
else
	tap_fail "the switch dropped gossip datagrams" "$(ip netns exec "$GLAB_SW" nft list table bridge loss)"
fi
iad_changes=$(glab_status b1 --json | "$LIB_PYTHON" -c '
import json, sys
print(sum(1 for t in json.load(sys.stdin)["transitions"] if t["site"] == "iad" and t["from"] != "unknown"))')
if [ "$iad_changes" = 0 ] && glab_status_has b1 '^site iad \(zone example.com.\): up since'; then
	tap_ok "iad never changed verdict: loss and delay alone fail nothing over"
else
	tap_fail "iad never changed verdict" "$(glab_status b1)"
fi
tap_done
