#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# fetch: download the supplier's stock feed for our warehouse.
# The demo has no supplier: the feed is synthesised deterministically from the
# logical date and the warehouse code.
# Output: $BATON_RUN_DIR/data/stock_feed.csv
set -euo pipefail
. "$(dirname "$0")/common.sh"

case "$WAREHOUSE" in
    ''|*[!A-Za-z0-9_-]*) die "WAREHOUSE_CODE must be letters, digits, '-' or '_', got '$WAREHOUSE'" ;;
esac

# The catalogue and base stock depend on the warehouse only; the hour's sales,
# restocks and feed glitches depend on the logical date too.
BASE_SEED=$(printf 'inventory|%s' "$WAREHOUSE" | cksum | cut -d' ' -f1)
BASE_SEED=$(( BASE_SEED % 2147483646 + 1 ))
SEED=$(printf 'inventory|%s|%s' "$WAREHOUSE" "$LOGICAL_DATE" | cksum | cut -d' ' -f1)
SEED=$(( SEED % 2147483646 + 1 ))
OUT="$DATA_DIR/stock_feed.csv"
mkdir -p "$DATA_DIR"

log "fetch: requesting stock feed for warehouse $WAREHOUSE (simulated), logical date ${LOGICAL_DATE:-none}"
TMP="$OUT.tmp.$$"
trap 'rm -f "$TMP"' EXIT
awk -v base_seed="$BASE_SEED" -v seed="$SEED" -v wh="$WAREHOUSE" '
# Two Park-Miller streams (portable across awks, unlike rand()).
function base() { bstate = (bstate * 16807) % 2147483647; return bstate / 2147483647 }
function rnd()  { state = (state * 16807) % 2147483647; return state / 2147483647 }
BEGIN {
    bstate = base_seed; state = seed
    split("bolt nut washer hinge bracket cable clamp valve filter gasket", kind, " ")
    split("S M L XL", size, " ")
    print "sku,description,warehouse,on_hand,reserved,reorder_point"
    for (i = 1; i <= 480; i++) {
        k = kind[1 + int(base() * 10)]; s = size[1 + int(base() * 4)]
        on_hand = 40 + int(base() * 360); reorder = 10 + int(base() * 40)
        if (base() < 0.06) on_hand = int(base() * 40)         # slow to restock
        sold = int(rnd() * 0.15 * on_hand)                    # this hour
        if (rnd() < 0.03) sold = -int(50 + rnd() * 150)       # a delivery came in
        on_hand -= sold
        reserved = int(rnd() * 0.2 * on_hand)
        line = sprintf("SKU-%05d,%s %s,%s,%d,%d,%d", 10000 + i * 7, k, s, wh, on_hand, reserved, reorder)
        r = rnd()                                             # feed glitches
        if (r < 0.01) sub(/,[0-9]+,/, ",,", line)
        else if (r < 0.015) sub(/,[0-9]+,[0-9]+,/, ",-3,0,", line)
        print line
    }
}' > "$TMP"
mv "$TMP" "$OUT"
trap - EXIT

ROWS=$(( $(wc -l < "$OUT") - 1 ))
[ "$ROWS" -gt 0 ] || die "supplier feed for $WAREHOUSE is empty"
log "fetch: received $ROWS feed lines into $OUT"
metric feed_rows "$ROWS"
