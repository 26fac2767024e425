//! The desktop around the vault: settings, the idle clock, the lookup window.

use tauri::{AppHandle, Emitter, Manager, Runtime};
use twofold_core::otp::OtpKind;
use zeroize::Zeroizing;

use crate::autolock::timeout_of;
use crate::error::{ErrorKind, IpcError, Result};
use crate::models::desktop::{LookupDone, SettingsView};
use crate::settings::Settings;
use crate::shortcut::ShortcutStatus;
use crate::state::AppStateRef;
use crate::{events, lookup, shortcut};

/// Emitted to every window after the settings changed (theme, hidden codes).
pub const SETTINGS_CHANGED: &str = "settings://changed";

fn view<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppStateRef<'_>,
    shortcuts: &ShortcutStatus,
) -> SettingsView {
    let status = state.status();
    let keyring_only = status.keyring_slot && !status.password_slot;
    SettingsView {
        settings: state.settings().get(),
        shortcut_problem: shortcuts.problem(),
        desktop_shortcut: shortcuts.desktop(),
        type_code_problem: crate::typist::unavailable_reason(|k| std::env::var(k).ok()),
        keyring_only,
        launch_at_login: launch_at_login(app),
        system_languages: crate::i18n::system_languages(|k| std::env::var(k).ok()),
    }
}

/// Whether the autostart entry exists (false where the plugin is absent: the IPC tests).
fn launch_at_login<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<tauri_plugin_autostart::AutoLaunchManager>()
        .is_some_and(|m| m.is_enabled().unwrap_or(false))
}

/// The settings, with what does not work in this session.
#[tauri::command]
pub fn settings_get<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    shortcuts: tauri::State<'_, ShortcutStatus>,
) -> SettingsView {
    view(&app, &state, &shortcuts)
}

/// Starts Twofold at login (`twofold-app --autostart`), or stops doing so.
#[tauri::command]
pub fn launch_at_login_set<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    shortcuts: tauri::State<'_, ShortcutStatus>,
    enabled: bool,
) -> Result<SettingsView> {
    let manager = app
        .try_state::<tauri_plugin_autostart::AutoLaunchManager>()
        .ok_or_else(|| {
            IpcError::new(
                ErrorKind::InvalidInput,
                "starting at login is not available in this build",
            )
        })?;
    let done = if enabled {
        manager.enable()
    } else {
        manager.disable()
    };
    done.map_err(|e| IpcError::internal(format!("changing the login items: {e}")))?;
    Ok(view(&app, &state, &shortcuts))
}

/// Checks, saves and applies new settings (no restart): the idle timeout, the shortcut, and
/// every window's look. Nothing changes when any of it is refused.
#[tauri::command]
pub fn settings_set<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    shortcuts: tauri::State<'_, ShortcutStatus>,
    settings: Settings,
) -> Result<SettingsView> {
    settings.validate()?;
    let old = state.settings().get();
    // A shortcut that could not be taken is not held: taking it again is worth a try.
    let held = match shortcuts.problem() {
        Some(_) => None,
        None => old.shortcut.as_deref(),
    };
    shortcut::apply(&app, held, settings.shortcut.as_deref())?;
    let settings_shortcut = settings.shortcut.clone();
    let new = match state.settings().set(settings) {
        Ok(s) => s,
        Err(e) => {
            // Give the old shortcut back.
            let _ = shortcut::apply(&app, settings_shortcut.as_deref(), held);
            return Err(e);
        }
    };
    if held != new.shortcut.as_deref() {
        shortcut::changed(&app);
    }
    state
        .autolock()
        .set_timeout(timeout_of(new.lock_after_secs));
    state.autolock().touch();
    if let Err(e) = app.emit(SETTINGS_CHANGED, &new) {
        tracing::warn!("could not emit {SETTINGS_CHANGED}: {e}");
    }
    Ok(view(&app, &state, &shortcuts))
}

/// The user did something in a window: the idle time starts again.
#[tauri::command]
pub fn app_activity(state: AppStateRef<'_>) {
    state.autolock().touch();
}

/// Enter in the lookup window: takes the account's code, hides the window, and types the code
/// into the window that was in front ("type the code") or copies it.
#[tauri::command]
pub fn lookup_choose<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    id: String,
) -> Result<LookupDone> {
    state.autolock().touch();
    let now = twofold_core::unix_now();
    let (code, hotp) = state.with_vault(|v| {
        let hotp = v.find(&id)?.otp.kind == OtpKind::Hotp;
        Ok((Zeroizing::new(v.take_code(&id, now)?.code), hotp))
    })?;
    if hotp {
        events::vault_changed(&app, "accounts");
    }
    lookup::hide(&app);
    let settings = state.settings().get();
    let mut note = None;
    if settings.type_code {
        match state.typist().type_text(&code) {
            Ok(()) => {
                return Ok(LookupDone {
                    typed: true,
                    note: None,
                })
            }
            Err(reason) => {
                tracing::info!("typing the code failed: {reason}");
                note = Some(reason);
            }
        }
    }
    crate::commands::codes::copy_and_clear_later(&app, &state, code)?;
    Ok(LookupDone { typed: false, note })
}

/// Esc in the lookup window, or the window lost the focus (`because`: "escape" or "blur", for
/// the log).
#[tauri::command]
pub fn lookup_hide<R: Runtime>(app: AppHandle<R>, because: String) {
    let because: String = because
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(16)
        .collect();
    // Giving the window the focus twice as it is shown (GTK, then our own X11 focus for a
    // session without a window manager) sends it a blur that has already passed: the X server
    // says who has the keyboard now.
    if because == "blur" && crate::typist::Typist::focus_is_on(lookup::TITLE) {
        tracing::debug!("a blur that has passed: the lookup window still has the keyboard");
        return;
    }
    tracing::debug!(because, "the lookup window puts itself away");
    lookup::hide(&app);
}

/// The lookup window's "Open Twofold": shows the main window (to unlock, say).
#[tauri::command]
pub fn lookup_open_main<R: Runtime>(app: AppHandle<R>) {
    lookup::hide(&app);
    crate::show_main_window(&app);
}

/// The language the UI chose (from the setting and the OS languages): the tray menu follows it.
#[tauri::command]
pub fn ui_language_set<R: Runtime>(app: AppHandle<R>, language: String) {
    crate::tray::set_language(&app, &language);
}
