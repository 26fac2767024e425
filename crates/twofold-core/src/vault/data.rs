//! The decrypted vault's records: accounts, their AWS links, settings, cached sessions, and the
//! checks a change must pass before it is written.

use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::otp::uri::OtpUri;
use crate::otp::{Otp, OtpKind};
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
    /// How the user keeps it: favourite, note, how often its code was taken.
    pub meta: AccountMeta,
}

/// How the user keeps an account (none of it secret, all of it in the encrypted vault).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountMeta {
    /// Pinned to the top of the list and in the tray menu.
    pub favourite: bool,
    /// Free text (where the recovery codes are, which phone has it too).
    pub note: String,
    /// How many times a code was taken (copied, typed, printed): "most used" sorts by it.
    pub uses: u64,
    /// The icon shown beside it: "" to match one by issuer, "letter" for the letter avatar,
    /// or an icon's slug (from the UI's offline icon set, `github`).
    pub icon: String,
}

/// Whether `icon` is a choice the vault keeps: automatic, the letter, or a plausible slug.
pub fn icon_is_valid(icon: &str) -> bool {
    icon.is_empty()
        || (icon.len() <= 64
            && icon
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'))
}

/// The longest note kept, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;

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
    /// Automatic backups, when turned on: where they go and the key they are sealed with.
    // Added for automatic backups; older vaults have none.
    pub backups: Option<crate::transfer::auto_backup::AutoBackup>,
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
    /// Favourite or not.
    pub favourite: Option<bool>,
    /// New note (empty removes it).
    pub note: Option<String>,
    /// New icon choice ("" automatic, "letter", or a slug).
    pub icon: Option<String>,
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
    /// What the session was minted for; entries cached before it existed have none and are
    /// never served.
    #[serde(default)]
    pub scope: Option<SessionScope>,
}

/// Everything that shapes an AWS session besides the profile's name: a cached session is
/// served only to a request with the same scope (another endpoint, region, role or device
/// means other credentials).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionScope {
    /// The STS endpoint (`None`: AWS's own).
    pub endpoint: Option<String>,
    /// The region STS was called in.
    pub region: Option<String>,
    /// The role assumed, if any.
    pub role_arn: Option<String>,
    /// The profile whose keys signed for the role.
    pub source_profile: Option<String>,
    /// The role's external id.
    pub external_id: Option<String>,
    /// The MFA device whose code was sent.
    pub mfa_serial: String,
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

    pub(super) fn index_of(&self, key: &str) -> Result<usize> {
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

    /// What importing each of `news` would do: add it, skip it because the vault holds its
    /// secret, or skip it because an earlier entry of `news` has the same secret. One pass over
    /// the vault and one over `news` (a file of thousands against a vault of thousands stays
    /// quick); names are not considered, see [`super::Vault::import`] for those.
    pub fn check_import(&self, news: &[NewAccount]) -> Vec<ImportCheck> {
        // Borrowed keys: no copy of a secret is made for the index.
        let mut held: HashMap<(OtpKind, &[u8]), &str> = HashMap::new();
        for a in &self.accounts {
            held.entry((a.otp.kind, a.otp.secret.as_bytes()))
                .or_insert(a.name.as_str());
        }
        let mut first: HashMap<(OtpKind, &[u8]), usize> = HashMap::new();
        news.iter()
            .enumerate()
            .map(|(i, new)| {
                let key = (new.uri.otp.kind, new.uri.otp.secret.as_bytes());
                if let Some(by) = held.get(&key) {
                    return ImportCheck::Held(by.to_string());
                }
                match first.get(&key) {
                    Some(&f) => ImportCheck::Repeats(f),
                    None => {
                        first.insert(key, i);
                        ImportCheck::New
                    }
                }
            })
            .collect()
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
    pub(crate) fn push_new(&mut self, name: String, new: NewAccount, now: u64) -> AccountId {
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
            meta: AccountMeta::default(),
        });
        id
    }

    pub(crate) fn check_name_free(&self, name: &str, except: Option<&AccountId>) -> Result<()> {
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

/// What importing one account would do ([`VaultData::check_import`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportCheck {
    /// Nothing holds its secret yet: it would be added.
    New,
    /// The vault holds its secret already, in the account of this name.
    Held(String),
    /// An earlier entry of the same import (its position, from 0) has the same secret.
    Repeats(usize),
}

/// What [`Vault::import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// The accounts added, in order.
    pub added: Vec<AccountId>,
    /// For each of `added`, in the same order: its position in what was imported (from 0) and
    /// the name it got (a default name may have had ` (2)` added to be free).
    pub added_from: Vec<(usize, String)>,
    /// Accounts not added because the vault holds their secret.
    pub already: Vec<AlreadyHeld>,
}

/// An imported account the vault already holds (same kind and secret), or one that repeats an
/// earlier entry of the same import (then `held_by` is the name that entry was added as).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlreadyHeld {
    /// Its position in what was imported, from 0.
    pub index: usize,
    /// Its name in what was imported.
    pub name: String,
    /// The vault account that holds its secret.
    pub held_by: String,
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
