#!/bin/sh
# docs.sh: the README's "Source layout" names every C file under include/, zones/, server/,
# health/ and tools/, and only files that exist; the README stays the front door (at most 300
# lines); no document points outside the repository. A failure names the files to add or fix.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top_srcdir" || exit 1
echo "1..4"

# The section from its heading to the next one.
layout=$(awk '/^## Source layout/ { on = 1; next } /^## / { on = 0 } on' README.md)

# Tracked files when this is a git checkout, else what the tarball holds; a generated source
# (server/status_page.c, made from the HTML by make in an in-tree build) is not in the tour.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	sources=$(git ls-files -- include lib zones server health tools | grep '\.[ch]$')
else
	sources=$(find include lib zones server health tools -name '*.[ch]' ! -name status_page.c | sort)
fi

missing=""
for f in $sources; do
	printf '%s\n' "$layout" | grep -qF "\`$f\`" || missing="$missing $f"
done
if [ -n "$sources" ] && [ -z "$missing" ]; then
	echo "ok 1 - the README's Source layout names every .c and .h file"
else
	echo "not ok 1 - the README's Source layout names every .c and .h file"
	echo "# add a line for each, in reading order, as \`path\`: what it is for:$missing"
fi

# Every `path` with a folder in it, minus a trailing slash; globs and names like
# `tests/lab/vip_*.sh` stand for several files and are left alone.
stale=""
for p in $(printf '%s\n' "$layout" | grep -o '`[A-Za-z.][^` ]*/[^` ]*`' | tr -d '`' | sed 's|/$||'); do
	case $p in *'*'*) continue ;; esac
	[ -e "$p" ] || stale="$stale $p"
done
if [ -z "$stale" ]; then
	echo "ok 2 - every path the Source layout names exists"
else
	echo "not ok 2 - every path the Source layout names exists"
	echo "# remove or rename in README.md:$stale"
fi

lines=$(wc -l <README.md)
if [ "$lines" -le 300 ]; then
	echo "ok 3 - README.md is $lines lines (at most 300: the manual is doc/ and docs/)"
else
	echo "not ok 3 - README.md is $lines lines (at most 300: the manual is doc/ and docs/)"
	echo "# move the detail into docs/*.md or a man page"
fi

# Documents live in the repository: none refers to a file beside it (../shared/DESIGN.md was).
outside=$(grep -nE '\.\./shared|shared/DESIGN|/work/|\]\(\.\./' README.md docs/*.md tests/README.md doc/*.in \
	2>/dev/null)
if [ -z "$outside" ]; then
	echo "ok 4 - no document points outside the repository"
else
	echo "not ok 4 - no document points outside the repository"
	printf '%s\n' "$outside" | sed 's/^/# /'
fi
