#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the test suite (see ../shared notes and README "Tests").
#   pg-server.sh start DIR   initdb into a new /tmp/baton-pg.* directory (the server's user must
#                            reach it, wherever DIR is), start on a free 127.0.0.1 port; writes
#                            DIR/url (postgresql://postgres@127.0.0.1:PORT), DIR/port and
#                            DIR/datadir. Trust authentication: only this machine's users reach it.
#   pg-server.sh restart DIR `pg_ctl restart -m fast` of that server (same port): what a team
#                            workspace's clients see when their server restarts.
#   pg-server.sh stop DIR    fast shutdown of that server, by the PID in its postmaster.pid, and
#                            removal of its data.
# The tests' server skips fsync (its data is thrown away); BATON_PG_FSYNC=on keeps the server's
# shipped durability (the engine benchmark); BATON_PG_OPTIONS adds server options (`-c name=value`:
# console_bench --statements loads pg_stat_statements). Never touches the packaged cluster. As
# root the server runs as the postgres user (initdb refuses root); otherwise as the calling user.
set -euo pipefail
cmd=${1:?usage: pg-server.sh start|restart|stop DIR}
dir=$(realpath -m "${2:?usage: pg-server.sh start|restart|stop DIR}")
bin=${BATON_PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$dir/datadir" ] || return 0
  local data
  data=$(cat "$dir/datadir")
  local pidfile=$data/data/postmaster.pid
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(head -n1 "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" # fast shutdown: roll back open transactions, disconnect, stop
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  case $data in /tmp/baton-pg.*) rm -rf "$data" ;; esac
  rm -f "$dir/datadir" "$dir/url" "$dir/port"
  return 0
}

case $cmd in
start)
  [ -x "$bin/initdb" ] || { echo "pg-server: no PostgreSQL server in $bin (apt-get install postgresql)" >&2; exit 1; }
  stop
  mkdir -p "$dir"
  data=$(mktemp -d /tmp/baton-pg.XXXXXX)
  echo "$data" >"$dir/datadir"
  mkdir -p "$data/run"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$data"; fi
  as_owner "$bin/initdb" -D "$data/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$data/initdb.log" 2>&1 || { cat "$data/initdb.log" >&2; exit 1; }
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    # Taken by anything already? (bash's /dev/tcp connects when something listens)
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then continue; fi
    if as_owner "$bin/pg_ctl" -D "$data/data" -l "$data/pg.log" -w -t 30 \
        -o "-p $port -k $data/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${BATON_PG_FSYNC:-off} ${BATON_PG_OPTIONS:-}" \
        start >/dev/null; then
      echo "$port" >"$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port" >"$dir/url"
      echo "pg-server: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, pid $(head -n1 "$data/data/postmaster.pid")"
      exit 0
    fi
    tail -n 5 "$data/pg.log" >&2 || true
  done
  echo "pg-server: could not start a server (see $data/pg.log)" >&2
  exit 1
  ;;
restart)
  [ -f "$dir/datadir" ] || { echo "pg-server: no server started in $dir" >&2; exit 1; }
  data=$(cat "$dir/datadir")
  as_owner "$bin/pg_ctl" -D "$data/data" -l "$data/pg.log" -w -t 30 -m fast restart >/dev/null
  echo "pg-server: restarted, pid $(head -n1 "$data/data/postmaster.pid")"
  ;;
stop)
  stop
  echo "pg-server: stopped"
  ;;
*)
  echo "usage: pg-server.sh start|restart|stop DIR" >&2
  exit 2
  ;;
esac
