//! The Twofold backup: every account, sealed under a password, in a file only Twofold reads.
//!
//! ```json
//! {"format": "twofold-backup", "version": 1,
//!  "kdf": {"algorithm": "argon2id", "m_kib": 65536, "t": 3, "p": 1, "salt": "<b64>"},
//!  "cipher": "aes-256-gcm", "nonce": "<b64>", "ciphertext": "<b64>"}
//! ```
//!
//! Argon2id (the vault's password slot parameters) derives the key from the password; AES-256-GCM
//! seals `{"accounts": [...]}` with the serialized header (format, version, kdf, cipher) as
//! associated data, so no parameter can be changed without the tag failing. Each account is the
//! vault's stored record without its id, timestamps or AWS link: name, issuer, account, kind,
//! algorithm, digits, period, counter, base32 secret, tags. A restore is an import
//! ([`read_backup`]), so it brings back what a [`NewAccount`] holds and no more.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::super::import::{not_format, text, Format as ImportFormat};
use crate::otp::uri::OtpUri;
use crate::otp::{Algorithm, Otp, OtpKind, Secret};
use crate::vault::keys::{fill_random, open, seal};
use crate::vault::{default_name, Account, KdfParams, NewAccount};
use crate::{Error, Result};

/// The `format` field of every backup.
pub(crate) const FORMAT: &str = "twofold-backup";
/// The newest backup version this build reads, and the one it writes.
const VERSION: u32 = 1;
const KDF: &str = "argon2id";
const CIPHER: &str = "aes-256-gcm";
const TITLE: ImportFormat = ImportFormat::TwofoldBackup;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    kdf: Kdf,
    cipher: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    #[serde(flatten)]
    header: Header,
    nonce: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Data {
    accounts: Vec<Record>,
}

/// An account as the vault stores it, less what belongs to this vault alone.
#[derive(Serialize, Deserialize)]
struct Record {
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
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn header_aad(h: &Header) -> Result<Vec<u8>> {
    // Serializing a struct is deterministic (declaration order), so the reader rebuilds the
    // same bytes from the fields it parsed.
    serde_json::to_vec(h).map_err(|e| Error::io("encoding the backup", std::io::Error::other(e)))
}

/// `accounts` sealed under `password`, with Argon2id cost `kdf` and a fresh salt.
pub(super) fn write(
    accounts: &[Account],
    password: &str,
    kdf: KdfParams,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut salt = [0u8; 16];
    fill_random(&mut salt)?;
    let key = kdf.derive(password, &salt)?;
    seal_accounts(accounts, &key, kdf, &salt)
}

/// `accounts` sealed under `key`, which Argon2id with cost `kdf` and `salt` derived from the
/// backup password earlier: the file names both, so it opens with the password like any backup.
/// This is how automatic backups are written without asking for the password each time.
pub(crate) fn write_with_key(
    accounts: &[Account],
    key: &[u8; 32],
    kdf: KdfParams,
    salt: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    seal_accounts(accounts, key, kdf, salt)
}

fn seal_accounts(
    accounts: &[Account],
    key: &[u8; 32],
    kdf: KdfParams,
    salt: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let data = Data {
        accounts: accounts
            .iter()
            .map(|a| Record {
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
            })
            .collect(),
    };
    let plain = Zeroizing::new(
        serde_json::to_vec(&data)
            .map_err(|e| Error::io("encoding the backup", std::io::Error::other(e)))?,
    );
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        kdf: Kdf {
            algorithm: KDF.into(),
            params: kdf,
            salt: b64().encode(salt),
        },
        cipher: CIPHER.into(),
    };
    let (nonce, ciphertext) = seal(key, &plain, &header_aad(&header)?)?;
    let envelope = Envelope {
        header,
        nonce: b64().encode(nonce),
        ciphertext: b64().encode(ciphertext),
    };
    serde_json::to_vec_pretty(&envelope)
        .map(Zeroizing::new)
        .map_err(|e| Error::io("encoding the backup", std::io::Error::other(e)))
}

/// A JSON object whose `format` is `twofold-backup` (cheap: nothing is decrypted).
pub(crate) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        format: String,
    }
    text(bytes).is_some_and(|t| {
        t.trim_start().starts_with('{')
            && serde_json::from_str::<Probe>(t).is_ok_and(|p| p.format == FORMAT)
    })
}

/// The accounts of a Twofold backup. A wrong password is [`Error::ExportWrongPassword`]; a file
/// that is not a backup, or of a newer version, is [`Error::NotExport`].
pub fn read_backup(bytes: &[u8], password: &str) -> Result<Vec<NewAccount>> {
    let sealed = unseal_header(bytes)?;
    let key = sealed.kdf.derive(password, &sealed.salt)?;
    // One tag covers everything, so a damaged file and a wrong password look alike.
    let plain = open(&key, &sealed.nonce, &sealed.ciphertext, &sealed.aad)
        .ok_or(Error::ExportWrongPassword(TITLE.title()))?;
    accounts(&plain)
}

/// What a backup file holds before its password is used: checked, decoded, not yet derived.
pub(crate) struct Sealed {
    pub kdf: KdfParams,
    pub salt: Vec<u8>,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub aad: Vec<u8>,
}

/// Everything [`read_backup`] checks before it derives the key.
pub(crate) fn unseal_header(bytes: &[u8]) -> Result<Sealed> {
    let t = text(bytes).ok_or_else(|| not_format(TITLE, "it is not text"))?;
    let env: Envelope =
        serde_json::from_str(t).map_err(|e| not_format(TITLE, format!("its envelope: {e}")))?;
    let h = &env.header;
    if h.format != FORMAT {
        return Err(not_format(TITLE, "its format is not twofold-backup"));
    }
    if h.version != VERSION {
        return Err(not_format(
            TITLE,
            format!(
                "it is version {}; this Twofold reads version {VERSION}",
                h.version
            ),
        ));
    }
    if h.kdf.algorithm != KDF || h.cipher != CIPHER {
        return Err(not_format(TITLE, "its key derivation or cipher is unknown"));
    }
    // A backup can come from anywhere: its cost is bounded as a vault's is, before any work.
    let p = h.kdf.params;
    if let Err(Error::KdfTooCostly { .. }) = p.check() {
        return Err(not_format(
            TITLE,
            format!("its Argon2id cost {p:?} is beyond what Twofold runs"),
        ));
    }
    let decode = |s: &str, what: &str| {
        b64()
            .decode(s)
            .map_err(|_| not_format(TITLE, format!("its {what} is not base64")))
    };
    let salt = decode(&h.kdf.salt, "salt")?;
    let nonce = decode(&env.nonce, "nonce")?;
    let ciphertext = decode(&env.ciphertext, "ciphertext")?;
    Ok(Sealed {
        kdf: p,
        salt,
        nonce,
        ciphertext,
        aad: header_aad(h)?,
    })
}

/// The accounts of a backup's decrypted payload.
pub(crate) fn accounts(plain: &[u8]) -> Result<Vec<NewAccount>> {
    let data: Data = serde_json::from_slice(plain)
        .map_err(|e| not_format(TITLE, format!("its accounts: {e}")))?;
    data.accounts
        .into_iter()
        .map(|r| {
            let secret = Secret::from_base32_lenient(&r.secret)
                .map_err(|e| not_format(TITLE, format!("account {:?}: {e}", r.name)))?;
            let otp = Otp::new(r.kind, r.algorithm, r.digits, r.period, r.counter, secret)
                .map_err(|e| not_format(TITLE, format!("account {:?}: {e}", r.name)))?;
            let uri = OtpUri {
                issuer: r.issuer,
                account: r.account,
                otp,
            };
            // A name Twofold would give anyway stays unset, so restoring into a vault that
            // holds the account skips it instead of stopping on the taken name.
            let name = (r.name != default_name(&uri)).then_some(r.name);
            Ok(NewAccount {
                uri,
                name,
                tags: r.tags,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::super::import;
    use super::super::tests::same_accounts;
    use super::super::{render, sample_accounts, Format};
    use super::*;

    #[test]
    fn a_backup_reads_back_with_names_tags_and_counters() {
        let accounts = sample_accounts();
        let file = render(&accounts, Format::Twofold, Some("backup pw")).unwrap();
        let text = std::str::from_utf8(&file).unwrap();
        assert!(!text.contains("JBSWY3DP") && !text.contains("alice"));

        let restored = read_backup(&file, "backup pw").unwrap();
        same_accounts(&restored, &accounts, true);
        let names: Vec<_> = restored.iter().map(|a| a.name.as_deref()).collect();
        // "bob" and "Steam:gamer" are the names Twofold would give; the first is the user's.
        assert_eq!(names, [Some("ACME <Ops> & \"co\""), None, None]);

        // `twofold import` finds it by its content.
        let e = import::read(&file, None, Some("backup pw")).unwrap();
        assert_eq!(e.format, import::Format::TwofoldBackup);
        same_accounts(&e.accounts, &accounts, true);
        assert!(matches!(
            import::read(&file, None, None),
            Err(Error::ExportPasswordNeeded("Twofold backup"))
        ));
        assert!(matches!(
            read_backup(&file, "backup PW"),
            Err(Error::ExportWrongPassword("Twofold backup"))
        ));
    }

    #[test]
    fn a_changed_header_or_ciphertext_fails_the_tag() {
        let file = render(&sample_accounts(), Format::Twofold, Some("pw")).unwrap();
        let good: Value = serde_json::from_slice(&file).unwrap();
        let read = |v: &Value| read_backup(v.to_string().as_bytes(), "pw");
        assert_eq!(read(&good).unwrap().len(), 3);

        let mut weaker = good.clone();
        weaker["kdf"]["t"] = 2.into();
        assert!(matches!(read(&weaker), Err(Error::ExportWrongPassword(_))));
        let mut newer = good.clone();
        newer["version"] = 2.into();
        assert!(matches!(read(&newer), Err(Error::NotExport { .. })));
        let mut costly = good.clone();
        costly["kdf"]["t"] = 1000.into();
        let started = std::time::Instant::now();
        assert!(matches!(read(&costly), Err(Error::NotExport { .. })));
        assert!(started.elapsed().as_millis() < 500);
        let mut cut = good.clone();
        let ct = b64().decode(good["ciphertext"].as_str().unwrap()).unwrap();
        cut["ciphertext"] = b64().encode(&ct[..ct.len() - 1]).into();
        assert!(matches!(read(&cut), Err(Error::ExportWrongPassword(_))));
    }

    #[test]
    fn only_a_backup_is_sniffed_as_one() {
        let file = render(&sample_accounts(), Format::Twofold, Some("pw")).unwrap();
        assert!(sniff(&file));
        assert!(!sniff(br#"{"format": "twofold-vault", "version": 1}"#));
        assert!(!sniff(b"[]"));
        let aegis = render(&sample_accounts(), Format::AegisPlain, None).unwrap();
        assert!(!sniff(&aegis));
    }
}
