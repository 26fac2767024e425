#!/usr/bin/env bash
# README command 1: installs everything, builds the UI and the release app, and runs it.
# Extra arguments are passed to the app. The build is cached in $CARGO_TARGET_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup-tools.sh
export TAURI_APP_PATH="$ROOT/src-tauri" TAURI_FRONTEND_PATH="$ROOT/ui"
# `tauri build` (not `tauri dev`): the same release binary the tests drive, no dev server.
# Its beforeBuildCommand builds the UI.
ui/node_modules/.bin/tauri build --no-bundle
exec "$CARGO_TARGET_DIR/release/twofold-app" "$@"
