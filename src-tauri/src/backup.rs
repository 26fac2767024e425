//! The automatic backup after a change: debounced, on a background task, never in the way.
//!
//! Every `vault://changed` with reason `accounts` calls [`back_up_soon`]. About two seconds
//! after the last of a burst of changes, a blocking task asks core whether a backup is due
//! (`auto_backup::write_due`) and writes it. The outcome is kept for Settings → Backups and
//! pushed as [`crate::events::BACKUP_WRITTEN`], so a failure shows as a toast and a status line
//! while every command goes on working.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use twofold_core::transfer::auto_backup;

use crate::events;
use crate::state::AppState;

/// How long the vault must stay unchanged before the backup is written.
pub const DEBOUNCE: Duration = Duration::from_secs(2);

/// The background writer's bookkeeping.
#[derive(Debug, Default)]
pub struct BackupRun {
    /// Bumped by every change; a waiting task whose number is no longer current gives way.
    seq: u64,
    /// Why the last automatic backup failed, until one succeeds.
    pub failure: Option<String>,
}

/// Schedules a backup [`DEBOUNCE`] after this change, unless another change comes first.
pub fn back_up_soon<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let seq = {
        let mut run = state.backup_run();
        run.seq += 1;
        run.seq
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        if app.state::<AppState>().backup_run().seq != seq {
            return;
        }
        let writer = app.clone();
        let outcome =
            tauri::async_runtime::spawn_blocking(move || write_due(&writer.state::<AppState>()))
                .await;
        match outcome {
            Ok(Some(outcome)) => events::backup_written(&app, outcome),
            Ok(None) => {}
            Err(e) => tracing::error!("the automatic backup task failed: {e}"),
        }
    });
}

/// Writes a due backup of the open vault; `None` when nothing was due (or the vault is locked,
/// so there is nothing to back up from).
pub fn write_due(state: &AppState) -> Option<events::BackupWritten> {
    let result = state.with_vault(|v| {
        v.refresh()?;
        Ok(auto_backup::write_due(v, twofold_core::unix_now())?)
    });
    let outcome = match result {
        Ok(None) => return None,
        Err(e) if e.kind == crate::error::ErrorKind::VaultLocked => return None,
        Ok(Some(path)) => events::BackupWritten {
            file: Some(path.display().to_string()),
            error: None,
        },
        Err(e) => {
            tracing::warn!("automatic backup failed: {}", e.message);
            events::BackupWritten {
                file: None,
                error: Some(e.message),
            }
        }
    };
    state.backup_run().failure = outcome.error.clone();
    Some(outcome)
}
