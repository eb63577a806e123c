# shellcheck shell=bash
# Throwaway PostgreSQL for Coffer's tests.
#
# Sourced by .ci/run. A developer can source it too, to get a server for a
# hand-run `dotnet test`:
#
#     source .ci/postgres.sh      # from the repository root, in bash
#     dotnet test tests/Coffer.Server.Tests
#     coffer_psql -c 'select 1'   # psql against the throwaway server
#     coffer_pg_stop              # or just leave the shell
#
# What it does: picks the newest /usr/lib/postgresql/*/bin, makes a fresh data
# directory under a new temp dir (${TMPDIR:-/tmp}/coffer-pg.XXXXXX), runs
# initdb as the `postgres` OS user when called as root (initdb refuses root),
# with scram-sha-256 auth and a generated password, and starts the server on
# 127.0.0.1 only, on the first free port from 55432 up, with its unix socket
# inside the temp dir and fsync/synchronous_commit off. It waits until
# pg_isready answers and a password login over TCP works, then exports:
#
#     COFFER_TEST_POSTGRES  Npgsql connection string (Database=postgres;
#                           tests create their own databases)
#     COFFER_TEST_PG_BIN    directory with pg_dump, psql, ... of that server
#     COFFER_PG_HOST, COFFER_PG_PORT, COFFER_PG_PASSWORD, COFFER_PG_TMP
#
# An EXIT trap stops the server (pg_ctl stop -m immediate) and removes the
# temp dir. Note that this replaces any EXIT trap your shell already had. Set
# COFFER_PG_NO_TRAP=1 before sourcing if the caller calls coffer_pg_stop from
# its own trap (as .ci/run does). Servers of earlier runs whose owning shell
# is gone (a killed run) are stopped and their temp dirs removed on start.
#
# It needs the postgresql package (Debian: server + client); .ci/run installs
# it. This file must not change the options of the shell that sources it (no
# set -e here): every failure is reported and returned.

# Runs a command as the OS user that owns the cluster: `postgres` when we are
# root, ourselves otherwise. Runs from the cluster's dir, which that user can
# enter (the caller's cwd may be a directory it cannot read).
_coffer_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd "${COFFER_PG_TMP:-/}" && runuser -u postgres -- "$@")
  else
    (cd "${COFFER_PG_TMP:-/}" && "$@")
  fi
}

# Stops the server of one temp dir and removes the dir. Quiet, never fails.
_coffer_pg_stop_dir() {
  local dir=$1 bin=${2:-} pid postmaster=""
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    postmaster=$(head -n 1 "$dir/pg/data/postmaster.pid" 2>/dev/null)
    if [ -z "$bin" ] && [ -f "$dir/pg_bin" ]; then
      bin=$(cat "$dir/pg_bin")
    fi
    if [ -n "$bin" ] && [ -x "$bin/pg_ctl" ]; then
      COFFER_PG_TMP=$dir _coffer_pg_as_owner "$bin/pg_ctl" stop -D "$dir/pg/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    # pg_ctl missing or failed: end the postmaster of that data dir directly.
    if [ -f "$dir/pg/data/postmaster.pid" ]; then
      pid=$(head -n 1 "$dir/pg/data/postmaster.pid" 2>/dev/null)
      case $pid in
        '' | *[!0-9]*) ;;
        *)
          kill -QUIT "$pid" 2>/dev/null || true
          local _
          for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
          done
          kill -KILL "$pid" 2>/dev/null || true
          ;;
      esac
    fi
  fi
  rm -rf -- "$dir" 2>/dev/null || true
  # The postmaster was orphaned to init when pg_ctl started it; give init a
  # moment to reap it so no <defunct> postgres outlives the caller.
  case $postmaster in
    '' | *[!0-9]*) ;;
    *)
      local _
      for _ in $(seq 1 30); do
        [ -e "/proc/$postmaster" ] || break
        sleep 0.1
      done
      ;;
  esac
  return 0
}

# Stops the server started by coffer_pg_start and removes its temp dir.
coffer_pg_stop() {
  if [ -n "${COFFER_PG_TMP:-}" ]; then
    _coffer_pg_stop_dir "$COFFER_PG_TMP" "${COFFER_TEST_PG_BIN:-}"
  fi
  unset COFFER_PG_TMP COFFER_PG_HOST COFFER_PG_PORT COFFER_PG_PASSWORD COFFER_TEST_POSTGRES COFFER_TEST_PG_BIN
  return 0
}

# psql against the throwaway server, over TCP with the generated password.
coffer_psql() {
  PGPASSWORD=${COFFER_PG_PASSWORD:?no throwaway PostgreSQL: source .ci/postgres.sh} \
    "$COFFER_TEST_PG_BIN/psql" -X -h "$COFFER_PG_HOST" -p "$COFFER_PG_PORT" -U postgres -d postgres "$@"
}

# Stops servers left behind by runs whose owning process is gone (killed runs).
_coffer_pg_reap_stale() {
  local dir owner
  for dir in "${TMPDIR:-/tmp}"/coffer-pg.*; do
    [ -f "$dir/owner.pid" ] || continue
    owner=$(cat "$dir/owner.pid" 2>/dev/null)
    case $owner in '' | *[!0-9]*) continue ;; esac
    if ! kill -0 "$owner" 2>/dev/null; then
      echo "postgres.sh: removing a stale throwaway PostgreSQL in $dir (its run, pid $owner, is gone)" >&2
      _coffer_pg_stop_dir "$dir"
    fi
  done
}

# Is something already accepting TCP connections on 127.0.0.1:$1?
_coffer_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

coffer_pg_start() {
  local bin="" d
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/pg_dump" ] && bin=$d
  done
  if [ -z "$bin" ]; then
    echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql/*/bin (install the postgresql package; .ci/run does)" >&2
    return 1
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: running as root but there is no 'postgres' OS user to run initdb as" >&2
    return 1
  fi

  # Sourced twice in one shell: replace the earlier server.
  [ -n "${COFFER_PG_TMP:-}" ] && coffer_pg_stop
  _coffer_pg_reap_stale

  local tmp
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/coffer-pg.XXXXXX") || { echo "postgres.sh: mktemp failed" >&2; return 1; }
  export COFFER_PG_TMP=$tmp
  # The owner is the shell that sourced us: $$ is .ci/run's pid, or the
  # developer's interactive shell.
  echo "$$" >"$tmp/owner.pid"
  echo "$bin" >"$tmp/pg_bin"
  chmod 755 "$tmp"
  mkdir -p "$tmp/pg/sock"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$tmp/pg"
  fi
  chmod 700 "$tmp/pg"

  local password
  password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$password" >"$tmp/pg/pwfile")
  [ "$(id -u)" = 0 ] && chown postgres: "$tmp/pg/pwfile"

  if ! _coffer_pg_as_owner "$bin/initdb" -D "$tmp/pg/data" -U postgres \
    --auth=scram-sha-256 --pwfile="$tmp/pg/pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1; then
    echo "postgres.sh: initdb failed:" >&2
    cat "$tmp/initdb.log" >&2
    coffer_pg_stop
    return 1
  fi
  rm -f "$tmp/pg/pwfile"

  # Settings for a throwaway test server (durability off: speed over safety).
  _coffer_pg_as_owner tee -a "$tmp/pg/data/postgresql.conf" >/dev/null <<EOF

# --- coffer .ci/postgres.sh ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp/pg/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

  # First free port from 55432 up; retry with the next one if the start
  # loses a race for the port.
  local port=55432 tries=0 started=""
  while [ "$tries" -lt 50 ]; do
    tries=$((tries + 1))
    if _coffer_port_in_use "$port"; then
      port=$((port + 1))
      continue
    fi
    rm -f "$tmp/pg/server.log"
    if _coffer_pg_as_owner "$bin/pg_ctl" start -D "$tmp/pg/data" -l "$tmp/pg/server.log" \
      -o "-p $port" -w -t 60 >/dev/null 2>&1; then
      started=yes
      break
    fi
    if ! grep -qiE 'could not (create|bind)|address already in use' "$tmp/pg/server.log" 2>/dev/null; then
      break
    fi
    port=$((port + 1))
  done
  if [ -z "$started" ]; then
    echo "postgres.sh: PostgreSQL did not start; server log:" >&2
    cat "$tmp/pg/server.log" >&2 2>/dev/null
    coffer_pg_stop
    return 1
  fi

  local _ ready=""
  for _ in $(seq 1 120); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then
      ready=yes
      break
    fi
    sleep 0.5
  done
  if [ -z "$ready" ]; then
    echo "postgres.sh: pg_isready never answered on 127.0.0.1:$port; server log:" >&2
    cat "$tmp/pg/server.log" >&2 2>/dev/null
    coffer_pg_stop
    return 1
  fi

  export COFFER_PG_HOST=127.0.0.1
  export COFFER_PG_PORT=$port
  export COFFER_PG_PASSWORD=$password
  export COFFER_TEST_PG_BIN=$bin
  export COFFER_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"

  # Check the very credentials the tests get: password login over TCP.
  local version
  if ! version=$(coffer_psql -qtA -c 'show server_version' 2>&1); then
    echo "postgres.sh: PostgreSQL is up but login with the generated password failed: $version" >&2
    coffer_pg_stop
    return 1
  fi
  echo "postgres.sh: PostgreSQL $version on 127.0.0.1:$port (data in $tmp/pg/data)"
  return 0
}

if coffer_pg_start; then
  if [ -z "${COFFER_PG_NO_TRAP:-}" ]; then
    trap coffer_pg_stop EXIT
  fi
else
  # `return` when sourced (the normal case), `exit` if run as a script.
  # shellcheck disable=SC2317
  return 1 2>/dev/null || exit 1
fi
