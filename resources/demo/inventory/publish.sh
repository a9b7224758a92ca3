#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# publish: push available stock to the storefront and list what to reorder.
# Input:  $BATON_RUN_DIR/data/stock.csv   (from load)
# Output: $BATON_RUN_DIR/publish/stock_<warehouse>.json, reorder_<warehouse>.csv
set -euo pipefail
. "$(dirname "$0")/common.sh"

STOCK="$DATA_DIR/stock.csv"
[ -f "$STOCK" ] || die "$STOCK not found: did the load task run in this run directory?"

PUB_DIR="$RUN_DIR/publish"
mkdir -p "$PUB_DIR"
JSON="$PUB_DIR/stock_$WAREHOUSE.json"
REORDER="$PUB_DIR/reorder_$WAREHOUSE.csv"

awk -F, -v wh="$WAREHOUSE" 'NR > 1 {
    printf "%s{\"sku\":\"%s\",\"available\":%d}", (n++ ? ",\n  " : "[\n  "), $1, $3
} END { print (n ? "\n]" : "[]") }' "$STOCK" > "$JSON"
awk -F, 'NR == 1 || $3 + 0 <= $4 + 0' "$STOCK" > "$REORDER"

ITEMS=$(( $(wc -l < "$STOCK") - 1 ))
LOW=$(( $(wc -l < "$REORDER") - 1 ))
UNITS=$(awk -F, 'NR > 1 { s += $3 } END { print s + 0 }' "$STOCK")

log "publish: warehouse $WAREHOUSE: $ITEMS items, $UNITS units available"
log "publish: storefront feed written to $JSON (simulated upload)"
log "publish: $LOW items at or below their reorder point, listed in $REORDER"
tail -n +2 "$REORDER" | sort -t, -k3,3n | awk -F, 'NR <= 5 { printf "publish:   reorder %s (%s): %d left, reorder point %d\n", $1, $2, $3, $4 }'
metric stock_items "$ITEMS"
metric units_available "$UNITS"
metric low_stock_items "$LOW"
