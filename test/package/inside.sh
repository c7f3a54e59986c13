#!/usr/bin/env bash
# Run by scripts/package-test.sh inside Debian 12 containers, with the package in /pkg:
#   inside.sh install   a fresh container: apt install ./otrbot_*.deb as an admin would, what
#                       it made, check-config, the unit by systemd's tools, settings to start
#   inside.sh remove    the installed container again: dpkg -r keeps the data, dpkg -P does not
# Prints "package: ok: ..." per check; exits non-zero at the first failure.
set -euo pipefail
ok() { echo "package: ok: $*"; }
die() { echo "package: FAILED: $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

if [ "${1:-}" = remove ]; then
  echo "keep me" >/var/lib/otrbot/otrbot.db
  dpkg -r otrbot >/dev/null
  [ -f /var/lib/otrbot/otrbot.db ] || die "dpkg -r removed /var/lib/otrbot's data"
  [ -f /etc/otrbot/otrbot.toml ] || die "dpkg -r removed the settings (a conffile stays until purge)"
  [ ! -e /usr/bin/otrbot ] || die "dpkg -r left /usr/bin/otrbot"
  ok "dpkg -r otrbot: the binary gone, /var/lib/otrbot and /etc/otrbot/otrbot.toml kept"
  dpkg -P otrbot >/dev/null
  [ ! -e /var/lib/otrbot ] || die "dpkg -P left /var/lib/otrbot"
  [ ! -e /etc/otrbot ] || die "dpkg -P left /etc/otrbot"
  ok "dpkg -P otrbot: /var/lib/otrbot and /etc/otrbot gone"
  exit 0
fi

apt-get update -qq
deb=$(ls /pkg/otrbot_*_amd64.deb)
apt-get install -y -qq --no-install-recommends "$deb" systemd man-db curl >/tmp/apt.log 2>&1 ||
  { tail -20 /tmp/apt.log; die "apt install ./$(basename "$deb") failed"; }
ok "apt install ./$(basename "$deb") (with its computed Depends: $(dpkg-query -W -f='${Depends}' otrbot))"

getent passwd otrbot | grep -q ':/var/lib/otrbot:/usr/sbin/nologin$' || die "no system user otrbot"
[ "$(stat -c '%a %U %G' /var/lib/otrbot)" = "750 otrbot otrbot" ] ||
  die "/var/lib/otrbot is $(stat -c '%a %U %G' /var/lib/otrbot), not 750 otrbot otrbot"
[ "$(stat -c '%a %U %G' /etc/otrbot/otrbot.toml)" = "640 root otrbot" ] ||
  die "/etc/otrbot/otrbot.toml is $(stat -c '%a %U %G' /etc/otrbot/otrbot.toml), not 640 root otrbot"
dpkg-query --showformat='${Conffiles}\n' --show otrbot | grep -q '/etc/otrbot/otrbot.toml' ||
  die "/etc/otrbot/otrbot.toml is not a conffile"
ok "user otrbot, /var/lib/otrbot 0750, /etc/otrbot/otrbot.toml a conffile 0640 root:otrbot"
[ -f /usr/share/otrbot/locales/de_DE/LC_MESSAGES/messages.mo ] || die "no compiled catalogs"
man -w otrbot >/dev/null 2>&1 || [ -f /usr/share/man/man1/otrbot.1.gz ] || die "no manual page"

# check-config as the service runs it, on the settings as installed (the sample).
out=$(runuser -u otrbot -- otrbot check-config --offline --config /etc/otrbot/otrbot.toml) ||
  { echo "$out"; die "check-config --offline on the installed settings exited $?"; }
echo "$out" | grep -q '^ok    catalogs      en_GB, de_DE, nl_NL in /usr/share/otrbot/locales' ||
  { echo "$out"; die "check-config did not find the installed catalogs"; }
ok "check-config --offline on the installed settings: $(echo "$out" | grep -c '^ok') ok, $(echo "$out" | grep -c '^skip') skipped"
# A bad setting: exit 3, which the unit does not restart after.
cp /etc/otrbot/otrbot.toml /tmp/bad.toml
printf '\n[nonsense]\nkey = 1\n' >>/tmp/bad.toml
chmod 0644 /tmp/bad.toml
set +e; runuser -u otrbot -- otrbot check-config --offline --config /tmp/bad.toml >/dev/null; rc=$?; set -e
[ "$rc" = 3 ] || die "check-config on a bad setting exited $rc, not 3"
ok "check-config on a bad setting exits 3 (RestartPreventExitStatus)"

# The unit, by systemd's own tools.
systemd-analyze verify /lib/systemd/system/otrbot.service || die "systemd-analyze verify"
ok "systemd-analyze verify otrbot.service: no complaint"
systemd-analyze security --offline=true --no-pager /lib/systemd/system/otrbot.service >/pkg/security.txt 2>&1 ||
  { cat /pkg/security.txt; die "systemd-analyze security"; }
ok "systemd-analyze security: $(grep 'Overall exposure level' /pkg/security.txt)"

# Settings for a bot that starts here: no XMPP server (it keeps trying), pages and metrics.
cat >/etc/otrbot/otrbot.toml <<'TOML'
[xmpp]
default_account = "bot@localhost"
enable_tls = false
[xmpp.accounts."bot@localhost"]
password = "not used: no server runs here"
host = "127.0.0.1"
port = 5222
allow_plain_text = true
[lti]
listen = "127.0.0.1:5000"
[lti.consumers."package-test"]
secret = "package-test-secret"
[metrics]
listen = "127.0.0.1:9464"
[log]
syslog = true
syslog_address = "/dev/log"
TOML
chown root:otrbot /etc/otrbot/otrbot.toml && chmod 0640 /etc/otrbot/otrbot.toml
runuser -u otrbot -- otrbot check-config --offline --config /etc/otrbot/otrbot.toml >/dev/null ||
  die "check-config --offline on the test settings"
ok "test settings written (no XMPP server: the bot keeps trying; pages on 5000, metrics on 9464)"
