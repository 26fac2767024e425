#!/usr/bin/env python3
"""A test backend for xdg-desktop-portal's Screenshot portal (tests/tests/screen_portal.rs).

Implements org.freedesktop.impl.portal.Screenshot (and Access, which 1.16 requires next to it)
the way a desktop's backend (xdg-desktop-portal-gnome, -kde, -wlr) does, except that the "screen" is an image file the
test chooses: each Screenshot call copies it to a fresh file in a directory (a stand-in for the
user's Pictures folder) and answers with that file's URI, so the client's deletion of the file
is observable.

    screenshot_backend.py BUS_NAME

Environment:
    TWOFOLD_PORTAL_IMAGE     the PNG to hand out (required when answering 0)
    TWOFOLD_PORTAL_OUT_DIR   where to write the screenshots (required when answering 0)
    TWOFOLD_PORTAL_RESPONSE  the response code to answer with: 0 success (default),
                             1 cancelled by the user, 2 other failure, or "never" to
                             leave the call unanswered (a prompt nobody answers)
    TWOFOLD_PORTAL_LOG       a file that gets one line per call:
                             "<response> <path or -> interactive=<bool>"

Prints "ready" on stdout once it owns BUS_NAME on the session bus. Needs python3-dbus and
python3-gi (Debian/Ubuntu apt packages; scripts/setup-system.sh installs them).
"""

import os
import shutil
import sys
import urllib.parse

import dbus
import dbus.service
from backend_main import log_call, serve

IFACE = "org.freedesktop.impl.portal.Screenshot"
PATH = "/org/freedesktop/portal/desktop"


class Backend(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.count = 0
        self.pending = []

    @dbus.service.method(
        IFACE,
        in_signature="ossa{sv}",
        out_signature="ua{sv}",
        async_callbacks=("reply", "error"),
    )
    def Screenshot(self, handle, app_id, parent_window, options, reply, error):
        setting = os.environ.get("TWOFOLD_PORTAL_RESPONSE", "0")
        if setting == "never":
            # A permission prompt nobody answers: keep the call open.
            self.pending.append((reply, error))
            log_call(f"never - interactive={bool(options.get('interactive'))}")
            return
        reply(*self.answer(int(setting), options))

    def answer(self, response, options):
        results = {}
        written = "-"
        if response == 0:
            self.count += 1
            out_dir = os.environ["TWOFOLD_PORTAL_OUT_DIR"]
            # A name like the real backends' (spaces and all), so the client must decode the URI.
            written = os.path.join(out_dir, f"Screenshot from test {self.count}.png")
            shutil.copyfile(os.environ["TWOFOLD_PORTAL_IMAGE"], written)
            results["uri"] = dbus.String("file://" + urllib.parse.quote(written))
        log_call(f"{response} {written} interactive={bool(options.get('interactive'))}")
        return dbus.UInt32(response), dbus.Dictionary(results, signature="sv")

    # xdg-desktop-portal 1.16 offers Screenshot only when the backend also implements Access
    # (the permission dialog it shows sandboxed apps); twofold runs unsandboxed, so this is
    # never asked, and would grant.
    @dbus.service.method(
        "org.freedesktop.impl.portal.Access", in_signature="osssssa{sv}", out_signature="ua{sv}"
    )
    def AccessDialog(self, handle, app_id, parent_window, title, subtitle, body, options):
        return dbus.UInt32(0), dbus.Dictionary({}, signature="sv")


def main():
    return serve(__doc__, Backend)


if __name__ == "__main__":
    sys.exit(main())
