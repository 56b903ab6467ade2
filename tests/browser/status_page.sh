#!/bin/bash
# status_page.sh: the status page in Debian's Chromium (headless). A site goes down while the
# page is open; the page must show it within a few seconds by itself (no reload), and a
# screenshot of it must read the site's name and "down" (tesseract). The screenshot is kept as
# $top_builddir/tests/browser/status_page.png for a person to look at. An operator's drain and
# undrain show in the page's timeline as "drained" and "undrained" (not as the verdict).
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

command -v chromium >/dev/null || tap_bail "chromium not installed: run tools/install-deps"
command -v tesseract >/dev/null || tap_bail "tesseract not installed: run tools/install-deps"

lib_init
tap_plan 2
make_state_check
state=$WORKDIR/state
zone=$WORKDIR/example.com.zone
write_failover_zone "$zone" frankfurt ashburn "interval=300ms timeout=200ms rise=1 fall=2"
http_port=$(free_port)
start_batond "http-listen: 127.0.0.1@$http_port" "example.com=$zone" || tap_bail "batond did not start"
mkdir -p "$top_builddir/tests/browser"
shot=$top_builddir/tests/browser/status_page.png
check "the page shows a site going down by itself, and its screenshot reads so" \
	/usr/bin/python3 "$top_srcdir/tests/browser/status_page.py" "http://127.0.0.1:$http_port/" \
	frankfurt "rm '$state/192.0.2.10'" "$shot"
check "the timeline says drained and undrained for an operator's drain and undrain" \
	/usr/bin/python3 "$top_srcdir/tests/browser/status_page.py" timeline \
	"http://127.0.0.1:$http_port/" ashburn "'$BATONCTL' -c '$BATOND_CONF' drain ashburn" \
	"'$BATONCTL' -c '$BATOND_CONF' undrain ashburn"
tap_done
