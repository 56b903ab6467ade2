#!/bin/sh
# Replays the control-socket fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" control
