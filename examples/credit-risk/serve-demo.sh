#!/usr/bin/env bash
# The example's gateway run (MS-2, MS-5, MS-6, HS-5): serve candidate v2 (scikit-learn, skops) on loopback
# behind `secplan serve`, send benign traffic and a short extraction attempt, wait for the monitor's
# alert (it opens an incident), and stop the gateway. The assessment then reports what was served,
# with which guards, and the alert and its incident.
# Idempotent: skipped when an extraction alert is already recorded.
#
# Usage: SECPLAN=.venv/bin/secplan examples/credit-risk/serve-demo.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SECPLAN=${SECPLAN:-secplan}
PYTHON=${PYTHON:-$(dirname "$SECPLAN")/python}
export SECPLAN_PASSPHRASE=${SECPLAN_PASSPHRASE:-demo-only-passphrase-for-the-example}
MODEL=credit-risk
VERSION=2
SIGNATURE=$HERE/models/credit_model_v2.skops.sigstore.json
sp() { "$SECPLAN" "$@" -C "$HERE"; }

if sp monitor alerts --format json | grep -q '"kind"'; then exit 0; fi
sp model verify "$MODEL@$VERSION" --signature "$SIGNATURE" >/dev/null 2>&1 \
  || sp model sign "$MODEL@$VERSION" --key credit-risk-signing --signature "$SIGNATURE" >/dev/null 2>&1
for user in scoring-service scraper; do
  sp users add "$user" >/dev/null 2>&1 || true
  sp roles grant "$user" model-client >/dev/null 2>&1 || true
done
benign=$(sp tokens create scoring-service --scope read --expires "$(date -d '+2 days' +%F)" 2>/dev/null)
scraper=$(sp tokens create scraper --scope read --expires "$(date -d '+2 days' +%F)" 2>/dev/null)

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$SECPLAN" serve "$MODEL@$VERSION" --port "$port" -C "$HERE" >"$log" 2>&1 &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  grep -q '^listening on' "$log" && break
  kill -0 "$gateway" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
echo "gateway: $(head -1 "$log") serving $MODEL@$VERSION"
BENIGN_TOKEN=$benign SCRAPER_TOKEN=$scraper "$PYTHON" "$HERE/traffic.py" "http://127.0.0.1:$port" "$MODEL"
for _ in $(seq 1 20); do
  sp monitor alerts --format json | grep -q '"extraction"' && break
  sleep 1
done
sp monitor alerts
