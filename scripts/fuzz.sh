#!/usr/bin/env bash
# The long fuzz run (issue 16): every parser of outside input, a million executions each by
# default, release build, a summary table at the end. `cargo test` runs the same targets briefly.
#   bash scripts/fuzz.sh                                  # all targets, 1M executions each
#   bash scripts/fuzz.sh --target otpauth-uri --threads 2 # one target (repeatable), 2 threads
#   bash scripts/fuzz.sh --iterations 100000 --seconds 120
#   bash scripts/fuzz.sh --list
# Crashing inputs go to fuzz-artefacts/ (printed as base64 too). Exits 1 on any panic or any
# execution over its allocation limit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twofold/target}"
cd "$ROOT"
cargo build -q --release -p twofold-fuzz
args=("$@")
has_iterations=0
for a in "${args[@]}"; do [ "$a" = "--iterations" ] && has_iterations=1; done
[ "$has_iterations" = 1 ] || args=(--iterations 1000000 "${args[@]}")
exec nice -n 10 "$CARGO_TARGET_DIR/release/twofold-fuzz" "${args[@]}"
