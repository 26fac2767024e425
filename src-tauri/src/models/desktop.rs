//! IPC DTOs of the desktop integration: the settings with what this session can and cannot do,
//! and what the lookup window did with a code.

use serde::Serialize;

use crate::settings::Settings;

/// The settings, and notes on what does not work in this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// The settings in force.
    pub settings: Settings,
    /// Why the lookup shortcut does not work here (Wayland, taken by another app), if it
    /// does not.
    pub shortcut_problem: Option<crate::shortcut::ShortcutProblem>,
    /// On Wayland, the lookup shortcut as the desktop holds it, once the portal has bound it.
    pub desktop_shortcut: Option<crate::shortcut::DesktopShortcut>,
    /// Why "type the code" cannot type here (it copies instead), if it cannot.
    pub type_code_problem: Option<crate::typist::TypeCodeProblem>,
    /// The vault opens with the login keyring alone: locking hides the codes, but anyone at
    /// this session can open it again (Settings says so and suggests a password).
    pub keyring_only: bool,
    /// Twofold starts at login (an autostart entry exists).
    pub launch_at_login: bool,
    /// The desktop's languages, most wanted first (Linux: from `LANGUAGE` and the locale
    /// variables); the UI tries them before the web view's own list.
    pub system_languages: Vec<String>,
}

/// What Enter in the lookup window did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct LookupDone {
    /// The code was typed into the window in front (otherwise it was copied).
    pub typed: bool,
    /// Why it was copied although typing was asked for.
    pub note: Option<String>,
}
