//! The encrypted vault: accounts, settings, and the file that holds them.
//!
//! [`Vault`] is an open vault: its path, its master key and the last generation read. Every
//! change goes through [`Vault::update`], which takes the file lock, reloads the newest
//! generation from disk, applies the change and writes atomically, so the CLI and the app can
//! both write without losing each other's changes. A vault that does not decrypt or declares an
//! unknown version is refused and never written. Key slots are in [`keys`], the file format and
//! the atomic write in `file`. A vault opened by a face is [tracked](Vault::track): the newest
//! generation seen is remembered outside the file ([`History`]) and an older copy is refused.
//!
//! The records are in `data`, the changes to accounts in `accounts`, the key slots and the
//! master-key rotation in `slots`, the recovery key in `recovery` and the plaintext's encoding in
//! `stored`.

mod access;
mod accounts;
mod data;
mod file;
mod history;
pub mod keys;
mod recovery;
mod slots;
mod stored;

use std::path::{Path, PathBuf};

pub use access::VaultAccess;
pub use data::{
    default_name, Account, AccountId, AccountMeta, AccountPatch, AlreadyHeld, AwsLink, AwsStatus,
    CachedSession, ImportCheck, Imported, NewAccount, SessionScope, Settings, VaultData,
};
pub use file::{write_private_file, VERSION};
use file::{Envelope, FileStamp, Header, Slot, WriteLock, B64};
pub use history::{History, Seen};
pub use keys::{KdfParams, KeyStore, KeyringStore, MasterKey, MemoryStore, KEYRING_SERVICE};
pub use recovery::RecoveryKey;
use slots::{password_slot, slot_kinds, unlock_key};
use stored::decrypt;

use crate::{Error, Result};

/// A new vault in a temp folder (password slot, lowest KDF cost) behind a mutex, as the flows
/// take it; for core's unit tests.
#[cfg(test)]
pub(crate) fn temp_vault() -> (tempfile::TempDir, std::sync::Mutex<Vault>) {
    let dir = tempfile::tempdir().expect("a temp folder");
    let opts = CreateOptions {
        keyring: Some(&MemoryStore::default()),
        password: Some("pw"),
        kdf: KdfParams::MIN,
    };
    let v = Vault::create(&dir.path().join("vault.json"), &opts).expect("a new vault");
    (dir, std::sync::Mutex::new(v))
}

/// Which key sources a vault has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotKinds {
    /// An OS keyring entry holds the master key.
    pub keyring: bool,
    /// A password unlocks the master key.
    pub password: bool,
    /// A recovery key unlocks the master key.
    pub recovery: bool,
}

impl SlotKinds {
    /// Whether the OS keyring is the only way in (a lost keyring would lose the vault).
    pub fn keyring_only(&self) -> bool {
        self.keyring && !self.password && !self.recovery
    }
}

/// Everything a vault file's bytes go through before a password is used (for the fuzz
/// harness): the envelope, its slots, the keyring and recovery-key unlocks and the decryption
/// with a key that is not the vault's. Never derives a key from the file's KDF parameters.
#[cfg(feature = "fuzz")]
pub(crate) fn fuzz_file(bytes: &[u8], recovery: &str, store: &dyn KeyStore) -> Result<SlotKinds> {
    let path = Path::new("vault.json");
    let env = file::parse_envelope(bytes, path)?;
    let kinds = slot_kinds(&env.header);
    let key = unlock_key(&env, &Unlock::RecoveryKey(recovery))
        .or_else(|_| unlock_key(&env, &Unlock::Keyring(store)))?;
    decrypt(path, &env, &key)?;
    Ok(kinds)
}

/// The decrypted accounts of a vault (for the fuzz harness).
#[cfg(feature = "fuzz")]
pub(crate) fn fuzz_plain(plain: &[u8]) -> std::result::Result<(), String> {
    stored::decode(plain).map(drop)
}

/// How to open a vault.
pub enum Unlock<'a> {
    /// With the master key from the OS keyring (or another [`KeyStore`]).
    Keyring(&'a dyn KeyStore),
    /// With the password slot.
    Password(&'a str),
    /// With the recovery key, as the user typed it.
    RecoveryKey(&'a str),
}

/// Which slots a new vault gets; at least one.
pub struct CreateOptions<'a> {
    /// Keep the master key in this key store.
    pub keyring: Option<&'a dyn KeyStore>,
    /// Wrap the master key under this password.
    pub password: Option<&'a str>,
    /// Argon2id cost for the password slot.
    pub kdf: KdfParams,
}

/// The default vault location: `vault.json` in the platform's data directory
/// (`~/.local/share/twofold`, `~/Library/Application Support/app.twofold.Twofold`, `%APPDATA%`).
pub fn default_vault_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("app", "twofold", "Twofold")
        .map(|d| d.data_dir().join("vault.json"))
        .ok_or_else(|| Error::Locked("no home directory to keep the vault in".into()))
}

/// An open vault.
pub struct Vault {
    path: PathBuf,
    key: MasterKey,
    header: Header,
    data: VaultData,
    stamp: FileStamp,
    history: Option<History>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("accounts", &self.data.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Whether a vault file exists at `path`.
    pub fn exists(path: &Path) -> bool {
        path.exists()
    }

    /// Which slots the vault at `path` has, without unlocking it.
    pub fn probe(path: &Path) -> Result<SlotKinds> {
        let (env, _) = file::read_envelope(path)?;
        Ok(slot_kinds(&env.header))
    }

    /// Creates a new, empty vault. Refuses to touch an existing file; a `.bak` an earlier vault
    /// left at `path` is kept under a dated name first.
    pub fn create(path: &Path, opts: &CreateOptions<'_>) -> Result<Vault> {
        Vault::create_slots(path, opts, None)
    }

    /// Creates a new vault with a recovery key (returned: the only time it exists outside the
    /// user's hands) and a keyring slot through `keyring`. When the keyring fails, the vault is
    /// created with the recovery key alone and the keyring's error comes back beside it.
    pub fn create_with_recovery_key(
        path: &Path,
        keyring: Option<&dyn KeyStore>,
    ) -> Result<(Vault, RecoveryKey, Option<Error>)> {
        let rk = RecoveryKey::generate()?;
        let opts = |keyring| CreateOptions {
            keyring,
            password: None,
            kdf: KdfParams::default(),
        };
        match Vault::create_slots(path, &opts(keyring), Some(rk.public())) {
            Ok(v) => Ok((v, rk, None)),
            Err(e @ Error::Keyring(_)) => {
                let v = Vault::create_slots(path, &opts(None), Some(rk.public()))?;
                Ok((v, rk, Some(e)))
            }
            Err(e) => Err(e),
        }
    }

    fn create_slots(
        path: &Path,
        opts: &CreateOptions<'_>,
        recovery: Option<[u8; 32]>,
    ) -> Result<Vault> {
        if opts.keyring.is_none() && opts.password.is_none() && recovery.is_none() {
            return Err(Error::NoKeySlot);
        }
        let _lock = WriteLock::acquire(path)?;
        if path.exists() {
            return Err(Error::VaultExists(path.to_path_buf()));
        }
        file::keep_old_backup(path, crate::unix_now())?;
        let key = MasterKey::generate()?;
        let vault_id = uuid::Uuid::new_v4().to_string();
        let mut slots = Vec::new();
        if let Some(store) = opts.keyring {
            let user = format!("vault-{vault_id}");
            store.set(KEYRING_SERVICE, &user, &key.to_base64())?;
            slots.push(Slot::Keyring {
                service: KEYRING_SERVICE.into(),
                user,
            });
        }
        if let Some(pw) = opts.password {
            slots.push(password_slot(&key, &vault_id, pw, opts.kdf)?);
        }
        if let Some(public) = recovery {
            slots.push(recovery::recovery_slot(&key, &vault_id, public)?);
        }
        let header = Header {
            format: file::FORMAT.into(),
            version: VERSION,
            vault_id,
            slots,
        };
        let mut vault = Vault {
            path: path.to_path_buf(),
            key,
            header,
            data: VaultData::default(),
            stamp: FileStamp::default(),
            history: None,
        };
        vault.write(&vault.data.clone())?;
        Ok(vault)
    }

    /// Opens and decrypts the vault at `path`.
    pub fn open(path: &Path, unlock: &Unlock<'_>) -> Result<Vault> {
        let key = Vault::unlock(path, unlock)?;
        Vault::open_with_key(path, key)
    }

    /// Obtains the vault's master key from one of its slots, without decrypting the accounts.
    /// With [`Vault::open_with_key`] this is [`Vault::open`] in two steps, so a caller can keep
    /// the key (or time the slot) separately.
    pub fn unlock(path: &Path, unlock: &Unlock<'_>) -> Result<MasterKey> {
        let (env, _) = file::read_envelope(path)?;
        unlock_key(&env, unlock)
    }

    /// Opens the vault at `path` with a master key already obtained.
    pub fn open_with_key(path: &Path, key: MasterKey) -> Result<Vault> {
        let (env, stamp) = file::read_envelope(path)?;
        let data = decrypt(path, &env, &key)?;
        Ok(Vault {
            path: path.to_path_buf(),
            key,
            header: env.header,
            data,
            stamp,
            history: None,
        })
    }

    /// Remembers this vault in `history` from now on, and checks it against what was seen
    /// before: a generation older than the newest seen is [`Error::VaultRolledBack`] unless
    /// `accept_rollback` (the user confirmed they restored an old copy on purpose). Either way
    /// HOTP counters below their remembered high-water marks are raised (and written), so a
    /// code is never given twice. Every later write updates the record.
    pub fn track(&mut self, history: History, accept_rollback: bool) -> Result<()> {
        let id = self.header.vault_id.clone();
        let seen = history.load(&id, self.slots().keyring)?;
        let found = self.data.generation;
        if found < seen.generation && !accept_rollback {
            return Err(Error::VaultRolledBack {
                seen: seen.generation,
                found,
            });
        }
        self.history = Some(history);
        let behind = |d: &VaultData| {
            d.accounts.iter().any(|a| {
                a.otp.kind == crate::otp::OtpKind::Hotp
                    && seen.hotp.get(&a.id.0).is_some_and(|m| a.otp.counter < *m)
            })
        };
        if behind(&self.data) {
            return self.update(|d| {
                for a in &mut d.accounts {
                    if let Some(m) = seen.hotp.get(&a.id.0) {
                        if a.otp.kind == crate::otp::OtpKind::Hotp && a.otp.counter < *m {
                            a.otp.counter = *m;
                        }
                    }
                }
                Ok(())
            });
        }
        if found != seen.generation {
            self.remember(&self.data);
        }
        Ok(())
    }

    /// Records `data`'s generation and HOTP counters in the history, if tracked. The vault
    /// itself was already written, so a failure here is logged, not returned.
    fn remember(&self, data: &VaultData) {
        let Some(h) = &self.history else { return };
        let id = &self.header.vault_id;
        let keyring = self.slots().keyring;
        let result = h.load(id, false).and_then(|mut seen| {
            seen.generation = data.generation;
            for a in &data.accounts {
                if a.otp.kind == crate::otp::OtpKind::Hotp {
                    let m = seen.hotp.entry(a.id.0.clone()).or_default();
                    *m = (*m).max(a.otp.counter);
                }
            }
            h.store(id, keyring, &seen)
        });
        if let Err(e) = result {
            tracing::warn!("cannot remember the vault's generation: {e}");
        }
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's id (a UUID string), fixed when it was created.
    pub fn id(&self) -> &str {
        &self.header.vault_id
    }

    /// The slots this vault has.
    pub fn slots(&self) -> SlotKinds {
        slot_kinds(&self.header)
    }

    /// The accounts as of the last read.
    pub fn accounts(&self) -> &[Account] {
        &self.data.accounts
    }

    /// The decrypted data as of the last read.
    pub fn data(&self) -> &VaultData {
        &self.data
    }

    /// The settings as of the last read.
    pub fn settings(&self) -> &Settings {
        &self.data.settings
    }

    /// Finds an account (see [`VaultData::find`]).
    pub fn find(&self, name_or_id: &str) -> Result<&Account> {
        self.data.find(name_or_id)
    }

    /// The account holding the seed of the AWS MFA device `serial`, pending or active.
    pub fn account_for_device(&self, serial: &str) -> Option<&Account> {
        self.data
            .accounts
            .iter()
            .find(|a| a.aws.as_ref().is_some_and(|l| l.serial == serial))
    }

    /// Creates a vault the way both faces do: with a keyring slot when `keyring` is given and a
    /// password slot when `password` is. When the keyring fails and there is a password, the
    /// vault is created with the password alone and the keyring's error comes back beside it,
    /// so the caller can say the vault opens with the password only.
    pub fn create_protected(
        path: &Path,
        keyring: Option<&dyn KeyStore>,
        password: Option<&str>,
        kdf: KdfParams,
    ) -> Result<(Vault, Option<Error>)> {
        let opts = |keyring| CreateOptions {
            keyring,
            password,
            kdf,
        };
        match Vault::create(path, &opts(keyring)) {
            Ok(v) => Ok((v, None)),
            Err(e @ Error::Keyring(_)) if password.is_some() => {
                Ok((Vault::create(path, &opts(None))?, Some(e)))
            }
            Err(e) => Err(e),
        }
    }

    /// Re-reads the file if another process changed it since the last read; returns whether
    /// it did.
    pub fn refresh(&mut self) -> Result<bool> {
        if FileStamp::of(&self.path) == self.stamp {
            return Ok(false);
        }
        let (env, stamp) = file::read_envelope(&self.path)?;
        self.data = self.read_current(&env)?;
        self.header = env.header;
        self.stamp = stamp;
        Ok(true)
    }

    /// Applies a change under the file lock to the newest generation on disk and writes it
    /// atomically. If `change` fails, nothing is written.
    pub fn update<T>(&mut self, change: impl FnOnce(&mut VaultData) -> Result<T>) -> Result<T> {
        let _lock = WriteLock::acquire(&self.path)?;
        let (env, _) = file::read_envelope(&self.path)?;
        let mut data = self.read_current(&env)?;
        self.header = env.header;
        let out = change(&mut data)?;
        data.generation += 1;
        self.write(&data)?;
        self.data = data;
        Ok(out)
    }

    /// Decrypts the file as it is now, as a later generation of this handle's vault: refuses
    /// another vault, a key another process rotated, and a generation older than this handle
    /// read (an old copy put in place while it was open).
    fn read_current(&self, env: &Envelope) -> Result<VaultData> {
        self.check_same_vault(&env.header)?;
        let data = match decrypt(&self.path, env, &self.key) {
            Err(Error::VaultUndecryptable(_)) if env.header.slots != self.header.slots => {
                return Err(Error::KeyChanged)
            }
            other => other?,
        };
        if data.generation < self.data.generation {
            return Err(Error::VaultRolledBack {
                seen: self.data.generation,
                found: data.generation,
            });
        }
        Ok(data)
    }

    fn check_same_vault(&self, on_disk: &Header) -> Result<()> {
        if on_disk.vault_id != self.header.vault_id {
            return Err(Error::VaultCorrupt {
                path: self.path.clone(),
                reason: "the file was replaced by a different vault".into(),
            });
        }
        Ok(())
    }

    fn write(&mut self, data: &VaultData) -> Result<()> {
        let bytes = Vault::seal_envelope(&self.key, &self.header, data)?;
        file::write_atomic(&self.path, &bytes)?;
        self.stamp = FileStamp::of(&self.path);
        self.remember(data);
        Ok(())
    }

    /// The envelope of `data` under `key` and `header`, encoded.
    fn seal_envelope(key: &MasterKey, header: &Header, data: &VaultData) -> Result<Vec<u8>> {
        let plain = stored::encode(data)?;
        let (nonce, ciphertext) = keys::seal(&key.0, &plain, &header.aad())?;
        let env = Envelope {
            header: header.clone(),
            cipher: "aes-256-gcm".into(),
            nonce: B64(nonce.to_vec()),
            ciphertext: B64(ciphertext),
        };
        serde_json::to_vec_pretty(&env)
            .map_err(|e| Error::io("encoding the vault", std::io::Error::other(e)))
    }
}
