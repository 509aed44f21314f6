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
# MLflow, for the live probe of an unauthenticated tracking server, in a venv of its own (its numpy
# and pandas pins must not touch the project's). Without PyPI the test says why it skipped.
if [ ! -x .bench/mlflow-venv/bin/mlflow ]; then
  (python3 -m venv .bench/mlflow-venv && .bench/mlflow-venv/bin/pip install -q mlflow) \
    || echo "warning: could not install MLflow for the live probe test" >&2
fi
export SECPLAN_SHARED_DIR="${SECPLAN_SHARED_DIR:-$(cd .. && pwd)/shared}"
# loadfile: a module's tests stay on one worker, so the server, gateway or browser a module starts
# once (a module-scoped fixture) and the traffic its tests send to it are shared by all of them.
# (Not loadgroup: pytest 9.2 ignores the node ids pytest-xdist 3.8 rewrites for xdist_group marks.)
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n "${SECPLAN_TEST_WORKERS:-2}" --dist loadfile "$@"
