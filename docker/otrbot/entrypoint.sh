#!/bin/bash
# The otrbot container's entrypoint. As root, it writes /etc/otrbot/otrbot.toml from the
# OTRBOT_* variables (docker/.env.example lists them) unless you mounted a file of your own
# there, copies the compose secrets to a place only the otrbot user can read, and makes sure
# the data volume belongs to otrbot; then the bot runs as otrbot, never as root.
# Any other command (e.g. `check-config`) runs as otrbot with the same settings.
set -euo pipefail

config=/etc/otrbot/otrbot.toml
marker="# Written by otrbot-entrypoint from the OTRBOT_* variables"

fail() { echo "otrbot-entrypoint: $*" >&2; exit 3; }
# A TOML basic string: backslashes and quotes escaped; control characters refused.
toml() {
  [[ "$1" != *[[:cntrl:]]* ]] || fail "a setting holds a control character"
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}
toml_list() {
  local out="" item
  for item in $1; do out+="${out:+, }$(toml "$item")"; done
  printf '[%s]' "$out"
}

if [ "$(id -u)" = 0 ]; then
  secrets=/run/otrbot-secrets
  mkdir -p "$secrets"
  for name in bot_password lti_secret admin_token; do
    if [ -f "/run/secrets/$name" ]; then
      install -m 0400 -o otrbot -g otrbot "/run/secrets/$name" "$secrets/$name"
    fi
  done
  chown otrbot:otrbot /var/lib/otrbot
  chmod 0750 /var/lib/otrbot

  if [ ! -e "$config" ] || head -n1 "$config" | grep -qxF "$marker"; then
    : "${OTRBOT_DOMAIN:?set OTRBOT_DOMAIN (the XMPP domain) in .env}"
    : "${OTRBOT_WEB_HOST:?set OTRBOT_WEB_HOST (the pages host name) in .env}"
    : "${OTRBOT_LTI_CONSUMER_KEY:?set OTRBOT_LTI_CONSUMER_KEY in .env}"
    [ -f "$secrets/bot_password" ] || fail "the secret bot_password is missing (secrets/bot_password)"
    [ -f "$secrets/lti_secret" ] || fail "the secret lti_secret is missing (secrets/lti_secret)"
    bot="${OTRBOT_BOT_USER:-otrbot}@${OTRBOT_DOMAIN}"
    public_url=${OTRBOT_PUBLIC_URL:-}
    if [ -z "$public_url" ]; then
      port=${OTRBOT_HTTPS_PORT:-443}
      public_url="https://${OTRBOT_WEB_HOST}$([ "$port" = 443 ] || echo ":$port")/"
    fi
    admin_token='token = ""'
    [ -f "$secrets/admin_token" ] && admin_token="token_file = \"$secrets/admin_token\""
    cat >"$config" <<TOML
$marker
# (docker/otrbot/entrypoint.sh). Mount a file of your own at $config to set more.

[xmpp]
default_account = $(toml "$bot")
ca_certs = $(toml "${OTRBOT_XMPP_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}")

[xmpp.accounts.$(toml "$bot")]
password_file = "$secrets/bot_password"
host = "prosody"
port = 5222
avatar = $(toml "${OTRBOT_AVATAR:-/usr/share/otrbot/avatar.png}")

[bot]
default_locale = $(toml "${OTRBOT_LOCALE:-en_GB}")
locales_dir = "/usr/share/otrbot/locales"

[bot.format_strings]
bot_title = $(toml "${OTRBOT_BOT_TITLE:-OTR Bot}")
$([ -n "${OTRBOT_PROJECT_NAME:-}" ] && echo "project_name = $(toml "$OTRBOT_PROJECT_NAME")")

[lti]
listen = "0.0.0.0:5000"
public_url = $(toml "$public_url")
# Behind the proxy every client has the proxy's address: the proxy limits them.
trust_forwarded_headers = true
max_connections_per_address = 0
max_requests_per_address_per_minute = 0
frame_ancestors = $(toml_list "${OTRBOT_LMS_ORIGINS:-}")

[lti.consumers.$(toml "$OTRBOT_LTI_CONSUMER_KEY")]
secret_file = "$secrets/lti_secret"
allow_private_outcome_urls = ${OTRBOT_ALLOW_PRIVATE_OUTCOME_URLS:-false}

# LTI 1.3: the tool's key is made at first start in /var/lib/otrbot. An LMS registers the
# tool at ${public_url%/}/lti13/register with a single-use invite an administrator makes:
#   docker compose exec otrbot otrbot-entrypoint lti13-invite --host <the LMS's host>
[lti13]

[admin]
$admin_token

[store]
path = "/var/lib/otrbot/otrbot.db"

[log]
level = $(toml "${OTRBOT_LOG_LEVEL:-info}")
syslog = true
syslog_address = $(toml "${OTRBOT_SYSLOG_ADDRESS:-syslog:5140}")
TOML
  fi
  exec setpriv --reuid=otrbot --regid=otrbot --init-groups --inh-caps=-all -- "$0" "$@"
fi

case "${1:-runclient}" in
  runclient|check-config|lti13-invite) exec /usr/bin/otrbot "$@" --config "$config" ;;
  *) exec "$@" ;;
esac
