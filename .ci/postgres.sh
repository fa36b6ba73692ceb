#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's package) for the integration tests and print the
# SQLAlchemy URL of an empty test database. Peer authentication over the Unix socket:
# the CI user gets a role of its own name, so no password exists anywhere.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
cluster=$(pg_lsclusters --no-header | head -n 1)
if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >/dev/null
    cluster=$(pg_lsclusters --no-header | head -n 1)
fi
read -r version name _ <<<"$cluster"
pg_ctlcluster "$version" "$name" start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
    pg_isready -q && break
    sleep 1
done
me=$(id -un)
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$me'\"" | grep -q 1 \
    || su postgres -c "createuser --superuser '$me'" >/dev/null
su postgres -c "dropdb --if-exists creditdesk_test" >/dev/null 2>&1
su postgres -c "createdb -O '$me' creditdesk_test" >/dev/null
echo "postgresql+psycopg:///creditdesk_test?host=/var/run/postgresql"
