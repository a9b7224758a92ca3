#!/usr/bin/env bash
# Regenerates the README screenshots from the real console on the demo workspace, under Xvfb.
# Usage: packaging/screenshots.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ws=$(mktemp -d)
trap 'rm -rf "$ws"; [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true' EXIT
"$build/app/baton" --workspace "$ws" init --demo >/dev/null 2>&1
# A few real runs so the workspace is not empty: successes, and a failure with its alert.
"$build/app/baton" --workspace "$ws" run churn/nightly --wait >/dev/null 2>&1
"$build/app/baton" --workspace "$ws" run inventory/hourly --env prod --wait >/dev/null 2>&1
"$build/app/baton" --workspace "$ws" run churn/nightly --env prod \
    --param SIMULATE_FAILURE=train --wait >/dev/null 2>&1 || true
# A run of what preprod runs, so the pending prod approval's gates can pass (Releases mode).
"$build/app/baton" --workspace "$ws" run churn/nightly --env preprod --wait >/dev/null 2>&1 || true
# A data steward's review: a note and a sign-off, so the Review mode has history to show.
BATON_USER=dana "$build/app/baton" --workspace "$ws" annotate 1 "Row counts match the warehouse" >/dev/null
BATON_USER=dana "$build/app/baton" --workspace "$ws" review 1 --approve \
    --comment "Scores in the expected range" >/dev/null
BATON_USER=dana "$build/app/baton" --workspace "$ws" annotate 3 "train failed on purpose (SIMULATE_FAILURE)" >/dev/null
Xvfb :87 -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
mkdir -p docs/screenshots
for mode in Monitor Pipelines Editor Releases Review Audit; do
    name=$(echo "$mode" | tr 'A-Z' 'a-z')
    DISPLAY=:87 QT_QPA_PLATFORM=xcb XDG_CONFIG_HOME="$ws/config" BATON_SCREENSHOT_MODE="$mode" \
        BATON_SCREENSHOT_RUN=3 \
        BATON_SCREENSHOT="$PWD/docs/screenshots/$name.png" "$build/app/baton" --workspace "$ws" \
        2>&1 | grep -v XDG_RUNTIME_DIR || true
done

# Run detail, compare and log viewer (after the mode pictures, so the extra project below does
# not show in them): a nightly with a flaky task that succeeds on its retry and a chatty log.
show=$(mktemp -d)
cat > "$show/project.yaml" <<'YAML'
project: billing
environments: [dev, prod]
variables:
  - {name: LEDGER_URL, value: "postgresql://ledger/billing"}
  - {name: LEDGER_TOKEN, value: "tok-31f9a", secret: true}
jobs:
  - name: fetch
    command: |
      for i in $(seq 1 40); do echo "fetch: page $i/40 (250 invoices)"; sleep 0.01; done
      echo "invoices_fetched 10000" >> "$BATON_METRICS_FILE"
  - name: load
    retries: 1
    retry_delay: 1
    command: |
      if [ "$BATON_ATTEMPT" = 1 ]; then
        echo "load: opening ledger connection"; sleep 0.3
        echo "ERROR: connection reset by peer (ledger)" >&2; exit 75
      fi
      for i in $(seq 1 400); do
        echo "load: batch $i/400 committed ($((i * 25)) rows)"
        [ $((i % 10)) = 0 ] && sleep 0.02
        [ $((i % 60)) = 0 ] && echo "warning: slow commit on batch $i (1.8 s)" >&2
        [ $i = 250 ] && echo "load: retrying deadlocked batch 250" >&2
      done
      echo "rows_loaded 10000" >> "$BATON_METRICS_FILE"
  - name: reconcile
    command: |
      sleep 0.4; echo "reconcile: 10000 invoices, 0 mismatches"
      echo "mismatches 0" >> "$BATON_METRICS_FILE"
  - {name: report, command: "sleep 0.2; echo report: sent to finance"}
pipelines:
  - name: nightly
    tasks:
      - job: fetch
      - {job: load, after: [fetch]}
      - {job: reconcile, after: [load]}
      - {job: report, after: [reconcile]}
YAML
"$build/app/baton" --workspace "$ws" import "$show" >/dev/null 2>&1
"$build/app/baton" --workspace "$ws" run billing/nightly --env prod --wait >/dev/null 2>&1 || true
billing=$("$build/app/baton" --workspace "$ws" runs --json | python3 -c \
    'import json,sys; print(max(r["id"] for r in json.load(sys.stdin)))')
rm -rf "$show"
shot() { # NAME VAR=VALUE...
    local name=$1
    shift
    env DISPLAY=:87 QT_QPA_PLATFORM=xcb XDG_CONFIG_HOME="$ws/config" "$@" \
        BATON_SCREENSHOT="$PWD/docs/screenshots/$name.png" "$build/app/baton" --workspace "$ws" \
        2>&1 | grep -v XDG_RUNTIME_DIR || true
}
shot run-detail BATON_SCREENSHOT_MODE=Monitor BATON_SCREENSHOT_OPEN_RUN="$billing"
shot run-compare BATON_SCREENSHOT_MODE=Monitor BATON_SCREENSHOT_COMPARE=1,3
shot log-viewer BATON_SCREENSHOT_MODE=Monitor BATON_SCREENSHOT_LOG="$ws/runs/$billing/load.2/log" \
    BATON_SCREENSHOT_FIND="slow commit"

# Dashboards: a workspace with the demo's release history (v6 then v7 in prod, ~15 s), so the
# charts have days of runs and the false-positive-rate regression shows and fires.
hist=$(mktemp -d)
trap 'rm -rf "$ws" "$hist"; [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true' EXIT
"$build/app/baton" --workspace "$hist" init --demo --history >/dev/null 2>&1
"$build/app/baton" --workspace "$hist" run churn/nightly --env prod \
    --param SIMULATE_FAILURE=train --wait >/dev/null 2>&1 || true
for shot in "Dashboards/Operations:dashboard-operations" "Dashboards/Business metrics:dashboard-metrics"; do
    DISPLAY=:87 QT_QPA_PLATFORM=xcb XDG_CONFIG_HOME="$hist/config" BATON_SCREENSHOT_MODE="${shot%%:*}" \
        BATON_SCREENSHOT="$PWD/docs/screenshots/${shot##*:}.png" "$build/app/baton" \
        --workspace "$hist" 2>&1 | grep -v XDG_RUNTIME_DIR || true
done
