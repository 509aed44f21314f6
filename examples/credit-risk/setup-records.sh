#!/usr/bin/env bash
# Records for the credit-risk example, made with secplan's own commands, as a team would:
# managed keys, the safe-format model registered with its lineage and signed, its model card, then
# the governance records (people, vendors, incidents, attestations, approvals; see governance.sh).
# The pickled model is left unregistered on purpose. Two more candidates are registered and evaluated
# (`secplan model evaluate`), so MS-3, MS-4 and CS-2 are judged on measured results.
# Idempotent: re-running adds nothing twice.
#
# Usage: SECPLAN=.venv/bin/secplan examples/credit-risk/setup-records.sh
# The demo keystore passphrase below protects throw-away demo keys only; never use it elsewhere.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SECPLAN=${SECPLAN:-secplan}
export SECPLAN_PASSPHRASE=${SECPLAN_PASSPHRASE:-demo-only-passphrase-for-the-example}

sp() { "$SECPLAN" "$@" -C "$HERE"; }
has_key() { sp keys show "$1" >/dev/null 2>&1; }

has_key credit-risk-kek || sp keys create credit-risk-kek >/dev/null
has_key credit-risk-signing || sp keys create credit-risk-signing --type ecdsa-p256 >/dev/null

if ! sp model show credit-risk@1 >/dev/null 2>&1; then
  sp data register "$HERE/data/applications.csv" --name applications --classification restricted >/dev/null
  sp model register "$HERE/models/credit_model.safetensors" --name credit-risk --dataset applications@1 \
    --metrics "$HERE/models/metrics.json" --card "$HERE/model_card.yaml" >/dev/null
  sp model card credit-risk@1 --format markdown > "$HERE/models/MODEL_CARD.md"
  sp model sign credit-risk@1 --key credit-risk-signing \
    --signature "$HERE/models/credit_model.safetensors.sigstore.json" >/dev/null
fi
# Two candidates evaluated against the plan's thresholds (small budgets keep the demo quick): v2 reads
# the branch, a proxy of gender (fails CS-2); the boosted ensemble memorises its rows (fails MS-4).
# `model evaluate` exits 1 when a threshold fails, which is the point here.
evaluate() { sp model evaluate "$1" --data "$HERE/data/eval/test.csv" --train "$HERE/data/eval/train.csv" \
  --target defaulted --budget 1000 --seed 1 >/dev/null || [ $? -eq 1 ]; }
if ! sp model show credit-risk@2 >/dev/null 2>&1; then
  sp model register "$HERE/models/credit_model_v2.skops" --name credit-risk --version 2 --dataset applications@1 \
    --metrics "$HERE/models/metrics_v2.json" --card "$HERE/model_card.yaml" >/dev/null
  sp model register "$HERE/models/credit_gbm.txt" --name credit-risk-gbm --dataset applications@1 >/dev/null
  evaluate credit-risk@2
  evaluate credit-risk-gbm@1
  sp model card credit-risk@2 --format markdown > "$HERE/models/MODEL_CARD_v2.md"
fi
SECPLAN="$SECPLAN" "$HERE/governance.sh" "$HERE"
