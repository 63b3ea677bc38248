#!/usr/bin/env bash
# Makes sure what the tests need is installed and running: MariaDB and Redis on 127.0.0.1, and
# Debian's Chromium for the browser tests, and promtool (Debian's prometheus package) for the
# /metrics exposition check. Installs with apt-get when missing, starts when down.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server mariadb-client)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

wait_for() { # wait_for <what> <command...>
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what did not come up" >&2; return 1
}

if ! mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
  echo "starting MariaDB"
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for "MariaDB" mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping ||
    wait_for "MariaDB (socket)" as_root mariadb-admin ping
fi
# A fresh Debian install lets root in by unix socket only; the tests connect over TCP.
if ! mariadb --protocol=tcp -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  as_root mariadb -e "ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket"
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for "Redis" sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
fi
echo "services ready: MariaDB $(mariadb --protocol=tcp -h127.0.0.1 -uroot -N -e 'SELECT VERSION()'), Redis $(redis-cli -h 127.0.0.1 info server | grep redis_version | tr -d '\r' | cut -d: -f2), $(/usr/bin/chromium --version 2>/dev/null || echo 'no chromium'), $(promtool --version 2>/dev/null | head -1 || echo 'no promtool')"
