#!/bin/bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared helpers for the inventory demo's jobs. Sourced, not executed.
# BATON_RUN_DIR (shared by a run's tasks) defaults to . when run by hand;
# metrics go to BATON_METRICS_FILE as "NAME VALUE" lines when it is set.

RUN_DIR="${BATON_RUN_DIR:-.}"
DATA_DIR="$RUN_DIR/data"
LOGICAL_DATE="${BATON_LOGICAL_DATE:-}"
WAREHOUSE="${WAREHOUSE_CODE:-EWR1}"

log()  { printf '%s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

metric() {
    if [ -n "${BATON_METRICS_FILE:-}" ]; then
        printf '%s %s\n' "$1" "$2" >> "$BATON_METRICS_FILE"
    fi
    log "metric $1=$2"
}
