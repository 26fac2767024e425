//! The tray icon and its menu: the favourite accounts (choosing one copies its code), then
//! Show Twofold, Find a code…, Lock, Quit. The favourites are rebuilt after every change to the
//! vault (and left out while it is locked).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use twofold_core::vault::Vault;
use zeroize::Zeroizing;

use crate::state::AppState;

const TRAY: &str = "main";
/// The most favourites the menu lists (a menu, not a second account list).
const MAX_FAVOURITES: usize = 10;
const FAVOURITE_PREFIX: &str = "fav:";

/// The favourites as the menu shows them: (id, label), by label.
pub fn favourites(vault: &Vault) -> Vec<(String, String)> {
    let mut favs: Vec<(String, String)> = vault
        .accounts()
        .iter()
        .filter(|a| a.meta.favourite)
        .map(|a| {
            let label = match (a.issuer.is_empty(), a.account.is_empty()) {
                (false, false) => format!("{} ({})", a.issuer, a.account),
                (false, true) => a.issuer.clone(),
                _ => a.name.clone(),
            };
            (a.id.0.clone(), label)
        })
        .collect();
    favs.sort_by_key(|(_, label)| label.to_lowercase());
    favs.truncate(MAX_FAVOURITES);
    favs
}

/// The favourites and language the menu shows now, so an unchanged menu is not rebuilt.
type Shown = (Vec<(String, String)>, &'static str);
static SHOWN: std::sync::Mutex<Option<Shown>> = std::sync::Mutex::new(None);

/// The language the UI chose (it follows the setting and the OS languages).
static LANGUAGE: std::sync::Mutex<&'static str> = std::sync::Mutex::new("en");

/// Draws the menu in `language` from now on (the UI reports its language at start and after
/// the setting changes).
pub fn set_language<R: Runtime>(app: &AppHandle<R>, language: &str) {
    *LANGUAGE.lock().unwrap_or_else(|p| p.into_inner()) = crate::i18n::shipped(language);
    refresh(app);
}

fn language() -> &'static str {
    *LANGUAGE.lock().unwrap_or_else(|p| p.into_inner())
}

fn current_favourites<R: Runtime>(app: &AppHandle<R>) -> Vec<(String, String)> {
    app.state::<AppState>()
        .with_vault(|v| Ok(favourites(v)))
        .unwrap_or_default()
}

fn menu<R: Runtime>(
    app: &AppHandle<R>,
    favs: &[(String, String)],
    language: &str,
) -> tauri::Result<Menu<R>> {
    let words = crate::i18n::TrayWords::of(language);
    let menu = Menu::new(app)?;
    for (id, label) in favs {
        menu.append(&MenuItem::with_id(
            app,
            format!("{FAVOURITE_PREFIX}{id}"),
            words.copy_code(label),
            true,
            None::<&str>,
        )?)?;
    }
    if !favs.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        "show",
        words.get("show"),
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "lookup",
        words.get("lookup"),
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "lock",
        words.get("lock"),
        true,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        "quit",
        words.get("quit"),
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

/// Rebuilds the menu when the favourites changed (the vault was edited, opened or locked).
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    let favs = current_favourites(app);
    let language = language();
    {
        let mut shown = SHOWN.lock().unwrap_or_else(|p| p.into_inner());
        let now = (favs.clone(), language);
        if shown.as_ref() == Some(&now) {
            return;
        }
        *shown = Some(now);
    }
    match menu(app, &favs, language) {
        Ok(m) => {
            if let Err(e) = tray.set_menu(Some(m)) {
                tracing::warn!("could not update the tray menu: {e}");
            }
        }
        Err(e) => tracing::warn!("could not build the tray menu: {e}"),
    }
}

/// Copies a favourite's code, as a click in the list would.
fn copy_favourite<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let state = app.state::<AppState>();
    state.autolock().touch();
    let now = twofold_core::unix_now();
    let taken = state.with_vault(|v| {
        let hotp = v.find(id)?.otp.kind == twofold_core::otp::OtpKind::Hotp;
        Ok((Zeroizing::new(v.take_code(id, now)?.code), hotp))
    });
    match taken {
        Ok((code, hotp)) => {
            if let Err(e) = crate::commands::codes::copy_and_clear_later(app, &state, code) {
                tracing::warn!("could not copy a favourite's code: {}", e.message);
            }
            if hotp {
                crate::events::vault_changed(app, "accounts");
            }
        }
        // Locked since the menu was built, or the account is gone: show the window instead.
        Err(e) => {
            tracing::info!("tray favourite not copied: {}", e.message);
            crate::show_main_window(app);
        }
    }
}

/// Adds the tray icon. Left click shows the window.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Twofold")
        .menu(&menu(app, &[], language())?)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => crate::show_main_window(app),
            "lookup" => crate::lookup::show(app),
            "lock" => crate::autolock::lock_now(app, crate::autolock::LockCause::User),
            "quit" => app.exit(0),
            other => {
                if let Some(id) = other.strip_prefix(FAVOURITE_PREFIX) {
                    copy_favourite(app, id);
                }
            }
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::show_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}
