//! The app's preferences: when to lock, how long a copied code stays, the theme, the lookup
//! shortcut. One JSON file in the config directory, read at start-up and replaced atomically on
//! every change; nothing secret is in it.
//!
//! A file that cannot be read (damaged, from a newer version with values this one refuses) is
//! left as it is and the defaults are used, so a bad settings file never stops the app nor
//! loses the user's choices before they change one.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, IpcError, Result};

/// The lookup window's shortcut when the user has not chosen one. Three modifiers, so it
/// clashes with no desktop's or common app's own shortcut (GNOME, KDE, Windows and macOS use
/// Super or one or two modifiers); "2" for two-factor.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+Shift+2";

/// The lock timeouts the Settings screen offers, in seconds (0: never).
pub const LOCK_CHOICES: &[u32] = &[0, 60, 300, 900, 3600];

/// The light or dark look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// How the account list is ordered (favourites always first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum AccountSort {
    /// By issuer (or name), then name.
    #[default]
    Issuer,
    /// By name.
    Name,
    /// The accounts whose codes are taken most often first.
    MostUsed,
    /// The order the user dragged them into (the vault's order).
    Manual,
}

/// Everything the Settings screen changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Lock after this many seconds without use; 0 never. The screen offers
    /// [`LOCK_CHOICES`]; any value from 1 s to a day is kept (tests use a few seconds).
    pub lock_after_secs: u32,
    /// Lock when the desktop session locks or the machine goes to sleep.
    pub lock_on_session_lock: bool,
    /// Clear a copied code from the clipboard after this many seconds (5 to 600).
    pub clipboard_clear_secs: u32,
    /// Light, dark or the system's.
    pub theme: Theme,
    /// Show codes as dots until the row is clicked.
    pub hide_codes: bool,
    /// The lookup window's global shortcut (`Ctrl+Alt+Shift+2`), or none.
    pub shortcut: Option<String>,
    /// Enter in the lookup window types the code into the window that was in front, instead of
    /// copying it (X11, macOS, Windows).
    pub type_code: bool,
    /// Started at login, stay in the tray instead of showing the window.
    pub start_minimized: bool,
    /// The account list's order.
    pub sort: AccountSort,
    /// The UI's language: `system` (the OS's, when shipped, else English) or one of
    /// [`LANGUAGES`].
    pub language: String,
}

/// The languages the UI ships catalogues for (`ui/src/i18n/locales/<lang>/`).
pub const LANGUAGES: [&str; 3] = ["en", "pl", "ru"];

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lock_after_secs: 300,
            lock_on_session_lock: true,
            clipboard_clear_secs: 30,
            theme: Theme::System,
            hide_codes: false,
            shortcut: Some(DEFAULT_SHORTCUT.to_string()),
            type_code: false,
            start_minimized: false,
            sort: AccountSort::Issuer,
            language: "system".into(),
        }
    }
}

impl Settings {
    /// Refuses values the app cannot act on, saying which and why.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(IpcError::new(ErrorKind::InvalidInput, m));
        if self.lock_after_secs > 86_400 {
            return bad("lock after at most a day (86400 s), or never".into());
        }
        if !(5..=600).contains(&self.clipboard_clear_secs) {
            return bad("clear the clipboard after 5 to 600 seconds".into());
        }
        if let Some(s) = &self.shortcut {
            if s.trim().is_empty() || s.len() > 64 {
                return bad("the shortcut is empty or too long".into());
            }
        }
        if self.language != "system" && !LANGUAGES.contains(&self.language.as_str()) {
            return bad(format!(
                "no language “{}”; choose system or one of {}",
                self.language,
                LANGUAGES.join(", ")
            ));
        }
        Ok(())
    }
}

/// The settings file and the settings in force.
#[derive(Debug)]
pub struct SettingsStore {
    path: Option<PathBuf>,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Reads `path` (missing: defaults; unreadable: defaults, the file left for the user).
    pub fn load(path: PathBuf) -> Self {
        let current = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Settings>(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|s| s.validate().map(|()| s).map_err(|e| e.message))
            {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(
                        "settings file {} not used, defaults instead: {e}",
                        path.display()
                    );
                    Settings::default()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                tracing::warn!("cannot read {}: {e}; defaults instead", path.display());
                Settings::default()
            }
        };
        SettingsStore {
            path: Some(path),
            current: Mutex::new(current),
        }
    }

    /// Settings kept in memory only (tests of other parts).
    pub fn in_memory(settings: Settings) -> Self {
        SettingsStore {
            path: None,
            current: Mutex::new(settings),
        }
    }

    /// `settings.json` in `dir`, or in the platform config directory.
    pub fn default_path(dir: Option<&Path>) -> Option<PathBuf> {
        match dir {
            Some(d) => Some(d.join("settings.json")),
            None => directories::ProjectDirs::from("app", "twofold", "Twofold")
                .map(|p| p.config_dir().join("settings.json")),
        }
    }

    /// The settings in force.
    pub fn get(&self) -> Settings {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Checks `new`, writes it (atomically), then puts it in force. On a failed write nothing
    /// changes.
    pub fn set(&self, new: Settings) -> Result<Settings> {
        new.validate()?;
        if let Some(path) = &self.path {
            let bytes = serde_json::to_vec_pretty(&new).map_err(IpcError::internal)?;
            twofold_core::vault::write_private_file(path, &bytes)?;
        }
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = new.clone();
        Ok(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_are_the_ones_the_ui_ships_and_others_are_refused() {
        let locales =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/i18n/locales");
        let mut shipped: Vec<String> = std::fs::read_dir(&locales)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        shipped.sort();
        assert_eq!(shipped, LANGUAGES);
        let mut s = Settings::default();
        for lang in ["system", "en", "pl", "ru"] {
            s.language = lang.into();
            assert!(s.validate().is_ok(), "{lang}");
        }
        s.language = "xx".into();
        let e = s.validate().unwrap_err();
        assert!(e.message.contains("en, pl, ru"), "{e}");
    }

    #[test]
    fn a_missing_file_gives_defaults_and_a_set_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        let store = SettingsStore::load(path.clone());
        assert_eq!(store.get(), Settings::default());
        let mut s = store.get();
        s.lock_after_secs = 60;
        s.theme = Theme::Dark;
        s.shortcut = None;
        store.set(s.clone()).unwrap();
        assert_eq!(SettingsStore::load(path).get(), s);
    }

    #[test]
    fn a_bad_value_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let store = SettingsStore::load(path.clone());
        for bad in [
            Settings {
                clipboard_clear_secs: 2,
                ..Default::default()
            },
            Settings {
                lock_after_secs: 100_000,
                ..Default::default()
            },
            Settings {
                shortcut: Some(" ".into()),
                ..Default::default()
            },
        ] {
            let e = store.set(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
        }
        assert_eq!(store.get(), Settings::default());
        assert!(!path.exists(), "a refused change writes nothing");
    }

    #[test]
    fn a_damaged_file_is_left_alone_and_defaults_are_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{\"lockAfterSecs\": \"soon\"").unwrap();
        let store = SettingsStore::load(path.clone());
        assert_eq!(store.get(), Settings::default());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"{\"lockAfterSecs\": \"soon\""
        );
    }

    #[test]
    fn fields_left_out_take_their_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{"hideCodes": true}"#).unwrap();
        let s = SettingsStore::load(path).get();
        assert!(s.hide_codes);
        assert_eq!(s.lock_after_secs, 300);
        assert_eq!(s.shortcut.as_deref(), Some(DEFAULT_SHORTCUT));
    }
}
