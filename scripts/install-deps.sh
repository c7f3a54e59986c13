#!/usr/bin/env bash
# Installs what otrbot needs to build, run and test, from Debian 12 packages.
# Idempotent and fast when everything is there already.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build pkg-config
  libcaf-dev libstrophe-dev libotr5-dev libgcrypt20-dev libpistache-dev libssl-dev
  liboauth-dev libicu-dev libspdlog-dev libfmt-dev catch2 libtomlplusplus-dev libcli11-dev
  libkainjow-mustache-dev nlohmann-json3-dev libpugixml-dev libcurl4-openssl-dev
  libsqlite3-dev libsqlitecpp-dev
  # the fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizers
  clang-14 libclang-rt-14-dev
  gettext
  # run and test: a private XMPP server, a test CA, the student's client
  prosody openssl ca-certificates
  # the store's command-line tool (backups while the bot runs; the tests use it too)
  sqlite3
  python3 python3-pytest python3-slixmpp python3-potr python3-oauthlib python3-requests
  # a strict XML parser (libxml2, as Moodle uses) for the test LMS
  python3-lxml
  # a real OTR client, driven in tmux
  profanity tmux
  # the pages in a real browser: Debian's Chromium, driven through chromium-driver by Selenium
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
