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
Xvfb :87 -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
mkdir -p docs/screenshots
for mode in Monitor Pipelines; do
    name=$(echo "$mode" | tr 'A-Z' 'a-z')
    DISPLAY=:87 QT_QPA_PLATFORM=xcb XDG_CONFIG_HOME="$ws/config" BATON_SCREENSHOT_MODE="$mode" \
        BATON_SCREENSHOT="$PWD/docs/screenshots/$name.png" "$build/app/baton" --workspace "$ws" \
        2>&1 | grep -v XDG_RUNTIME_DIR || true
done
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
