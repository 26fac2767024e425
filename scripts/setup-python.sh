#!/usr/bin/env bash
# Creates the Python venv the IAM/STS emulator (tests/iam_emulator) runs in, OUTSIDE the repo at
# ${TWOFOLD_VENV:-$HOME/.cache/twofold/venv}, from the pinned tests/iam_emulator/requirements.txt.
# Idempotent and quiet: the sha256 of requirements.txt is recorded in the venv, and when it still
# matches (and the venv's python runs) this prints nothing and exits in well under a second.
# TWOFOLD_PYTHON picks the interpreter to build the venv from (default python3, >= 3.10).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TWOFOLD_VENV:-$HOME/.cache/twofold/venv}"
REQ="$ROOT/tests/iam_emulator/requirements.txt"
STAMP="$VENV/.twofold-requirements.sha256"
PYTHON="${TWOFOLD_PYTHON:-python3}"

say() { echo "setup-python: $*" >&2; }

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$VENV/bin/python" -c '' 2>/dev/null; then
  exit 0
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  say "need Python >= 3.10 as '$PYTHON' (set TWOFOLD_PYTHON)"
  exit 1
fi

# A venv whose interpreter no longer runs (Python upgraded or removed) is rebuilt from scratch.
if [ -d "$VENV" ] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! "$PYTHON" -m venv "$VENV"; then
    say "'$PYTHON -m venv' failed; on Debian/Ubuntu install python3-venv"
    rm -rf "$VENV"
    exit 1
  fi
fi

say "installing tests/iam_emulator/requirements.txt (moto and friends, about 30 s)"
rm -f "$STAMP"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ"
echo "$want" >"$STAMP"
