//! Event names and payloads pushed from Rust to the UI. A change to the accounts also schedules
//! the automatic backup ([`crate::backup`]).

use serde::Serialize;

/// Emitted after the vault changed (an account was added, edited, removed) or was locked.
pub const VAULT_CHANGED: &str = "vault://changed";

/// Payload of [`VAULT_CHANGED`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VaultChanged {
    /// `"accounts"` when accounts changed, `"locked"` when the vault was locked,
    /// `"unlocked"` when it was opened.
    pub reason: String,
}

/// Emitted after an automatic backup was written, or failed to be.
pub const BACKUP_WRITTEN: &str = "backup://written";

/// Payload of [`BACKUP_WRITTEN`]: the file, or why there is none.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BackupWritten {
    /// The backup written.
    pub file: Option<String>,
    /// Why it failed (the change itself is saved in the vault either way).
    pub error: Option<String>,
}

/// Emits [`BACKUP_WRITTEN`]; a failure to emit is logged.
pub fn backup_written<R: tauri::Runtime>(app: &tauri::AppHandle<R>, payload: BackupWritten) {
    use tauri::Emitter;
    if let Err(e) = app.emit(BACKUP_WRITTEN, payload) {
        tracing::warn!("could not emit {BACKUP_WRITTEN}: {e}");
    }
}

/// Emits [`VAULT_CHANGED`] to every window; a failure to emit is logged, not returned, because
/// the change itself already happened.
pub fn vault_changed<R: tauri::Runtime>(app: &tauri::AppHandle<R>, reason: &str) {
    use tauri::Emitter;
    if let Err(e) = app.emit(
        VAULT_CHANGED,
        VaultChanged {
            reason: reason.into(),
        },
    ) {
        tracing::warn!("could not emit {VAULT_CHANGED}: {e}");
    }
    // Every change to the accounts passes here: the one place the automatic backup hooks in,
    // and the tray's favourites follow (opened, locked, edited).
    if reason == "accounts" {
        crate::backup::back_up_soon(app);
    }
    crate::tray::refresh(app);
}
