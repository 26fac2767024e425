//! `AppState`, the one managed type: where the vault is and, once unlocked, the open vault.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use twofold_core::aws::admin::{AuditReport, EnforcePlan};
use twofold_core::aws::AwsClient;
use twofold_core::otp::uri::OtpUri;
use twofold_core::vault::{History, KdfParams, KeyStore, NewAccount, Unlock, Vault, VaultAccess};
use zeroize::Zeroizing;

use crate::error::{ErrorKind, IpcError, Result};
use crate::models::vault::RolledBack;
use crate::models::{VaultState, VaultStatus};

/// How the user unlocks the vault.
pub enum UnlockWith<'a> {
    /// Through the OS keyring.
    Keyring,
    /// With the vault password.
    Password(&'a str),
    /// With the recovery key, as typed.
    RecoveryKey(&'a str),
}

/// The `State` type commands take; an alias so the managed type cannot be misspelled.
pub type AppStateRef<'a> = tauri::State<'a, AppState>;

/// Everything the app keeps between commands.
pub struct AppState {
    path: PathBuf,
    keys: Arc<dyn KeyStore>,
    history: Option<History>,
    inner: Mutex<Inner>,
    aws: Mutex<Option<AwsConnection>>,
    admin: Mutex<AdminResults>,
    scan: Mutex<ScanSlot>,
    backup: Mutex<crate::backup::BackupRun>,
    import: Mutex<ImportSlot>,
    test_camera: Option<PathBuf>,
    clipboard: twofold_core::clipboard::CodeClipboard,
    settings: crate::settings::SettingsStore,
    autolock: crate::autolock::AutoLock,
    typist: crate::typist::Typist,
    verifier: Box<dyn crate::os_verify::OsVerifier>,
    grant: Mutex<crate::os_verify::Grant>,
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
    /// The last organisation audit.
    pub org: Option<twofold_core::aws::org::OrgAudit>,
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
    /// The last unlock found an older generation than seen here before.
    rolled_back: Option<RolledBack>,
    /// A recovery key just made, until the user says it is saved: "Save as file" writes it.
    new_recovery_key: Option<Zeroizing<String>>,
    /// The app locked the vault (or quit while locked): the keyring opens it again only once
    /// the user is verified, see [`AppState::unlock`].
    locked_by_app: bool,
}

impl AppState {
    /// State for the vault at `path`, whose keyring slot is read through `keys`. Nothing is
    /// opened yet: the first [`AppState::status`] call does that.
    pub fn new(path: PathBuf, keys: Box<dyn KeyStore>) -> Self {
        let keys: Arc<dyn KeyStore> = Arc::from(keys);
        // The CLI remembers generations in the same place, so each sees the other's writes.
        let dir = std::env::var_os("TWOFOLD_STATE_DIR")
            .map(PathBuf::from)
            .map(Ok)
            .unwrap_or_else(History::default_dir);
        let history = dir.ok().map(|d| History::new(d).with_keyring(keys.clone()));
        AppState {
            path,
            keys,
            history,
            inner: Mutex::new(Inner::default()),
            aws: Mutex::new(None),
            admin: Mutex::new(AdminResults::default()),
            scan: Mutex::new(ScanSlot::default()),
            backup: Mutex::new(Default::default()),
            import: Mutex::new(ImportSlot::default()),
            test_camera: None,
            clipboard: twofold_core::clipboard::CodeClipboard::system(),
            settings: crate::settings::SettingsStore::in_memory(Default::default()),
            autolock: crate::autolock::AutoLock::new(None),
            typist: Default::default(),
            verifier: Box::new(crate::os_verify::Unsupported),
            grant: Mutex::new(Default::default()),
        }
    }

    /// Verifies the user through `verifier` (the platform's: polkit on Linux).
    pub fn with_os_verifier(mut self, verifier: Box<dyn crate::os_verify::OsVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    /// The OS's verification of the user.
    pub fn os_verifier(&self) -> &dyn crate::os_verify::OsVerifier {
        self.verifier.as_ref()
    }

    fn grant(&self) -> MutexGuard<'_, crate::os_verify::Grant> {
        self.grant.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The OS just verified the user: the next keyring unlock or secret shown may go ahead.
    pub fn verified(&self) {
        self.grant().give();
    }

    /// Uses up a fresh verification, if there is one.
    pub fn take_verification(&self) -> bool {
        self.grant().take()
    }

    /// Asks the OS to verify the user (its own dialog; this blocks until it is answered or
    /// [`AppState::cancel_verification`]). On success the next keyring unlock or secret shown
    /// may go ahead.
    pub fn verify_user(&self) -> Result<()> {
        use crate::os_verify::{Unavailable, Verdict};
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = format!(
            "twofold-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        self.grant().asking(id.clone());
        let mut verdict = self.verifier.verify(&id);
        // polkit answers a withdrawn check as a plain "no": it was the user's cancel.
        if self.grant().answered() && verdict != Verdict::Verified {
            verdict = Verdict::Dismissed;
        }
        let no = |m: &str| Err(IpcError::new(ErrorKind::NotVerified, m));
        match verdict {
            Verdict::Verified => {
                self.verified();
                Ok(())
            }
            Verdict::Refused => no("the system did not confirm it's you"),
            Verdict::Dismissed => no("cancelled"),
            Verdict::NoAgent => no(
                "no authentication agent runs in this desktop session, so nothing can ask for \
                 your password (desktops start one: polkit-gnome, lxpolkit, KDE's polkit agent)",
            ),
            Verdict::Unavailable(Unavailable::NoService) => {
                no("polkit is not running on this system")
            }
            Verdict::Unavailable(Unavailable::NotInstalled) => no(
                "Twofold's polkit action is not installed: reinstall the package, or copy \
                 app.twofold.Twofold.policy to /usr/share/polkit-1/actions",
            ),
            Verdict::Unavailable(Unavailable::Unsupported) => {
                no("system authentication is not available on this platform yet")
            }
            Verdict::Failed(e) => {
                tracing::warn!("system authentication failed: {e}");
                no("system authentication failed; see the log")
            }
        }
    }

    /// Withdraws the verification being asked, if any (the user cancelled in Twofold).
    pub fn cancel_verification(&self) {
        let asking = self.grant().cancel();
        if let Some(id) = asking {
            self.verifier.cancel(&id);
        }
    }

    /// The file whose presence says the app locked the vault and has not opened it since, so
    /// a restart does not open it through the keyring unasked: `<vault>.locked`, beside it.
    fn lock_marker(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".locked");
        self.path.with_file_name(name)
    }

    fn mark_locked(&self, locked: bool) {
        let marker = self.lock_marker();
        let result = if locked {
            std::fs::write(&marker, b"")
        } else {
            match std::fs::remove_file(&marker) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            }
        };
        if let Err(e) = result {
            tracing::warn!("lock marker {}: {e}", marker.display());
        }
    }

    /// Whether the keyring may open the vault now: always, unless the app locked it. Then it
    /// takes a fresh OS verification; where there is none to ask, a vault with a password
    /// wants the password, and a vault without one opens (the unlock screen and Settings say
    /// plainly that nothing but the desktop session protects it).
    fn keyring_allowed(&self, inner: &Inner) -> Result<()> {
        if !inner.locked_by_app || self.take_verification() {
            return Ok(());
        }
        match self.verifier.available() {
            Ok(()) => Err(IpcError::new(
                ErrorKind::NotVerified,
                "confirm it's you first (system authentication)",
            )),
            Err(_) if Vault::probe(&self.path).is_ok_and(|s| s.password) => Err(IpcError::new(
                ErrorKind::VaultLocked,
                "type the vault's password: Twofold locked it",
            )),
            Err(_) => Ok(()),
        }
    }

    /// Uses `settings` (read from the settings file) and starts the idle clock with its timeout.
    pub fn with_settings(mut self, settings: crate::settings::SettingsStore) -> Self {
        self.autolock = crate::autolock::AutoLock::new(crate::autolock::timeout_of(
            settings.get().lock_after_secs,
        ));
        self.settings = settings;
        self
    }

    /// The settings in force and their file.
    pub fn settings(&self) -> &crate::settings::SettingsStore {
        &self.settings
    }

    /// The idle clock.
    pub fn autolock(&self) -> &crate::autolock::AutoLock {
        &self.autolock
    }

    /// Types codes into other windows ("type the code").
    pub fn typist(&self) -> &crate::typist::Typist {
        &self.typist
    }

    /// Remembers the vault's generations in `dir` instead of the platform state directory.
    pub fn with_state_dir(mut self, dir: PathBuf) -> Self {
        self.history = Some(History::new(dir).with_keyring(self.keys.clone()));
        self
    }

    /// Tests: a folder of images stands in for the webcam (`--camera-frames DIR`).
    pub fn with_test_camera(mut self, frames: Option<PathBuf>) -> Self {
        self.test_camera = frames;
        self
    }

    /// The clipboard codes are copied to (and cleared from).
    pub fn clipboard(&self) -> &twofold_core::clipboard::CodeClipboard {
        &self.clipboard
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

    /// The vault's status. On the first call, opens an existing vault through the keyring.
    /// A missing vault is not created here: the first-run screen asks how to protect it.
    pub fn status(&self) -> VaultStatus {
        let mut inner = self.lock_inner();
        if !inner.tried && inner.vault.is_none() {
            inner.tried = true;
            inner.locked_by_app = self.lock_marker().exists();
            if Vault::exists(&self.path) && !inner.locked_by_app {
                if let Err(e) = self.open_into(&mut inner, &UnlockWith::Keyring, false) {
                    inner.reason = Some(e.message);
                }
            }
        }
        self.describe(&inner)
    }

    /// Opens the vault into `inner`, checked against the generations seen here. A rolled-back
    /// vault is left closed with `rolled_back` set (and no error), for the unlock screen to ask.
    fn open_into(&self, inner: &mut Inner, with: &UnlockWith<'_>, accept: bool) -> Result<()> {
        let unlock = match with {
            UnlockWith::Keyring => Unlock::Keyring(self.keys.as_ref()),
            UnlockWith::Password(pw) => Unlock::Password(pw),
            UnlockWith::RecoveryKey(k) => Unlock::RecoveryKey(k),
        };
        let mut vault = Vault::open(&self.path, &unlock)?;
        if let Some(h) = &self.history {
            match vault.track(h.clone(), accept) {
                Err(e @ twofold_core::Error::VaultRolledBack { seen, found }) => {
                    inner.rolled_back = Some(RolledBack { seen, found });
                    inner.reason = Some(e.to_string());
                    return Ok(());
                }
                other => other?,
            }
        }
        inner.vault = Some(vault);
        inner.reason = None;
        inner.rolled_back = None;
        if inner.locked_by_app {
            inner.locked_by_app = false;
            self.mark_locked(false);
        }
        Ok(())
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
        let open = state == VaultState::Unlocked;
        VaultStatus {
            state,
            path: self.path.display().to_string(),
            keyring_slot: slots.keyring,
            password_slot: slots.password,
            recovery_slot: slots.recovery,
            reason: if open { None } else { inner.reason.clone() },
            rolled_back: if open { None } else { inner.rolled_back },
            verify_first: !open && inner.locked_by_app,
        }
    }

    /// Opens the vault; `accept_rollback` opens an older generation than seen here before.
    pub fn unlock(&self, with: &UnlockWith<'_>, accept_rollback: bool) -> Result<VaultStatus> {
        let mut inner = self.lock_inner();
        if !inner.tried {
            inner.tried = true;
            inner.locked_by_app = self.lock_marker().exists();
        }
        if inner.vault.is_none() {
            if matches!(with, UnlockWith::Keyring) {
                self.keyring_allowed(&inner)?;
            }
            self.open_into(&mut inner, with, accept_rollback)?;
        }
        Ok(self.describe(&inner))
    }

    /// Creates the vault: a keyring slot when the keyring works, plus a password slot when
    /// `password` is given or a recovery key when `recovery_key` (returned, to show once).
    pub fn create(
        &self,
        password: Option<&str>,
        recovery_key: bool,
    ) -> Result<(VaultStatus, Option<Zeroizing<String>>)> {
        let mut inner = self.lock_inner();
        inner.tried = true;
        let (mut vault, key) = match (password, recovery_key) {
            (Some(pw), false) => {
                // Without a usable keyring, the password alone protects the vault.
                let (v, _) = Vault::create_protected(
                    &self.path,
                    Some(self.keys.as_ref()),
                    Some(pw),
                    KdfParams::default(),
                )?;
                (v, None)
            }
            (None, true) => {
                let (v, rk, _) =
                    Vault::create_with_recovery_key(&self.path, Some(self.keys.as_ref()))?;
                (v, Some(rk.display()))
            }
            _ => {
                return Err(IpcError::new(
                    ErrorKind::InvalidInput,
                    "choose a password or a recovery key",
                ))
            }
        };
        if let Some(h) = &self.history {
            vault.track(h.clone(), false)?;
        }
        inner.vault = Some(vault);
        inner.reason = None;
        inner.new_recovery_key = key.clone();
        // A marker left by a vault that was at this path before means nothing now.
        inner.locked_by_app = false;
        self.mark_locked(false);
        Ok((self.describe(&inner), key))
    }

    /// Sets, changes or removes the password (the master key is replaced).
    pub fn set_password(&self, password: Option<&str>) -> Result<VaultStatus> {
        let mut inner = self.lock_inner();
        let keys = self.keys.as_ref();
        let vault = inner.vault.as_mut().ok_or_else(IpcError::locked)?;
        vault.set_password(password, KdfParams::default(), Some(keys))?;
        Ok(self.describe(&inner))
    }

    /// Makes a new recovery key (replacing the old one, which gives the vault a new master key
    /// and so needs its `password` when it has one); returns it to show once.
    pub fn add_recovery_key(
        &self,
        password: Option<&str>,
    ) -> Result<(VaultStatus, Zeroizing<String>)> {
        let mut inner = self.lock_inner();
        let keys = self.keys.as_ref();
        let vault = inner.vault.as_mut().ok_or_else(IpcError::locked)?;
        let key = vault.set_recovery_key(password, Some(keys))?.display();
        inner.new_recovery_key = Some(key.clone());
        Ok((self.describe(&inner), key))
    }

    /// Removes the recovery key (the vault gets a new master key: `password` as above).
    pub fn remove_recovery_key(&self, password: Option<&str>) -> Result<VaultStatus> {
        let mut inner = self.lock_inner();
        let keys = self.keys.as_ref();
        let vault = inner.vault.as_mut().ok_or_else(IpcError::locked)?;
        vault.remove_recovery_key(password, Some(keys))?;
        Ok(self.describe(&inner))
    }

    /// Writes the recovery key just shown to `path` (or a new file in the documents folder),
    /// readable by the user only; never over an existing file. Returns where it went.
    pub fn save_recovery_key(&self, path: Option<PathBuf>) -> Result<PathBuf> {
        let inner = self.lock_inner();
        let key = inner.new_recovery_key.as_ref().ok_or_else(|| {
            IpcError::new(
                ErrorKind::NotFound,
                "the recovery key is no longer held; make a new one in Settings → Vault",
            )
        })?;
        let path = match path {
            Some(p) => p,
            None => default_recovery_key_file()?,
        };
        if path.exists() {
            return Err(IpcError::new(
                ErrorKind::InvalidInput,
                format!("{} already exists; choose another file", path.display()),
            ));
        }
        let text = Zeroizing::new(format!(
            "Twofold recovery key for the vault at {}\n{}\n",
            self.path.display(),
            key.as_str()
        ));
        twofold_core::vault::write_private_file(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Forgets the recovery key just shown (the user saved it).
    pub fn forget_recovery_key(&self) {
        self.lock_inner().new_recovery_key = None;
    }

    /// Whether the vault is open.
    pub fn is_unlocked(&self) -> bool {
        self.lock_inner().vault.is_some()
    }

    /// Closes the vault and forgets everything secret the app holds: the vault key and its
    /// decrypted accounts, a recovery key not yet saved, the AWS keys pasted into the wizard,
    /// a scan's accounts not yet saved (and stops the camera), import previews, and the last
    /// audits. Each command that needs one of them refuses (or starts over) afterwards.
    pub fn lock(&self) -> VaultStatus {
        let status = {
            let mut inner = self.lock_inner();
            inner.tried = true;
            inner.reason = None;
            inner.new_recovery_key = None;
            if inner.vault.take().is_some() || Vault::exists(&self.path) {
                inner.locked_by_app = true;
                self.mark_locked(true);
            }
            self.describe(&inner)
        };
        self.grant().clear();
        self.set_aws(None);
        {
            let mut scan = self.scan();
            scan.pending = None;
            if let Some(stop) = scan.camera.take() {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        self.import().pending.clear();
        *self.admin() = AdminResults::default();
        status
    }

    /// Runs `f` on the open vault, or fails with `vaultLocked`.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
        let mut inner = self.lock_inner();
        let result = match inner.vault.as_mut() {
            Some(v) => f(v),
            None => return Err(IpcError::locked()),
        };
        if result.is_err() {
            close_if_unreadable(&mut inner);
        }
        result
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
        let result = match inner.vault.as_mut() {
            Some(v) => step(v),
            None => return Err(twofold_core::Error::Locked("it is not open".into())),
        };
        if result.is_err() {
            close_if_unreadable(&mut inner);
        }
        result
    }
}

/// After a failed step: when the file on disk can no longer be read with the open vault's key
/// (another process changed the password) or went back to an older generation, the vault is
/// closed, so the unlock screen says why instead of every command failing.
fn close_if_unreadable(inner: &mut Inner) {
    let Some(v) = inner.vault.as_mut() else {
        return;
    };
    match v.refresh() {
        Err(e @ twofold_core::Error::KeyChanged) => {
            inner.vault = None;
            inner.reason = Some(e.to_string());
        }
        Err(e @ twofold_core::Error::VaultRolledBack { seen, found }) => {
            inner.vault = None;
            inner.reason = Some(e.to_string());
            inner.rolled_back = Some(RolledBack { seen, found });
        }
        _ => {}
    }
}

/// `Twofold recovery key.txt` in the documents folder (or home), numbered when taken.
fn default_recovery_key_file() -> Result<PathBuf> {
    let dirs = directories::UserDirs::new()
        .ok_or_else(|| IpcError::new(ErrorKind::NotFound, "no home folder to save the key in"))?;
    let dir = dirs
        .document_dir()
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| dirs.home_dir())
        .to_path_buf();
    Ok((1..)
        .map(|n| match n {
            1 => dir.join("Twofold recovery key.txt"),
            n => dir.join(format!("Twofold recovery key ({n}).txt")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join("Twofold recovery key.txt")))
}
