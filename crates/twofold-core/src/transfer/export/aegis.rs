//! Aegis's vault export, written as Aegis 3 writes it: file version 1, db version 3. The exact
//! inverse of [`super::super::import`]'s Aegis reader. Encrypted, one password slot: scrypt
//! (N = 2^15, r = 8, p = 1, Aegis's own and only setting) derives a key that seals a random
//! master key with AES-256-GCM, and the master key seals the db. Tags become Aegis groups.

use base64::Engine as _;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::otp::OtpKind;
use crate::vault::keys::{fill_random, seal};
use crate::vault::Account;
use crate::{hex, Error, Result};

/// log2 of scrypt's N, as Aegis writes it.
const LOG_N: u8 = 15;
const R: u32 = 8;
const P: u32 = 1;

/// The export without encryption: `header.slots` and `header.params` are null and `db` is the
/// object itself.
pub(super) fn plain(accounts: &[Account]) -> Result<Zeroizing<Vec<u8>>> {
    let file = File {
        version: 1,
        header: Header {
            slots: None,
            params: None,
        },
        db: Db::new(accounts)?,
    };
    to_json(&file)
}

/// The export sealed under `password`.
pub(super) fn encrypted(accounts: &[Account], password: &str) -> Result<Zeroizing<Vec<u8>>> {
    let db = to_json(&Db::new(accounts)?)?;
    let mut master = Zeroizing::new([0u8; 32]);
    fill_random(master.as_mut())?;
    let mut salt = [0u8; 32];
    fill_random(&mut salt)?;
    let params = scrypt::Params::new(LOG_N, R, P, 32)
        .map_err(|e| Error::KdfParams(format!("scrypt: {e}")))?;
    let mut wrap = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.as_bytes(), &salt, &params, wrap.as_mut())
        .map_err(|e| Error::KdfParams(format!("scrypt: {e}")))?;

    let (key_nonce, key) = seal(&wrap, master.as_ref(), &[])?;
    let (key, key_tag) = split_tag(&key);
    let (db_nonce, sealed) = seal(&master, &db, &[])?;
    let (ciphertext, db_tag) = split_tag(&sealed);
    let file = File {
        version: 1,
        header: Header {
            slots: Some(vec![Slot {
                kind: 1,
                uuid: uuid::Uuid::new_v4().to_string(),
                key: hex(key),
                key_params: CipherParams {
                    nonce: hex(&key_nonce),
                    tag: hex(key_tag),
                },
                n: 1 << LOG_N,
                r: R,
                p: P,
                salt: hex(&salt),
                // Aegis 0.4.3 and later mark their slots so; older ones fed scrypt stray bytes.
                repaired: true,
                is_backup: false,
            }]),
            params: Some(CipherParams {
                nonce: hex(&db_nonce),
                tag: hex(db_tag),
            }),
        },
        db: base64::engine::general_purpose::STANDARD.encode(ciphertext),
    };
    to_json(&file)
}

/// AES-GCM's output is the ciphertext with the 16-byte tag appended; Aegis stores the two apart.
fn split_tag(sealed: &[u8]) -> (&[u8], &[u8]) {
    sealed.split_at(sealed.len() - 16)
}

fn to_json<T: Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(value)
        .map(Zeroizing::new)
        .map_err(|e| Error::io("encoding the export", std::io::Error::other(e)))
}

#[derive(Serialize)]
struct File<D> {
    version: u32,
    header: Header,
    db: D,
}

#[derive(Serialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<CipherParams>,
}

#[derive(Serialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u32,
    uuid: String,
    key: String,
    key_params: CipherParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct CipherParams {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct Db {
    version: u32,
    entries: Vec<Entry>,
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: String,
    issuer: String,
    note: &'static str,
    favorite: bool,
    icon: Option<String>,
    info: Info,
    groups: Vec<String>,
}

#[derive(Serialize)]
struct Info {
    secret: Zeroizing<String>,
    algo: &'static str,
    digits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

#[derive(Serialize)]
struct Group {
    uuid: String,
    name: String,
}

impl Db {
    fn new(accounts: &[Account]) -> Result<Db> {
        // One Aegis group per distinct tag, in the order the tags first appear.
        let mut groups: Vec<Group> = Vec::new();
        let mut entries = Vec::with_capacity(accounts.len());
        for a in accounts {
            let mut ids = Vec::new();
            for tag in &a.tags {
                let uuid = match groups.iter().find(|g| &g.name == tag) {
                    Some(g) => g.uuid.clone(),
                    None => {
                        let uuid = uuid::Uuid::new_v4().to_string();
                        groups.push(Group {
                            uuid: uuid.clone(),
                            name: tag.clone(),
                        });
                        uuid
                    }
                };
                if !ids.contains(&uuid) {
                    ids.push(uuid);
                }
            }
            let o = &a.otp;
            let (period, counter) = match o.kind {
                OtpKind::Hotp => (None, Some(o.counter)),
                OtpKind::Totp | OtpKind::Steam => (Some(o.period), None),
            };
            entries.push(Entry {
                kind: o.kind.as_str(),
                uuid: uuid::Uuid::new_v4().to_string(),
                // Aegis's "name" is the account at the service; Twofold's own name for the
                // account has no place in the file.
                name: a.account.clone(),
                issuer: a.issuer.clone(),
                note: "",
                favorite: false,
                icon: None,
                info: Info {
                    secret: o.secret.to_base32(),
                    algo: o.algorithm.as_str(),
                    digits: o.digits,
                    period,
                    counter,
                },
                groups: ids,
            });
        }
        Ok(Db {
            version: 3,
            entries,
            groups,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::super::import;
    use super::super::tests::same_accounts;
    use super::super::{render, sample_accounts, Format};

    #[test]
    fn both_aegis_exports_read_back_with_the_aegis_importer() {
        let accounts = sample_accounts();
        let plain = render(&accounts, Format::AegisPlain, None).unwrap();
        let e = import::read(&plain, None, None).unwrap();
        assert_eq!(e.format, import::Format::Aegis);
        assert!(e.skipped.is_empty(), "{:?}", e.skipped);
        same_accounts(&e.accounts, &accounts, true);

        let sealed = render(&accounts, Format::Aegis, Some("correct horse")).unwrap();
        let e = import::read(&sealed, None, Some("correct horse")).unwrap();
        assert_eq!(e.format, import::Format::Aegis);
        assert!(e.skipped.is_empty(), "{:?}", e.skipped);
        same_accounts(&e.accounts, &accounts, true);
        assert!(matches!(
            import::read(&sealed, None, Some("wrong horse")),
            Err(crate::Error::ExportWrongPassword(_))
        ));
    }

    #[test]
    fn the_files_have_aegis_s_shape_and_the_encrypted_one_no_secret() {
        let accounts = sample_accounts();
        let plain: Value =
            serde_json::from_slice(&render(&accounts, Format::AegisPlain, None).unwrap()).unwrap();
        assert_eq!(plain["version"], 1);
        assert!(plain["header"]["slots"].is_null() && plain["header"]["params"].is_null());
        let db = &plain["db"];
        assert_eq!(db["version"], 3);
        let hotp = &db["entries"][1];
        assert_eq!(hotp["type"], "hotp");
        assert_eq!(hotp["info"]["counter"], 42);
        assert!(hotp["info"].get("period").is_none());
        assert_eq!(db["entries"][0]["info"]["period"], 60);
        assert_eq!(
            db["groups"].as_array().unwrap().len(),
            3,
            "Work, Ops, Games"
        );

        let sealed = render(&accounts, Format::Aegis, Some("pw")).unwrap();
        let text = std::str::from_utf8(&sealed).unwrap();
        assert!(!text.contains("JBSWY3DP") && !text.contains("alice"));
        let file: Value = serde_json::from_str(text).unwrap();
        let slot = &file["header"]["slots"][0];
        assert_eq!(
            (slot["type"].as_u64(), slot["n"].as_u64()),
            (Some(1), Some(32768))
        );
        assert_eq!((slot["r"].as_u64(), slot["p"].as_u64()), (Some(8), Some(1)));
        assert_eq!(slot["salt"].as_str().unwrap().len(), 64);
        assert!(file["db"].is_string());
    }
}
