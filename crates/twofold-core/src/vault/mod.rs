//! The encrypted vault: accounts, settings, and the file that holds them.
//!
//! [`Vault`] is an open vault: its path, its master key and the last generation read. Every
//! change goes through [`Vault::update`], which takes the file lock, reloads the newest
//! generation from disk, applies the change and writes atomically, so the CLI and the app can
//! both write without losing each other's changes. A vault that does not decrypt or declares an
//! unknown version is refused and never written. Key slots are in [`keys`], the file format and
//! the atomic write in `file`.

mod access;
mod file;
pub mod keys;

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

pub use access::VaultAccess;
pub use file::{write_private_file, VERSION};
use file::{Envelope, FileStamp, Header, Slot, WriteLock, B64};
pub use keys::{KdfParams, KeyStore, KeyringStore, MasterKey, MemoryStore, KEYRING_SERVICE};

use crate::otp::uri::OtpUri;
use crate::otp::{Algorithm, Code, Otp, OtpKind, Secret};
use crate::{Error, Result};

/// A stable account identifier (a UUID string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct AccountId(pub String);

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One account in the vault. Holds a [`Secret`], so it is neither `Serialize` nor sent to a UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Stable id.
    pub id: AccountId,
    /// The unique name people and scripts use (`twofold code NAME`).
    pub name: String,
    /// The service that issued it.
    pub issuer: String,
    /// The account at that service.
    pub account: String,
    /// Code parameters and secret.
    pub otp: Otp,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Unix seconds when it was added.
    pub created: u64,
    /// Unix seconds when a code was last used (copied, or an HOTP code generated).
    pub last_used: Option<u64>,
    /// The AWS MFA device this account's secret belongs to, when Twofold enrolled it.
    pub aws: Option<AwsLink>,
}

/// Where an AWS virtual MFA device's seed came from and what it is attached to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsLink {
    /// The 12-digit account id.
    pub account_id: String,
    /// The IAM user the device is (or is being) enabled for.
    pub user_name: String,
    /// That user's ARN.
    pub user_arn: String,
    /// The device's serial number (its ARN, `arn:aws:iam::ACCOUNT:mfa/NAME`).
    pub serial: String,
    /// The AWS profile this device serves (its `mfa_serial`), if known.
    pub profile: Option<String>,
    /// Whether EnableMFADevice has succeeded.
    pub status: AwsStatus,
}

/// The enrollment state of an AWS-linked account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AwsStatus {
    /// Created and its seed saved, not yet enabled: an enrollment to resume or abort.
    Pending,
    /// Enabled and verified.
    Active,
}

impl Account {
    /// The account as an `otpauth://` URI (contains the secret).
    pub fn to_uri(&self) -> Zeroizing<String> {
        OtpUri {
            issuer: self.issuer.clone(),
            account: self.account.clone(),
            otp: self.otp.clone(),
        }
        .to_uri()
    }
}

/// Vault-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Seconds added to the system clock when computing TOTP codes (a measured skew).
    pub clock_offset_secs: i64,
}

/// What a new account is made from.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The account; its name defaults to `issuer:account` (or whichever of the two exists).
    pub uri: OtpUri,
    /// An explicit name.
    pub name: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// Changes to an account's descriptive fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    /// New name (must stay unique).
    pub name: Option<String>,
    /// New issuer.
    pub issuer: Option<String>,
    /// New account label.
    pub account: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
}

/// AWS session credentials kept (encrypted, in the vault) until shortly before they expire.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedSession {
    /// The AWS profile they were obtained for.
    pub profile: String,
    /// Access key id (`ASIA...`).
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// Session token.
    pub session_token: Zeroizing<String>,
    /// Expiry, Unix seconds.
    pub expiration: i64,
}

impl std::fmt::Debug for CachedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedSession")
            .field("profile", &self.profile)
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}

/// The decrypted contents of a vault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultData {
    /// The accounts, in the order they were added.
    pub accounts: Vec<Account>,
    /// Settings.
    pub settings: Settings,
    /// Cached AWS sessions, by profile.
    pub sessions: Vec<CachedSession>,
    /// The last TOTP window whose code was sent to AWS, per MFA serial: AWS refuses a code
    /// twice, so the next call waits for a fresh window.
    pub used_windows: std::collections::BTreeMap<String, u64>,
    /// Incremented by every write; tells generations apart.
    pub generation: u64,
}

impl VaultData {
    /// Finds an account by exact name, then id, then a case-insensitive name that matches
    /// only one account.
    pub fn find(&self, name_or_id: &str) -> Result<&Account> {
        let i = self.index_of(name_or_id)?;
        Ok(&self.accounts[i])
    }

    fn index_of(&self, key: &str) -> Result<usize> {
        if let Some(i) = self
            .accounts
            .iter()
            .position(|a| a.name == key || a.id.0 == key)
        {
            return Ok(i);
        }
        let folded: Vec<usize> = (0..self.accounts.len())
            .filter(|&i| self.accounts[i].name.to_lowercase() == key.to_lowercase())
            .collect();
        match folded.as_slice() {
            [i] => Ok(*i),
            _ => Err(Error::NotFound(key.to_string())),
        }
    }

    /// The account holding the same secret for the same kind of code, if any.
    pub fn holding(&self, uri: &OtpUri) -> Option<&Account> {
        self.accounts.iter().find(|a| {
            a.otp.kind == uri.otp.kind && a.otp.secret.as_bytes() == uri.otp.secret.as_bytes()
        })
    }

    /// `base` when no account has that name (case-insensitively), else `base (2)`, `base (3)`...
    pub fn free_name(&self, base: &str) -> String {
        let taken = |n: &str| self.check_name_free(n, None).is_err();
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base} ({n})"))
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    /// Appends `new` as an account named `name` (checked by the caller); returns its new id.
    fn push_new(&mut self, name: String, new: NewAccount, now: u64) -> AccountId {
        let id = AccountId(uuid::Uuid::new_v4().to_string());
        self.accounts.push(Account {
            id: id.clone(),
            name,
            issuer: new.uri.issuer,
            account: new.uri.account,
            otp: new.uri.otp,
            tags: new.tags,
            created: now,
            last_used: None,
            aws: None,
        });
        id
    }

    fn check_name_free(&self, name: &str, except: Option<&AccountId>) -> Result<()> {
        let taken = self
            .accounts
            .iter()
            .any(|a| Some(&a.id) != except && a.name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(Error::AlreadyExists(name.to_string()));
        }
        Ok(())
    }
}

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

/// What [`Vault::import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// The accounts added, in order.
    pub added: Vec<AccountId>,
    /// Accounts not added because the vault holds their secret: (their name in the scan, the
    /// vault account that holds it).
    pub already: Vec<(String, String)>,
}

/// Which key sources a vault has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotKinds {
    /// An OS keyring entry holds the master key.
    pub keyring: bool,
    /// A password unlocks the master key.
    pub password: bool,
}

/// How to open a vault.
pub enum Unlock<'a> {
    /// With the master key from the OS keyring (or another [`KeyStore`]).
    Keyring(&'a dyn KeyStore),
    /// With the password slot.
    Password(&'a str),
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

    /// Creates a new, empty vault. Refuses to touch an existing file.
    pub fn create(path: &Path, opts: &CreateOptions<'_>) -> Result<Vault> {
        if opts.keyring.is_none() && opts.password.is_none() {
            return Err(Error::InvalidParameter {
                field: "key slots",
                reason: "a vault needs the keyring, a password, or both".into(),
            });
        }
        let _lock = WriteLock::acquire(path)?;
        if path.exists() {
            return Err(Error::VaultExists(path.to_path_buf()));
        }
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
        unlock_key(&env.header, unlock)
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
        })
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.path
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
        self.check_same_vault(&env.header)?;
        self.data = decrypt(&self.path, &env, &self.key)?;
        self.header = env.header;
        self.stamp = stamp;
        Ok(true)
    }

    /// Applies a change under the file lock to the newest generation on disk and writes it
    /// atomically. If `change` fails, nothing is written.
    pub fn update<T>(&mut self, change: impl FnOnce(&mut VaultData) -> Result<T>) -> Result<T> {
        let _lock = WriteLock::acquire(&self.path)?;
        let (env, _) = file::read_envelope(&self.path)?;
        self.check_same_vault(&env.header)?;
        let mut data = decrypt(&self.path, &env, &self.key)?;
        self.header = env.header;
        let out = change(&mut data)?;
        data.generation += 1;
        self.write(&data)?;
        self.data = data;
        Ok(out)
    }

    /// Adds an account and returns its id.
    pub fn add(&mut self, new: NewAccount, now: u64) -> Result<AccountId> {
        let mut ids = self.add_all(vec![new], now)?;
        ids.pop()
            .ok_or_else(|| Error::NotFound("the added account".into()))
    }

    /// Adds every account in one write, or none: when a name is taken (in the vault or twice
    /// in `news`) nothing is written and the error names it. Returns the ids in order.
    pub fn add_all(&mut self, news: Vec<NewAccount>, now: u64) -> Result<Vec<AccountId>> {
        let mut named = Vec::with_capacity(news.len());
        for new in news {
            let name = match new.name.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => n.to_string(),
                Some(_) => return Err(invalid_name()),
                None => default_name(&new.uri),
            };
            named.push((name, new));
        }
        self.update(|d| {
            let mut ids = Vec::with_capacity(named.len());
            for (name, new) in named {
                d.check_name_free(&name, None)?;
                ids.push(d.push_new(name, new, now));
            }
            Ok(ids)
        })
    }

    /// Adds scanned or imported accounts in one write, or none. An account whose secret the
    /// vault already holds is not added twice (it is reported in [`Imported::already`]) unless
    /// the user named the copy, which is a deliberate second entry. A name
    /// the user gave must be free, else nothing is written and the error names it; a name
    /// Twofold picks is made free (`ACME:alice (2)`), so an import never stops on a clash the
    /// user did not create.
    pub fn import(&mut self, news: Vec<NewAccount>, now: u64) -> Result<Imported> {
        self.update(|d| {
            let mut out = Imported::default();
            for new in news {
                if let (None, Some(a)) = (&new.name, d.holding(&new.uri)) {
                    out.already.push((default_name(&new.uri), a.name.clone()));
                    continue;
                }
                let name = match new.name.as_deref().map(str::trim) {
                    Some("") => return Err(invalid_name()),
                    Some(n) => {
                        d.check_name_free(n, None)?;
                        n.to_string()
                    }
                    None => d.free_name(&default_name(&new.uri)),
                };
                out.added.push(d.push_new(name, new, now));
            }
            Ok(out)
        })
    }

    /// Changes an account's name, issuer, label or tags.
    pub fn edit(&mut self, name_or_id: &str, patch: AccountPatch) -> Result<()> {
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            let id = d.accounts[i].id.clone();
            if let Some(name) = &patch.name {
                let name = name.trim();
                if name.is_empty() {
                    return Err(invalid_name());
                }
                d.check_name_free(name, Some(&id))?;
                d.accounts[i].name = name.to_string();
            }
            let a = &mut d.accounts[i];
            if let Some(v) = patch.issuer {
                a.issuer = v.trim().to_string();
            }
            if let Some(v) = patch.account {
                a.account = v.trim().to_string();
            }
            if let Some(v) = patch.tags {
                a.tags = v;
            }
            Ok(())
        })
    }

    /// Removes an account.
    pub fn remove(&mut self, name_or_id: &str) -> Result<Account> {
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            Ok(d.accounts.remove(i))
        })
    }

    /// The current code of a TOTP/Steam account at `unix` (the clock offset setting applied).
    /// For HOTP it shows the code of the stored counter without using it up; use
    /// [`Vault::next_hotp`] to take a code.
    pub fn code(&self, name_or_id: &str, unix: u64) -> Result<Code> {
        let a = self.find(name_or_id)?;
        Ok(a.otp.code_at(crate::otp::apply_offset(
            unix,
            self.data.settings.clock_offset_secs,
        )))
    }

    /// Takes the next HOTP code: the counter moves on and is written to disk before the code
    /// is returned, so no code is ever handed out twice.
    pub fn next_hotp(&mut self, name_or_id: &str, now: u64) -> Result<Code> {
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            let a = &mut d.accounts[i];
            if a.otp.kind != OtpKind::Hotp {
                return Err(Error::InvalidParameter {
                    field: "account",
                    reason: format!("{:?} is time-based, not a counter (HOTP) account", a.name),
                });
            }
            let code = a.otp.code_at(0);
            a.otp.counter += 1;
            a.last_used = Some(now);
            Ok(code)
        })
    }

    /// Takes a code for use (copied, printed, typed somewhere): for HOTP the next code, the
    /// counter saved first; for time-based accounts the current code, with the account's last
    /// use recorded and, for an account linked to an AWS MFA device, the window marked as used,
    /// because AWS refuses a code twice: a session started right after waits for the next
    /// window instead of failing.
    pub fn take_code(&mut self, name_or_id: &str, now: u64) -> Result<Code> {
        if self.find(name_or_id)?.otp.kind == OtpKind::Hotp {
            return self.next_hotp(name_or_id, now);
        }
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            let shifted = crate::otp::apply_offset(now, d.settings.clock_offset_secs);
            let a = &mut d.accounts[i];
            let code = a.otp.code_at(shifted);
            a.last_used = Some(now);
            if let Some(link) = &a.aws {
                let window = shifted / a.otp.period.max(1);
                let used = d.used_windows.entry(link.serial.clone()).or_insert(0);
                *used = (*used).max(window);
            }
            Ok(code)
        })
    }

    /// Replaces the settings.
    pub fn set_settings(&mut self, settings: Settings) -> Result<()> {
        self.update(|d| {
            d.settings = settings;
            Ok(())
        })
    }

    /// Adds, replaces (`Some`) or removes (`None`) the password slot. Removing the only slot
    /// is refused.
    pub fn set_password(&mut self, password: Option<&str>, kdf: KdfParams) -> Result<()> {
        let new_slot = password
            .map(|pw| password_slot(&self.key, &self.header.vault_id, pw, kdf))
            .transpose()?;
        self.change_slots(|slots| {
            slots.retain(|s| !matches!(s, Slot::Password { .. }));
            slots.extend(new_slot);
        })
    }

    /// Adds a keyring slot (or replaces the key stored in it).
    pub fn add_keyring_slot(&mut self, store: &dyn KeyStore) -> Result<()> {
        let user = format!("vault-{}", self.header.vault_id);
        store.set(KEYRING_SERVICE, &user, &self.key.to_base64())?;
        self.change_slots(|slots| {
            slots.retain(|s| !matches!(s, Slot::Keyring { .. }));
            slots.push(Slot::Keyring {
                service: KEYRING_SERVICE.into(),
                user,
            });
        })
    }

    /// Removes the keyring slot and deletes its keyring entry; refused if it is the only slot.
    pub fn remove_keyring_slot(&mut self, store: &dyn KeyStore) -> Result<()> {
        let removed: Vec<Slot> = self
            .header
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Keyring { .. }))
            .cloned()
            .collect();
        self.change_slots(|slots| slots.retain(|s| !matches!(s, Slot::Keyring { .. })))?;
        for s in removed {
            if let Slot::Keyring { service, user } = s {
                store.delete(&service, &user)?;
            }
        }
        Ok(())
    }

    fn change_slots(&mut self, f: impl FnOnce(&mut Vec<Slot>)) -> Result<()> {
        let _lock = WriteLock::acquire(&self.path)?;
        let (env, _) = file::read_envelope(&self.path)?;
        self.check_same_vault(&env.header)?;
        let mut data = decrypt(&self.path, &env, &self.key)?;
        let mut header = env.header;
        f(&mut header.slots);
        if header.slots.is_empty() {
            return Err(Error::InvalidParameter {
                field: "key slots",
                reason: "the vault would have no way to be unlocked".into(),
            });
        }
        self.header = header;
        data.generation += 1;
        self.write(&data)?;
        self.data = data;
        Ok(())
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
        let plain = stored::encode(data)?;
        let (nonce, ciphertext) = keys::seal(&self.key.0, &plain, &self.header.aad())?;
        let env = Envelope {
            header: self.header.clone(),
            cipher: "aes-256-gcm".into(),
            nonce: B64(nonce.to_vec()),
            ciphertext: B64(ciphertext),
        };
        let bytes = serde_json::to_vec_pretty(&env)
            .map_err(|e| Error::io("encoding the vault", std::io::Error::other(e)))?;
        file::write_atomic(&self.path, &bytes)?;
        self.stamp = FileStamp::of(&self.path);
        Ok(())
    }
}

fn invalid_name() -> Error {
    Error::InvalidParameter {
        field: "name",
        reason: "it is empty".into(),
    }
}

/// `issuer:account`, or whichever of the two is set.
/// The name an account gets when none is given: `issuer:account`, or whichever of the two exists.
pub fn default_name(uri: &OtpUri) -> String {
    match (uri.issuer.is_empty(), uri.account.is_empty()) {
        (false, false) => format!("{}:{}", uri.issuer, uri.account),
        (false, true) => uri.issuer.clone(),
        _ => uri.account.clone(),
    }
}

fn slot_kinds(h: &Header) -> SlotKinds {
    SlotKinds {
        keyring: h.slots.iter().any(|s| matches!(s, Slot::Keyring { .. })),
        password: h.slots.iter().any(|s| matches!(s, Slot::Password { .. })),
    }
}

fn password_slot(key: &MasterKey, vault_id: &str, password: &str, kdf: KdfParams) -> Result<Slot> {
    if password.is_empty() {
        return Err(Error::InvalidParameter {
            field: "password",
            reason: "it is empty".into(),
        });
    }
    let mut salt = [0u8; 16];
    keys::fill_random(&mut salt)?;
    let kek = kdf.derive(password, &salt)?;
    let (nonce, wrapped) = keys::seal(&kek, key.0.as_ref(), vault_id.as_bytes())?;
    Ok(Slot::Password {
        kdf,
        salt: B64(salt.to_vec()),
        nonce: B64(nonce.to_vec()),
        wrapped_key: B64(wrapped),
    })
}

fn unlock_key(h: &Header, unlock: &Unlock<'_>) -> Result<MasterKey> {
    match unlock {
        Unlock::Password(pw) => {
            let Some(Slot::Password {
                kdf,
                salt,
                nonce,
                wrapped_key,
            }) = h.slots.iter().find(|s| matches!(s, Slot::Password { .. }))
            else {
                return Err(Error::Locked(
                    "this vault has no password slot; it opens with the OS keyring".into(),
                ));
            };
            let kek = kdf.derive(pw, &salt.0)?;
            let raw = keys::open(&kek, &nonce.0, &wrapped_key.0, h.vault_id.as_bytes())
                .ok_or(Error::WrongPassword)?;
            let arr: [u8; 32] = raw
                .as_slice()
                .try_into()
                .map_err(|_| Error::WrongPassword)?;
            Ok(MasterKey(Zeroizing::new(arr)))
        }
        Unlock::Keyring(store) => {
            let Some(Slot::Keyring { service, user }) =
                h.slots.iter().find(|s| matches!(s, Slot::Keyring { .. }))
            else {
                return Err(Error::Locked(
                    "this vault has no keyring slot; unlock it with its password".into(),
                ));
            };
            match store.get(service, user)? {
                Some(k) => MasterKey::from_base64(&k),
                None => Err(Error::Locked(
                    "the keyring has no key for this vault (was it created on another machine or user?); unlock it with its password".into(),
                )),
            }
        }
    }
}

fn decrypt(path: &Path, env: &Envelope, key: &MasterKey) -> Result<VaultData> {
    let plain = keys::open(&key.0, &env.nonce.0, &env.ciphertext.0, &env.header.aad())
        .ok_or_else(|| Error::VaultUndecryptable(path.to_path_buf()))?;
    stored::decode(&plain).map_err(|reason| Error::VaultCorrupt {
        path: path.to_path_buf(),
        reason,
    })
}

/// The plaintext inside the envelope. These record types exist only here, so the public
/// [`Account`] (which holds a [`Secret`]) never needs to be serializable.
mod stored {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Data {
        accounts: Vec<StoredAccount>,
        #[serde(default)]
        settings: Settings,
        #[serde(default)]
        generation: u64,
        // Added for AWS sessions; older vaults have none.
        #[serde(default)]
        sessions: Vec<CachedSession>,
        #[serde(default)]
        used_windows: std::collections::BTreeMap<String, u64>,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct StoredAccount {
        id: AccountId,
        name: String,
        issuer: String,
        account: String,
        kind: OtpKind,
        algorithm: Algorithm,
        digits: u32,
        period: u64,
        counter: u64,
        secret: Zeroizing<String>,
        #[serde(default)]
        tags: Vec<String>,
        created: u64,
        #[serde(default)]
        last_used: Option<u64>,
        // Added for AWS enrollment; older vaults have none.
        #[serde(default)]
        aws: Option<AwsLink>,
    }

    pub fn encode(d: &VaultData) -> Result<Zeroizing<Vec<u8>>> {
        let data = Data {
            accounts: d
                .accounts
                .iter()
                .map(|a| StoredAccount {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    issuer: a.issuer.clone(),
                    account: a.account.clone(),
                    kind: a.otp.kind,
                    algorithm: a.otp.algorithm,
                    digits: a.otp.digits,
                    period: a.otp.period,
                    counter: a.otp.counter,
                    secret: a.otp.secret.to_base32(),
                    tags: a.tags.clone(),
                    created: a.created,
                    last_used: a.last_used,
                    aws: a.aws.clone(),
                })
                .collect(),
            settings: d.settings.clone(),
            generation: d.generation,
            sessions: d.sessions.clone(),
            used_windows: d.used_windows.clone(),
        };
        serde_json::to_vec(&data)
            .map(Zeroizing::new)
            .map_err(|e| Error::io("encoding the vault", std::io::Error::other(e)))
    }

    pub fn decode(bytes: &[u8]) -> std::result::Result<VaultData, String> {
        let data: Data = serde_json::from_slice(bytes).map_err(|e| format!("account data: {e}"))?;
        let accounts = data
            .accounts
            .into_iter()
            .map(|s| {
                let secret = Secret::from_base32_lenient(&s.secret)
                    .map_err(|e| format!("account {:?}: {e}", s.name))?;
                let otp = Otp::new(s.kind, s.algorithm, s.digits, s.period, s.counter, secret)
                    .map_err(|e| format!("account {:?}: {e}", s.name))?;
                Ok(Account {
                    id: s.id,
                    name: s.name,
                    issuer: s.issuer,
                    account: s.account,
                    otp,
                    tags: s.tags,
                    created: s.created,
                    last_used: s.last_used,
                    aws: s.aws,
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        Ok(VaultData {
            accounts,
            settings: data.settings,
            generation: data.generation,
            sessions: data.sessions,
            used_windows: data.used_windows,
        })
    }
}
