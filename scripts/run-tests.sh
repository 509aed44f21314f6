#!/usr/bin/env bash
# Start the services the suite needs, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SECPLAN_TEST_POSTGRES_URL:-}" ]; then
  if url=$(./scripts/start-postgres.sh); then
    export SECPLAN_TEST_POSTGRES_URL="$url"
    echo "PostgreSQL for tests: $url"
  else
    echo "warning: PostgreSQL could not be started; PostgreSQL tests will be skipped" >&2
  fi
fi
export SECPLAN_SHARED_DIR="${SECPLAN_SHARED_DIR:-$(cd .. && pwd)/shared}"
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n "${SECPLAN_TEST_WORKERS:-2}" "$@"
