#!/bin/sh
# replay.sh TARGET: replays tests/fuzz/corpus/TARGET (seeds and every past crash) through
# tests/fuzz/fuzz_TARGET; TAP on stdout. make check runs it through replay_TARGET.sh and sets
# top_srcdir and top_builddir; by hand they default to this checkout.
here=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=${top_srcdir:-$here}
top_builddir=${top_builddir:-$here}
bin=$top_builddir/tests/fuzz/fuzz_$1
corpus=$top_srcdir/tests/fuzz/corpus/$1

if [ ! -x "$bin" ]; then
	echo "Bail out! $bin is not built"
	exit 1
fi
if grep -q LLVMFuzzerRunDriver "$bin"; then
	# A --enable-fuzzing build: libFuzzer runs the corpus once with -runs=0 and prints no TAP.
	echo "1..1"
	if "$bin" -runs=0 "$corpus" >/dev/null 2>&1; then
		echo "ok 1 - libFuzzer replay of $corpus"
	else
		echo "not ok 1 - libFuzzer replay of $corpus (rerun: $bin -runs=0 $corpus)"
	fi
	exit 0
fi
exec "$bin" "$corpus"
