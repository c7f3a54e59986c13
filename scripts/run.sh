#!/usr/bin/env bash
# Development: installs what is missing, builds, starts a private Prosody on
# 127.0.0.1 (TLS with a CA made here, a bot and a student account) and runs
# the bot against it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$(nproc)"

port=${OTRBOT_DEV_PORT:-5322}
web=${OTRBOT_DEV_WEB:-127.0.0.1:5000}
state="$PWD/.run"
mkdir -p "$state"
/usr/bin/python3 scripts/devenv.py "$state/prosody" --port "$port" \
  --config-out "$state/otrbot.toml" --web "$web" > "$state/prosody.out" 2>&1 &
prosody_pid=$!
trap 'kill "$prosody_pid" 2>/dev/null || true; wait "$prosody_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "prosody is up" "$state/prosody.out" 2>/dev/null && break
  if ! kill -0 "$prosody_pid" 2>/dev/null; then
    cat "$state/prosody.out"; exit 1
  fi
  sleep 0.1
done
grep -q "prosody is up" "$state/prosody.out" || { cat "$state/prosody.out"; exit 1; }

cat <<MSG

  A private XMPP server runs on 127.0.0.1:$port with its own CA.
  Talk to the bot as the student with any XMPP client:
    account:   student@localhost
    password:  studentpassword
    server:    127.0.0.1, port $port (STARTTLS)
    trust:     $state/prosody/certs/ca.crt
  Then add bot@localhost as a contact and say hello.
  The exercise's pages (development mode, no LMS needed): http://$web/
  (For profanity: /tls certpath set DIR on a folder holding that CA, after 'openssl rehash DIR'.)
  The bot's settings: $state/otrbot.toml

MSG
build/debug/actors/otrbot runclient --config "$state/otrbot.toml"
