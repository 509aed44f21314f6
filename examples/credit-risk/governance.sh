#!/usr/bin/env bash
# Governance records for the credit-risk example: people, vendors, incidents, a drill, attestations,
# users with roles and an approved model promotion. Dates are relative to today, so the human and
# compliance pillars keep showing the same real passes and real failures whenever the demo runs.
#
# Usage: SECPLAN=.venv/bin/secplan examples/credit-risk/governance.sh [PROJECT_DIR]
# Tokens are kept in shell variables only and never printed.
set -euo pipefail

SECPLAN=${SECPLAN:-secplan}
ROOT=$(cd "${1:-$(dirname "$0")}" && pwd)
sp() { "$SECPLAN" "$@" --root "$ROOT"; }
day() { date -u -d "$1 days" +%F; }

if sp people show dana.okafor@acme.example >/dev/null 2>&1; then
    echo "governance records already present in $ROOT/.secplan; nothing to do" >&2
    exit 0
fi

# People (HS-1, HS-2): status and dates only.
sp people add dana.okafor@acme.example --role "data steward" --asset data/applications.csv \
    --screening cleared --screening-date "$(day -200)" --screening-level standard \
    --training "Secure ML data handling" --completed "$(day -90)" --training-expires "$(day 275)"
sp people add sam.lindqvist@acme.example --role "ML engineer, model owner" --asset models/ \
    --screening cleared --screening-date "$(day -400)" --screening-level enhanced \
    --training "Secure ML data handling" --completed "$(day -385)" --training-expires "$(day -20)"
sp people add "Priya Raman" --email ml-oncall@acme.example --role "on-call lead" \
    --asset models/credit_model.safetensors --screening in_progress \
    --training "Incident response for ML" --completed "$(day -30)" --training-expires "$(day 335)"
sp people add lee.wong@acme.example --role "analyst" --asset notebooks/explore.ipynb \
    --training "Security awareness" --completed "$(day -10)"

# Vendors (CS-6).
sp vendors add LabelCo --service "data labelling" --data "loan applications=restricted" --risk-tier high \
    --agreement DPA-2025-014 --agreement-signed "$(day -300)" --agreement-expires "$(day 430)" \
    --certification "SOC 2 Type II=$(day 200)" --certification "ISO/IEC 27001=$(day 500)" \
    --last-review "$(day -100)"
sp vendors add "GPU Cloud Ltd" --service "model training compute" --data "model weights=confidential" \
    --risk-tier medium --agreement DPA-2023-101 --agreement-expires "$(day -30)" \
    --certification "ISO/IEC 27001=$(day 120)" --last-review "$(day -420)"

# Incidents (HS-3, HS-5): one handled to the end, one serious and overdue for its Art. 73 report.
leak=$(sp incident open "AWS key committed to train.py" --type secret-leak --severity high \
    --owner "Priya Raman" --asset train.py --aware "$(day -40)")
steps=$(sp incident show "$leak" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["steps"]))')
done_args=()
for n in $(seq 1 "$steps"); do done_args+=(--done "$n"); done
sp incident update "$leak" "${done_args[@]}" --phase lessons --note "key rotated, history rewritten, scanner rule added"
sp incident close "$leak" --summary "secret moved to the key provider"
artifact=$(sp incident open "credit_model.pkl loaded in staging executed code" \
    --type malicious-model-artifact --severity critical --serious serious --owner sam.lindqvist@acme.example \
    --asset models/credit_model.pkl --atlas AML.T0011.000 --aware "$(day -20)")
sp incident update "$artifact" --phase contain --done 1 --done 2 --note "digest blocked in the gateway"
sp incident drill --type model-extraction --date "$(day -60)" --notes "tabletop: query flood on the scoring API"

# Attestations (PS-5, PS-6), signed with the project's key.
sp attest PS-5 --statement "Firewall rules and IDS alerts for the scoring cluster reviewed" \
    --evidence "$ROOT/SECURITY.md" --expires "$(day 150)"
sp attest PS-6 --statement "Model signing keys held in the data centre HSM; cage access log reviewed" \
    --evidence https://wiki.acme.example/security/hsm-review --expires "$(day 60)"

# Users, roles and a two-person approval of a model promotion (DS-3, HS-4).
sp users add sam.lindqvist@acme.example
sp users add rui.costa@acme.example
sp roles grant sam.lindqvist@acme.example engineer
sp roles grant rui.costa@acme.example security-officer
sam_token=$(sp tokens create sam.lindqvist@acme.example --expires "$(day 30)" 2>/dev/null)
rui_token=$(sp tokens create rui.costa@acme.example --expires "$(day 30)" 2>/dev/null)
request=$(SECPLAN_TOKEN=$sam_token sp request create model.promote model:models/credit_model.safetensors \
    --reason "v2 passed evaluation")
if SECPLAN_TOKEN=$sam_token sp approve "$request" 2>/dev/null; then
    echo "unexpected: the requester approved their own request" >&2
    exit 1
fi
SECPLAN_TOKEN=$rui_token sp approve "$request"
echo "governance records written to $ROOT/.secplan" >&2
