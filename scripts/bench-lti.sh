#!/usr/bin/env bash
# LTI launch throughput: builds the release preset (or takes BINARY), then drives the real
# bot with wrk (Debian's): LTI 1.1 launches presigned by python3-oauthlib, LTI 1.3 launches
# signed by python3-jwt. Prints wrk's figures.
# Usage: scripts/bench-lti.sh [BINARY]. OTRBOT_BENCH_SECONDS, _CONNECTIONS, _LAUNCHES,
# _LAUNCHES13 tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if ! command -v wrk >/dev/null; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
binary=${1:-}
if [ -z "$binary" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target otrbot -j "$(nproc)"
  binary=$PWD/build/release/actors/otrbot
fi
exec /usr/bin/python3 scripts/bench-lti.py "$binary"
