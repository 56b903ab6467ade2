#!/bin/bash
# Lab (issue 6, scenarios 2 and 3): three probers in three regions and two batond that only
# listen. (2) One prober's network is cut off alone: its TCP checks then see every site dead,
# but its votes reach no one and it stops being live: no site changes verdict anywhere, and the
# cut-off prober's own view holds for want of a quorum. (3) A batond is cut off from every
# prober: its verdicts hold and its status says so; fra dies meanwhile and only the other batond
# moves; healed, the cut-off one catches up.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/gossip_lib.sh"
glab_init
tap_plan 7

glab_five

# field FILE PREFIX KEY: the value after KEY on FILE's line starting with PREFIX
field() {
	awk -v p="$2" -v k="$3" 'index($0, p) == 1 { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1" 2>/dev/null
}

if wait_until 10 glab_quorum_up b1 && wait_until 5 glab_quorum_up b2 && glab_all_answer "$GLAB_FRA" b1 b2; then
	tap_ok "both batond hear the three probers: fra and iad up by quorum"
else
	tap_fail "both batond hear the three probers" "$(glab_show_logs)"
fi
before1=$(glab_transitions b1)
before2=$(glab_transitions b2)

# scenario 2: p-ap alone is cut off
glab_isolate p-ap
own_view_held() {
	[ "$(field "$WORKDIR/p-ap.status" "vote example.com/fra p-ap " verdict)" = down ] &&
		[ "$(field "$WORKDIR/p-ap.status" "site example.com/fra " held)" = yes ]
}
if wait_until 5 glab_not_live b1 p-ap && wait_until 5 glab_not_live b2 p-ap && wait_until 5 own_view_held; then
	tap_ok "p-ap cut off: both batond see it stop being live; its own checks see fra dead"
else
	tap_fail "p-ap cut off" "$(cat "$WORKDIR/p-ap.status"; glab_show_logs)"
fi
observe 1 "five more rounds for a wrong verdict to show"
if [ "$(glab_transitions b1)" = "$before1" ] && [ "$(glab_transitions b2)" = "$before2" ] &&
	glab_all_answer "$GLAB_FRA" b1 b2 &&
	[ "$(field "$WORKDIR/p-ap.status" "site example.com/fra " verdict)" = up ]; then
	tap_ok "no site changed verdict anywhere; p-ap's own quorum view holds up (held yes)"
else
	tap_fail "no site changed verdict" "$(cat "$WORKDIR/p-ap.status"; glab_show_logs)"
fi
glab_heal p-ap
wait_until 5 glab_live b1 p-ap && wait_until 5 glab_live b2 p-ap

# scenario 3: b1 is cut off from everyone
glab_isolate b1
if wait_until 5 glab_status_has b1 '^  quorum: up; held: too few live probers \(0 of 2 needed\)'; then
	tap_ok "b1 cut off: its status says each verdict is held: too few live probers (0 of 2 needed)"
else
	tap_fail "b1 cut off: status says held" "$(glab_status b1)"
fi
start=$(date +%s%N)
glab_kill_site fra
if glab_converge "$start" 10 "$GLAB_IAD" b2; then
	tap_ok "fra dies: b2 moves to iad ($GLAB_TIMES)"
else
	tap_fail "fra dies: b2 moves to iad" "$(glab_show_logs)"
fi
observe 1 "five rounds"
if glab_all_answer "$GLAB_FRA" b1 && glab_status_has b1 '^site fra \(zone example.com.\): up since' &&
	glab_status_has b1 '^  quorum: up; held: too few live probers'; then
	tap_ok "cut off, b1 holds its last verdict: fra still answered, status says held"
else
	tap_fail "cut off, b1 holds its last verdict" "$(glab_status b1)"
fi
start=$(date +%s%N)
glab_heal b1
if glab_converge "$start" 10 "$GLAB_IAD" b1 && ! glab_status_has b1 'held: too few'; then
	tap_ok "b1 healed: the full-state exchange brings it up to date, iad answered ($GLAB_TIMES)"
else
	tap_fail "b1 healed: it catches up" "$(glab_status b1)"
fi
tap_done
