//! "Type the code": the code typed, as key presses, into the window that was in front when the
//! lookup window opened.
//!
//! X11 through the XTEST extension: focus goes back to the remembered window, then each
//! character is pressed and released (with Shift where the keyboard map puts it on the second
//! level). Wayland lets no app type into another's window (a compositor's virtual-keyboard
//! protocols are not offered to ordinary clients), so there the code is copied instead and
//! Settings says why. macOS (CGEvent) and Windows (SendInput) are not written yet; they copy too.

use std::sync::Mutex;

/// Types into the window that was in front.
#[derive(Debug, Default)]
pub struct Typist {
    target: Mutex<Option<u32>>,
}

/// Why typing is not possible here, in words for Settings; `None` when it is.
pub fn unavailable_reason(env: impl Fn(&str) -> Option<String>) -> Option<TypeCodeProblem> {
    if cfg!(not(all(unix, not(target_os = "macos")))) {
        return Some(TypeCodeProblem::Unsupported);
    }
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    let wayland = env("XDG_SESSION_TYPE").is_some_and(|v| v == "wayland") || set("WAYLAND_DISPLAY");
    if wayland {
        return Some(TypeCodeProblem::Wayland);
    }
    if !set("DISPLAY") {
        return Some(TypeCodeProblem::NoDisplay);
    }
    None
}

/// Why "type the code" cannot type in this session (the UI words it; the code is copied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TypeCodeProblem {
    /// Typing is not written for this OS yet (macOS, Windows).
    Unsupported,
    /// Wayland does not let an app type into another app's window.
    Wayland,
    /// No X11 display to type into.
    NoDisplay,
}

impl TypeCodeProblem {
    /// For the log and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeCodeProblem::Unsupported => "typing the code is not available on this system yet",
            TypeCodeProblem::Wayland => {
                "Wayland does not let an app type into another app's window"
            }
            TypeCodeProblem::NoDisplay => "no X11 display to type into",
        }
    }
}

impl Typist {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<u32>> {
        self.target.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remembers the window that has the keyboard now (call before showing the lookup window).
    pub fn remember_target(&self) {
        *self.slot() = x11::focused_window().ok().flatten();
    }

    /// Gives the keyboard to our own shown window titled `title` once it is viewable (X11, in
    /// the background, for at most a second). A window manager gives a presented window the
    /// focus itself; without one (a bare X session, Xvfb) nothing would.
    pub fn focus_own_window(title: &'static str) {
        if unavailable_reason(|k| std::env::var(k).ok()).is_some() {
            return;
        }
        std::thread::spawn(move || {
            if let Err(e) = x11::focus_named(title) {
                tracing::debug!("could not focus {title}: {e}");
            }
        });
    }

    /// Whether the keyboard focus is on our window titled `title`, or inside it (X11; false
    /// elsewhere, and when the display cannot be asked).
    pub fn focus_is_on(title: &str) -> bool {
        if unavailable_reason(|k| std::env::var(k).ok()).is_some() {
            return false;
        }
        x11::focus_is_on(title).unwrap_or_else(|e| {
            tracing::debug!("could not ask who has the focus: {e}");
            false
        })
    }

    /// Gives the keyboard back to the remembered window (X11; elsewhere the system does).
    pub fn restore_focus(&self) {
        if let Some(target) = *self.slot() {
            if let Err(e) = x11::focus(target) {
                tracing::debug!("focus not given back: {e}");
            }
        }
    }

    /// Types `text` into the remembered window. Only ASCII letters and digits (every OTP code
    /// is made of them).
    pub fn type_text(&self, text: &str) -> Result<(), String> {
        if let Some(reason) = unavailable_reason(|k| std::env::var(k).ok()) {
            return Err(reason.as_str().into());
        }
        if !text.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("only letters and digits can be typed".into());
        }
        let target =
            (*self.slot()).ok_or("no window was in front to type into; the code is copied")?;
        x11::type_into(target, text)
            .map_err(|e| format!("could not type the code ({e}); it is copied"))
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
mod x11 {
    use x11rb::connection::{Connection as _, RequestConnection as _};
    use x11rb::protocol::xproto::{
        ConnectionExt as _, InputFocus, KEY_PRESS_EVENT, KEY_RELEASE_EVENT,
    };
    use x11rb::protocol::xtest::ConnectionExt as _;

    type Error = Box<dyn std::error::Error>;

    /// `XK_Shift_L`.
    const SHIFT_L: u32 = 0xffe1;

    /// The window with the keyboard focus, unless it is none or the root.
    pub fn focused_window() -> Result<Option<u32>, Error> {
        let (conn, screen) = x11rb::connect(None)?;
        let root = conn.setup().roots[screen].root;
        let focus = conn.get_input_focus()?.reply()?.focus;
        // 0 is None and 1 PointerRoot.
        Ok((focus > 1 && focus != root).then_some(focus))
    }

    /// Waits (at most a second) for a viewable top-level window named `title` and gives it the
    /// keyboard focus.
    pub fn focus_named(title: &str) -> Result<(), Error> {
        use x11rb::protocol::xproto::{AtomEnum, MapState};
        let (conn, screen) = x11rb::connect(None)?;
        let root = conn.setup().roots[screen].root;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        loop {
            let tree = conn.query_tree(root)?.reply()?;
            // The top of the stacking order comes last.
            for &w in tree.children.iter().rev() {
                if conn.get_window_attributes(w)?.reply()?.map_state != MapState::VIEWABLE {
                    continue;
                }
                let name = conn
                    .get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 64)?
                    .reply()?;
                if name.value == title.as_bytes() {
                    conn.set_input_focus(InputFocus::PARENT, w, x11rb::CURRENT_TIME)?;
                    conn.get_input_focus()?.reply()?;
                    return Ok(());
                }
            }
            if std::time::Instant::now() >= deadline {
                return Err(format!("no viewable window named {title:?}").into());
            }
            std::thread::sleep(std::time::Duration::from_millis(15));
        }
    }

    /// Whether the focus window is the one named `title` or one of its descendants.
    pub fn focus_is_on(title: &str) -> Result<bool, Error> {
        use x11rb::protocol::xproto::AtomEnum;
        let (conn, screen) = x11rb::connect(None)?;
        let root = conn.setup().roots[screen].root;
        let mut w = conn.get_input_focus()?.reply()?.focus;
        // 0 is None and 1 PointerRoot.
        while w > 1 && w != root {
            let name = conn
                .get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 64)?
                .reply()?;
            if name.value == title.as_bytes() {
                return Ok(true);
            }
            w = conn.query_tree(w)?.reply()?.parent;
        }
        Ok(false)
    }

    /// Gives `window` the keyboard focus (it may be gone: then nothing happens).
    pub fn focus(window: u32) -> Result<(), Error> {
        let (conn, _) = x11rb::connect(None)?;
        conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)?;
        conn.get_input_focus()?.reply()?;
        Ok(())
    }

    /// Gives `window` the focus and types `text` with XTEST.
    pub fn type_into(window: u32, text: &str) -> Result<(), Error> {
        let (conn, _) = x11rb::connect(None)?;
        if conn
            .extension_information(x11rb::protocol::xtest::X11_EXTENSION_NAME)?
            .is_none()
        {
            return Err("the X server has no XTEST extension".into());
        }
        let setup = conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
        let per = usize::from(map.keysyms_per_keycode);
        // The keycode and the shift level of a keysym.
        let find = |keysym: u32| -> Option<(u8, bool)> {
            map.keysyms.chunks(per).enumerate().find_map(|(i, syms)| {
                let level = syms.iter().take(2).position(|&s| s == keysym)?;
                Some((min + u8::try_from(i).ok()?, level == 1))
            })
        };
        let (shift, _) = find(SHIFT_L).ok_or("the keyboard map has no Shift key")?;
        let keys = text
            .chars()
            .map(|c| find(u32::from(c)).ok_or_else(|| format!("no key types '{c}'")))
            .collect::<Result<Vec<_>, _>>()?;
        conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)?;
        let press = |kind: u8, code: u8| {
            conn.xtest_fake_input(kind, code, x11rb::CURRENT_TIME, x11rb::NONE, 0, 0, 0)
        };
        for (code, shifted) in keys {
            if shifted {
                press(KEY_PRESS_EVENT, shift)?;
            }
            press(KEY_PRESS_EVENT, code)?;
            press(KEY_RELEASE_EVENT, code)?;
            if shifted {
                press(KEY_RELEASE_EVENT, shift)?;
            }
        }
        // A round trip: every event is in the server's queue when this returns.
        conn.get_input_focus()?.reply()?;
        Ok(())
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
mod x11 {
    pub fn focused_window() -> Result<Option<u32>, String> {
        Ok(None)
    }
    pub fn focus_named(_: &str) -> Result<(), String> {
        Ok(())
    }
    pub fn focus(_: u32) -> Result<(), String> {
        Ok(())
    }
    pub fn focus_is_on(_: &str) -> Result<bool, String> {
        Ok(false)
    }
    pub fn type_into(_: u32, _: &str) -> Result<(), String> {
        Err("not available on this system".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn x11_types_and_wayland_says_why_not() {
        assert_eq!(unavailable_reason(env(&[("DISPLAY", ":9")])), None);
        let w = unavailable_reason(env(&[("DISPLAY", ":0"), ("WAYLAND_DISPLAY", "wayland-0")]));
        assert_eq!(w, Some(TypeCodeProblem::Wayland));
        let w = unavailable_reason(env(&[("DISPLAY", ":0"), ("XDG_SESSION_TYPE", "wayland")]));
        assert_eq!(w, Some(TypeCodeProblem::Wayland));
        assert_eq!(
            unavailable_reason(env(&[])),
            Some(TypeCodeProblem::NoDisplay)
        );
    }
}
