//! `AppState`, the one managed type: where the vault is and, once unlocked, the open vault.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use twofold_core::aws::admin::{AuditReport, EnforcePlan};
use twofold_core::aws::AwsClient;
use twofold_core::otp::uri::OtpUri;
use twofold_core::vault::{KdfParams, KeyStore, NewAccount, Unlock, Vault, VaultAccess};

use crate::error::{ErrorKind, IpcError, Result};
use crate::models::{VaultState, VaultStatus};

/// The `State` type commands take; an alias so the managed type cannot be misspelled.
pub type AppStateRef<'a> = tauri::State<'a, AppState>;

/// Everything the app keeps between commands.
pub struct AppState {
    path: PathBuf,
    keys: Box<dyn KeyStore>,
    inner: Mutex<Inner>,
    aws: Mutex<Option<AwsConnection>>,
    admin: Mutex<AdminResults>,
    scan: Mutex<ScanSlot>,
    backup: Mutex<crate::backup::BackupRun>,
    import: Mutex<ImportSlot>,
    test_camera: Option<PathBuf>,
}

/// The import previews not yet applied or discarded: each file as read, secrets included,
/// until `import_apply` or `import_discard` drops it (the secrets zeroize on drop).
#[derive(Debug, Default)]
pub struct ImportSlot {
    /// The number behind the next preview's id.
    pub next: u64,
    /// The open previews, oldest first. More than one when a read the user cancelled finishes
    /// after a newer one: the UI discards the late one by its id, and the newer one stays.
    pub pending: Vec<(String, twofold_core::transfer::import::Export)>,
}

impl ImportSlot {
    /// How many previews are kept; older ones go first (a UI that loses track of one cannot
    /// pile up secrets).
    pub const MAX: usize = 4;

    /// Keeps `export` under `id`, dropping the oldest preview beyond [`ImportSlot::MAX`].
    pub fn keep(&mut self, id: String, export: twofold_core::transfer::import::Export) {
        self.pending.push((id, export));
        let extra = self.pending.len().saturating_sub(Self::MAX);
        self.pending.drain(..extra);
    }

    /// The preview `id`, if it is still open.
    pub fn get(&self, id: &str) -> Option<&twofold_core::transfer::import::Export> {
        self.pending.iter().find(|(i, _)| i == id).map(|(_, e)| e)
    }

    /// Drops the preview `id` (its secrets zeroize).
    pub fn forget(&mut self, id: &str) {
        self.pending.retain(|(i, _)| i != id);
    }
}

/// The scan screen's state: what the last scan found (its secrets stay here until saved) and
/// the running camera scan's stop flag.
#[derive(Debug, Default)]
pub struct ScanSlot {
    /// The number behind the next scan's token.
    pub next: u64,
    /// The last scan not yet saved or discarded: its token and its accounts.
    pub pending: Option<(String, Vec<OtpUri>)>,
    /// Set to stop the running camera scan; `None` when the camera is off.
    pub camera: Option<Arc<AtomicBool>>,
}

impl ScanSlot {
    /// The accounts `picks` chose from scan `token`, with the names the user gave.
    pub fn picked(
        &self,
        token: &str,
        picks: &[crate::commands::scan::ScanPick],
    ) -> Result<Vec<NewAccount>> {
        if picks.is_empty() {
            return Err(IpcError::new(
                ErrorKind::InvalidInput,
                "tick at least one account",
            ));
        }
        let accounts = match &self.pending {
            Some((t, accounts)) if t == token => accounts,
            _ => {
                return Err(IpcError::new(
                    ErrorKind::NotFound,
                    "this scan is no longer open; scan the code again",
                ))
            }
        };
        picks
            .iter()
            .map(|pick| {
                let uri = accounts.get(pick.index as usize).ok_or_else(|| {
                    IpcError::new(ErrorKind::InvalidInput, "that account is not in the scan")
                })?;
                Ok(NewAccount {
                    uri: uri.clone(),
                    name: pick.name.clone().filter(|n| !n.trim().is_empty()),
                    tags: Vec::new(),
                })
            })
            .collect()
    }

    /// Forgets scan `token` once it is saved (a newer scan stays).
    pub fn close(&mut self, token: &str) {
        if self.pending.as_ref().is_some_and(|(t, _)| t == token) {
            self.pending = None;
        }
    }
}

/// The last audit (for the CSV export) and the last enforce plan (what the preview showed, so
/// exactly that is applied).
#[derive(Debug, Default)]
pub struct AdminResults {
    /// The last audit report.
    pub audit: Option<AuditReport>,
    /// The last enforce plan.
    pub plan: Option<EnforcePlan>,
}

/// The AWS connection the wizard checked with `aws_whoami`, kept so pasted keys cross IPC once.
#[derive(Debug, Clone)]
pub struct AwsConnection {
    /// IAM + STS clients.
    pub client: AwsClient,
    /// The profile it came from, if any (recorded on enrolled accounts).
    pub profile: Option<String>,
}

#[derive(Default)]
struct Inner {
    vault: Option<Vault>,
    /// Why the vault is not open (shown on the unlock screen).
    reason: Option<String>,
    /// Whether opening at startup was already tried.
    tried: bool,
}

impl AppState {
    /// State for the vault at `path`, whose keyring slot is read through `keys`. Nothing is
    /// opened yet: the first [`AppState::status`] call does that.
    pub fn new(path: PathBuf, keys: Box<dyn KeyStore>) -> Self {
        AppState {
            path,
            keys,
            inner: Mutex::new(Inner::default()),
            aws: Mutex::new(None),
            admin: Mutex::new(AdminResults::default()),
            scan: Mutex::new(ScanSlot::default()),
            backup: Mutex::new(Default::default()),
            import: Mutex::new(ImportSlot::default()),
            test_camera: None,
        }
    }

    /// Tests: a folder of images stands in for the webcam (`--camera-frames DIR`).
    pub fn with_test_camera(mut self, frames: Option<PathBuf>) -> Self {
        self.test_camera = frames;
        self
    }

    /// The folder of images that stands in for the webcam, if any.
    pub fn test_camera(&self) -> Option<&Path> {
        self.test_camera.as_deref()
    }

    /// The vault file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the vault as it was on disk; carry on.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The vault's status. On the first call, opens the vault through the keyring, or creates
    /// one with a keyring slot when none exists.
    pub fn status(&self) -> VaultStatus {
        let mut inner = self.lock_inner();
        if !inner.tried && inner.vault.is_none() {
            inner.tried = true;
            let result = if Vault::exists(&self.path) {
                Vault::open(&self.path, &Unlock::Keyring(self.keys.as_ref()))
            } else {
                Vault::create_protected(
                    &self.path,
                    Some(self.keys.as_ref()),
                    None,
                    KdfParams::default(),
                )
                .map(|(v, _)| v)
            };
            match result {
                Ok(v) => inner.vault = Some(v),
                Err(e) => inner.reason = Some(IpcError::from(e).message),
            }
        }
        self.describe(&inner)
    }

    fn describe(&self, inner: &Inner) -> VaultStatus {
        let (state, slots) = match &inner.vault {
            Some(v) => (VaultState::Unlocked, v.slots()),
            None => match Vault::probe(&self.path) {
                Ok(slots) => (VaultState::Locked, slots),
                Err(_) if !Vault::exists(&self.path) => (VaultState::Absent, Default::default()),
                Err(_) => (VaultState::Locked, Default::default()),
            },
        };
        VaultStatus {
            state,
            path: self.path.display().to_string(),
            keyring_slot: slots.keyring,
            password_slot: slots.password,
            reason: if state == VaultState::Unlocked {
                None
            } else {
                inner.reason.clone()
            },
        }
    }

    /// Opens the vault with `password`, or through the keyring when `None`.
    pub fn unlock(&self, password: Option<&str>) -> Result<VaultStatus> {
        let mut inner = self.lock_inner();
        inner.tried = true;
        if inner.vault.is_none() {
            let unlock = match password {
                Some(pw) => Unlock::Password(pw),
                None => Unlock::Keyring(self.keys.as_ref()),
            };
            inner.vault = Some(Vault::open(&self.path, &unlock)?);
            inner.reason = None;
        }
        Ok(self.describe(&inner))
    }

    /// Creates a vault with a keyring slot when the keyring works, plus a password slot when
    /// `password` is given. Without a password, the keyring must work.
    pub fn create(&self, password: Option<&str>) -> Result<VaultStatus> {
        let mut inner = self.lock_inner();
        inner.tried = true;
        // Without a usable keyring, the password alone protects the vault.
        let (vault, _) = Vault::create_protected(
            &self.path,
            Some(self.keys.as_ref()),
            password,
            KdfParams::default(),
        )?;
        inner.vault = Some(vault);
        inner.reason = None;
        Ok(self.describe(&inner))
    }

    /// Closes the vault; the key leaves memory with it.
    pub fn lock(&self) -> VaultStatus {
        let mut inner = self.lock_inner();
        inner.vault = None;
        inner.tried = true;
        inner.reason = None;
        self.describe(&inner)
    }

    /// Runs `f` on the open vault, or fails with `vaultLocked`.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
        let mut inner = self.lock_inner();
        match inner.vault.as_mut() {
            Some(v) => f(v),
            None => Err(IpcError::locked()),
        }
    }
}

impl AppState {
    /// Keeps `conn` for the AWS commands that follow, replacing any earlier one.
    pub fn set_aws(&self, conn: Option<AwsConnection>) {
        *self.aws.lock().unwrap_or_else(|p| p.into_inner()) = conn;
    }

    /// The AWS connection (a cheap clone, so no lock is held across AWS calls), or
    /// `awsNotConnected`.
    pub fn aws(&self) -> Result<AwsConnection> {
        self.aws
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                IpcError::new(
                    ErrorKind::AwsNotConnected,
                    "check the AWS credentials first",
                )
            })
    }
}

impl AppState {
    /// The admin results (audit, plan); a short lock, never held across an `.await`.
    pub fn admin(&self) -> MutexGuard<'_, AdminResults> {
        self.admin.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl AppState {
    /// The scan slot; a short lock, never held across a frame or an `.await`.
    pub fn scan(&self) -> MutexGuard<'_, ScanSlot> {
        self.scan.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl AppState {
    /// The automatic backup writer's bookkeeping; a short lock, never held across an `.await`.
    pub fn backup_run(&self) -> MutexGuard<'_, crate::backup::BackupRun> {
        self.backup.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The import slot; a short lock, never held across a key derivation or an `.await`.
    pub fn import(&self) -> MutexGuard<'_, ImportSlot> {
        self.import.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Core's flows reach the vault through the app state, for one synchronous step at a time.
impl VaultAccess for AppState {
    fn with_vault<T>(
        &self,
        step: impl FnOnce(&mut Vault) -> twofold_core::Result<T>,
    ) -> twofold_core::Result<T> {
        let mut inner = self.lock_inner();
        match inner.vault.as_mut() {
            Some(v) => step(v),
            None => Err(twofold_core::Error::Locked("it is not open".into())),
        }
    }
}
