#!/usr/bin/env bash
# Installs what Baton needs to build, run and test on Debian 12.
# Idempotent: when every package is present it only checks and returns (well under a second).
set -euo pipefail

PKGS=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # Qt 6.4 (Core/Gui/Widgets/Sql/Test in qt6-base-dev) + Charts + Svg
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev
  # Qt Charts needs the OpenGL dev files when recommends are not installed
  libqt6opengl6-dev libgl-dev
  libqt6sql6-sqlite qt6-qpa-plugins
  # team workspaces: Qt's PostgreSQL driver, libpq (addresses), and the server the tests start
  libqt6sql6-psql libpq-dev postgresql
  # the SQLite C API for the engine's hot statements (the library Qt's plugin uses)
  libsqlite3-dev
  # logging and jobs-as-code
  libspdlog-dev libfmt-dev libyaml-cpp-dev
  # secrets encrypted at rest (crypto_secretbox)
  libsodium-dev
  # run-time: demo jobs, time zones, headless display for GUI screenshots
  python3 tzdata xvfb xauth
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
