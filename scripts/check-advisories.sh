#!/usr/bin/env bash
# `cargo deny check advisories` without network access. cargo-deny fetches the RustSec advisory
# database from GitHub, which this machine cannot reach; instead it reads a snapshot of that
# database (a one-commit git repository packed as .tar.gz, see shared/notes/advisories-offline.md):
#   $TWOFOLD_ADVISORY_DB   the snapshot (default: ../shared/advisory-db.tar.gz next to the clone)
# The snapshot is unpacked into a temp dir, and a copy of deny.toml there points [advisories]
# db-path at it; the repo's deny.toml is not touched. Reviewed advisories are ignored, with a
# reason, in deny.toml. The snapshot ages: CI's online check stays the authority.
# Exits 3 (and prints one line why) when there is no snapshot: scripts/test.sh reports a SKIP.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
SNAPSHOT="${TWOFOLD_ADVISORY_DB:-$ROOT/../shared/advisory-db.tar.gz}"

if [ ! -f "$SNAPSHOT" ]; then
  echo "no RustSec advisory-db snapshot at $SNAPSHOT (set TWOFOLD_ADVISORY_DB)"
  exit 3
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

tar -xzf "$SNAPSHOT" -C "$WORK"
[ -d "$WORK/advisory-db/.git" ] || { echo "$SNAPSHOT has no advisory-db/ git repository"; exit 1; }
# With db-path set, cargo-deny opens the default database (https://github.com/RustSec/advisory-db)
# from <db-path>/<last URL segment>-<hash of the URL>.
mv "$WORK/advisory-db" "$WORK/advisory-db-3157b0e258782691"
DB="$WORK/advisory-db-3157b0e258782691"

# Say which snapshot was checked, and how old its data is (not fatal if git cannot tell).
if info="$(git -C "$DB" log -1 --format='%cs %ct %h %s' 2>/dev/null)" && [ -n "$info" ]; then
  read -r day epoch commit subject <<<"$info"
  echo "advisory-db snapshot: $subject [commit $commit, $day, $(( ($(date +%s) - epoch) / 86400 )) days old]"
else
  echo "advisory-db snapshot: $SNAPSHOT (date unknown: not readable as a git repository)"
fi

# The repo's deny.toml with db-path inserted as the first key of [advisories].
CONFIG="$WORK/deny.toml"
grep -q '^\[advisories\][[:space:]]*$' "$ROOT/deny.toml" ||
  { echo "deny.toml has no [advisories] section"; exit 1; }
awk -v line="db-path = \"$WORK\"" '{ print } /^\[advisories\][[:space:]]*$/ { print line }' \
  "$ROOT/deny.toml" >"$CONFIG"

echo "deny.toml ignores $(grep -c '{ *id *= *"' "$CONFIG" || true) reviewed advisories (each with a reason)"
cargo deny --offline --locked --manifest-path "$ROOT/Cargo.toml" --config "$CONFIG" \
  check --hide-inclusion-graph --show-stats advisories
