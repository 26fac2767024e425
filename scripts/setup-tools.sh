#!/usr/bin/env bash
# Installs everything Twofold needs to build, run and test, on top of the system packages:
# tauri-driver (WebDriver for the app), cargo-deny, and the UI's npm dependencies.
# Idempotent and quiet: when everything is present it prints nothing and takes about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { echo "setup-tools: $*" >&2; }

bash scripts/setup-system.sh

installed_crates="$(cargo install --list 2>/dev/null || true)"

# tauri-driver 2.x: the WebDriver intermediary for Tauri apps (wraps WebKitWebDriver on Linux).
if ! grep -q '^tauri-driver v2\.' <<<"$installed_crates" || ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver 2.x (about 1 minute)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

if ! grep -q '^cargo-deny v' <<<"$installed_crates" || ! command -v cargo-deny >/dev/null; then
  say "installing cargo-deny (a few minutes)"
  cargo install cargo-deny --locked --quiet
fi

# The UI's npm dependencies (includes @tauri-apps/cli, used as `tauri build`).
if [ -f ui/package.json ]; then
  stamp=ui/node_modules/.package-lock.json   # written by npm ci / npm install
  if [ -f ui/package-lock.json ]; then
    if [ ! -f "$stamp" ] || [ ui/package-lock.json -nt "$stamp" ] || [ ui/package.json -nt "$stamp" ]; then
      say "npm ci in ui/"
      npm ci --prefix ui --no-audit --no-fund --loglevel=error >/dev/null
    fi
  elif [ ! -d ui/node_modules ] || [ ui/package.json -nt "$stamp" ]; then
    say "ui/package-lock.json is missing: running npm install (commit the lock file)"
    npm install --prefix ui --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi

# The IAM emulator's Python venv (moto, pinned), used by the AWS end-to-end tests.
if [ -f scripts/setup-python.sh ]; then
  bash scripts/setup-python.sh
fi
