#!/usr/bin/env bash
# Runs a command next to a private pcscd with vpcd readers (design.md §6):
#   scripts/with-pcsc.sh <command> [args…]
# Inside a new mount+network namespace: a tmpfs on /run/pcscd (so this pcscd never meets another one
# on the machine), loopback up with quickack routes (no ~44 ms delayed-ACK stall per APDU), and a
# `pcscd -f` whose PID we keep and stop. The command sees SHOMEI_PCSC=1 and the reader names
# "Virtual PCD 00 00" (TCP 127.0.0.1:35963) and "Virtual PCD 00 01" (35964).
set -euo pipefail

missing=()
for bin in pcscd unshare ip; do command -v "$bin" >/dev/null 2>&1 || missing+=("$bin"); done
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || missing+=("vpcd driver")
if [ ${#missing[@]} -gt 0 ]; then
  echo "with-pcsc: missing ${missing[*]}. Install: apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd opensc iproute2" >&2
  exit 3
fi
if [ "$(id -u)" != 0 ]; then
  echo "with-pcsc: needs root (unshare of mount and network namespaces)." >&2
  exit 3
fi

if [ "${SHOMEI_PCSC_INNER:-}" != 1 ]; then
  exec env SHOMEI_PCSC_INNER=1 unshare -m -n --propagation private --fork "$0" "$@"
fi

mkdir -p /run/pcscd
mount -t tmpfs tmpfs /run/pcscd
ip link set lo up
ip route replace local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1
ip route replace local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1

log=$(mktemp /tmp/shomei-pcscd.XXXXXX.log)
pcscd -f >"$log" 2>&1 &
PCSCD_PID=$!
# A test that restarts pcscd (packages/card/test/support/pcscd-restart.ts) writes the new PID here.
PCSCD_PIDFILE=$(mktemp /tmp/shomei-pcscd-pid.XXXXXX)
cleanup() {
  kill "$PCSCD_PID" 2>/dev/null || true
  wait "$PCSCD_PID" 2>/dev/null || true
  if [ -s "$PCSCD_PIDFILE" ]; then kill "$(cat "$PCSCD_PIDFILE")" 2>/dev/null || true; fi
  rm -f "$PCSCD_PIDFILE"
}
trap cleanup EXIT

# Wait for pcscd's socket and vpcd's listener (pcscd loads the vpcd driver at start).
for _ in $(seq 1 100); do
  if [ -S /run/pcscd/pcscd.comm ] && ss -ltn 2>/dev/null | grep -q ':35963 '; then break; fi
  sleep 0.05
done
if ! [ -S /run/pcscd/pcscd.comm ]; then
  echo "with-pcsc: pcscd did not start; its log:" >&2
  cat "$log" >&2
  exit 3
fi

export SHOMEI_PCSC=1 SHOMEI_PCSCD_PID="$PCSCD_PID" SHOMEI_PCSCD_LOG="$log" SHOMEI_PCSCD_PIDFILE="$PCSCD_PIDFILE"
set +e
"$@"
rc=$?
set -e
exit $rc
