#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# extract: pull the customer snapshot (features + last month's churn outcome).
#
# The demo has no real database: rows are synthesised deterministically from
# the logical date, so a given day always yields the same snapshot.
# Output: $BATON_RUN_DIR/data/customers_raw.csv
set -euo pipefail
. "$(dirname "$0")/common.sh"

simulate_failure extract

ROWS="${INPUT_ROWS:-12000}"
case "$ROWS" in
    ''|*[!0-9]*) die "INPUT_ROWS must be a positive integer, got '$ROWS'" ;;
esac
[ "$ROWS" -gt 0 ] || die "INPUT_ROWS must be greater than 0"

DB="${DB_URL:-postgresql://localhost/churn}"
SEED=$(seed_for extract)
OUT="$DATA_DIR/customers_raw.csv"
mkdir -p "$DATA_DIR"

log "extract: environment=$ENV_NAME logical_date=${LOGICAL_DATE:-none}"
log "extract: connecting to $DB (simulated)"
log "extract: reading $ROWS customers from churn.customer_snapshot"

TMP="$OUT.tmp.$$"
trap 'rm -f "$TMP"' EXIT

awk -v rows="$ROWS" -v seed="$SEED" '
# Park-Miller minimal standard generator: exact in double arithmetic and
# identical on every awk, unlike rand().
function rnd() { state = (state * 16807) % 2147483647; return state / 2147483647 }
function gauss(   u, v) { u = rnd(); v = rnd(); return sqrt(-2 * log(u)) * cos(6.283185307179586 * v) }
function clamp(x, lo, hi) { return x < lo ? lo : (x > hi ? hi : x) }
function poisson(mean,   l, k, p) { l = exp(-mean); k = 0; p = rnd(); while (p > l) { k++; p *= rnd() } return k }
BEGIN {
    state = seed
    print "customer_id,tenure_months,monthly_charges,contract,support_calls_90d,late_payments_12m,usage_change_pct,autopay,churned"
    for (i = 1; i <= rows; i++) {
        id = sprintf("C%07d", 1000000 + i)
        c = rnd()
        contract = c < 0.55 ? "month_to_month" : (c < 0.80 ? "one_year" : "two_year")
        tenure = int(1 + 71 * rnd() ^ 1.4)
        if (contract == "two_year" && tenure < 24) tenure += 24
        charges = clamp(68 + 24 * gauss(), 18, 125)
        calls = poisson(0.9)
        late = poisson(0.6)
        usage = clamp(-4 + 18 * gauss(), -80, 60)
        autopay = rnd() < 0.55 ? 1 : 0

        z = -1.55 - 0.032 * tenure + 0.016 * (charges - 68) + 0.45 * calls \
            + 0.38 * late - 0.035 * usage - 0.6 * autopay
        if (contract == "month_to_month") z += 1.3
        else if (contract == "two_year") z -= 1.0
        z += 0.9 * gauss()                       # what the features cannot see
        churned = rnd() < 1 / (1 + exp(-z)) ? 1 : 0

        ch = sprintf("%.2f", charges)
        us = sprintf("%.1f", usage)
        # Real extracts are messy: ~1.5% broken rows, ~0.4% duplicates.
        d = rnd()
        if (d < 0.005) ch = ""
        else if (d < 0.009) tenure = -tenure
        else if (d < 0.012) us = "N/A"
        else if (d < 0.015) contract = "unknown"
        line = id "," tenure "," ch "," contract "," calls "," late "," us "," autopay "," churned
        print line
        if (rnd() < 0.004) print line
    }
}' > "$TMP"

mv "$TMP" "$OUT"
trap - EXIT

LOADED=$(( $(wc -l < "$OUT") - 1 ))
[ "$LOADED" -gt 0 ] || die "no rows extracted from $DB"
log "extract: wrote $LOADED rows to $OUT"
metric rows_loaded "$LOADED"
