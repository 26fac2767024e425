//! The Twofold desktop app: a thin Tauri shell over `twofold-core`.
//!
//! This crate owns the window, the tray, the IPC commands and their DTOs; it owns no OTP or
//! vault logic (that is `twofold-core`'s). [`build`] registers the commands and the plugins a
//! headless test can run; [`run`] adds the desktop integration (tray, single instance,
//! remembered window geometry) and the real vault.

pub mod args;
pub mod autolock;
pub mod backup;
pub mod commands;
pub mod error;
pub mod events;
pub mod fido;
pub mod i18n;
pub mod lookup;
pub mod models;
pub mod os_verify;
pub mod portal_shortcut;
pub mod session_lock;
pub mod settings;
pub mod shortcut;
pub mod state;
pub mod tray;
pub mod typist;

use tauri::{Manager, Runtime};
use twofold_core::vault::{default_vault_path, KeyringStore};

pub use args::AppArgs;
pub use error::{IpcError, Result};
pub use state::AppState;

/// Registers every command and the clipboard plugin. The caller manages an [`AppState`].
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(shortcut::ShortcutStatus::default())
        .invoke_handler(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::vault_unlock,
            commands::vault::vault_create,
            commands::vault::vault_lock,
            commands::vault::os_verify_status,
            commands::vault::os_verify,
            commands::vault::os_verify_cancel,
            commands::vault::vault_password_set,
            commands::vault::vault_recovery_key_add,
            commands::vault::vault_recovery_key_remove,
            commands::vault::vault_recovery_key_save,
            commands::vault::vault_recovery_key_done,
            commands::accounts::accounts_list,
            commands::accounts::account_add_from_uri,
            commands::accounts::account_add_manual,
            commands::accounts::account_update,
            commands::accounts::account_move,
            commands::accounts::account_remove,
            commands::accounts::account_reveal,
            commands::codes::code_current,
            commands::codes::hotp_next,
            commands::codes::code_copy,
            commands::codes::code_pair,
            commands::aws::aws_profiles,
            commands::aws::aws_whoami,
            commands::aws::aws_disconnect,
            commands::aws::aws_enroll_start,
            commands::aws::aws_enroll_confirm,
            commands::aws::aws_pending,
            commands::aws::aws_enroll_resume,
            commands::aws::aws_enroll_abort,
            commands::aws::aws_devices,
            commands::aws::aws_resync,
            commands::aws::aws_deactivate,
            commands::sessions::aws_session_options,
            commands::sessions::aws_session_start,
            commands::sessions::aws_setup_profile,
            commands::admin::aws_audit,
            commands::admin::aws_audit_export,
            commands::admin::aws_org_audit,
            commands::admin::aws_org_audit_export,
            commands::admin::aws_sign_ins,
            commands::aws::aws_assign_token,
            commands::admin::aws_enforce_plan,
            commands::admin::aws_enforce_apply,
            commands::scan::scan_cameras,
            commands::scan::scan_camera_start,
            commands::scan::scan_camera_stop,
            commands::scan::scan_image,
            commands::scan::scan_screen,
            commands::scan::scan_clipboard,
            commands::scan::scan_save,
            commands::scan::scan_discard,
            commands::scan::account_qr,
            commands::transfer::import_formats,
            commands::transfer::import_preview,
            commands::transfer::import_apply,
            commands::transfer::import_discard,
            commands::transfer::export_options,
            commands::transfer::export_default_path,
            commands::transfer::export_write,
            commands::fido::fido_devices,
            commands::fido::fido_info,
            commands::fido::fido_pin_set,
            commands::fido::fido_pin_change,
            commands::fido::fido_test,
            commands::fido::fido_credentials,
            commands::fido::fido_credential_delete,
            commands::fido::fido_reset,
            commands::fido::fido_cancel,
            commands::fido::fido_wink,
            commands::fido::aws_security_key_check,
            commands::about::app_about,
            commands::about::app_open_logs,
            commands::about::cli_put_on_path,
            commands::backup::backup_status,
            commands::backup::backup_on,
            commands::backup::backup_off,
            commands::backup::backup_now,
            commands::backup::backup_restore,
            commands::desktop::settings_get,
            commands::desktop::settings_set,
            commands::desktop::launch_at_login_set,
            commands::desktop::app_activity,
            commands::desktop::lookup_choose,
            commands::desktop::lookup_hide,
            commands::desktop::lookup_open_main,
            commands::desktop::ui_language_set,
        ])
}

/// Turns off what a web browser needs and Twofold does not, to keep the web process small
/// (measured with desktop-bench): WebKitGTK's resource caches (the "document viewer" cache
/// model; everything is local), the back/forward page cache (one page, never navigated away
/// from), WebGL and Web Audio.
pub(crate) fn lean_webview<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let done = window.with_webview(|wv| {
            use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
            let view = wv.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_page_cache(false);
                settings.set_enable_webgl(false);
                settings.set_enable_webaudio(false);
            }
        });
        if let Err(e) = done {
            tracing::debug!("web view settings: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Shows the main window in front (restored if minimised).
pub(crate) fn show_main_window<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        // Best effort: a window manager may refuse focus; the window is still shown.
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Starts the desktop app: parses the command line (`--help` and `--version` print and exit),
/// explains a missing display instead of letting GTK panic, then opens the window.
pub fn run() {
    let args = match AppArgs::from_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    // Kept to the end of `run`: dropping it flushes the log.
    let _log = twofold_core::logging::init("twofold-app");
    if let Some(reason) = args::no_display_reason(|k| std::env::var(k).ok()) {
        eprintln!("twofold-app: {reason}");
        std::process::exit(1);
    }
    if let Some(dir) = &args.aws_config_dir {
        // Still single-threaded: nothing else reads the environment yet.
        std::env::set_var("AWS_CONFIG_FILE", dir.join("config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
    }
    let path = match args
        .vault
        .clone()
        .map(Ok)
        .unwrap_or_else(default_vault_path)
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("twofold-app: {e}");
            std::process::exit(1);
        }
    };
    // Test hooks exist only in a build with the `test-hooks` feature (the test suites').
    #[cfg(feature = "test-hooks")]
    let (camera_frames, fido_state, polkit_subject) = (
        args.camera_frames.clone(),
        fido::FidoState::from_simulator(args.fido_simulator.clone()),
        args.polkit_subject,
    );
    #[cfg(not(feature = "test-hooks"))]
    let (camera_frames, fido_state, polkit_subject) = (None, fido::FidoState::usb(), None);
    let settings = match settings::SettingsStore::default_path(args.config_dir.as_deref()) {
        Some(p) => settings::SettingsStore::load(p),
        None => settings::SettingsStore::in_memory(Default::default()),
    };
    let lookup_first = args.lookup;
    let autostart = args.autostart;
    let builder = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts: `--lookup` opens
        // the lookup window of the running Twofold, anything else its main window.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            if args.iter().any(|a| a == "--lookup") {
                lookup::show(app);
            } else {
                show_main_window(app);
            }
        }))
        // Size and place are restored; whether the window shows is decided in `setup`.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::all()
                        - tauri_plugin_window_state::StateFlags::VISIBLE,
                )
                .build(),
        )
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        // Launch at login (Settings) starts `twofold-app --autostart`.
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--autostart"]),
        ))
        .manage(
            AppState::new(path, Box::new(KeyringStore))
                .with_test_camera(camera_frames)
                .with_os_verifier(os_verify::platform(polkit_subject))
                .with_settings(settings),
        )
        .manage(fido_state)
        .setup(move |app| {
            let handle = app.handle();
            if let Some(main) = handle.get_webview_window("main") {
                lean_webview(&main);
            }
            tray::install(handle)?;
            autolock::start(handle);
            let watcher = handle.clone();
            session_lock::watch(move |cause| {
                if watcher
                    .state::<AppState>()
                    .settings()
                    .get()
                    .lock_on_session_lock
                {
                    autolock::lock_now(&watcher, cause);
                }
            });
            let shortcut = handle.state::<AppState>().settings().get().shortcut;
            shortcut::install(handle, shortcut.as_deref());
            // The window is made hidden (tauri.conf.json) and shown here, unless Twofold was
            // started at login with "start minimised" (it waits in the tray) or only for the
            // lookup window.
            let minimized =
                autostart && handle.state::<AppState>().settings().get().start_minimized;
            if lookup_first {
                lookup::show(handle);
            } else if !minimized {
                show_main_window(handle);
            }
            Ok(())
        });
    let app = match build(builder).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("twofold-app: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            // A code copied less than 30 s ago goes with the app, unless the user has copied
            // something else since.
            if let Err(e) = app.state::<AppState>().clipboard().clear_pending() {
                tracing::warn!("could not clear the clipboard on quit: {e}");
            }
        }
    });
}

#[cfg(test)]
mod command_list;
#[cfg(test)]
mod command_types;
#[cfg(test)]
mod tests;
