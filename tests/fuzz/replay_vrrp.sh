#!/bin/sh
# Replays the VRRP advert fuzz corpus: see replay.sh.
exec "$(dirname "$0")/replay.sh" vrrp
