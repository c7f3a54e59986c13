#!/usr/bin/env bash
# The fault harness (not a CI test; as root: it mounts the store's own small filesystem):
# builds the release bot, then runs scripts/chaos.py. Usage: scripts/chaos.sh [FAULT ...]
# [--students N] [--fault-seconds S] (scripts/chaos.py -h); default: 100 students per fault,
# every fault in turn. Prints the fault table and the invariants; exit 1 when one breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target otrbot otrbot_catalogs
exec /usr/bin/python3 scripts/chaos.py --binary "$PWD/build/release/actors/otrbot" "$@"
