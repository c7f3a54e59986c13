#!/usr/bin/env bash
# Development: installs what is missing, builds the bot (only the bot: the
# tests are built by scripts/test.sh), starts a private Prosody on 127.0.0.1
# (TLS with a CA made here, a bot and a student account) and runs the bot
# against it, its pages in development mode. Ctrl-C stops everything.
#
# OTRBOT_DEV_PORT (5322), OTRBOT_DEV_WEB (127.0.0.1:5000) and OTRBOT_DEV_STATE
# (./.run) choose the XMPP port, the pages' address and where files go.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The debug preset (no optimiser), which scripts/test.sh reuses; only the otrbot target (no
# tests). Measured: 97 s from an empty build folder on a 2-core machine the
# first time; afterwards only what changed is rebuilt, in seconds.
echo "run.sh: building otrbot; the first build takes about 2 minutes on 2 cores, later ones seconds"
built=$SECONDS
cmake --preset debug >/dev/null
cmake --build --preset debug --target otrbot -j "$(nproc)"
echo "run.sh: otrbot built in $((SECONDS - built)) s"

port=${OTRBOT_DEV_PORT:-5322}
web=${OTRBOT_DEV_WEB:-127.0.0.1:5000}
state=$(mkdir -p "${OTRBOT_DEV_STATE:-$PWD/.run}" && cd "${OTRBOT_DEV_STATE:-$PWD/.run}" && pwd)

/usr/bin/python3 scripts/devenv.py "$state/prosody" --port "$port" \
  --config-out "$state/otrbot.toml" --web "$web" > "$state/prosody.out" 2>&1 &
prosody_pid=$!
stop_prosody() {
  # devenv.py stops and reaps Prosody on SIGTERM; give it 20 s, then force.
  kill "$prosody_pid" 2>/dev/null || return 0
  for _ in $(seq 1 200); do
    kill -0 "$prosody_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$prosody_pid" 2>/dev/null || true
  wait "$prosody_pid" 2>/dev/null || true
}
trap stop_prosody EXIT
for _ in $(seq 1 300); do
  grep -q "prosody is up" "$state/prosody.out" 2>/dev/null && break
  if ! kill -0 "$prosody_pid" 2>/dev/null; then
    cat "$state/prosody.out"; exit 1
  fi
  sleep 0.1
done
grep -q "prosody is up" "$state/prosody.out" || { cat "$state/prosody.out"; exit 1; }

cat <<MSG

  otrbot runs in development mode (no LMS, no grades) against a private XMPP
  server on 127.0.0.1:$port with its own CA. To try the lesson as a student:

  1. Open the exercise's pages: http://$web/
     and give one of the two student accounts as your Jabber ID:
       student@localhost   password: studentpassword
       student2@localhost  password: student2password
  2. Log in as that student with any XMPP client that speaks OTR:
       server:    127.0.0.1, port $port (STARTTLS)
       trust:     $state/prosody/certs/ca.crt
     (Profanity: /tls certpath set DIR on a folder holding that CA, after
     'openssl rehash DIR'; then /otr gen before /otr start. mcabber: set
     ssl_ca to that file and otr = 1 in ~/.mcabber/mcabberrc.)
  3. Send bot@localhost the word the page shows (it proves the Jabber ID is
     yours), accept the bot's contact request, and follow the bot and the
     pages. "Start again" on the pages begins anew.
  4. The teacher's view of this development class (every visit of the
     pages is a student in it): the link in the pages' yellow banner.

  The bot's settings: $state/otrbot.toml. Stop everything with Ctrl-C.

MSG
build/debug/actors/otrbot runclient --config "$state/otrbot.toml"
