#!/usr/bin/env bash
# Sourced by scripts/demo.sh and scripts/test.sh: makes sure pnpm 12.4.2 and the workspace's
# dependencies are there, installing what is missing. Needs only Node 20 and npm, and no root: a
# missing pnpm is installed into the clone (.tools/), never globally.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "shomei needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 2
fi

# Update notices are noise in a demo's output.
export npm_config_update_notifier=false NO_UPDATE_NOTIFIER=1

# Runs a noisy install step quietly; on failure prints what it said, then fails.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

PNPM_VERSION=12.4.2
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/node_modules/.bin:$PATH"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "› installing pnpm $PNPM_VERSION into .tools/ (npm, no root; corepack does not work offline)" >&2
  mkdir -p "$TOOLS"
  quietly npm install --prefix "$TOOLS" --no-save --no-audit --no-fund "pnpm@$PNPM_VERSION"
fi

# node-gyp builds the optional pcsclite addon against the system's Node headers instead of downloading them.
export npm_config_nodedir=${npm_config_nodedir:-/usr}
if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  echo "› installing dependencies (pnpm install --frozen-lockfile)" >&2
  quietly pnpm install --frozen-lockfile
fi
