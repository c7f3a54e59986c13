#!/usr/bin/env bash
# Installs what otrbot needs to build, run and test, from Debian 12 packages.
# Idempotent and fast when everything is there already.
#   scripts/install-deps.sh          everything: build, run, test
#   scripts/install-deps.sh build    only what building the bot needs (docker/Dockerfile)
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config binutils gettext
  libcaf-dev libstrophe-dev libotr5-dev libgcrypt20-dev libpistache-dev libssl-dev
  liboauth-dev libicu-dev libspdlog-dev libfmt-dev catch2 libtomlplusplus-dev libcli11-dev
  libkainjow-mustache-dev nlohmann-json3-dev libpugixml-dev libcurl4-openssl-dev
  libsqlite3-dev libsqlitecpp-dev
  # OMEMO: the Signal ratchet (GPLv3, which the bot's licence allows) and QR codes' modules
  libomemo-c-dev libqrencode-dev
)
packages=(
  "${build_packages[@]}"
  # the fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizers
  clang-14 libclang-rt-14-dev
  # run and test: a private XMPP server, a test CA, the student's client
  prosody openssl ca-certificates
  # the store's command-line tool (backups while the bot runs; the tests use it too)
  sqlite3
  python3 python3-pytest python3-slixmpp python3-potr python3-oauthlib python3-requests
  # a strict XML parser (libxml2, as Moodle uses) for the test LMS
  python3-lxml
  # the test LTI 1.3 platform: JWTs and RSA keys by libraries we did not write
  python3-jwt python3-cryptography
  # the OMEMO student: Syndace's libraries (oldmemo needs xmlschema but does not declare it)
  python3-omemo python3-oldmemo python3-xmlschema
  # real OTR clients, driven in tmux
  profanity mcabber tmux
  # an independent parser of the bot's Prometheus metrics (GET /metrics)
  python3-prometheus-client
  # the pages in a real browser: Debian's Chromium, driven through chromium-driver by Selenium
  chromium chromium-driver python3-selenium
  # the soak's curve (scripts/soak.py draws docs/soak.png); the benchmark's instruction counts
  gnuplot-nox valgrind
  # the deployment test (scripts/compose-test.sh): real containers with rootful podman
  podman runc podman-compose netavark aardvark-dns iptables catatonit debootstrap
  # the Debian package's checks (scripts/package-test.sh)
  lintian
)
case "${1:-all}" in
  build) packages=("${build_packages[@]}") ;;
  all) ;;
  *) echo "usage: $0 [build]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js's npm for axe-core (below); a machine whose nodejs package ships npm already keeps it.
if [ "${1:-all}" = all ] && ! command -v npm >/dev/null; then
  missing+=(npm)
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# axe-core, the accessibility rules the browser tests run in each page: not in Debian, so from
# the npm registry, at the version test/e2e/package-lock.json pins (npm ci checks its hash).
if [ "${1:-all}" = all ]; then
  e2e="$(dirname "$0")/../test/e2e"
  want=$(sed -n 's/.*"axe-core": "\(.*\)".*/\1/p' "$e2e/package.json")
  have=""  # (none yet on a new machine)
  if [ -f "$e2e/node_modules/axe-core/package.json" ]; then
    have=$(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$e2e/node_modules/axe-core/package.json" | head -1)
  fi
  if [ "$have" != "$want" ]; then
    echo "install-deps: installing axe-core $want (npm ci in test/e2e)"
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
