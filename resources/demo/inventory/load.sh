#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# load: validate the feed and load it into the stock table (a CSV here).
# Input:  $BATON_RUN_DIR/data/stock_feed.csv   (from fetch)
# Output: $BATON_RUN_DIR/data/stock.csv        sku,description,available,reorder_point
set -euo pipefail
. "$(dirname "$0")/common.sh"

FEED="$DATA_DIR/stock_feed.csv"
OUT="$DATA_DIR/stock.csv"
[ -f "$FEED" ] || die "$FEED not found: did the fetch task run in this run directory?"

TMP="$OUT.tmp.$$"
REJECTS="$DATA_DIR/rejected.csv"
trap 'rm -f "$TMP"' EXIT
awk -F, -v out="$TMP" -v rej="$REJECTS" '
NR == 1 { print "sku,description,available,reorder_point" > out; print $0 > rej; next }
{
    if (NF != 6 || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ || $5 + 0 > $4 + 0) {
        print $0 > rej; bad++; next
    }
    print $1 "," $2 "," ($4 - $5) "," $6 > out; good++
}
END { printf "%d %d\n", good, bad }' "$FEED" > "$DATA_DIR/load_counts"
mv "$TMP" "$OUT"
trap - EXIT

read -r LOADED REJECTED < "$DATA_DIR/load_counts"
rm -f "$DATA_DIR/load_counts"
log "load: loaded $LOADED stock items into $OUT"
if [ "$REJECTED" -gt 0 ]; then
    warn "load: rejected $REJECTED malformed feed lines (see $REJECTS)"
fi
[ "$LOADED" -gt 0 ] || die "no valid stock lines in $FEED"
metric rows_loaded "$LOADED"
metric rows_rejected "$REJECTED"
