#!/usr/bin/env python3
"""A test backend for xdg-desktop-portal's GlobalShortcuts portal (tests/tests/app_shortcut_portal.rs).

Implements org.freedesktop.impl.portal.GlobalShortcuts version 1 the way a desktop's backend
(xdg-desktop-portal-kde, -gnome, -hyprland) does: sessions, a "dialog" on BindShortcuts that
assigns triggers, ListShortcuts of what the desktop remembers for the app, and the Activated,
Deactivated and ShortcutsChanged signals. What the desktop's user would do (press the keys,
reassign a shortcut in the desktop's settings) the test asks for through a small control
interface on the same bus name:

    dbus-send --dest=BUS_NAME /app/twofold/Test app.twofold.Test.Press string:ID string:TOKEN
    dbus-send --dest=BUS_NAME /app/twofold/Test app.twofold.Test.Reassign string:ID string:TRIGGER
    dbus-send --dest=BUS_NAME /app/twofold/Test app.twofold.Test.AnswerBind uint32:RESPONSE

Press emits Activated then Deactivated for every open session that bound ID, with TOKEN as the
XDG activation token (none when empty), and answers how many sessions that was; Reassign changes its trigger and emits ShortcutsChanged to those
sessions; AnswerBind sets what the next BindShortcuts dialogs answer (as TWOFOLD_PORTAL_BIND).

    shortcuts_backend.py BUS_NAME

Environment:
    TWOFOLD_PORTAL_BIND      what the BindShortcuts "dialog" answers at first: 0 the user
                             accepted (default), 1 the user cancelled it
    TWOFOLD_PORTAL_LOG       a file that gets one line per call, e.g.
                             "BindShortcuts lookup preferred=CTRL+ALT+SHIFT+2 response=0"

Remembered shortcuts belong to the app id the frontend passes ("" for an unsandboxed app) and
live as long as this process: a second session of the same app lists them without a dialog.

Prints "ready" on stdout once it owns BUS_NAME on the session bus. Needs python3-dbus and
python3-gi (Debian/Ubuntu apt packages; scripts/setup-system.sh installs them).
"""

import os
import sys
import time

import dbus
import dbus.service
from backend_main import log_call, serve

IFACE = "org.freedesktop.impl.portal.GlobalShortcuts"
SESSION_IFACE = "org.freedesktop.impl.portal.Session"
PATH = "/org/freedesktop/portal/desktop"
CONTROL_IFACE = "app.twofold.Test"


def human(trigger):
    """How a desktop shows a trigger: CTRL+ALT+SHIFT+2 -> Ctrl+Alt+Shift+2, LOGO+k -> Super+K."""
    names = {"CTRL": "Ctrl", "ALT": "Alt", "SHIFT": "Shift", "LOGO": "Super", "NUM": "Num"}
    parts = [p for p in trigger.split("+") if p]
    return "+".join(names.get(p, p.upper() if len(p) == 1 else p) for p in parts)


class Session(dbus.service.Object):
    def __init__(self, bus, path, backend, app_id):
        super().__init__(bus, path)
        self.path = path
        self.backend = backend
        self.app_id = app_id
        self.bound = set()

    @dbus.service.method(SESSION_IFACE, in_signature="", out_signature="")
    def Close(self):
        log_call(f"Close {self.path}")
        self.backend.sessions.pop(self.path, None)
        self.remove_from_connection()

    @dbus.service.signal(SESSION_IFACE, signature="")
    def Closed(self):
        pass


class Backend(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.bus = bus
        self.sessions = {}
        self.bind_response = int(os.environ.get("TWOFOLD_PORTAL_BIND", "0"))
        # app id -> {shortcut id: (description, trigger description)}
        self.remembered = {}

    def shortcuts_of(self, app_id, ids=None):
        known = self.remembered.get(app_id, {})
        return dbus.Array(
            [
                dbus.Struct(
                    (
                        dbus.String(sid),
                        dbus.Dictionary(
                            {
                                "description": dbus.String(desc),
                                "trigger_description": dbus.String(trigger),
                            },
                            signature="sv",
                        ),
                    ),
                    signature="sa{sv}",
                )
                for sid, (desc, trigger) in sorted(known.items())
                if ids is None or sid in ids
            ],
            signature="(sa{sv})",
        )

    @dbus.service.method(IFACE, in_signature="oosa{sv}", out_signature="ua{sv}")
    def CreateSession(self, handle, session_handle, app_id, options):
        log_call(f"CreateSession app_id={str(app_id)!r}")
        self.sessions[str(session_handle)] = Session(self.bus, str(session_handle), self, str(app_id))
        return dbus.UInt32(0), dbus.Dictionary({}, signature="sv")

    @dbus.service.method(IFACE, in_signature="ooa(sa{sv})sa{sv}", out_signature="ua{sv}")
    def BindShortcuts(self, handle, session_handle, shortcuts, parent_window, options):
        response = self.bind_response
        session = self.sessions.get(str(session_handle))
        for sid, props in shortcuts:
            log_call(
                f"BindShortcuts {sid} preferred={props.get('preferred_trigger', '')} "
                f"description={str(props.get('description', ''))!r} response={response}"
            )
        if response != 0 or session is None:
            return dbus.UInt32(response or 2), dbus.Dictionary({}, signature="sv")
        known = self.remembered.setdefault(session.app_id, {})
        for sid, props in shortcuts:
            # The user accepts what the app prefers, unless the desktop already has a trigger.
            old = known.get(str(sid))
            trigger = old[1] if old else human(str(props.get("preferred_trigger", "")))
            known[str(sid)] = (str(props.get("description", "")), trigger)
            session.bound.add(str(sid))
        results = {"shortcuts": self.shortcuts_of(session.app_id, session.bound)}
        return dbus.UInt32(0), dbus.Dictionary(results, signature="sv")

    @dbus.service.method(IFACE, in_signature="oo", out_signature="ua{sv}")
    def ListShortcuts(self, handle, session_handle):
        session = self.sessions.get(str(session_handle))
        if session is None:
            return dbus.UInt32(2), dbus.Dictionary({}, signature="sv")
        # What the desktop remembers for this app counts as bound in this session too.
        session.bound |= set(self.remembered.get(session.app_id, {}))
        listed = self.shortcuts_of(session.app_id)
        log_call(f"ListShortcuts {' '.join(s[0] for s in listed) or '-'}")
        return dbus.UInt32(0), dbus.Dictionary({"shortcuts": listed}, signature="sv")

    @dbus.service.signal(IFACE, signature="osta{sv}")
    def Activated(self, session_handle, shortcut_id, timestamp, options):
        pass

    @dbus.service.signal(IFACE, signature="osta{sv}")
    def Deactivated(self, session_handle, shortcut_id, timestamp, options):
        pass

    @dbus.service.signal(IFACE, signature="oa(sa{sv})")
    def ShortcutsChanged(self, session_handle, shortcuts):
        pass

    @dbus.service.method(
        "org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v"
    )
    def Get(self, interface, prop):
        if interface == IFACE and prop == "version":
            return dbus.UInt32(1, variant_level=1)
        raise dbus.exceptions.DBusException(
            f"no property {prop}", name="org.freedesktop.DBus.Error.UnknownProperty"
        )

    @dbus.service.method(
        "org.freedesktop.DBus.Properties", in_signature="s", out_signature="a{sv}"
    )
    def GetAll(self, interface):
        if interface == IFACE:
            return dbus.Dictionary({"version": dbus.UInt32(1)}, signature="sv")
        return dbus.Dictionary({}, signature="sv")


class Control(dbus.service.Object):
    """What the desktop's user does: press a shortcut, reassign it."""

    def __init__(self, bus, backend):
        super().__init__(bus, "/app/twofold/Test")
        self.backend = backend

    @dbus.service.method(CONTROL_IFACE, in_signature="ss", out_signature="u")
    def Press(self, shortcut_id, token):
        now = dbus.UInt64(int(time.monotonic() * 1000))
        sent = 0
        for path, session in list(self.backend.sessions.items()):
            if str(shortcut_id) in session.bound:
                options = {"activation_token": dbus.String(token)} if token else {}
                activated = dbus.Dictionary(options, signature="sv")
                empty = dbus.Dictionary({}, signature="sv")
                self.backend.Activated(dbus.ObjectPath(path), shortcut_id, now, activated)
                self.backend.Deactivated(dbus.ObjectPath(path), shortcut_id, now, empty)
                sent += 1
        log_call(f"Press {shortcut_id} sessions={sent}")
        return dbus.UInt32(sent)

    @dbus.service.method(CONTROL_IFACE, in_signature="ss", out_signature="u")
    def Reassign(self, shortcut_id, trigger):
        sent = 0
        for app_id, known in self.backend.remembered.items():
            if str(shortcut_id) in known:
                known[str(shortcut_id)] = (known[str(shortcut_id)][0], str(trigger))
                for path, session in list(self.backend.sessions.items()):
                    if session.app_id == app_id and str(shortcut_id) in session.bound:
                        listed = self.backend.shortcuts_of(app_id, {str(shortcut_id)})
                        self.backend.ShortcutsChanged(dbus.ObjectPath(path), listed)
                        sent += 1
        log_call(f"Reassign {shortcut_id} {trigger} sessions={sent}")
        return dbus.UInt32(sent)

    @dbus.service.method(CONTROL_IFACE, in_signature="u", out_signature="")
    def AnswerBind(self, response):
        log_call(f"AnswerBind {int(response)}")
        self.backend.bind_response = int(response)


def main():
    def export(bus):
        backend = Backend(bus)
        return backend, Control(bus, backend)

    return serve(__doc__, export)


if __name__ == "__main__":
    sys.exit(main())
