#!/usr/bin/env bash
# Windows compile check from Linux: `cargo check` of the core (with `camera` and `fido`), the CLI
# and the Tauri app for x86_64-pc-windows-gnu, so the code behind cfg(windows)/cfg(not(unix)) and
# the Windows backends of our dependencies (Media Foundation camera, Windows HID, Credential
# Manager keyring, WebView2) still compile, without a Windows machine.
# Type-checks only, nothing is linked or run. Installs what it needs when missing (idempotent):
# the rustup target and Debian's MinGW-w64 C compiler (the -sys crates' build scripts compile
# C for the target), and fetches the Windows-only crates.
# Exit 3 (the caller reports SKIP) with ONE line on stdout saying why, when a prerequisite cannot
# be had (no network, no rustup, no apt-get/sudo); any other non-zero exit is a real failure.
# The UI must be built first (ui/dist): the app crate embeds it at compile time.
# Builds are cached in $CARGO_TARGET_DIR (default ~/.cache/twofold/target, shared with
# scripts/test.sh: cargo keeps the Windows artifacts in their own x86_64-pc-windows-gnu/ subfolder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

TARGET=x86_64-pc-windows-gnu
MINGW_CC=x86_64-w64-mingw32-gcc
MINGW_PKG=gcc-mingw-w64-x86-64

say() { echo "check-windows: $*" >&2; }
# skip <reason>: a prerequisite is missing and cannot be installed here. The reason is the last
# line printed (scripts/test.sh's step_or_skip reports it).
skip() { echo "$*"; exit 3; }
# Last non-empty line of a log, without colours or indent: the error, for a one-line reason.
last_line() {
  sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^[[:space:]]*//' "$1" | grep -v '^$' | tail -n1 | cut -c1-200
}

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# --- 1. the Rust target ----------------------------------------------------------------------
if ! command -v rustup >/dev/null; then
  # A toolchain without rustup may still ship the target's standard library.
  sysroot="$(rustc --print sysroot 2>/dev/null || true)"
  [ -n "$sysroot" ] && [ -d "$sysroot/lib/rustlib/$TARGET" ] ||
    skip "no rustup to install the Rust target $TARGET"
elif ! rustup target list --installed | grep -x "$TARGET" >/dev/null; then
  say "rustup target add $TARGET"
  rustup target add "$TARGET" >"$log" 2>&1 ||
    skip "cannot install the Rust target $TARGET: $(last_line "$log")"
fi

# --- 2. the MinGW-w64 C compiler (Debian), for the build scripts that compile C --------------
if ! command -v "$MINGW_CC" >/dev/null; then
  command -v apt-get >/dev/null || skip "no $MINGW_CC and no apt-get to install $MINGW_PKG"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || skip "no $MINGW_CC, and not root and no sudo to install $MINGW_PKG"
    SUDO="sudo"
  fi
  say "installing $MINGW_PKG"
  export DEBIAN_FRONTEND=noninteractive
  { $SUDO apt-get update -qq &&
    $SUDO apt-get install -y -qq --no-install-recommends "$MINGW_PKG"; } >"$log" 2>&1 ||
    skip "cannot install $MINGW_PKG: $(last_line "$log")"
  command -v "$MINGW_CC" >/dev/null || skip "$MINGW_PKG is installed but $MINGW_CC is not on PATH"
fi

# --- 3. the Windows-only crates (windows-sys, webview2-com...) -------------------------------
if ! cargo fetch --locked --target "$TARGET" >"$log" 2>&1; then
  # A stale Cargo.lock is the project's fault, not the machine's: fail, do not skip.
  if grep -q -- '--locked was passed' "$log"; then cat "$log" >&2; exit 1; fi
  skip "cannot download the crates for $TARGET: $(last_line "$log")"
fi

# --- 4. the check ----------------------------------------------------------------------------
# tauri::generate_context! embeds the front end (frontendDist = ../ui/dist) even in a check.
if [ ! -f ui/dist/index.html ]; then
  echo "check-windows: ui/dist/index.html is missing; build the UI first: npm --prefix ui run build" >&2
  exit 1
fi

# The build scripts that compile C for the target (aws-lc-sys, hidapi) use the cc crate, which
# finds x86_64-w64-mingw32-gcc by itself, but prefers a plain CC/AR from the environment over its
# own guess: name the MinGW tools so a host CC=gcc never builds Windows objects.
export CC_x86_64_pc_windows_gnu="${CC_x86_64_pc_windows_gnu:-$MINGW_CC}"
export AR_x86_64_pc_windows_gnu="${AR_x86_64_pc_windows_gnu:-x86_64-w64-mingw32-ar}"

cargo check --locked --target "$TARGET" \
  -p twofold-core -p twofold-cli -p twofold-app \
  --features twofold-core/camera,twofold-core/fido
