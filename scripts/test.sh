#!/usr/bin/env bash
# The whole test suite: unit + in-process integration tests, then the real-PC/SC suite inside a
# private pcscd namespace (needs root and: apt-get install pcscd libpcsclite-dev vsmartcard-vpcd opensc).
# Before them, the packed packages are installed into a fresh npm project and used from outside the
# repository (scripts/pack-check.sh).
source "$(dirname "$0")/bootstrap.sh"
pnpm build
bash scripts/pack-check.sh
exec pnpm test "$@"
