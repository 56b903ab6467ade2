#!/bin/sh
# style.sh: every C file is formatted as .clang-format says (STYLE.md: checked in CI). One TAP
# point per folder; a failure lists the files and how to fix them.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top_srcdir" || exit 1
echo "1..6"
n=0
for dir in include zones server health tools tests; do
	n=$((n + 1))
	files=$(find "$dir" -name '*.[ch]' -not -path '*/corpus/*' | sort)
	bad=""
	for f in $files; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
	done
	if [ -z "$bad" ]; then
		echo "ok $n - $dir is formatted"
	else
		echo "not ok $n - $dir is formatted"
		echo "# run: clang-format -i$bad"
	fi
done
