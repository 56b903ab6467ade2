#!/bin/bash
# Lab drill: a prober's clock jumps. Three probers in three regions and two batond
# that only listen, as in gossip_failover.sh; p-ap runs under libfaketime with its offset in a
# file the test rewrites: +20 s, back to 0, -20 s, back to 0. Each time it is out of the clock
# window (signed at most 10 s ago and at most 5 s ahead by the receiver's clock) the others drop
# its datagrams as stale (counted under that kind in /metrics and status) and it stops being
# live, like a dead member: its votes stop counting and the quorum goes on with the other two
# (fra dies while p-ap is 20 s ahead, and comes back while it is 20 s behind: both batond
# follow each time). Back in the window, it is live and counted again.
#
# Only CLOCK_REALTIME is faked (FAKETIME_DONT_FAKE_MONOTONIC=1): an NTP step moves the wall
# clock, never CLOCK_MONOTONIC, and baton-probe signs and checks datagram times with the wall
# clock (gossip_wall_ms) but runs its rounds, timers, dead-after and check timeouts on the
# monotonic one (gossip_now_ms, libevent). Faking both would be a different fault: every timer
# of the prober firing 20 s early or late at once.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/lab/gossip_lib.sh"
glab_init
tap_plan 9

libfaketime=$(dpkg-query -L libfaketime 2>/dev/null | grep -m1 '/libfaketime\.so\.1$')
[ -n "$libfaketime" ] && [ -r "$libfaketime" ] || tap_bail "libfaketime is not installed (tools/install-deps)"
offset_file=$WORKDIR/p-ap.faketime
echo "+0" >"$offset_file"
# the offset is read again at every clock call (FAKETIME_NO_CACHE), so a rename is atomic
set_offset() {
	echo "$1" >"$offset_file.tmp" && mv "$offset_file.tmp" "$offset_file"
}
# Under ASan the allocator reads the time through the real clock_gettime, which is
# libfaketime's; its first call initialises libfaketime, whose dlsym() allocates and deadlocks
# on the allocator's own lock (measured: the prober hung before main). The interval -1 makes
# the allocator never ask the time; without ASan the option is ignored.
asan=allocator_release_to_os_interval_ms=-1
GLAB_WRAP[p-ap]="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}$asan LD_PRELOAD=$libfaketime
	FAKETIME_TIMESTAMP_FILE=$offset_file FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1"

glab_five

tally() { glab_status "$1" | grep -q "^  quorum: $2; quorum: $3 live probers down"; }
both_tally() { tally b1 "$1" "$2" && tally b2 "$1" "$2"; }
stale() { glab_dropped "$1" stale; }
# p-ap's clock ahead of ours, in seconds, from the time-ms its status file was written with
skew_s() {
	local t
	t=$(awk '$1 == "time-ms" { print $2 }' "$WORKDIR/p-ap.status" 2>/dev/null)
	[ -n "$t" ] && echo $(((t - $(date +%s%3N)) / 1000))
}
skew_is() {
	local s
	s=$(skew_s) && [ "$s" -ge $(($1 - 2)) ] && [ "$s" -le $(($1 + 2)) ]
}
counters() { echo "stale drops b1 $(stale b1) b2 $(stale b2)"; }

if wait_until 10 both_tally up "0 of 3" && glab_all_answer "$GLAB_FRA" b1 b2 && skew_is 0; then
	tap_ok "p-ap under libfaketime at +0 s: both batond count three live probers, fra up ($(counters))"
else
	tap_fail "three live probers at the start" "$(glab_show_logs)"
fi
t1=$(glab_transitions b1)
t2=$(glab_transitions b2)

# +20 s: 15 s past the 5 s the window allows ahead
set_offset +20
s1=$(stale b1)
s2=$(stale b2)
if wait_until 5 skew_is 20 && wait_until 5 glab_not_live b1 p-ap && wait_until 5 glab_not_live b2 p-ap &&
	wait_until 3 both_tally up "0 of 2" && [ "$(stale b1)" -gt "$s1" ] && [ "$(stale b2)" -gt "$s2" ] &&
	glab_all_answer "$GLAB_FRA" b1 b2 && [ "$(glab_transitions b1)" = "$t1" ] && [ "$(glab_transitions b2)" = "$t2" ]; then
	tap_ok "p-ap 20 s ahead: dropped as stale, not live at b1 and b2, fra still up by 2 live probers, no verdict changed ($(counters))"
else
	tap_fail "p-ap 20 s ahead: dropped as stale, not live, no verdict changed" "skew $(skew_s) s; $(counters)
$(glab_show_logs)"
fi
start=$(date +%s%N)
glab_kill_site fra
if glab_converge "$start" 10 "$GLAB_IAD" b1 b2 && wait_until 3 both_tally down "2 of 2"; then
	tap_ok "fra dies meanwhile: both batond move to iad on the two live probers' votes ($GLAB_TIMES)"
else
	tap_fail "fra dies while p-ap is out: both batond move" "$(glab_show_logs)"
fi

# back to +0: in the window again
set_offset +0
if wait_until 5 skew_is 0 && wait_until 5 glab_live b1 p-ap && wait_until 5 glab_live b2 p-ap &&
	wait_until 3 both_tally down "3 of 3"; then
	tap_ok "p-ap back at +0 s: live again at both, its vote counts: 3 of 3 live probers down ($(counters))"
else
	tap_fail "p-ap back at +0 s: live again" "skew $(skew_s) s; $(glab_show_logs)"
fi
observe 0.5 "a round or two for the last of its out-of-window datagrams to land"
s1=$(stale b1)
s2=$(stale b2)
observe 1 "five rounds"
if [ "$(stale b1)" = "$s1" ] && [ "$(stale b2)" = "$s2" ] && glab_live b1 p-ap && glab_live b2 p-ap; then
	tap_ok "accepted again: the stale counts hold still over five rounds ($(counters))"
else
	tap_fail "accepted again: stale counts hold still" "before: b1 $s1 b2 $s2; now: $(counters)"
fi

# -20 s: 10 s past the 10 s a datagram may be old
set_offset -20
s1=$(stale b1)
s2=$(stale b2)
if wait_until 5 skew_is -20 && wait_until 5 glab_not_live b1 p-ap && wait_until 5 glab_not_live b2 p-ap &&
	wait_until 3 both_tally down "2 of 2" && [ "$(stale b1)" -gt "$s1" ] && [ "$(stale b2)" -gt "$s2" ] &&
	glab_all_answer "$GLAB_IAD" b1 b2; then
	tap_ok "p-ap 20 s behind: dropped as stale, not live, fra still down by 2 live probers ($(counters))"
else
	tap_fail "p-ap 20 s behind: dropped as stale" "skew $(skew_s) s; $(counters)
$(glab_show_logs)"
fi
start=$(date +%s%N)
glab_site_up fra
if glab_converge "$start" 10 "$GLAB_FRA" b1 b2 && wait_until 3 both_tally up "0 of 2"; then
	tap_ok "fra comes back meanwhile: both batond answer fra on the two live probers ($GLAB_TIMES)"
else
	tap_fail "fra comes back while p-ap is out" "$(glab_show_logs)"
fi

set_offset +0
if wait_until 5 skew_is 0 && wait_until 5 glab_live b1 p-ap && wait_until 5 glab_live b2 p-ap &&
	wait_until 3 both_tally up "0 of 3"; then
	tap_ok "p-ap back at +0 s again: live, 0 of 3 live probers down ($(counters))"
else
	tap_fail "p-ap back at +0 s again" "$(glab_show_logs)"
fi
if [ "$(glab_transitions b1)" = $((t1 + 2)) ] && [ "$(glab_transitions b2)" = $((t2 + 2)) ] &&
	[ "$(glab_probe_dropped p-ap stale)" -gt 0 ]; then
	tap_ok "each batond made exactly two transitions (fra down, fra up); p-ap dropped the others' datagrams as stale too"
else
	tap_fail "two transitions each" "b1 $t1 -> $(glab_transitions b1), b2 $t2 -> $(glab_transitions b2); $(grep '^drops' "$WORKDIR/p-ap.status")"
fi
tap_done
