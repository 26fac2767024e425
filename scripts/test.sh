#!/usr/bin/env bash
# THE test command for Twofold (README, `make test`, `.ci/run`). From a clean Debian/Ubuntu
# machine it installs what is missing, then runs every check and prints a summary:
#   fmt, clippy (-D warnings), core-is-Tauri-free, cargo deny (bans licenses sources, and
#   advisories against the offline RustSec snapshot when ../shared has one), UI build + typecheck
#   (+ lint/test when defined), the release .deb and .rpm (app + `twofold` CLI + completions +
#   man pages) via the Tauri CLI, `cargo test --workspace` inside a private environment
#   (scripts/test-env.sh: throwaway HOME, D-Bus + gnome-keyring Secret Service, Xvfb,
#   tauri-driver) against the binaries this run built, the TS-bindings freshness check, and a
#   Windows compile check (x86_64-pc-windows-gnu).
# Exits non-zero if any step failed. Builds are cached in $CARGO_TARGET_DIR
# (default ~/.cache/twofold/target), outside the clone, so a reused CI machine reuses them.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
export CI="${CI:-true}" CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-always}"
export TWOFOLD_ARTIFACTS="${TWOFOLD_ARTIFACTS:-$HOME/.cache/twofold/artifacts/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$TWOFOLD_ARTIFACTS" "$CARGO_TARGET_DIR"
# CI builds once per run: incremental state only costs disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# The build cache lives outside the clone and grows across runs on a reused machine; a full
# disk kills the linker (SIGBUS). Below 25 GiB free, drop the stale parts, then all of it.
free_gib() { df -Pk "$CARGO_TARGET_DIR" | awk 'NR==2 { print int($4 / 1048576) }'; }
if [ "$(free_gib)" -lt 25 ]; then
  echo "test.sh: $(free_gib) GiB free; pruning the build cache at $CARGO_TARGET_DIR" >&2
  rm -rf "$CARGO_TARGET_DIR/debug/incremental" "$CARGO_TARGET_DIR/release/incremental"
  if [ "$(free_gib)" -lt 25 ]; then rm -rf "$CARGO_TARGET_DIR/debug"; fi
  if [ "$(free_gib)" -lt 25 ]; then rm -rf "$CARGO_TARGET_DIR"; mkdir -p "$CARGO_TARGET_DIR"; fi
fi

results=()
# --locked once Cargo.lock is committed: CI must build exactly what was reviewed.
LOCKED=()
git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1 && LOCKED=(--locked)
failed=0
t_start=$(date +%s)

# step_log <name>: where a step's output is kept.
step_log() { echo "$TWOFOLD_ARTIFACTS/$(tr -c 'a-zA-Z0-9\n-' '-' <<<"$1").log"; }

# step <name> <command...>: runs one check, logs it to the artifacts dir, records the outcome.
step() {
  local name=$1; shift
  local log
  log="$(step_log "$name")"
  local t0=$(date +%s) rc
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local secs=$(( $(date +%s) - t0 ))
  if [ "$rc" -eq 0 ]; then
    results+=("PASS  ${secs}s  $name")
  else
    results+=("FAIL  ${secs}s  $name   (exit $rc, log: $log)")
    failed=1
  fi
  return "$rc"
}
skip() { results+=("SKIP        $1   ($2)"); }
# step_or_skip <name> <command...>: a step whose command exits 3 when it cannot run here (no
# snapshot, no cross target); then it is a SKIP with the command's last line as the reason.
step_or_skip() {
  local name=$1 failed_before=$failed rc
  step "$@"
  rc=$?
  if [ "$rc" -eq 3 ]; then
    unset 'results[-1]'
    failed=$failed_before
    skip "$name" "$(tail -n1 "$(step_log "$name")")"
  fi
}

summary() {
  printf '\n\033[1m==> Summary (%ss)\033[0m\n' "$(( $(date +%s) - t_start ))"
  printf '  %s\n' "${results[@]}"
  echo "  artifacts (screenshots, logs): $TWOFOLD_ARTIFACTS"
  echo "  note: advisories are checked against an offline RustSec snapshot (when present);" \
    "the release workflow's online check stays the authority."
  if [ "$failed" -ne 0 ]; then echo "RESULT: FAILED"; else echo "RESULT: OK"; fi
}

has_npm_script() {
  [ -f ui/package.json ] && node -e \
    'const s=require("./ui/package.json").scripts||{}; process.exit(s[process.argv[1]]?0:1)' "$1"
}

# --- 0. tools --------------------------------------------------------------------------------
if ! step "setup tools" bash scripts/setup-tools.sh; then
  summary; exit 1
fi

step "cargo fmt --check" cargo fmt --all -- --check

# --- 1. UI (before clippy: the app crate embeds ui/dist at compile time) ---------------------
if [ -f ui/package.json ]; then
  for script in lint typecheck test build; do
    if has_npm_script "$script"; then
      step "ui: npm run $script" npm --prefix ui run "$script"
    else
      skip "ui: npm run $script" "no such script in ui/package.json"
    fi
  done
else
  skip "ui" "no ui/package.json"
fi

# --- 2. static checks ------------------------------------------------------------------------
# Twice: as shipped, and with the test hooks the suites build (code behind that feature is checked too).
clippy_both() {
  cargo clippy --workspace --all-targets "${LOCKED[@]}" -- -D warnings &&
    cargo clippy --workspace --all-targets "${LOCKED[@]}" \
      --features twofold-app/test-hooks,twofold-cli/test-hooks -- -D warnings
}
step "cargo clippy -D warnings" clippy_both

core_tauri_free() {
  local tree
  tree="$(cargo tree -p twofold-core -e normal --prefix none "${LOCKED[@]}")" || return 1
  if grep -q '^tauri' <<<"$tree"; then
    echo "twofold-core depends on tauri:"; grep '^tauri' <<<"$tree" | sort -u; return 1
  fi
  echo "twofold-core has no tauri dependency"
}
step "core is Tauri-free" core_tauri_free

step "cargo deny (bans licenses sources)" cargo deny "${LOCKED[@]}" check --hide-inclusion-graph bans licenses sources
step_or_skip "cargo deny advisories (offline RustSec snapshot)" bash scripts/check-advisories.sh

# --- 3. release packages: app + CLI ---------------------------------------------------------
tauri_cli() {
  if [ -x ui/node_modules/.bin/tauri ]; then
    ui/node_modules/.bin/tauri "$@"
  elif cargo tauri --version >/dev/null 2>&1; then
    cargo tauri "$@"
  else
    echo "no Tauri CLI: add @tauri-apps/cli to ui/package.json devDependencies"; return 1
  fi
}
# Run from the repo root with both project dirs named, so the CLI never guesses; the CLI reads the
# target dir from cargo metadata, so the external CARGO_TARGET_DIR is honoured. The packaging
# overlay's beforeBuildCommand (scripts/bundle-prep.sh) builds the UI and the release CLI, the
# sidecar every package carries beside the app.
export TAURI_APP_PATH="$ROOT/src-tauri" TAURI_FRONTEND_PATH="$ROOT/ui"
release="$CARGO_TARGET_DIR/release"
hooked_binaries() {
  tauri_cli build --no-bundle --features test-hooks --config "$ROOT/src-tauri/tauri.bundle.conf.json" &&
    cargo build --release "${LOCKED[@]}" -p twofold-cli --features test-hooks
}
# A package left by an earlier run must not stand in for this run's.
rm -f "$release"/bundle/deb/*.deb "$release"/bundle/rpm/*.rpm
if step "tauri build: .deb + .rpm (release app + CLI)" \
  tauri_cli build --config "$ROOT/src-tauri/tauri.bundle.conf.json"; then
  # The packages are what ships: no test hooks. Their own tests install them.
  TWOFOLD_DEB="$(ls "$release"/bundle/deb/*.deb 2>/dev/null | head -n1)"
  TWOFOLD_RPM="$(ls "$release"/bundle/rpm/*.rpm 2>/dev/null | head -n1)"
  export TWOFOLD_DEB TWOFOLD_RPM
  # The suites that drive a simulated security key or camera frames need the same release
  # binaries with the `test-hooks` feature (which a release never has). They replace the loose
  # binaries in target/release; the packages above keep the hook-free ones.
  if step "release app + CLI with test hooks" hooked_binaries; then
    export TWOFOLD_APP_BIN="$release/twofold-app" TWOFOLD_CLI_BIN="$release/twofold"
  fi
fi

# --- 4. tests --------------------------------------------------------------------------------
step "build tests" cargo test --workspace "${LOCKED[@]}" --no-run
echo "TWOFOLD_APP_BIN=${TWOFOLD_APP_BIN:-<missing>} TWOFOLD_CLI_BIN=${TWOFOLD_CLI_BIN:-<missing>}" \
  "TWOFOLD_DEB=${TWOFOLD_DEB:-<missing>} TWOFOLD_RPM=${TWOFOLD_RPM:-<missing>}"
# The IAM emulator's own tests: what it enforces that bare moto does not.
step "IAM emulator (pytest)" \
  "${TWOFOLD_VENV:-$HOME/.cache/twofold/venv}/bin/python" -m pytest -q -p no:cacheprovider tests/iam_emulator
step "cargo test --workspace (private env: keyring, Xvfb, tauri-driver)" \
  bash scripts/test-env.sh cargo test --workspace "${LOCKED[@]}" --no-fail-fast

# --- 5. generated files ----------------------------------------------------------------------
bindings_fresh() {
  local untracked
  git diff --exit-code --stat -- ui/src/bindings || {
    echo "ui/src/bindings changed when the tests ran: commit the regenerated files"; return 1; }
  untracked="$(git ls-files --others --exclude-standard -- ui/src/bindings)"
  if [ -n "$untracked" ]; then
    echo "new generated bindings are not tracked:"; echo "$untracked"; return 1
  fi
  echo "ui/src/bindings is fresh"
}
if [ -n "$(git ls-files -- ui/src/bindings 2>/dev/null)" ]; then
  step "TS bindings fresh" bindings_fresh
else
  skip "TS bindings fresh" "ui/src/bindings is not tracked by git yet"
fi

# --- 6. Windows ------------------------------------------------------------------------------
# Windows-only code (keyring, PATH, sidecar paths) compiled on every change, not first on a
# release runner. SKIP (with the reason) where the target cannot be installed.
step_or_skip "cargo check --target x86_64-pc-windows-gnu" bash scripts/check-windows.sh

summary
exit "$failed"
