#!/bin/bash
# identity.sh: "which server answered", asked with dig of batond and of NSD 4.6 side by side
# with the same settings: NSID (dig +nsid, and +ednsopt with a payload, which RFC 5001 §2.3
# says to ignore), CHAOS TXT id.server, hostname.bind, version.server and version.bind, the
# hide-* keys (REFUSED), and other CHAOS names and types (REFUSED). Status, flags, answer and
# NSID must match; NSD's Extended DNS Error and batond's COOKIE are left out (RFC 8914 makes
# EDE optional; answer-cookie is off by default in NSD 4.6, on in batond).
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"

BATOND=${BATOND:-$top_builddir/batond}
zonefile=$top_srcdir/zones/difftest.zone
command -v nsd >/dev/null || tap_skip_all "nsd is not installed"
command -v dig >/dev/null || tap_skip_all "dig is not installed"

lib_init
tap_plan 17

# The fields compared: no id, no timing, no EDE, no COOKIE.
fields() {
	dig @127.0.0.1 -p "$1" +norec +time=2 +tries=1 +noall +comments +answer "${@:2}" |
		sed -n -e 's/^;; ->>HEADER<<- opcode: \([A-Z]*\), status: \([A-Z]*\), id: .*/\1 \2/p' \
			-e 's/^;; flags: \([a-z ]*\);.*/flags: \1/p' -e '/^; NSID:/p' -e '/^[^;].*/p' |
		sed 's/[[:space:]]\+/ /g'
}

# same WHAT DIG-ARGS...: NSD's and batond's answers match (and $seen holds them).
same() {
	local what=$1 a b
	shift
	a=$(fields "$nsd_port" "$@")
	b=$(fields "$BATOND_PORT" "$@")
	seen=$b
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		tap_ok "$what: as NSD"
	else
		tap_fail "$what: as NSD" "$(printf 'nsd:\n%s\nbatond:\n%s' "$a" "$b")"
	fi
}

# Round 1: identity left to its default (the host name, on both), version set on neither, NSID
# in hexadecimal.
nsd_port=$(free_port) || tap_bail "no free port"
NSD_EXTRA='nsid: "62614a6f4e"' start_nsd "$zonefile" diff.test "$nsd_port" "$WORKDIR/nsd1" ||
	tap_bail "nsd did not start"
start_batond 'nsid: "62614A6F4E"' "diff.test=$zonefile" || tap_bail "batond did not start"

same "dig +nsid CH TXT id.server" +nsid CH TXT id.server
host=$(hostname)
printf '%s\n' "$seen" | grep -q "^id.server. 0 CH TXT \"$host\"$" &&
	printf '%s\n' "$seen" | grep -q '^; NSID: 62 61 4a 6f 4e ("baJoN")$' &&
	printf '%s\n' "$seen" | grep -q '^flags: qr$' &&
	tap_ok "identity defaults to the host name, TTL 0, not authoritative; the NSID in hex" ||
	tap_fail "identity defaults to the host name; the NSID in hex" "$seen"
same "CH TXT hostname.bind" CH TXT hostname.bind
same "CH TXT Id.SeRvEr (names without case; the client's case echoed)" CH TXT Id.SeRvEr
same "CH ANY id.server (the TXT)" CH ANY id.server
same "CH TXT id.server with RD" +rec CH TXT id.server
same "CH TXT id.server over TCP without EDNS" +tcp +noedns CH TXT id.server
# The version is each server's own by default: only the shape compares.
a=$(fields "$nsd_port" CH TXT version.bind)
b=$(fields "$BATOND_PORT" CH TXT version.server)
version=$("$BATOND" -v)
[ "$(printf '%s\n' "$a" | sed 's/"NSD [0-9.]*"/V/; s/^version.bind/N/')" = \
	"$(printf '%s\n' "$b" | sed "s/\"$version\"/V/; s/^version.server/N/")" ] &&
	printf '%s\n' "$b" | grep -q "TXT \"$version\"$" &&
	tap_ok "version defaults to \"$version\" (NSD: its own version)" ||
	tap_fail "version defaults to batond's own" "$(printf 'nsd:\n%s\nbatond:\n%s' "$a" "$b")"
same "dig +nsid A www.diff.test (NSID on any answer)" +nsid A www.diff.test
same "dig +ednsopt=3:abcd (the query's payload is ignored)" +ednsopt=3:abcd A www.diff.test
same "no NSID unless asked" A www.diff.test
same "CH TXT authors.bind: REFUSED" +nsid CH TXT authors.bind
same "CH A id.server: REFUSED" CH A id.server

# Round 2: both hidden; an "ascii_" NSID. The first pair goes (the control socket is reused).
stop_pid "$NSD_PID" && forget_pid "$NSD_PID"
stop_pid "$BATOND_PID" && forget_pid "$BATOND_PID"
hide='hide-identity: yes
hide-version: yes
nsid: "ascii_ns1 fra"'
nsd_port=$(free_port) || tap_bail "no free port"
NSD_EXTRA=$hide start_nsd "$zonefile" diff.test "$nsd_port" "$WORKDIR/nsd2" ||
	tap_bail "nsd did not start"
start_batond "$hide" "diff.test=$zonefile" || tap_bail "batond did not start"
same "hide-identity: CH TXT id.server REFUSED, NSID still sent" +nsid CH TXT id.server
printf '%s\n' "$seen" | grep -q "QUERY REFUSED" &&
	printf '%s\n' "$seen" | grep -q '("ns1 fra")$' &&
	tap_ok "hidden identity is REFUSED; the ascii_ NSID is sent as text" ||
	tap_fail "hidden identity is REFUSED; the ascii_ NSID is sent as text" "$seen"
same "hide-version: CH TXT version.bind REFUSED" CH TXT version.bind
same "hide-identity: CH ANY hostname.bind REFUSED" CH ANY hostname.bind
tap_done
