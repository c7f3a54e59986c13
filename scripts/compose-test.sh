#!/usr/bin/env bash
# The deployment, tested with real containers: builds docker/'s images with rootful podman
# (Debian's podman, runc, podman-compose), brings the compose stack up under a test project,
# and runs test/compose/ from the host against it (a python-potr student through the composed
# Prosody's published port, an oauthlib-signed launch through the TLS proxy, the grade to a test
# LMS on the host, the bot's lines in the syslog volume, a restart keeping the data, `down -v`).
# Images are built with podman's layer cache, so a run with unchanged sources builds nothing.
# No registry is reachable here: when debian:bookworm-slim is missing it is made with debootstrap.
# Called by scripts/test.sh (after scripts/install-deps.sh); needs root for rootful podman.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
state=$root/build/compose
mkdir -p "$state"
say() { echo "compose-test: $*"; }
die() { echo "compose-test: FAILED: $*" >&2; exit 1; }

for tool in podman-compose openssl; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done
. scripts/podman-base.sh

# The test deployment: its own project, ports, certificates and secrets.
export COMPOSE_PROJECT_NAME=otrbottest OTRBOT_IMAGE_TAG=test
export OTRBOT_DOMAIN=school.test OTRBOT_WEB_HOST=localhost OTRBOT_BOT_USER=otrbot
export OTRBOT_XMPP_PUBLISH=${OTRBOT_TEST_XMPP_PORT:-15222} OTRBOT_XMPPS_PUBLISH=${OTRBOT_TEST_XMPPS_PORT:-15223}
export OTRBOT_S2S_PUBLISH=${OTRBOT_TEST_S2S_PORT:-15269} OTRBOT_HTTPS_PUBLISH=${OTRBOT_TEST_HTTPS_PORT:-18443}
export OTRBOT_LTI_CONSUMER_KEY=compose-consumer OTRBOT_ALLOW_PRIVATE_OUTCOME_URLS=true
export OTRBOT_LMS_ORIGINS="https://lms.school.test" OTRBOT_XMPP_CA_FILE=/certs/ca.crt
export OTRBOT_CERTS_DIR=$state/certs OTRBOT_SECRETS_DIR=$state/secrets OTRBOT_LOG_LEVEL=info
rm -rf "$OTRBOT_CERTS_DIR" "$OTRBOT_SECRETS_DIR"
mkdir -p "$OTRBOT_CERTS_DIR" "$OTRBOT_SECRETS_DIR"
(
  cd "$OTRBOT_CERTS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=otrbot compose test CA" \
    -keyout ca.key -out ca.crt -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1
  for pair in "xmpp:DNS:$OTRBOT_DOMAIN" "web:DNS:localhost,IP:127.0.0.1"; do
    name=${pair%%:*} san=${pair#*:}
    openssl req -newkey rsa:2048 -nodes -subj "/CN=otrbot test $name" -keyout "$name.key" -out "$name.csr" \
      >/dev/null 2>&1
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile <(printf "subjectAltName=%s\nextendedKeyUsage=serverAuth\n" "$san") \
      -out "$name.crt" >/dev/null 2>&1
  done
  chmod 0600 ./*.key
)
for name in bot_password lti_secret admin_token; do
  openssl rand -hex 20 >"$OTRBOT_SECRETS_DIR/$name"
done
chmod 0600 "$OTRBOT_SECRETS_DIR"/*

compose=(podman-compose -p "$COMPOSE_PROJECT_NAME" -f docker/compose.yaml)
cleanup() {
  say "down -v (removing the test project's containers and volumes)"
  "${compose[@]}" down -v >"$state/down.log" 2>&1 || true
  podman volume rm -f "${COMPOSE_PROJECT_NAME}_otrbot-data" "${COMPOSE_PROJECT_NAME}_prosody-data" \
    "${COMPOSE_PROJECT_NAME}_logs" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

say "building the images (cached layers are reused)"
started=$SECONDS
for image in otrbot:docker/Dockerfile otrbot-prosody:docker/prosody/Dockerfile \
             otrbot-proxy:docker/proxy/Dockerfile otrbot-syslog:docker/syslog/Dockerfile; do
  name=${image%%:*} file=${image#*:}
  podman build --format docker --network host --layers -q -f "$file" \
    -t "localhost/$name:$OTRBOT_IMAGE_TAG" . >"$state/build-$name.log" 2>&1 ||
    { tail -40 "$state/build-$name.log" >&2; die "building $name failed"; }
done
say "images built in $((SECONDS - started)) s"

export OTRBOT_TEST_STATE=$state
/usr/bin/python3 -m pytest test/compose -q -p no:cacheprovider
