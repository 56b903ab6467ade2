#!/bin/sh
# Replays the gossip fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" gossip
