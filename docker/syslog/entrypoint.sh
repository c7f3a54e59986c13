#!/bin/bash
# The syslog container's entrypoint: the log volume (and rsyslog's work directory, a tmpfs)
# made the otrbot-logs user's, then rsyslog runs as that user, never as root, on an unprivileged
# port (5140/udp) that only the bot's network reaches (docker/compose.yaml: network "logs").
set -euo pipefail
chown -R otrbot-logs:otrbot-logs /var/log/otrbot /var/spool/rsyslog
exec setpriv --reuid=otrbot-logs --regid=otrbot-logs --clear-groups --inh-caps=-all -- \
  rsyslogd -n -iNONE -f /etc/rsyslog.conf
