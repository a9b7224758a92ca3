#!/bin/bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared helpers for the churn demo's shell jobs. Sourced, not executed.
#
# Runtime contract (set by Baton; every one is optional when run by hand):
#   BATON_RUN_DIR       directory shared by all tasks of a run (default: .)
#   BATON_METRICS_FILE  append "NAME VALUE" lines here to record metrics
#   BATON_TASK, BATON_ATTEMPT, BATON_RUN_ID, BATON_ENV, BATON_LOGICAL_DATE, ...

RUN_DIR="${BATON_RUN_DIR:-.}"
DATA_DIR="$RUN_DIR/data"
LOGICAL_DATE="${BATON_LOGICAL_DATE:-}"
ENV_NAME="${BATON_ENV:-local}"

log()  { printf '%s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# metric NAME VALUE: record a numeric metric for this task.
metric() {
    if [ -n "${BATON_METRICS_FILE:-}" ]; then
        printf '%s %s\n' "$1" "$2" >> "$BATON_METRICS_FILE"
    fi
    log "metric $1=$2"
}

# seed_for SALT: deterministic 31-bit seed from a fixed base, the salt and the
# logical date, so a given day always produces the same data.
seed_for() {
    local sum
    sum=$(printf '%s|%s' "$1" "$LOGICAL_DATE" | cksum | cut -d' ' -f1)
    echo $(( (sum % 2147483646) + 1 ))
}

# simulate_failure TASK: demo switch. SIMULATE_FAILURE holds a comma-separated
# list of task names; "name:once" fails only the first attempt (to show retries).
simulate_failure() {
    local task="${BATON_TASK:-$1}" attempt="${BATON_ATTEMPT:-1}" item
    local IFS=','
    for item in ${SIMULATE_FAILURE:-}; do
        case "$item" in
            "$task")
                die "$task: simulated failure requested by SIMULATE_FAILURE" ;;
            "$task:once")
                if [ "$attempt" = "1" ]; then
                    die "$task: simulated transient failure on attempt 1 (SIMULATE_FAILURE=$task:once)"
                fi ;;
        esac
    done
}
