#!/bin/sh
# Replays the batond.conf fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" config
