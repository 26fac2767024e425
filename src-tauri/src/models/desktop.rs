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
    pub shortcut_problem: Option<String>,
    /// Why "type the code" cannot type here (it copies instead), if it cannot.
    pub type_code_problem: Option<String>,
    /// What protects the vault when it is locked, when that is less than it sounds: a
    /// keyring-only vault opens again for anyone at this session.
    pub lock_note: Option<String>,
    /// Twofold starts at login (an autostart entry exists).
    pub launch_at_login: bool,
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
