//! The global shortcut that opens the lookup window (X11, macOS, Windows). On Wayland a global
//! shortcut needs the desktop's GlobalShortcuts portal, which Twofold does not use yet: Settings
//! says so and suggests binding a desktop shortcut to `twofold-app --lookup`.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, Shortcut, ShortcutState};

use crate::error::{ErrorKind, IpcError, Result};

/// Why the shortcut in the settings is not working, when it is not (for Settings to show).
#[derive(Debug, Default)]
pub struct ShortcutStatus(Mutex<Option<ShortcutProblem>>);

/// Why the lookup shortcut does not work in this session; the UI words it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ShortcutProblem {
    /// Wayland: a global shortcut needs the GlobalShortcuts portal, not used yet; bind
    /// `twofold-app --lookup` in the desktop's keyboard settings instead.
    Wayland,
    /// The shortcut could not be taken (another app may hold it).
    NotTaken {
        /// What the system said, in English, for the details.
        detail: String,
    },
}

impl ShortcutStatus {
    /// The problem, if any.
    pub fn problem(&self) -> Option<ShortcutProblem> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, problem: Option<ShortcutProblem>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = problem;
    }
}

/// Parses a shortcut as Settings shows it (`Ctrl+Alt+Shift+2`).
pub fn parse(text: &str) -> Result<Shortcut> {
    text.parse::<Shortcut>().map_err(|e| {
        IpcError::new(
            ErrorKind::InvalidInput,
            format!("“{text}” is not a shortcut Twofold understands ({e}); write it like Ctrl+Alt+Shift+2"),
        )
    })
}

/// What Settings says about global shortcuts in this session, when they cannot work.
pub fn session_note(env: impl Fn(&str) -> Option<String>) -> Option<ShortcutProblem> {
    let wayland = env("XDG_SESSION_TYPE").is_some_and(|v| v == "wayland")
        || env("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
    wayland.then_some(ShortcutProblem::Wayland)
}

/// Moves the lookup shortcut from `old` to `new` (either may be none): the new one is taken
/// first, so a shortcut another app holds is refused and the old one stays.
pub fn apply<R: Runtime>(app: &AppHandle<R>, old: Option<&str>, new: Option<&str>) -> Result<()> {
    let old = old.and_then(|o| parse(o).ok());
    let new_parsed = new.map(parse).transpose()?;
    if old.map(|s| s.id()) == new_parsed.map(|s| s.id()) {
        return Ok(());
    }
    let gs = app.try_state::<GlobalShortcut<R>>().ok_or_else(|| {
        IpcError::new(
            ErrorKind::InvalidInput,
            "global shortcuts are not available in this build",
        )
    })?;
    if let (Some(sc), Some(text)) = (new_parsed, new) {
        gs.on_shortcut(sc, |app, _, event| {
            if event.state == ShortcutState::Pressed {
                crate::lookup::show(app);
            }
        })
        .map_err(|e| {
            IpcError::new(
                ErrorKind::InvalidInput,
                format!("{text} cannot be used: {e} (another app may hold it); choose another"),
            )
        })?;
    }
    if let Some(sc) = old {
        if let Err(e) = gs.unregister(sc) {
            tracing::warn!("could not release the old shortcut: {e}");
        }
    }
    Ok(())
}

/// Takes the shortcut in the settings at start-up; a failure is kept for Settings to show.
pub fn install<R: Runtime>(app: &AppHandle<R>, shortcut: Option<&str>) {
    let status = app.state::<ShortcutStatus>();
    if let Some(note) = session_note(|k| std::env::var(k).ok()) {
        status.set(Some(note));
        return;
    }
    match apply(app, None, shortcut) {
        Ok(()) => status.set(None),
        Err(e) => {
            tracing::warn!("lookup shortcut not taken: {}", e.message);
            status.set(Some(ShortcutProblem::NotTaken { detail: e.message }));
            // A Twofold that is quitting (a restart) may hold it for a moment longer: try again
            // for a few seconds, unless Settings changes it meanwhile.
            if let Some(wanted) = shortcut.map(str::to_string) {
                retry_later(app.clone(), wanted);
            }
        }
    }
}

fn retry_later<R: Runtime>(app: AppHandle<R>, wanted: String) {
    tauri::async_runtime::spawn(async move {
        for _ in 0..RETRIES {
            tokio::time::sleep(RETRY_EVERY).await;
            let state = app.state::<crate::state::AppState>();
            if state.settings().get().shortcut.as_deref() != Some(wanted.as_str()) {
                return;
            }
            if apply(&app, None, Some(&wanted)).is_ok() {
                tracing::info!("lookup shortcut taken after a retry");
                app.state::<ShortcutStatus>().set(None);
                return;
            }
        }
    });
}

/// How often and how long a shortcut held by another process is tried again at start-up.
const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
const RETRIES: u32 = 10;

/// After Settings changed the shortcut successfully (on Wayland the note stays).
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    let note = session_note(|k| std::env::var(k).ok());
    app.state::<ShortcutStatus>().set(note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_parses_and_nonsense_is_refused_with_an_example() {
        assert!(parse(crate::settings::DEFAULT_SHORTCUT).is_ok());
        assert_eq!(
            parse("ctrl+alt+shift+2").unwrap().id(),
            parse(crate::settings::DEFAULT_SHORTCUT).unwrap().id()
        );
        let e = parse("Ctrl+Banana").unwrap_err();
        assert!(e.message.contains("Ctrl+Alt+Shift+2"), "{e}");
    }

    #[test]
    fn wayland_gets_the_fallback_command() {
        let note = session_note(|k| (k == "XDG_SESSION_TYPE").then(|| "wayland".to_string()));
        assert_eq!(note, Some(ShortcutProblem::Wayland));
        assert_eq!(
            session_note(|k| (k == "DISPLAY").then(|| ":0".to_string())),
            None
        );
    }
}
