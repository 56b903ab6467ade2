#!/bin/sh
# Replays the transfer-request and TSIG fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" xfr
