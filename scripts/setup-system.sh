#!/usr/bin/env bash
# Installs the system packages Twofold needs to build, run and test on Debian/Ubuntu.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

PACKAGES=(
  # Tauri v2 on Linux
  build-essential pkg-config file curl libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  # keyring crate (Secret Service over D-Bus)
  libdbus-1-dev dbus
  # tests: a real Secret Service, a headless X server, the WebKit WebDriver, the clipboard
  gnome-keyring libsecret-tools dbus-x11 xvfb xauth webkit2gtk-driver xclip
  # tests: the global shortcut and "type the code" (keys sent while another window has focus)
  xdotool
  # tests: .deb inspection, benchmarks, screenshots
  dpkg-dev hyperfine desktop-file-utils
  # tests: .rpm inspection and install into a throwaway root (rpm -qlp, rpm --root)
  rpm
  # tests: the Python venvs of the IAM emulator and the AWS CLI
  python3 python3-venv
  # icons: rsvg-convert renders icons/twofold.svg
  librsvg2-bin
  # the webcam (nokhwa, cargo feature `camera`): bindgen needs libclang for the V4L2 headers
  libclang-dev libv4l-dev libudev-dev
  # tests: "Scan screen" on Wayland, through the real portal frontend and a test backend
  # (tests/portal/screenshot_backend.py runs on the system Python with these bindings)
  xdg-desktop-portal python3-dbus python3-gi
  # benchmarks: zbarimg, the reference QR decoder qr-bench compares against
  zbar-tools
  # benchmarks: OTPClient, the GTK authenticator desktop-bench compares the app against
  otpclient python3-cryptography
  # system authentication (polkit) before the vault opens again after a lock; tests run polkitd
  # on a private system bus and answer its text agent (pkttyagent) through a pty (script)
  polkitd
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Twofold's polkit action, as the packages install it; polkitd reads new actions at once.
install_policy() {
  local src dst=/usr/share/polkit-1/actions/app.twofold.Twofold.policy
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/src-tauri/linux/app.twofold.Twofold.policy"
  [ -d /usr/share/polkit-1/actions ] || return 0
  cmp -s "$src" "$dst" && return 0
  echo "setup-system: installing $dst" >&2
  $SUDO install -m 0644 "$src" "$dst"
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_policy
  exit 0
fi

echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_policy
