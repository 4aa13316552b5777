#!/usr/bin/env bash
# The whole test suite: unit + in-process integration tests, then the real-PC/SC suite inside a
# private pcscd namespace (needs root and: apt-get install pcscd libpcsclite-dev vsmartcard-vpcd opensc).
source "$(dirname "$0")/bootstrap.sh"
pnpm build
exec pnpm test "$@"
