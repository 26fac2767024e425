//! The plaintext inside the envelope. These record types exist only here, so the public
//! [`Account`] (which holds a [`Secret`]) never needs to be serializable.

use zeroize::Zeroizing;

use super::file::Envelope;
use super::keys::{self, MasterKey};
use super::{Account, AccountId, AwsLink, CachedSession, Settings, VaultData};
use crate::otp::{Algorithm, Otp, OtpKind, Secret};
use crate::{Error, Result};
use std::path::Path;

pub(super) fn decrypt(path: &Path, env: &Envelope, key: &MasterKey) -> Result<VaultData> {
    let plain = keys::open(&key.0, &env.nonce.0, &env.ciphertext.0, &env.header.aad())
        .ok_or_else(|| Error::VaultUndecryptable(path.to_path_buf()))?;
    decode(&plain).map_err(|reason| Error::VaultCorrupt {
        path: path.to_path_buf(),
        reason,
    })
}

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
    // Added with favourites and notes; older vaults have none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    favourite: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default)]
    uses: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    icon: String,
}

pub(super) fn encode(d: &VaultData) -> Result<Zeroizing<Vec<u8>>> {
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
                favourite: a.meta.favourite,
                note: a.meta.note.clone(),
                uses: a.meta.uses,
                icon: a.meta.icon.clone(),
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
pub(super) fn decode(bytes: &[u8]) -> std::result::Result<VaultData, String> {
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
                meta: super::data::AccountMeta {
                    favourite: s.favourite,
                    note: s.note,
                    uses: s.uses,
                    icon: s.icon,
                },
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
