#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit (Catch2), actor (CAF's
# deterministic scheduler) and end-to-end (the real otrbot against a private Prosody that the
# tests start on 127.0.0.1, a python-potr student, an oauthlib-signed LMS, and the pages in
# Debian's headless Chromium through chromium-driver and python3-selenium, audited by axe-core),
# then the docker-compose deployment in real containers (scripts/compose-test.sh, rootful
# podman), the Debian package (scripts/package-test.sh: lintian, installed and its unit started
# by systemd in a fresh Debian 12 container), then fuzzes every parser of outside input for a
# bounded time (scripts/fuzz.sh). Everything comes from Debian 12's packages but axe-core (npm,
# pinned). Non-zero on any failure. Screenshots of the pages: build/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

preset=${OTRBOT_PRESET:-debug}
if [ "$preset" = asan ]; then
  # Strict: undefined behaviour fails the run; only the documented third-party
  # leaks are suppressed (the bot processes of the e2e tests inherit this).
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$PWD/test/sanitizers/lsan.supp:print_suppressions=0"
fi
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

echo "== unit and actor tests"
ctest --preset "$preset"

echo "== end-to-end tests (private Prosody, the real otrbot binary)"
export OTRBOT_BINARY="$PWD/build/$preset/actors/otrbot"
# Debian's python3 packages import only under /usr/bin/python3.
/usr/bin/python3 -m pytest test/e2e -q -p no:cacheprovider

echo "== the docker-compose deployment with real containers (rootful podman)"
scripts/compose-test.sh

echo "== the Debian package: lintian, apt install in a fresh Debian 12 container, its systemd unit"
scripts/package-test.sh

echo "== fuzzing every parser of outside input (libFuzzer, bounded time)"
scripts/fuzz.sh
