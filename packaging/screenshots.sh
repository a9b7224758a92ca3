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
