"""What the test portal backends share: the call log and the main loop on the session bus.

The backends (screenshot_backend.py, shortcuts_backend.py) import this from their own directory.
"""

import os
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib


def log_call(line):
    """Appends one line to TWOFOLD_PORTAL_LOG, when it is set."""
    log = os.environ.get("TWOFOLD_PORTAL_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def serve(usage, export):
    """Owns the bus name in argv[1] with the objects `export(bus)` makes, prints "ready", and
    serves until the bus goes away (the test kills the process)."""
    if len(sys.argv) != 2:
        print(usage, file=sys.stderr)
        return 2
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    exported = export(bus)  # noqa: F841 (exported while referenced)
    name = dbus.service.BusName(sys.argv[1], bus, do_not_queue=True)  # noqa: F841
    print("ready", flush=True)
    loop = GLib.MainLoop()
    bus.call_on_disconnection(lambda _conn: loop.quit())
    loop.run()
    return 0
