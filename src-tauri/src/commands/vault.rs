//! Opening, creating and locking the vault.

use tauri::{AppHandle, Manager, Runtime};

use crate::error::Result;
use crate::events;
use crate::models::vault::{OsVerifyStatus, RecoveryKeyShown, VaultCreated};
use crate::models::VaultStatus;
use crate::state::{AppState, AppStateRef, UnlockWith};
use zeroize::Zeroizing;

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
    let status = blocking(app.clone(), |s| Ok(s.status())).await?;
    // The first call may have opened the vault: the tray lists its favourites.
    crate::tray::refresh(&app);
    Ok(status)
}

/// Opens the vault with a password, a recovery key, or through the keyring when both are
/// null. `acceptRollback` opens a vault older than the newest generation seen on this machine.
#[tauri::command]
pub async fn vault_unlock<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
    recovery_key: Option<String>,
    accept_rollback: bool,
) -> Result<VaultStatus> {
    let password = password.map(Zeroizing::new);
    let recovery_key = recovery_key.map(Zeroizing::new);
    let status = blocking(app.clone(), move |s| {
        let with = match (&password, &recovery_key) {
            (Some(pw), _) => UnlockWith::Password(pw),
            (None, Some(k)) => UnlockWith::RecoveryKey(k),
            (None, None) => UnlockWith::Keyring,
        };
        s.unlock(&with, accept_rollback)
    })
    .await?;
    if status.state == crate::models::VaultState::Unlocked {
        events::vault_changed(&app, "unlocked");
    }
    Ok(status)
}

/// Creates the vault with a keyring slot (when the keyring works) and either a password or a
/// generated recovery key, which comes back this once to be shown.
#[tauri::command]
pub async fn vault_create<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
    recovery_key: bool,
) -> Result<VaultCreated> {
    let password = password.map(Zeroizing::new);
    let (status, key) = blocking(app.clone(), move |s| {
        s.create(password.as_deref().map(String::as_str), recovery_key)
    })
    .await?;
    events::vault_changed(&app, "unlocked");
    Ok(VaultCreated {
        status,
        recovery_key: key,
    })
}

/// Sets or changes (`password`) or removes (null) the vault password; the master key is
/// replaced, so old copies of the vault do not open with the old password.
#[tauri::command]
pub async fn vault_password_set<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
) -> Result<VaultStatus> {
    let password = password.map(Zeroizing::new);
    blocking(app, move |s| {
        s.set_password(password.as_deref().map(String::as_str))
    })
    .await
}

/// Makes a new recovery key and returns it, to show once. Replacing one gives the vault a new
/// master key (the old recovery key opens no copy of it), which needs the vault's `password`
/// when it has one.
#[tauri::command]
pub async fn vault_recovery_key_add<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
) -> Result<RecoveryKeyShown> {
    let password = password.map(Zeroizing::new);
    let (status, key) = blocking(app, move |s| {
        s.add_recovery_key(password.as_deref().map(String::as_str))
    })
    .await?;
    Ok(RecoveryKeyShown {
        recovery_key: key,
        status,
    })
}

/// Removes the recovery key; the vault gets a new master key (`password` as above).
#[tauri::command]
pub async fn vault_recovery_key_remove<R: Runtime>(
    app: AppHandle<R>,
    password: Option<String>,
) -> Result<VaultStatus> {
    let password = password.map(Zeroizing::new);
    blocking(app, move |s| {
        s.remove_recovery_key(password.as_deref().map(String::as_str))
    })
    .await
}

/// Writes the recovery key just shown to `path` (default: a new file in the documents folder),
/// readable by the user only. Returns the file's path.
#[tauri::command]
pub async fn vault_recovery_key_save<R: Runtime>(
    app: AppHandle<R>,
    path: Option<String>,
) -> Result<String> {
    let path = path
        .filter(|p| !p.trim().is_empty())
        .map(std::path::PathBuf::from);
    let written = blocking(app, move |s| s.save_recovery_key(path)).await?;
    Ok(written.display().to_string())
}

/// The user saved the recovery key: the app stops holding it.
#[tauri::command]
pub fn vault_recovery_key_done(state: AppStateRef<'_>) {
    state.forget_recovery_key();
}

/// Closes the vault until it is unlocked again.
#[tauri::command]
pub fn vault_lock<R: Runtime>(app: AppHandle<R>) -> VaultStatus {
    let status = app.state::<AppState>().lock();
    events::vault_changed(&app, "locked");
    status
}

/// Whether the OS can confirm it is the user here (polkit on Linux), or why not.
#[tauri::command]
pub async fn os_verify_status<R: Runtime>(app: AppHandle<R>) -> Result<OsVerifyStatus> {
    blocking(app, |s| {
        Ok(match s.os_verifier().available() {
            Ok(()) => OsVerifyStatus {
                available: true,
                problem: None,
            },
            Err(why) => OsVerifyStatus {
                available: false,
                problem: Some(why.into()),
            },
        })
    })
    .await
}

/// Asks the OS to confirm it is the user (the desktop's own dialog) and waits for the answer.
/// Success lets the next keyring unlock, or the next secret shown, go ahead once, within a
/// minute; a refusal, a dismissed dialog or a missing agent is `notVerified`.
#[tauri::command]
pub async fn os_verify<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    blocking(app, |s| s.verify_user()).await
}

/// Withdraws the verification being asked (the OS's dialog closes).
#[tauri::command]
pub async fn os_verify_cancel<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    blocking(app, |s| {
        s.cancel_verification();
        Ok(())
    })
    .await
}

/// Asks for the vault's password again before a secret leaves the vault (reveal, QR code,
/// export): a vault with a password slot needs it typed now, however it was unlocked, or a
/// fresh OS verification (`os_verify`) instead. A vault without a password needs the OS
/// verification where there is one; where there is none, nothing is asked, and the
/// confirmation and Settings say so plainly.
pub(crate) fn reverify(state: &AppState, password: Option<&str>) -> Result<()> {
    use twofold_core::vault::{Unlock, Vault, VaultAccess};
    use twofold_core::Error as CoreError;

    use crate::error::{ErrorKind, IpcError};

    let (file, has_password) = state.read(|v| Ok((v.path().to_path_buf(), v.slots().password)))?;
    if state.take_verification() {
        return Ok(());
    }
    if !has_password {
        return match state.os_verifier().available() {
            Ok(()) => Err(IpcError::new(
                ErrorKind::NotVerified,
                "confirm it's you first (system authentication)",
            )),
            Err(_) => Ok(()),
        };
    }
    let pw = password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| IpcError::new(ErrorKind::InvalidInput, "type the vault's password"))?;
    Vault::unlock(&file, &Unlock::Password(pw))
        .map(drop)
        .map_err(|e| match e {
            CoreError::WrongPassword => {
                IpcError::new(ErrorKind::InvalidInput, "wrong vault password")
            }
            e => e.into(),
        })
}
