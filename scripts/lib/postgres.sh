# A throw-away PostgreSQL server for the ledger tests (issue 7), from Debian's packages.
# start_postgres: initdb + pg_ctl start in a fresh temporary directory, listening on 127.0.0.1 on a
# free port only (Unix socket inside that directory), password auth (scram-sha-256), and exports
#   CLEANSLATE_TEST_PG_URL  postgres://postgres:<random password>@127.0.0.1:<port>/postgres (superuser)
#   CLEANSLATE_TEST_PG_DIR  the temporary directory (data/, log, socket)
# stop_postgres: stops the server (fast shutdown) and removes the directory; safe to call twice.
# initdb and postgres refuse to run as root: as root they run as $CLEANSLATE_PG_USER (default
# postgres, else nobody) through runuser; as another user, as that user.

PG_TEST_DIR=""

# The bin directory of the newest installed server (Debian: /usr/lib/postgresql/<major>/bin).
postgres_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $dir && -x $dir/initdb ]]; then echo "$dir"; return 0; fi
  dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [[ -x $dir/initdb ]] && { echo "$dir"; return 0; }
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  return 1
}

# Runs a command as the unprivileged server user (only needed as root).
as_postgres_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_RUN_USER" -- "$@"; else "$@"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
free_tcp_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start_postgres() {
  local bindir port password
  bindir=$(postgres_bindir) || return 1
  if [[ $(id -u) -eq 0 ]]; then
    PG_RUN_USER=${CLEANSLATE_PG_USER:-$(getent passwd postgres >/dev/null && echo postgres || echo nobody)}
  fi
  PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cleanslate-pg.XXXXXX")
  password=$(node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))")
  printf '%s\n' "$password" >"$PG_TEST_DIR/pwfile"
  mkdir "$PG_TEST_DIR/socket"
  [[ $(id -u) -eq 0 ]] && chown -R "$PG_RUN_USER:" "$PG_TEST_DIR"
  chmod 700 "$PG_TEST_DIR"
  as_postgres_user "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=scram-sha-256 \
    --pwfile="$PG_TEST_DIR/pwfile" --no-locale --encoding=UTF8 >"$PG_TEST_DIR/initdb.log" 2>&1 || {
    cat "$PG_TEST_DIR/initdb.log" >&2
    return 1
  }
  rm -f "$PG_TEST_DIR/pwfile"
  port=$(free_tcp_port)
  # fsync off: a test server loses nothing that matters on a crash, and 20 hosts commit faster
  as_postgres_user "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR/socket -c fsync=off -c max_connections=200" \
    start >/dev/null || {
    cat "$PG_TEST_DIR/server.log" >&2
    return 1
  }
  export CLEANSLATE_TEST_PG_DIR=$PG_TEST_DIR
  export CLEANSLATE_TEST_PG_URL="postgres://postgres:${password}@127.0.0.1:${port}/postgres"
  echo "== PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_TEST_DIR)"
}

stop_postgres() {
  [[ -n $PG_TEST_DIR && -d $PG_TEST_DIR ]] || return 0
  local bindir
  bindir=$(postgres_bindir) || true
  if [[ -f $PG_TEST_DIR/data/postmaster.pid && -n $bindir ]]; then
    as_postgres_user "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$PG_TEST_DIR"
  PG_TEST_DIR=""
  unset CLEANSLATE_TEST_PG_URL CLEANSLATE_TEST_PG_DIR
}
