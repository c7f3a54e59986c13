#!/bin/bash
# The proxy container's entrypoint: nginx terminating TLS (certs/web.crt, certs/web.key) for the
# bot's pages and admin API, passing the original host and scheme on, so that the bot checks
# LTI signatures against the URL the LMS used. The pages set their own security headers
# (Content-Security-Policy frame-ancestors lets your LMS frame them); nothing here adds
# X-Frame-Options. Page links carry session tokens in their query strings: the access log
# leaves query strings out, and nginx's error log (whose lines quote the request, the referrer
# and the upstream URL on every upstream failure and every limit_req refusal) goes through a
# filter that cuts every query string before it reaches the container's log.
set -euo pipefail
[ -f /certs/web.crt ] && [ -f /certs/web.key ] ||
  { echo "proxy-entrypoint: put the pages' certificate in certs/web.crt and certs/web.key" >&2; exit 3; }
# The container network's DNS server, so that nginx finds the bot again after it restarts.
resolver=$(awk '/^nameserver/{print $2; exit}' /etc/resolv.conf)
case "$resolver" in *:*) resolver="[$resolver]" ;; esac
# The error log's filter: every "?..." up to a quote or space becomes "?(query left out)".
rm -f /run/nginx-errors
mkfifo -m 0600 /run/nginx-errors
sed -u -E 's/\?[^" ]*/?(query left out)/g' <>/run/nginx-errors >&2 &
cat >/etc/nginx/nginx.conf <<NGINX
# Written by proxy-entrypoint (docker/proxy/entrypoint.sh).
user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /run/nginx-errors warn;
events { worker_connections 4096; }
http {
  server_tokens off;
  log_format paths '\$remote_addr [\$time_local] "\$request_method \$uri" \$status \$body_bytes_sent';
  access_log /dev/stdout paths;
  resolver ${resolver} valid=10s ipv6=off;
  # One address may open 256 connections and make 20 requests a second (bursts of 400): a
  # lecture hall behind one NAT fits, a flood does not.
  limit_conn_zone \$binary_remote_addr zone=per_address:10m;
  limit_req_zone \$binary_remote_addr zone=requests:10m rate=20r/s;
  # The admin API: a few requests a minute per address (the bot also counts wrong tokens per
  # client, from the X-Forwarded-For this proxy sets).
  limit_req_zone \$binary_remote_addr zone=admin:1m rate=30r/m;
  limit_conn_status 503;
  limit_req_status 429;
  server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /certs/web.crt;
    ssl_certificate_key /certs/web.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    client_max_body_size 64k;
    limit_conn per_address 256;
    limit_req zone=requests burst=400 nodelay;
    add_header Strict-Transport-Security "max-age=31536000" always;
    # Every location passes to the bot with these (inherited: no location sets its own).
    set \$bot http://otrbot:5000;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-Proto https;
    proxy_set_header X-Forwarded-Host \$http_host;
    proxy_set_header X-Forwarded-For \$remote_addr;
    proxy_read_timeout 90s;
    location /admin/ {
      limit_req zone=admin burst=10 nodelay;
      proxy_pass \$bot;
    }
    location / {
      proxy_pass \$bot;
    }
  }
}
NGINX
nginx -t -q
exec nginx -g 'daemon off;'
