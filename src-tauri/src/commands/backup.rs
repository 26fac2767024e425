//! Settings → Backups and "Restore from backup": turning automatic backups on and off, writing
//! one now, and putting a backup file back, merged or replacing the accounts.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};
use twofold_core::transfer::auto_backup::{self, AutoBackup};
use twofold_core::vault::KdfParams;

use crate::error::{ErrorKind, IpcError, Result};
use crate::events;
use crate::models::{BackupSetup, BackupView, RestoreReport, RestoreRequest};
use crate::state::{AppState, AppStateRef};

/// Biggest backup file accepted from the web view (a backup of 10,000 accounts is ~3 MB).
const MAX_BACKUP_BYTES: usize = 16 * 1024 * 1024;

/// Runs `f` off the async runtime: Argon2id and file writes block.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState) -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>())).await?
}

fn view(state: &AppState) -> Result<BackupView> {
    let status = state.with_vault(|v| {
        v.refresh()?;
        Ok(auto_backup::status(v))
    })?;
    Ok(BackupView::new(status, state.backup_run().failure.clone()))
}

/// The folder as typed: a full path, or one under the home folder (`~/Backups`).
fn folder_path(typed: &str) -> Result<PathBuf> {
    let typed = typed.trim();
    let path = match typed.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|d| d.home_dir().join(rest))
            .ok_or_else(|| IpcError::new(ErrorKind::InvalidInput, "there is no home folder"))?,
        None => PathBuf::from(typed),
    };
    if typed.is_empty() || !path.is_absolute() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "type the backup folder's full path (like /home/me/Backups or ~/Backups)",
        ));
    }
    Ok(path)
}

/// Whether backups are on, where they go, the newest one and the last failure.
#[tauri::command]
pub fn backup_status(state: AppStateRef<'_>) -> Result<BackupView> {
    view(&state)
}

/// Turns automatic backups on (the password's key is derived once, off the UI thread) and
/// writes the first backup.
#[tauri::command]
pub async fn backup_on<R: Runtime>(app: AppHandle<R>, setup: BackupSetup) -> Result<BackupView> {
    let folder = folder_path(&setup.folder)?;
    blocking(app, move |state| {
        let b = AutoBackup::new(&folder, setup.keep, &setup.password, KdfParams::default())?;
        state.with_vault(|v| Ok(auto_backup::configure(v, Some(b))?))?;
        crate::backup::write_due(state);
        view(state)
    })
    .await
}

/// Turns automatic backups off; the files written so far stay.
#[tauri::command]
pub fn backup_off(state: AppStateRef<'_>) -> Result<BackupView> {
    state.with_vault(|v| Ok(auto_backup::configure(v, None)?))?;
    state.backup_run().failure = None;
    view(&state)
}

/// Writes a backup now, whether or not the vault changed since the last one.
#[tauri::command]
pub async fn backup_now<R: Runtime>(app: AppHandle<R>) -> Result<BackupView> {
    blocking(app, |state| {
        let written = state.with_vault(|v| {
            v.refresh()?;
            Ok(auto_backup::write_now(v, twofold_core::unix_now())?)
        });
        state.backup_run().failure = written.as_ref().err().map(|e| e.message.clone());
        written?;
        view(state)
    })
    .await
}

/// Restores a backup file (its bytes, from a file picker): opened with its password off the UI
/// thread, then merged into the vault or replacing its accounts.
#[tauri::command]
pub async fn backup_restore<R: Runtime>(
    app: AppHandle<R>,
    request: RestoreRequest,
) -> Result<RestoreReport> {
    if request.file.len() > MAX_BACKUP_BYTES {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "this file is too big to be a Twofold backup",
        ));
    }
    let report = blocking(app.clone(), move |state| {
        let accounts = auto_backup::read(&request.file, &request.password)?;
        let restored = state.with_vault(|v| {
            Ok(auto_backup::restore(
                v,
                accounts,
                request.mode.into(),
                twofold_core::unix_now(),
            )?)
        })?;
        Ok(RestoreReport::from(restored))
    })
    .await?;
    events::vault_changed(&app, "accounts");
    Ok(report)
}
