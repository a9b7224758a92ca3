#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# report: human-readable summary of tonight's scoring, plus a quality gate on
# the false positive rate (every false positive is a retention offer wasted
# on a customer who was not leaving).
#
# Input:  $BATON_RUN_DIR/data/evaluation.txt, $BATON_RUN_DIR/data/scores.csv
# Output: $BATON_RUN_DIR/reports/churn-report.md
set -euo pipefail
. "$(dirname "$0")/common.sh"

simulate_failure report

EVAL="$DATA_DIR/evaluation.txt"
SCORES="$DATA_DIR/scores.csv"
[ -f "$EVAL" ] || die "$EVAL not found: did the score task run in this run directory?"
[ -f "$SCORES" ] || die "$SCORES not found: did the score task run in this run directory?"

MAX_FPR="${MAX_FALSE_POSITIVE_RATE:-0.15}"
case "$MAX_FPR" in
    ''|*[!0-9.]*) die "MAX_FALSE_POSITIVE_RATE must be a number between 0 and 1, got '$MAX_FPR'" ;;
esac

# value NAME: look a figure up in evaluation.txt
value() {
    awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) exit 1 }' "$EVAL" \
        || die "$EVAL has no '$1' line"
}
pct() { awk -v v="$1" 'BEGIN { printf "%.1f%%", 100 * v }'; }

MODEL="$(value model_name) $(value model_version)"
THRESHOLD=$(value decision_threshold)
ROWS=$(value rows_scored)
FLAGGED=$(value customers_flagged)
HOLDOUT=$(value holdout_rows)
FPR=$(value false_positive_rate)
PRECISION=$(value precision)
RECALL=$(value recall)
AUC=$(value auc)
DAY="${LOGICAL_DATE:-$(date +%F)}"

if awk -v a="$FPR" -v b="$MAX_FPR" 'BEGIN { exit !(a + 0 <= b + 0) }'; then
    GATE="passed"; GATE_OK=1
else
    GATE="FAILED"; GATE_OK=0
fi

REPORT_DIR="$RUN_DIR/reports"
REPORT="$REPORT_DIR/churn-report.md"
mkdir -p "$REPORT_DIR"
{
    printf '# Churn scoring report, %s (%s)\n\n' "$DAY" "$ENV_NAME"
    printf -- '- Model: %s, decision threshold %s\n' "$MODEL" "$THRESHOLD"
    printf -- '- Customers scored: %s, flagged for retention: %s\n' "$ROWS" "$FLAGGED"
    printf -- '- Holdout (%s customers): precision %s, recall %s, AUC %s\n' \
        "$HOLDOUT" "$(pct "$PRECISION")" "$(pct "$RECALL")" "$AUC"
    printf -- '- False positive rate: %s (limit %s): %s\n\n' "$(pct "$FPR")" "$(pct "$MAX_FPR")" "$GATE"
    printf '## Highest churn risk\n\n| customer | probability |\n|---|---|\n'
    tail -n +2 "$SCORES" | sort -t, -k2,2 -gr | awk -F, 'NR <= 10 { printf "| %s | %s |\n", $1, $2 }'
} > "$REPORT"

log "================ churn scoring: $DAY ($ENV_NAME) ================"
log "model            $MODEL (threshold $THRESHOLD)"
log "customers        $ROWS scored, $FLAGGED flagged for retention"
log "precision        $(pct "$PRECISION")"
log "recall           $(pct "$RECALL")"
log "false positives  $(pct "$FPR") of loyal customers flagged (limit $(pct "$MAX_FPR"))"
log "AUC              $AUC"
log "quality gate     $GATE"
log "report written   $REPORT"

if [ "$GATE_OK" -eq 0 ]; then
    warn "false positive rate $(pct "$FPR") is above the $(pct "$MAX_FPR") limit: the retention team will call many customers who were not leaving (model $MODEL, threshold $THRESHOLD)"
fi
metric quality_gate_passed "$GATE_OK"
