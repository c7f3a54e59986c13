#!/bin/bash
# First step of a deployment, run once in docker/: makes .env from .env.example (unless it
# exists), the secrets (random, in secrets/, readable by root only) unless they exist, and
# certs/ for your certificate files. Prints the LTI consumer key and secret for your LMS.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
[ -e .env ] || { cp .env.example .env; echo "init: wrote .env: edit it (domain, host, LMS)"; }
mkdir -p secrets certs
for name in bot_password lti_secret admin_token; do
  if [ ! -s "secrets/$name" ]; then
    openssl rand -base64 32 | tr -d '=+/\n' | head -c 40 >"secrets/$name"
    echo "init: made secrets/$name"
  fi
done
key=$(awk -F= '$1=="OTRBOT_LTI_CONSUMER_KEY"{print $2}' .env)
cat <<MSG
init: in your LMS, the tool's consumer key is "$key" and its shared secret is the content of
      $(pwd)/secrets/lti_secret (the admin API's bearer token: secrets/admin_token).
      LTI 1.3 (dynamic registration, docs/lms/): once the bot runs, make an invite per LMS with
        docker compose exec otrbot otrbot-entrypoint lti13-invite --host <the LMS's host>
      and give it to the LMS's administrator, who registers https://<OTRBOT_WEB_HOST>/lti13/register
      and types the invite there (it works once, for 24 hours).
      Put the certificates in certs/: xmpp.crt and xmpp.key (naming OTRBOT_DOMAIN), web.crt and
      web.key (naming OTRBOT_WEB_HOST); full chains, PEM. Then: docker compose up -d
MSG
