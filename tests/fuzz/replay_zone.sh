#!/bin/sh
# Replays the zone fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" zone
