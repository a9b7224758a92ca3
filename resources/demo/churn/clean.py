#!/usr/bin/env python3
"""clean: validate the raw extract, drop broken rows and duplicates.

Input:  $BATON_RUN_DIR/data/customers_raw.csv   (from extract)
Output: $BATON_RUN_DIR/data/customers_clean.csv
"""
import csv
import os

from common import (CONTRACTS, DATA_DIR, die, log, metric, require,
                    simulate_failure, warn, write_atomic)

INT_COLUMNS = ("tenure_months", "support_calls_90d", "late_payments_12m", "autopay", "churned")
FLOAT_COLUMNS = ("monthly_charges", "usage_change_pct")


def problem(row):
    """Return why a row is unusable, or None."""
    try:
        for col in INT_COLUMNS:
            int(row[col])
        for col in FLOAT_COLUMNS:
            float(row[col])
    except (KeyError, TypeError, ValueError):
        return "missing or non-numeric value"
    if int(row["tenure_months"]) < 0:
        return "negative tenure"
    if row["contract"] not in CONTRACTS:
        return "unknown contract type"
    if row["churned"] not in ("0", "1") or row["autopay"] not in ("0", "1"):
        return "flag is not 0/1"
    return None


def main():
    simulate_failure("clean")
    src = require(os.path.join(DATA_DIR, "customers_raw.csv"), "extract")
    dst = os.path.join(DATA_DIR, "customers_clean.csv")

    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        rows = list(reader)
    if not rows:
        die("%s has no rows" % src)

    seen = set()
    kept, reasons, duplicates = [], {}, 0
    for row in rows:
        why = problem(row)
        if why:
            reasons[why] = reasons.get(why, 0) + 1
            continue
        if row["customer_id"] in seen:
            duplicates += 1
            continue
        seen.add(row["customer_id"])
        kept.append(row)

    dropped = len(rows) - len(kept)
    log("clean: read %d rows from %s" % (len(rows), src))
    for why, n in sorted(reasons.items()):
        log("clean: dropped %d rows: %s" % (n, why))
    log("clean: dropped %d duplicate customer ids" % duplicates)

    drop_rate = dropped / len(rows)
    if drop_rate > 0.05:
        warn("clean: %.1f%% of rows dropped (expected under 5%%); check the source" % (100 * drop_rate))
    if len(kept) < 100:
        die("only %d usable rows left after cleaning; refusing to train on that" % len(kept))

    def write(f):
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(kept)

    write_atomic(dst, write)
    log("clean: wrote %d rows to %s" % (len(kept), dst))
    metric("rows_clean", len(kept))
    metric("rows_dropped", dropped)


if __name__ == "__main__":
    main()
