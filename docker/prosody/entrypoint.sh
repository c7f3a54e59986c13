#!/bin/bash
# The prosody container's entrypoint: writes the configuration for OTRBOT_DOMAIN, installs the
# certificate (certs/xmpp.crt and certs/xmpp.key, readable by root only on the host), creates
# the bot's account from the bot_password secret (and sets that password again at every start,
# so that changing the secret is enough), moves rosters kept in Prosody's files before into its
# SQL store (once), then runs Prosody as the prosody user.
set -euo pipefail
: "${OTRBOT_DOMAIN:?set OTRBOT_DOMAIN (the XMPP domain) in .env}"
bot_user=${OTRBOT_BOT_USER:-otrbot}
[ -f /certs/xmpp.crt ] && [ -f /certs/xmpp.key ] ||
  { echo "prosody-entrypoint: put the XMPP certificate in certs/xmpp.crt and certs/xmpp.key" >&2; exit 3; }
[ -f /run/secrets/bot_password ] ||
  { echo "prosody-entrypoint: the secret bot_password is missing (secrets/bot_password)" >&2; exit 3; }

install -d -m 0750 -o root -g prosody /etc/prosody/certs
install -m 0644 /certs/xmpp.crt /etc/prosody/certs/xmpp.crt
install -m 0640 -o root -g prosody /certs/xmpp.key /etc/prosody/certs/xmpp.key
chown -R prosody:prosody /var/lib/prosody

cat >/etc/prosody/prosody.cfg.lua <<LUA
-- Written by prosody-entrypoint (docker/prosody/entrypoint.sh) for ${OTRBOT_DOMAIN}.
pidfile = "/run/prosody/prosody.pid"
data_path = "/var/lib/prosody"
log = { info = "*console" }
interfaces = { "*" }
c2s_ports = { 5222 }
c2s_direct_tls_ports = { 5223 }
s2s_ports = { 5269 }
http_ports = { }
https_ports = { }
authentication = "internal_hashed"
allow_registration = false
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = true
modules_enabled = {
  "roster", "saslauth", "tls", "dialback", "disco", "carbons", "pep", "private", "blocklist",
  "vcard4", "vcard_legacy", "version", "uptime", "time", "ping", "smacks", "csi_simple",
  "limits"
}
-- Students' connections are rate-limited; the bot's, which talks to a lecture hall at once, not.
limits = { c2s = { rate = "10kb/s"; burst = "2s" } }
unlimited_jids = { "${bot_user}@${OTRBOT_DOMAIN}" }
-- mod_version answers with Prosody's version only, not the operating system's.
hide_os_type = true
ssl = { certificate = "/etc/prosody/certs/xmpp.crt"; key = "/etc/prosody/certs/xmpp.key" }
-- Rosters in SQLite: Prosody's default files rewrite a whole roster for each change, and the
-- bot's roster holds every whitelisted student (1,000 students cost Prosody 23 s of CPU at the
-- bot's first login with files, 1.4 s with SQLite; docs/scaling.md). The rest stays in files.
storage = { roster = "sql" }
sql = { driver = "SQLite3"; database = "prosody.sqlite" }
VirtualHost "${OTRBOT_DOMAIN}"
LUA

run_prosodyctl() { setpriv --reuid=prosody --regid=prosody --init-groups -- prosodyctl "$@"; }
# A deployment from before the SQL rosters: its rosters move into SQLite once (the files stay, as
# they were, beside it).
# Prosody's file names: every character but a letter or a digit as %xx.
encoded=
for ((i = 0; i < ${#OTRBOT_DOMAIN}; i++)); do
  c=${OTRBOT_DOMAIN:i:1}
  if [[ $c == [A-Za-z0-9] ]]; then encoded+=$c; else encoded+=$(printf '%%%02x' "'$c"); fi
done
host_dir=/var/lib/prosody/$encoded
if [ ! -e /var/lib/prosody/prosody.sqlite ] && [ -d "$host_dir/roster" ]; then
  cat >/run/prosody/migrator.cfg.lua <<LUA
input { type = "internal"; path = "/var/lib/prosody"; hosts = { ["${OTRBOT_DOMAIN}"] = { "roster" } } }
output { type = "sql"; driver = "SQLite3"; database = "/var/lib/prosody/prosody.sqlite" }
LUA
  echo "prosody-entrypoint: moving the rosters into SQLite (/var/lib/prosody/prosody.sqlite)" >&2
  setpriv --reuid=prosody --regid=prosody --init-groups -- \
    prosody-migrator --config=/run/prosody/migrator.cfg.lua input output >/dev/null
fi
# SQLite's write-ahead log, kept in the file (Prosody sets no journal mode): a roster change is
# one append, not a journal made and deleted (1,000 students: 1.4 s of Prosody's CPU, not 3.6 s).
setpriv --reuid=prosody --regid=prosody --init-groups -- \
  sqlite3 /var/lib/prosody/prosody.sqlite 'PRAGMA journal_mode=WAL;' >/dev/null
# The password goes through a pipe (printf is a bash builtin): never on a command line.
password=$(cat /run/secrets/bot_password)
printf '%s\n%s\n' "$password" "$password" | run_prosodyctl register "$bot_user" "$OTRBOT_DOMAIN" >/dev/null
unset password
exec setpriv --reuid=prosody --regid=prosody --init-groups -- prosody -F
