//! The lookup window: a small window over whatever is in front, opened by the global shortcut
//! (or `twofold-app --lookup`, which a running Twofold receives), to find an account and copy
//! or type its code. Made on first use and hidden, not closed, afterwards, so the next
//! shortcut only shows it.

use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::state::AppState;

/// The lookup window's label (its capability names it).
pub const LABEL: &str = "lookup";

/// The lookup window's title (tests find it by this name).
pub const TITLE: &str = "Twofold lookup";

/// Emitted to the lookup window each time it is shown, so it starts from an empty search.
pub const OPENED: &str = "lookup://opened";

/// Shows the lookup window in front, making it the first time.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    show_activated(app, None);
}

/// [`show`], with the XDG activation token the desktop gave with the shortcut (the
/// GlobalShortcuts portal's `activation_token`): on Wayland the compositor gives the keyboard
/// focus only to a window that presents such a token (GTK sends it as the window's startup id).
pub fn show_activated<R: Runtime>(app: &AppHandle<R>, token: Option<&str>) {
    let state = app.state::<AppState>();
    state.autolock().touch();
    // The window in front now is where "type the code" types.
    state.typist().remember_target();
    let window = match app.get_webview_window(LABEL) {
        Some(w) => w,
        None => {
            match WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html#lookup".into()))
                .title(TITLE)
                .inner_size(440.0, 380.0)
                .resizable(false)
                .decorations(false)
                .always_on_top(true)
                .skip_taskbar(true)
                .center()
                .visible(false)
                .build()
            {
                Ok(w) => {
                    crate::lean_webview(&w);
                    w.on_window_event(|event| {
                        if let tauri::WindowEvent::Focused(focused) = event {
                            tracing::debug!(focused, "lookup window focus");
                        }
                    });
                    w
                }
                Err(e) => {
                    tracing::error!("cannot open the lookup window: {e}");
                    return;
                }
            }
        }
    };
    if let Err(e) = window.emit_to(LABEL, OPENED, ()) {
        tracing::warn!("cannot reset the lookup window: {e}");
    }
    #[cfg(target_os = "linux")]
    if let Some(token) = token.filter(|t| !t.is_empty()) {
        use gtk::prelude::GtkWindowExt as _;
        match window.gtk_window() {
            Ok(w) => w.set_startup_id(token),
            Err(e) => tracing::warn!("no GTK window for the activation token: {e}"),
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = token;
    // Best effort: a window manager may refuse focus; the window is still shown.
    let _ = window.center();
    let _ = window.show();
    let _ = window.set_focus();
    crate::typist::Typist::focus_own_window(TITLE);
}

/// Hides the lookup window, if it is shown, and gives the keyboard back to the window that
/// was in front (a window manager would pick some window; without one, nothing would have it).
pub fn hide<R: Runtime>(app: &AppHandle<R>) {
    let Some(w) = app.get_webview_window(LABEL) else {
        return;
    };
    if !w.is_visible().unwrap_or(false) {
        return;
    }
    let _ = w.hide();
    app.state::<AppState>().typist().restore_focus();
}
