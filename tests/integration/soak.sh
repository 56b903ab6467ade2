#!/bin/bash
# soak.sh: tools/soak inside the test run: 2 minutes in the sanitizer build (leaks, races with
# reloads and use-after-free under load show there; LeakSanitizer checks for leaks when batond
# exits), 30 s in the other, where RSS must stay flat. See tools/soak.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
seconds=30
slack=4096
if grep -q -- '--enable-sanitizers' "$top_builddir/config.log" 2>/dev/null; then
	seconds=120
	# ASan holds freed memory in quarantine (256 MB by default), which would read as growth:
	# a small one keeps RSS meaningful and still catches a use of what was just freed.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
	# and shadow memory grows with every new heap address: LeakSanitizer judges leaks here
	slack=65536
fi
echo "1..1"
out=$(top_builddir=$top_builddir "$top_srcdir/tools/soak" --seconds $seconds --rss-slack $slack 2>&1)
rc=$?
printf '%s\n' "$out" | grep '^soak:' | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	echo "ok 1 - ${seconds}s soak: every query answered, no wrong answer, RSS and fds flat"
else
	echo "not ok 1 - ${seconds}s soak"
	printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
fi
