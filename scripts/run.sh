#!/usr/bin/env bash
# README command 1: installs everything, builds the UI, the release app and the `twofold` CLI
# beside it (as every package installs them), says where the CLI is, and runs the app.
# Extra arguments are passed to the app. The build is cached in $CARGO_TARGET_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup-tools.sh
export TAURI_APP_PATH="$ROOT/src-tauri" TAURI_FRONTEND_PATH="$ROOT/ui"
# `tauri build` (not `tauri dev`): the same release binaries the tests drive, no dev server. The
# packaging overlay's beforeBuildCommand (scripts/bundle-prep.sh) builds the UI and the CLI.
ui/node_modules/.bin/tauri build --no-bundle --config "$ROOT/src-tauri/tauri.bundle.conf.json"

release="$CARGO_TARGET_DIR/release"
cat <<MSG

Twofold is built:
  the app:                $release/twofold-app
  the command-line tool:  $release/twofold   (try: $release/twofold --help)
The app uses that twofold for the AWS CLI's automatic sessions. To type \`twofold\` in any
terminal, use the app's About box (ⓘ) → "Put twofold on PATH" (a link in ~/.local/bin), or:
  ln -sf "$release/twofold" ~/.local/bin/twofold
MSG
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo
  echo "No display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open:"
  echo "run this again from a desktop session, or use $release/twofold in the terminal."
  exit 1
fi
exec "$release/twofold-app" "$@"
