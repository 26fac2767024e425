#!/usr/bin/env bash
# Creates the Python venvs the tests use, OUTSIDE the repo, each from a pinned requirements file:
#   ${TWOFOLD_VENV:-$HOME/.cache/twofold/venv}        tests/iam_emulator/requirements.txt (moto...)
#   ${TWOFOLD_AWSCLI_VENV:-$HOME/.cache/twofold/venv-awscli}  tests/awscli/requirements.txt (aws CLI)
# Idempotent and quiet: the sha256 of each requirements file is recorded in its venv, and when it
# still matches (and the venv's python runs) this prints nothing and exits in well under a second.
# TWOFOLD_PYTHON picks the interpreter to build the venv from (default python3, >= 3.10).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${TWOFOLD_PYTHON:-python3}"

say() { echo "setup-python: $*" >&2; }

ensure_venv() { # VENV REQUIREMENTS
  local VENV=$1 REQ=$2
  local STAMP="$VENV/.twofold-requirements.sha256" want
  want="$(sha256sum "$REQ" | cut -d' ' -f1)"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$VENV/bin/python" -c '' 2>/dev/null; then
    return 0
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    say "need Python >= 3.10 as '$PYTHON' (set TWOFOLD_PYTHON)"
    return 1
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
      return 1
    fi
  fi
  say "installing ${REQ#$ROOT/} into $VENV"
  rm -f "$STAMP"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ"
  echo "$want" >"$STAMP"
}

ensure_venv "${TWOFOLD_VENV:-$HOME/.cache/twofold/venv}" "$ROOT/tests/iam_emulator/requirements.txt"
ensure_venv "${TWOFOLD_AWSCLI_VENV:-$HOME/.cache/twofold/venv-awscli}" "$ROOT/tests/awscli/requirements.txt"
