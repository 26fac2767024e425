#!/usr/bin/env bash
# Runs a command inside a private, throwaway test environment:
#   - HOME and XDG_* dirs in a fresh temp dir (0700 XDG_RUNTIME_DIR); CARGO_HOME, RUSTUP_HOME and
#     CARGO_TARGET_DIR keep pointing at the real ones so builds are reused
#   - a private D-Bus session (dbus-run-session) with gnome-keyring's Secret Service, unlocked with
#     a random password                                   -> TWOFOLD_SECRET_SERVICE=1
#   - Xvfb on a free display                              -> DISPLAY
#   - tauri-driver + WebKitWebDriver on free ports        -> TWOFOLD_WEBDRIVER_URL
#   - as root: polkitd on a system bus of its own, and a user with a random password for its
#     agent to check                -> TWOFOLD_POLKIT=1, TWOFOLD_POLKIT_USER, _PASSWORD
#   - a screenshots/logs dir kept after the run           -> TWOFOLD_ARTIFACTS
# TWOFOLD_APP_BIN / TWOFOLD_DEB / TWOFOLD_CLI_BIN pass through; when unset they default to the
# newest builds in the target dir. Everything started here is stopped on exit.
#
#   bash scripts/test-env.sh cargo test -p twofold-e2e
#   bash scripts/test-env.sh bash            # an interactive shell inside the environment
set -euo pipefail

if [ "${1:-}" != "--inside" ]; then
  [ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  REAL_HOME="$HOME"
  export TWOFOLD_REAL_HOME="$REAL_HOME"
  export CARGO_HOME="${CARGO_HOME:-$REAL_HOME/.cargo}"
  export RUSTUP_HOME="${RUSTUP_HOME:-$REAL_HOME/.rustup}"
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REAL_HOME/.cache/twofold/target}"
  export PATH="$CARGO_HOME/bin:$PATH"
  # Tools installed per user (pyenv, pip --user, npm cache) stay reachable under the fake HOME.
  [ -d "$REAL_HOME/.pyenv" ] && export PYENV_ROOT="${PYENV_ROOT:-$REAL_HOME/.pyenv}"
  [ -d "$REAL_HOME/.local/lib" ] && export PYTHONUSERBASE="${PYTHONUSERBASE:-$REAL_HOME/.local}"
  export npm_config_cache="${npm_config_cache:-$REAL_HOME/.npm}"
  # The IAM emulator's venv (scripts/setup-python.sh) lives under the real HOME.
  export TWOFOLD_VENV="${TWOFOLD_VENV:-$REAL_HOME/.cache/twofold/venv}"
  export TWOFOLD_AWSCLI_VENV="${TWOFOLD_AWSCLI_VENV:-$REAL_HOME/.cache/twofold/venv-awscli}"
  export TWOFOLD_ARTIFACTS="${TWOFOLD_ARTIFACTS:-$REAL_HOME/.cache/twofold/artifacts/$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$TWOFOLD_ARTIFACTS"

  release="$CARGO_TARGET_DIR/release"
  if [ -z "${TWOFOLD_APP_BIN:-}" ] && [ -x "$release/twofold-app" ]; then
    export TWOFOLD_APP_BIN="$release/twofold-app"
  fi
  if [ -z "${TWOFOLD_DEB:-}" ]; then
    deb="$(ls -t "$release"/bundle/deb/*.deb 2>/dev/null | head -n1 || true)"
    [ -n "$deb" ] && export TWOFOLD_DEB="$deb"
  fi
  if [ -z "${TWOFOLD_CLI_BIN:-}" ]; then
    cli="$(ls -t "$CARGO_TARGET_DIR"/{debug,release}/twofold 2>/dev/null | head -n1 || true)"
    [ -n "$cli" ] && export TWOFOLD_CLI_BIN="$cli"
  fi

  PRIV="$(mktemp -d "${TMPDIR:-/tmp}/twofold-test.XXXXXX")"
  mkdir -p "$PRIV/home" "$PRIV/data" "$PRIV/config" "$PRIV/cache" "$PRIV/state" "$PRIV/run"
  chmod 700 "$PRIV" "$PRIV/run"
  export HOME="$PRIV/home" XDG_DATA_HOME="$PRIV/data" XDG_CONFIG_HOME="$PRIV/config" \
    XDG_CACHE_HOME="$PRIV/cache" XDG_STATE_HOME="$PRIV/state" XDG_RUNTIME_DIR="$PRIV/run" \
    TWOFOLD_TEST_PRIV="$PRIV"
  unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY SSH_AUTH_SOCK GNOME_KEYRING_CONTROL \
    XAUTHORITY TWOFOLD_VAULT
  # Keep the caller's working directory: the command may be run from anywhere.
  rc=0
  dbus-run-session -- bash "$ROOT/scripts/test-env.sh" --inside "$@" || rc=$?
  [ -n "${TWOFOLD_KEEP_TMP:-}" ] && echo "test-env: kept $PRIV" >&2 || rm -rf "$PRIV"
  exit "$rc"
fi

# ---- inside dbus-run-session ----
shift
PRIV="$TWOFOLD_TEST_PRIV"
ART="$TWOFOLD_ARTIFACTS"
started_ms=$(date +%s%3N)
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    # Each helper leads its own process group (setsid), which also holds its children
    # (WebKitWebDriver, app instances it launched).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "test-env: $*" >&2; exit 1; }

# wait_for <seconds> <description> <command...>: polls the command until it succeeds.
wait_for() {
  local secs=$1 what=$2; shift 2
  local deadline=$(( $(date +%s%3N) + secs * 1000 ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%3N)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# 1. Secret Service: gnome-keyring in the foreground (so we own its pid), a fresh login keyring
#    unlocked with a random password read from stdin.
command -v gnome-keyring-daemon >/dev/null || die "gnome-keyring-daemon missing: run scripts/setup-tools.sh"
pw="$(head -c 24 /dev/urandom | base64)"
printf %s "$pw" | setsid gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$ART/gnome-keyring.log" 2>&1 &
pids+=($!)
unset pw
secrets_up() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'
}
wait_for 10 "Secret Service" secrets_up || die "Secret Service did not start; see $ART/gnome-keyring.log"
export TWOFOLD_SECRET_SERVICE=1

# 2. Xvfb on a display it picks itself (-displayfd), so parallel runs never collide.
: >"$PRIV/display"
setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset \
  3>"$PRIV/display" >"$ART/xvfb.log" 2>&1 &
pids+=($!)
wait_for 15 "Xvfb" grep -q '[0-9]' "$PRIV/display" || die "Xvfb did not start; see $ART/xvfb.log"
export DISPLAY=":$(tr -dc 0-9 <"$PRIV/display")"
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 NO_AT_BRIDGE=1 GDK_BACKEND=x11

# 3. tauri-driver on two free ports (its own, and WebKitWebDriver's). It is started after DISPLAY
#    is exported: the apps it launches inherit its environment.
command -v tauri-driver >/dev/null || die "tauri-driver missing: run scripts/setup-tools.sh"
native_driver="$(command -v WebKitWebDriver || true)"
[ -n "$native_driver" ] || die "WebKitWebDriver missing (apt: webkit2gtk-driver)"
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  while :; do p=$(( 20000 + RANDOM % 40000 )); port_free "$p" && { echo "$p"; return; }; done
}
driver_up=""
for attempt in 1 2 3; do
  port=$(pick_port); native_port=$(pick_port)
  [ "$port" != "$native_port" ] || continue
  setsid tauri-driver --port "$port" --native-port "$native_port" --native-driver "$native_driver" \
    >"$ART/tauri-driver.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  # WebKitWebDriver first (asking tauri-driver before it listens only logs proxy errors).
  driver_ready() {
    kill -0 "$pid" && (exec 3<>"/dev/tcp/127.0.0.1/$native_port") 2>/dev/null &&
      curl -sf "http://127.0.0.1:$port/status" | grep -q '"ready": *true'
  }
  if wait_for 15 "tauri-driver" driver_ready; then driver_up=1; break; fi
  kill -TERM -- "-$pid" 2>/dev/null || true
done
[ -n "$driver_up" ] || die "tauri-driver did not become ready; see $ART/tauri-driver.log"
export TWOFOLD_WEBDRIVER_URL="http://127.0.0.1:$port"

# 4. polkit, for system authentication (src-tauri/src/os_verify.rs). polkit-agent-helper-1, which
#    checks the password through PAM for the agent, clears its environment and so always dials
#    the standard system bus address: the private bus listens there, and only where no system
#    bus runs (a container, CI). A bus already there with polkit on it (a real system, or another
#    test run) is used as it is. Root only: polkitd, the policy file and the test user need it.
polkit_up() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 | grep -q 'boolean true'
}
start_polkit() {
  local polkitd=/usr/lib/polkit-1/polkitd sock=/run/dbus/system_bus_socket
  [ "$(id -u)" -eq 0 ] || { echo "test-env: not root, no polkit" >&2; return 0; }
  [ -x "$polkitd" ] || { echo "test-env: no polkitd (apt: polkitd)" >&2; return 0; }
  [ -f /usr/share/polkit-1/actions/app.twofold.Twofold.policy ] ||
    die "Twofold's polkit action is not installed: run scripts/setup-system.sh"
  unset DBUS_SYSTEM_BUS_ADDRESS
  if ! polkit_up; then
    if [ -S "$sock" ] && dbus-send --system --print-reply --dest=org.freedesktop.DBus \
      /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null 2>&1; then
      echo "test-env: a system bus runs without polkit; no polkit" >&2; return 0
    fi
    rm -f "$sock"
    mkdir -p /run/dbus
    cat >"$PRIV/system-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
    setsid dbus-daemon --nofork --config-file="$PRIV/system-bus.conf" >"$ART/system-bus.log" 2>&1 &
    pids+=($!)
    wait_for 10 "system bus" test -S "$sock" || die "the system bus did not start; see $ART/system-bus.log"
    chmod 666 "$sock"
    setsid "$polkitd" --no-debug >"$ART/polkitd.log" 2>&1 &
    pids+=($!)
    wait_for 15 "polkitd" polkit_up || die "polkitd did not start; see $ART/polkitd.log"
  fi
  # The user whose password the agent checks (tests ask polkit about a process of theirs:
  # polkit never asks anything of root).
  local user=twofold-polkit pass
  id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  pass="Tf-$(head -c 12 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')"
  printf '%s:%s\n' "$user" "$pass" | chpasswd
  export TWOFOLD_POLKIT=1 TWOFOLD_POLKIT_USER="$user" TWOFOLD_POLKIT_PASSWORD="$pass"
}
start_polkit

echo "test-env: ready in $(( $(date +%s%3N) - started_ms )) ms (DISPLAY=$DISPLAY," \
  "TWOFOLD_WEBDRIVER_URL=$TWOFOLD_WEBDRIVER_URL, HOME=$HOME)" >&2

rc=0
"$@" || rc=$?
exit "$rc"
