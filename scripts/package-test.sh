#!/usr/bin/env bash
# The Debian package, tested: built from the tree (scripts/package.sh), lintian on it (no error
# allowed; its output in build/package/lintian.txt), then in fresh Debian 12 containers (rootful
# podman; test/package/inside.sh): apt install ./otrbot_<version>_amd64.deb, the user, folders,
# conffile and modes it made, check-config, `systemd-analyze verify` and `security` on the unit
# (the score in build/package/security.txt), then systemd booted in the container starts the
# unit for real (hardening and all): the pages and the metrics answer, as the otrbot user; a
# bad setting stops it without restarts; dpkg -r keeps the data and dpkg -P removes it.
# Called by scripts/test.sh; needs root (rootful podman) and apt's network to Debian's mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$PWD/build/package-test
mkdir -p "$state"
say() { echo "package-test: $*"; }
die() { echo "package-test: FAILED: $*" >&2; exit 1; }
command -v lintian >/dev/null || die "lintian is missing: run scripts/install-deps.sh"
. scripts/podman-base.sh

deb=$(scripts/package.sh | tail -1)
[ -f "$deb" ] || die "scripts/package.sh made no package"
say "built $deb ($(du -h "$deb" | cut -f1))"
lintian --tag-display-limit 0 --display-info "$deb" >build/package/lintian.txt 2>&1 || true
if grep -q '^E: ' build/package/lintian.txt; then
  cat build/package/lintian.txt
  die "lintian found errors"
fi
say "lintian: no error; $(grep -c '^W: ' build/package/lintian.txt || true) warning(s), $(grep -c '^I: ' build/package/lintian.txt || true) info(s) (build/package/lintian.txt)"

name=otrbot-package-test
image=localhost/otrbot-package-test:latest
podman rm -f "$name" >/dev/null 2>&1 || true
cleanup() { podman rm -f "$name" >/dev/null 2>&1 || true; podman rmi -f "$image" >/dev/null 2>&1 || true; }
trap cleanup EXIT
pkg=$PWD/build/package
podman run --name "$name" -v "$pkg:/pkg" -v "$PWD/test/package:/test:ro" "$base" /test/inside.sh install ||
  die "the package did not install and check as it should (see above)"
podman commit -q "$name" "$image" >/dev/null
podman rm -f "$name" >/dev/null
cp "$pkg/security.txt" "$state/security.txt"

# systemd as the container's init: the unit as a school's server runs it.
podman run -d --name "$name" --systemd=always --network none "$image" /lib/systemd/systemd >/dev/null ||
  die "podman cannot boot systemd in a container here"
on() { podman exec "$name" "$@"; }
wait_for() {  # a command that succeeds once the event happened; 60 s at most
  local i
  for i in $(seq 1 600); do
    if on sh -c "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}
wait_for 'systemctl is-system-running --wait; true' || true
on systemctl start otrbot.service || { on journalctl -u otrbot --no-pager | tail -30; die "systemctl start otrbot"; }
wait_for 'curl -fsS http://127.0.0.1:5000/is_up' ||
  { on journalctl -u otrbot --no-pager | tail -30; die "the pages did not answer under the unit"; }
pid=$(on systemctl show -p MainPID --value otrbot.service)
user=$(on stat -c %U "/proc/$pid")
[ "$user" = otrbot ] || die "the bot runs as '$user', not otrbot"
on curl -fsS http://127.0.0.1:9464/metrics | grep -q '^otrbot_build_info{version=' ||
  die "no metrics on 127.0.0.1:9464 under the unit"
on journalctl -u otrbot --no-pager | grep -q 'otrbot started as bot@localhost' ||
  die "the bot's lines are not in the journal"
on journalctl -u otrbot --no-pager | grep -q 'not writing to /dev/log as well' ||
  die "under the unit the bot still writes to /dev/log beside the journal (each line twice)"
say "ok: systemctl start otrbot: running as otrbot with the unit's hardening, pages and metrics answer, lines in the journal"
# A bad setting: the unit fails at ExecStartPre with exit 3 and is not restarted.
on sh -c 'printf "\n[nonsense]\nkey = 1\n" >>/etc/otrbot/otrbot.toml'
on systemctl restart otrbot.service 2>/dev/null && die "a bad setting did not stop the unit"
wait_for '! systemctl is-active --quiet otrbot.service' || die "the unit stays active with a bad setting"
restarts=$(on systemctl show -p NRestarts --value otrbot.service)
on journalctl -u otrbot --no-pager | grep -q 'nonsense' || die "the journal does not name the bad key"
[ "$restarts" = 0 ] || die "the unit was restarted $restarts time(s) after a bad setting"
say "ok: a bad setting: the unit stops at check-config (the journal names the key), restarted $restarts times"
podman rm -f "$name" >/dev/null

podman run --rm --name "$name" -v "$PWD/test/package:/test:ro" "$image" /test/inside.sh remove ||
  die "removing or purging the package went wrong (see above)"
say "$(grep 'Overall exposure level' "$state/security.txt")"
