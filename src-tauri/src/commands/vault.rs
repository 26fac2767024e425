//! Opening, creating and locking the vault.

use tauri::{AppHandle, Manager, Runtime};

use crate::error::Result;
use crate::events;
use crate::models::VaultStatus;
use crate::state::AppState;

/// Runs a blocking vault operation (keyring D-Bus calls, Argon2) off the async runtime.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState) -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>())).await?
}

/// The vault's state; the first call opens it through the keyring (or creates it).
#[tauri::command]
pub async fn vault_status<R: Runtime>(app: AppHandle<R>) -> Result<VaultStatus> {
    blocking(app, |s| Ok(s.status())).await
}

/// Opens the vault with a password, or through the keyring when `password` is null.
#[tauri::command]
pub async fn vault_unlock<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
) -> Result<VaultStatus> {
    let password = password.map(zeroize::Zeroizing::new);
    let status = blocking(app.clone(), move |s| {
        s.unlock(password.as_deref().map(String::as_str))
    })
    .await?;
    events::vault_changed(&app, "unlocked");
    Ok(status)
}

/// Creates the vault (keyring slot when available, password slot when given).
#[tauri::command]
pub async fn vault_create<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
) -> Result<VaultStatus> {
    let password = password.map(zeroize::Zeroizing::new);
    let status = blocking(app.clone(), move |s| {
        s.create(password.as_deref().map(String::as_str))
    })
    .await?;
    events::vault_changed(&app, "unlocked");
    Ok(status)
}

/// Closes the vault until it is unlocked again.
#[tauri::command]
pub fn vault_lock<R: Runtime>(app: AppHandle<R>) -> VaultStatus {
    let status = app.state::<AppState>().lock();
    events::vault_changed(&app, "locked");
    status
}
