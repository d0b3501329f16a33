#!/usr/bin/env bash
# Start a local PostgreSQL from Debian's packages on 127.0.0.1 (installing it when missing),
# make a `buyerkit` role and a `buyerkit_test` database, and print the SQLAlchemy URL on stdout.
# Used by .ci/run; run it by hand to get BUYERKIT_TEST_POSTGRES_URL for the store tests.
set -euo pipefail
ROLE=buyerkit
DB=buyerkit_test
PASSWORD=${BUYERKIT_PG_PASSWORD:-buyerkit-local-test}
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "postgres.sh: installing postgresql from Debian's packages" >&2
  $sudo apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

# The first cluster Debian knows of (e.g. "15 main 5432 down ..."); create one if there is none.
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters --no-header | head -n 1) || true
if [ -z "${VERSION:-}" ]; then
  VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  $sudo pg_createcluster "$VERSION" main >&2
  read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters --no-header | head -n 1)
fi
if [ "$STATUS" != "online" ]; then
  $sudo pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
psql_admin() { (cd / && as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -qtA "$@"); }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
  psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
else
  psql_admin -c "ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE $DB OWNER $ROLE" >&2
fi
echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
