#!/bin/sh
# Replays the packet fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" packet
