//! IPC DTOs of automatic backups and restore. The backup password crosses IPC inbound only
//! ([`BackupSetup`], [`RestoreRequest`]) and is zeroized on drop; the derived key never leaves
//! the vault.

use serde::{Deserialize, Serialize};
use twofold_core::transfer::auto_backup::{BackupStatus, RestoreMode, Restored};
use zeroize::Zeroize;

/// Turning automatic backups on.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BackupSetup {
    /// The folder, as typed (it must exist).
    pub folder: String,
    /// How many backups to keep.
    pub keep: u32,
    /// The backup password (asked once; a key derived from it is kept, not the password).
    pub password: String,
}

impl Drop for BackupSetup {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

impl std::fmt::Debug for BackupSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupSetup")
            .field("folder", &self.folder)
            .field("keep", &self.keep)
            .finish_non_exhaustive()
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BackupFileView {
    /// Its full path.
    pub path: String,
    /// The vault generation it holds.
    #[cfg_attr(test, ts(type = "number"))]
    pub generation: u64,
    /// When it was written, Unix seconds.
    #[cfg_attr(test, ts(type = "number"))]
    pub written: u64,
}

/// Settings → Backups: whether backups are on, where, and how the last attempt went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    /// Backups are on.
    pub on: bool,
    /// The folder, when on.
    pub folder: Option<String>,
    /// How many are kept, when on.
    pub keep: Option<u32>,
    /// The newest backup of this vault in the folder.
    pub last: Option<BackupFileView>,
    /// How many backups of this vault the folder holds.
    pub count: u32,
    /// Why the last automatic backup failed (or why the folder cannot be read), if it did.
    pub problem: Option<String>,
}

impl BackupView {
    /// The view of core's status, with the last failure of the background writer.
    pub fn new(status: Option<BackupStatus>, failure: Option<String>) -> Self {
        match status {
            None => BackupView {
                on: false,
                folder: None,
                keep: None,
                last: None,
                count: 0,
                problem: None,
            },
            Some(s) => BackupView {
                on: true,
                folder: Some(s.folder.display().to_string()),
                keep: Some(s.keep),
                last: s.last.map(|l| BackupFileView {
                    path: l.path.display().to_string(),
                    generation: l.generation,
                    written: l.written,
                }),
                count: u32::try_from(s.count).unwrap_or(u32::MAX),
                problem: s.problem.or(failure),
            },
        }
    }
}

/// Merge or replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum RestoreModeView {
    /// Add the backup's accounts the vault lacks.
    Merge,
    /// The backup's accounts replace the vault's (the previous state stays in the `.bak`).
    Replace,
}

impl From<RestoreModeView> for RestoreMode {
    fn from(m: RestoreModeView) -> Self {
        match m {
            RestoreModeView::Merge => RestoreMode::Merge,
            RestoreModeView::Replace => RestoreMode::Replace,
        }
    }
}

/// A backup file to restore: its bytes (from an `<input type=file>`), its password, the mode.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RestoreRequest {
    /// The file's bytes.
    pub file: Vec<u8>,
    /// Its password.
    pub password: String,
    /// Merge or replace.
    pub mode: RestoreModeView,
}

impl Drop for RestoreRequest {
    fn drop(&mut self) {
        self.password.zeroize();
        self.file.zeroize();
    }
}

impl std::fmt::Debug for RestoreRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestoreRequest")
            .field("bytes", &self.file.len())
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// What a restore did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// Accounts the vault did not hold.
    pub added: u32,
    /// Backup accounts the vault held already (skipped by a merge, kept by a replace).
    pub held: u32,
    /// Accounts a replace removed.
    pub removed: u32,
    /// Accounts in the vault now.
    pub total: u32,
}

impl From<Restored> for RestoreReport {
    fn from(r: Restored) -> Self {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        RestoreReport {
            added: n(r.added),
            held: n(r.held),
            removed: n(r.removed),
            total: n(r.total),
        }
    }
}
