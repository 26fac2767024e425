//! Event names and payloads pushed from Rust to the UI.

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
}
