#!/usr/bin/env bash
# The beforeBuildCommand of src-tauri/tauri.bundle.conf.json (the packaging overlay): builds the
# UI, then the `twofold` CLI for the same target and profile as the app, and puts it where
# Tauri's externalBin wants a sidecar (src-tauri/binaries/twofold-<target triple>). Tauri then
# installs it as /usr/bin/twofold (.deb, .rpm), Contents/MacOS/twofold (macOS) or beside
# twofold-app.exe (Windows). For Linux packages it also writes the shell completions and man
# pages, generated from the CLI's own clap definitions, into src-tauri/bundle-assets/.
# Runs from ui/ or src-tauri/ (Tauri picks); every path here is absolute.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"

npm --prefix ui run build

host="$(rustc -vV | sed -n 's/^host: //p')"
triple="${TAURI_ENV_TARGET_TRIPLE:-$host}"
profile=release
[ "${TAURI_ENV_DEBUG:-false}" = "true" ] && profile=debug
# build_cli <triple>: builds the CLI for one target and sets $built to the binary.
build_cli() {
  local t=$1 out="$CARGO_TARGET_DIR" args=(--locked -p twofold-cli)
  [ "$profile" = release ] && args+=(--release)
  # Only name --target when cross-building: a host build with --target would use its own folder
  # and build every dependency a second time.
  if [ "$t" != "$host" ]; then
    args+=(--target "$t")
    out="$out/$t"
  fi
  echo "bundle-prep: building the twofold CLI ($profile, $t)"
  cargo build "${args[@]}"
  built="$out/$profile/twofold"
  case "$t" in *windows*) built="$built.exe" ;; esac
}

mkdir -p src-tauri/binaries
exe=""
case "$triple" in *windows*) exe=".exe" ;; esac
sidecar="src-tauri/binaries/twofold-$triple$exe"
if [ "$triple" = universal-apple-darwin ]; then
  # Tauri's universal macOS build wants one fat sidecar.
  build_cli aarch64-apple-darwin && arm="$built"
  build_cli x86_64-apple-darwin && intel="$built"
  lipo -create -output "$sidecar" "$arm" "$intel"
else
  build_cli "$triple"
  cp -f "$built" "$sidecar"
fi
echo "bundle-prep: sidecar $sidecar"
cli="$built"

# Completions and man pages come from running the CLI: for Linux packages built on Linux (the
# macOS and Windows bundles carry none; `twofold completions SHELL` prints them there).
if [ "$triple" = "$host" ] && [[ "$triple" == *linux* ]]; then
  assets=src-tauri/bundle-assets
  rm -rf "$assets" && mkdir -p "$assets/completions" "$assets/man1"
  "$cli" completions bash >"$assets/completions/twofold.bash"
  "$cli" completions zsh >"$assets/completions/_twofold"
  "$cli" completions fish >"$assets/completions/twofold.fish"
  "$cli" man "$assets/man1"
  gzip -9n "$assets"/man1/*.1
  echo "bundle-prep: completions and $(ls "$assets/man1" | wc -l) man pages in $assets"
fi
