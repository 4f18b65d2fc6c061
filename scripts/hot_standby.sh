#!/usr/bin/env bash
# A PostgreSQL primary and a hot standby of it, made with pg_basebackup, on this machine: for the
# replica test and benchmarks (REPLICA_DATABASE_URL). Both are new clusters in FOLDER, so the
# machine's own server and its settings are left alone.
#   scripts/hot_standby.sh start FOLDER PRIMARY_PORT STANDBY_PORT   prints the two superuser URLs
#   scripts/hot_standby.sh stop FOLDER                              stops both and removes FOLDER
# As root, the servers run as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

bindir="$(pg_config --bindir)"
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    folder="$2" primary_port="$3" standby_port="$4"
    mkdir -p "$folder"
    [ "$(id -u)" = 0 ] && chown postgres "$folder"
    # initdb's pg_hba.conf with --auth=trust already lets 127.0.0.1 replicate.
    as_owner "$bindir/initdb" -D "$folder/primary" -U postgres --auth=trust >/dev/null
    as_owner "$bindir/pg_ctl" -D "$folder/primary" -l "$folder/primary.log" -w \
      -o "-p $primary_port -k $folder -c listen_addresses=127.0.0.1 -c wal_level=replica" start >/dev/null
    as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$folder/standby" \
      --write-recovery-conf --wal-method=stream --checkpoint=fast
    as_owner "$bindir/pg_ctl" -D "$folder/standby" -l "$folder/standby.log" -w \
      -o "-p $standby_port -k $folder -c listen_addresses=127.0.0.1 -c hot_standby=on" start >/dev/null
    for _ in $(seq 1 60); do
      in_recovery="$(psql -h 127.0.0.1 -p "$standby_port" -U postgres -Atc 'SELECT pg_is_in_recovery()' postgres \
        2>/dev/null || true)"
      [ "$in_recovery" = t ] && break
      sleep 0.5
    done
    if [ "$in_recovery" != t ]; then
      echo "the standby on port $standby_port did not come up in recovery: see $folder/standby.log" >&2
      exit 1
    fi
    echo "primary postgresql://postgres@127.0.0.1:$primary_port/postgres"
    echo "standby postgresql://postgres@127.0.0.1:$standby_port/postgres"
    ;;
  stop)
    folder="$2"
    for cluster in standby primary; do
      if [ -f "$folder/$cluster/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$folder/$cluster" -m fast -w stop >/dev/null || true
      fi
    done
    rm -rf "$folder"
    ;;
  *)
    echo "usage: $0 start FOLDER PRIMARY_PORT STANDBY_PORT | stop FOLDER" >&2
    exit 2
    ;;
esac
