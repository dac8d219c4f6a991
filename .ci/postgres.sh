#!/usr/bin/env bash
# Start a local PostgreSQL for the store tests and print the URL they read:
#   eval "$(.ci/postgres.sh)"    # exports WARTA_TEST_POSTGRES_URL
# Installs PostgreSQL with apt-get when missing. Idempotent; needs root (or the
# postgres user) to start the cluster. Everything but the export line goes to stderr.
set -euo pipefail

DB_USER="${WARTA_TEST_DB_USER:-warta_test}"
DB_PASSWORD="${WARTA_TEST_DB_PASSWORD:-warta_test}"
DB_NAME="${WARTA_TEST_DB_NAME:-warta_test}"
DB_PORT="${WARTA_TEST_DB_PORT:-5432}"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi
}

if ! command -v pg_lsclusters >/dev/null; then
  "$(dirname "$0")/apt-install.sh" postgresql
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main --port "$DB_PORT" >&2
fi
if ! pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $4}' | grep -qx online; then
  pg_ctlcluster "$version" main start >&2
fi
port="$(pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $3}')"

for _ in $(seq 1 30); do
  as_postgres pg_isready -q -p "$port" && break
  sleep 1
done
as_postgres pg_isready -p "$port" >&2

# Idempotent: the role and the database are created once, then reused.
as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -q >&2 <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$DB_USER', '$DB_PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
SQL

echo "export WARTA_TEST_POSTGRES_URL=postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$port/$DB_NAME"
