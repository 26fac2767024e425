//! The global shortcut that opens the lookup window. On X11, macOS and Windows Twofold takes it
//! itself (tauri-plugin-global-shortcut). On Wayland an app cannot: it asks the desktop through
//! the GlobalShortcuts portal ([`crate::portal_shortcut`]), and the desktop decides the keys;
//! where there is no such portal, Settings says so and suggests binding a desktop shortcut to
//! `twofold-app --lookup`.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, Shortcut, ShortcutState};

use crate::error::{ErrorKind, IpcError, Result};

/// Emitted to every window when the lookup shortcut's standing changed on its own (on Wayland
/// the portal answered later than Settings asked): Settings reads it again.
pub const STANDING_CHANGED: &str = "shortcut://standing";

/// How the lookup shortcut stands in this session (for Settings to show), and the portal
/// session behind it on Wayland.
#[derive(Debug, Default)]
pub struct ShortcutStatus(Mutex<Standing>);

#[derive(Debug, Default)]
struct Standing {
    problem: Option<ShortcutProblem>,
    desktop: Option<DesktopShortcut>,
    /// Counts portal sessions started; a task whose number is not the latest changes nothing.
    generation: u64,
    portal: Option<tauri::async_runtime::JoinHandle<()>>,
}

/// Why the lookup shortcut does not work in this session; the UI words it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ShortcutProblem {
    /// Wayland without a usable GlobalShortcuts portal: bind `twofold-app --lookup` in the
    /// desktop's keyboard settings instead.
    NoPortal {
        /// What was missing, in English, for the details.
        detail: String,
    },
    /// Wayland: the desktop's dialog for the shortcut was closed without accepting it.
    Declined,
    /// The shortcut could not be taken (another app may hold it).
    NotTaken {
        /// What the system said, in English, for the details.
        detail: String,
    },
}

/// The lookup shortcut as the desktop holds it (Wayland, through the portal).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DesktopShortcut {
    /// The keys as the desktop words them ("Ctrl+Alt+Shift+2"); none while it has assigned
    /// no keys to it.
    pub trigger: Option<String>,
}

impl ShortcutStatus {
    fn standing(&self) -> std::sync::MutexGuard<'_, Standing> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The problem, if any.
    pub fn problem(&self) -> Option<ShortcutProblem> {
        self.standing().problem.clone()
    }

    /// The shortcut as the desktop holds it, on Wayland once the portal has bound it.
    pub fn desktop(&self) -> Option<DesktopShortcut> {
        self.standing().desktop.clone()
    }

    fn set(&self, problem: Option<ShortcutProblem>) {
        let mut s = self.standing();
        s.problem = problem;
        s.desktop = None;
    }

    /// Ends the running portal session, if any, and numbers the next one.
    pub(crate) fn next_portal(&self) -> u64 {
        let mut s = self.standing();
        if let Some(task) = s.portal.take() {
            task.abort();
        }
        s.problem = None;
        s.desktop = None;
        s.generation += 1;
        s.generation
    }

    /// Keeps the portal session's task (ended by the next [`Self::next_portal`]).
    pub(crate) fn portal_started(
        &self,
        generation: u64,
        task: tauri::async_runtime::JoinHandle<()>,
    ) {
        let mut s = self.standing();
        if s.generation == generation {
            s.portal = Some(task);
        } else {
            task.abort();
        }
    }

    /// What portal session `generation` found, unless a newer one has started (then false).
    pub(crate) fn portal_outcome(
        &self,
        generation: u64,
        outcome: std::result::Result<DesktopShortcut, ShortcutProblem>,
    ) -> bool {
        let mut s = self.standing();
        if s.generation != generation {
            return false;
        }
        match outcome {
            Ok(d) => {
                s.desktop = Some(d);
                s.problem = None;
            }
            Err(p) => {
                s.desktop = None;
                s.problem = Some(p);
            }
        }
        true
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

/// Whether this is a Wayland session, where global shortcuts go through the desktop's portal.
pub fn wayland(env: impl Fn(&str) -> Option<String>) -> bool {
    env("XDG_SESSION_TYPE").is_some_and(|v| v == "wayland")
        || env("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
}

fn wayland_here() -> bool {
    wayland(|k| std::env::var(k).ok())
}

/// Moves the lookup shortcut from `old` to `new` (either may be none): the new one is taken
/// first, so a shortcut another app holds is refused and the old one stays.
pub fn apply<R: Runtime>(app: &AppHandle<R>, old: Option<&str>, new: Option<&str>) -> Result<()> {
    let old = old.and_then(|o| parse(o).ok());
    let new_parsed = new.map(parse).transpose()?;
    // On Wayland nothing is taken here: the portal is asked once the setting is saved
    // ([`changed`]).
    if wayland_here() {
        return Ok(());
    }
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
    if wayland_here() {
        crate::portal_shortcut::start(app, shortcut);
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

/// After Settings changed the shortcut successfully (or asked again after a problem). On
/// Wayland the desktop is asked again, through a new portal session.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    if wayland_here() {
        let shortcut = app
            .state::<crate::state::AppState>()
            .settings()
            .get()
            .shortcut;
        crate::portal_shortcut::start(app, shortcut.as_deref());
    } else {
        app.state::<ShortcutStatus>().set(None);
    }
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
    fn wayland_is_told_by_the_session_type_or_a_wayland_display() {
        assert!(wayland(
            |k| (k == "XDG_SESSION_TYPE").then(|| "wayland".to_string())
        ));
        assert!(wayland(
            |k| (k == "WAYLAND_DISPLAY").then(|| "wayland-0".to_string())
        ));
        assert!(!wayland(|k| (k == "DISPLAY").then(|| ":0".to_string())));
        assert!(!wayland(|k| (k == "WAYLAND_DISPLAY").then(String::new)));
    }

    #[test]
    fn an_old_portal_session_cannot_overwrite_a_newer_ones_outcome() {
        let status = ShortcutStatus::default();
        let first = status.next_portal();
        let second = status.next_portal();
        assert!(!status.portal_outcome(first, Err(ShortcutProblem::Declined)));
        assert_eq!(status.problem(), None);
        let bound = DesktopShortcut {
            trigger: Some("Ctrl+Alt+Shift+2".into()),
        };
        assert!(status.portal_outcome(second, Ok(bound.clone())));
        assert_eq!(status.desktop(), Some(bound));
        assert!(status.portal_outcome(
            second,
            Err(ShortcutProblem::NoPortal {
                detail: "the session bus closed".into(),
            }),
        ));
        assert_eq!(status.desktop(), None);
        assert!(matches!(
            status.problem(),
            Some(ShortcutProblem::NoPortal { .. })
        ));
    }
}
