#!/usr/bin/env bash
# The main job, end to end, with nothing but Node installed (see README).
source "$(dirname "$0")/bootstrap.sh"
exec pnpm demo "$@"
