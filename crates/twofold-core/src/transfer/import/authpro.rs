//! Authenticator Pro's backup (also written by Stratum, its successor): JSON with the
//! `Authenticators`, their categories (imported as tags) and icons (not imported). With a
//! password the JSON is sealed in one of two binary layouts, told apart by their 16-byte magic:
//!
//! - `AUTHENTICATORPRO` salt(16) iv(12) ciphertext+tag: AES-256-GCM under an Argon2id key
//!   (3 passes, 64 MiB, 4 lanes), what current versions write;
//! - `AuthenticatorPro` salt(20) iv(16) ciphertext: AES-256-CBC with PKCS#7 padding under a
//!   PBKDF2-HMAC-SHA1 key (64,000 rounds), what older versions wrote.
//!
//! Both costs are fixed by the app, so nothing read from the file sets how much work is done.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, kdf, not_format, text, Fields, Format, Parsed};
use crate::vault::keys::open;
use crate::{Error, Result};

const FORMAT: Format = Format::AuthenticatorPro;
const STRONG: &[u8; 16] = b"AUTHENTICATORPRO";
const LEGACY: &[u8; 16] = b"AuthenticatorPro";
const ARGON2_T: u32 = 3;
const ARGON2_M_KIB: u32 = 64 * 1024;
const ARGON2_P: u32 = 4;
const STRONG_SALT: usize = 16;
const STRONG_IV: usize = 12;
const TAG: usize = 16;
const LEGACY_SALT: usize = 20;
const LEGACY_IV: usize = 16;
const PBKDF2_ROUNDS: u32 = 64_000;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Backup {
    authenticators: Option<Vec<Authenticator>>,
    #[serde(default)]
    categories: Vec<Category>,
    #[serde(default)]
    authenticator_categories: Vec<Membership>,
}

/// One account. Every field but the secret is read loosely, so one odd entry is skipped
/// rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct Authenticator {
    #[serde(rename = "Type")]
    kind: Option<Value>,
    issuer: Option<Value>,
    username: Option<Value>,
    secret: Option<Zeroizing<String>>,
    algorithm: Option<Value>,
    digits: Option<Value>,
    period: Option<Value>,
    counter: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Category {
    id: Option<Value>,
    name: Option<Value>,
}

/// An account in a category; the app keys accounts by their secret.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Membership {
    category_id: Option<Value>,
    authenticator_secret: Option<Zeroizing<String>>,
}

/// Either binary magic, or a JSON object with `Authenticators`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        #[serde(rename = "Authenticators")]
        authenticators: serde::de::IgnoredAny,
    }
    bytes.starts_with(STRONG)
        || bytes.starts_with(LEGACY)
        || text(bytes).is_some_and(|t| {
            t.trim_start().starts_with('{') && serde_json::from_str::<Probe>(t).is_ok()
        })
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let plain;
    let json_bytes: &[u8] = if bytes.starts_with(STRONG) || bytes.starts_with(LEGACY) {
        let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
        plain = if bytes.starts_with(STRONG) {
            decrypt_strong(&bytes[STRONG.len()..], password)?
        } else {
            decrypt_legacy(&bytes[LEGACY.len()..], password)?
        };
        &plain
    } else {
        bytes
    };
    let t = text(json_bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let backup: Backup = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
    let authenticators = backup
        .authenticators
        .ok_or_else(|| not_format(FORMAT, "it has no Authenticators list"))?;
    let names: HashMap<String, String> = backup
        .categories
        .iter()
        .filter_map(|c| Some((json::string(&c.id)?, json::string(&c.name)?)))
        .collect();
    let mut tags: HashMap<&str, Vec<String>> = HashMap::new();
    for m in &backup.authenticator_categories {
        let (Some(id), Some(secret)) = (json::string(&m.category_id), &m.authenticator_secret)
        else {
            continue;
        };
        if let Some(name) = names.get(&id) {
            tags.entry(secret.as_str()).or_default().push(name.clone());
        }
    }
    Ok(authenticators
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let tags = a
                .secret
                .as_deref()
                .and_then(|s| tags.get(s.as_str()))
                .cloned()
                .unwrap_or_default();
            entry(a, tags, i + 1)
        })
        .collect())
}

fn entry(a: Authenticator, tags: Vec<String>, n: usize) -> Parsed {
    let fields = Fields {
        issuer: json::string(&a.issuer).unwrap_or_default(),
        account: json::string(&a.username).unwrap_or_default(),
        secret: a.secret.unwrap_or_default(),
        tags,
        ..Fields::default()
    };
    fields.complete(n, |fields| {
        fields.kind = match json::number::<u64>(&a.kind, "type")? {
            Some(1) => Some("hotp".into()),
            Some(2) | None => Some("totp".into()),
            Some(3) => Some("motp".into()),
            Some(4) => Some("steam".into()),
            Some(5) => Some("yandex".into()),
            Some(other) => return Err(format!("its type {other} is not one Twofold knows")),
        };
        fields.algorithm = match json::number::<u64>(&a.algorithm, "algorithm")? {
            Some(0) | None => None,
            Some(1) => Some("SHA256".into()),
            Some(2) => Some("SHA512".into()),
            Some(other) => return Err(format!("its algorithm {other} is not one Twofold knows")),
        };
        fields.digits = json::number(&a.digits, "digits")?;
        fields.period = json::number(&a.period, "period")?;
        fields.counter = json::number(&a.counter, "counter")?;
        Ok(())
    })
}

/// `salt(16) iv(12) ciphertext+tag`, after the magic.
fn decrypt_strong(rest: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>> {
    if rest.len() < STRONG_SALT + STRONG_IV + TAG {
        return Err(not_format(FORMAT, "it is cut short"));
    }
    let (salt, rest) = rest.split_at(STRONG_SALT);
    let (iv, sealed) = rest.split_at(STRONG_IV);
    let key = kdf::argon2id(password, salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P)
        .ok_or_else(|| not_format(FORMAT, "its salt is not usable"))?;
    // GCM cannot tell a wrong key from altered bytes; a wrong password is the likelier cause.
    open(&key, iv, sealed, &[]).ok_or(Error::ExportWrongPassword(FORMAT.title()))
}

/// `salt(20) iv(16) ciphertext`, after the magic.
fn decrypt_legacy(rest: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>> {
    use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut as _, KeyIvInit as _};
    let body = rest.len().saturating_sub(LEGACY_SALT + LEGACY_IV);
    if body == 0 || !body.is_multiple_of(16) {
        return Err(not_format(FORMAT, "it is cut short or padded wrongly"));
    }
    let (salt, rest) = rest.split_at(LEGACY_SALT);
    let (iv, ct) = rest.split_at(LEGACY_IV);
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, PBKDF2_ROUNDS, key.as_mut());
    let cipher = cbc::Decryptor::<aes::Aes256>::new(key.as_ref().into(), iv.into());
    // CBC has no integrity check: a wrong key shows as bad padding or, rarely, as padding that
    // happens to be valid around garbage, which then is not the JSON the app wrote.
    let plain = Zeroizing::new(
        cipher
            .decrypt_padded_vec_mut::<Pkcs7>(ct)
            .map_err(|_| Error::ExportWrongPassword(FORMAT.title()))?,
    );
    if !plain.trim_ascii_start().starts_with(b"{") {
        return Err(Error::ExportWrongPassword(FORMAT.title()));
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::super::read;
    use super::*;
    use crate::otp::{Algorithm, OtpKind};

    const PLAIN: &str = r#"{"Authenticators":[
        {"Type":2,"Icon":null,"Issuer":"ACME","Username":"alice","Secret":"JBSWY3DPEHPK3PXP","Pin":null,"Algorithm":1,"Digits":8,"Period":60,"Counter":0,"Ranking":0},
        {"Type":1,"Icon":"x","Issuer":"Corp","Username":null,"Secret":"GEZDGNBVGY3TQOJQ","Pin":null,"Algorithm":2,"Digits":7,"Period":30,"Counter":42,"Ranking":1},
        {"Type":3,"Issuer":"Old","Username":"bob","Secret":"0123456789abcdef","Pin":"1234","Algorithm":0,"Digits":6,"Period":10,"Counter":0},
        {"Type":4,"Issuer":"Steam","Username":"gamer","Secret":"JBSWY3DPEHPK3PXP","Algorithm":0,"Digits":5,"Period":30,"Counter":0},
        {"Type":2,"Issuer":"Bad","Username":"carol","Secret":"JBSWY3DPEHPK3PX1","Algorithm":0,"Digits":6,"Period":30},
        {"Type":2,"Issuer":"Odd","Username":"dave","Secret":"JBSWY3DPEHPK3PXP","Algorithm":9,"Digits":6,"Period":30}
    ],
    "Categories":[{"Id":"c1","Name":"Work","Ranking":0},{"Id":"c2","Name":"Games","Ranking":1}],
    "AuthenticatorCategories":[{"CategoryId":"c1","AuthenticatorSecret":"JBSWY3DPEHPK3PXP","Ranking":0},{"CategoryId":"gone","AuthenticatorSecret":"GEZDGNBVGY3TQOJQ","Ranking":0}],
    "CustomIcons":[]}"#;

    #[test]
    fn a_plain_backup_gives_its_accounts_and_names_the_bad_entries() {
        let e = read(PLAIN.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::AuthenticatorPro);
        let rows: Vec<_> = e
            .accounts
            .iter()
            .map(|a| {
                let o = &a.uri.otp;
                (
                    a.uri.issuer.as_str(),
                    a.uri.account.as_str(),
                    o.kind,
                    o.algorithm,
                    o.digits,
                    o.period,
                    o.counter,
                    a.tags.clone(),
                )
            })
            .collect();
        let work = vec!["Work".to_string()];
        assert_eq!(
            rows,
            [
                (
                    "ACME",
                    "alice",
                    OtpKind::Totp,
                    Algorithm::Sha256,
                    8,
                    60,
                    0,
                    work.clone()
                ),
                (
                    "Corp",
                    "",
                    OtpKind::Hotp,
                    Algorithm::Sha512,
                    7,
                    30,
                    42,
                    vec![]
                ),
                // Tags follow the secret, as the app keys them.
                (
                    "Steam",
                    "gamer",
                    OtpKind::Steam,
                    Algorithm::Sha1,
                    5,
                    30,
                    0,
                    work
                ),
            ]
        );
        assert_eq!(e.numbers, [1, 2, 4]);
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped[0], (3, "Old: bob", "motp codes are not supported"));
        assert_eq!((skipped[1].0, skipped[1].1), (5, "Bad: carol"));
        assert!(skipped[1].2.contains("not base32"), "{}", skipped[1].2);
        assert_eq!(
            skipped[2],
            (6, "Odd: dave", "its algorithm 9 is not one Twofold knows")
        );
    }

    fn strong(plain: &[u8], password: &str) -> Vec<u8> {
        let salt = [3u8; STRONG_SALT];
        let key = kdf::argon2id(password, &salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P).unwrap();
        let (iv, ct) = crate::vault::keys::seal(&key, plain, &[]).unwrap();
        [&STRONG[..], &salt, &iv, &ct].concat()
    }

    fn legacy(plain: &[u8], password: &str) -> Vec<u8> {
        use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut as _, KeyIvInit as _};
        let salt = [4u8; LEGACY_SALT];
        let iv = [5u8; LEGACY_IV];
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), &salt, PBKDF2_ROUNDS, &mut key);
        let ct = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plain);
        [&LEGACY[..], &salt, &iv, &ct].concat()
    }

    #[test]
    fn both_encrypted_layouts_open_with_their_password_only() {
        for file in [
            strong(PLAIN.as_bytes(), "hunter2"),
            legacy(PLAIN.as_bytes(), "hunter2"),
        ] {
            let e = read(&file, None, Some("hunter2")).unwrap();
            assert_eq!(e.format, Format::AuthenticatorPro);
            assert_eq!((e.accounts.len(), e.skipped.len()), (3, 3));
            assert!(matches!(
                read(&file, None, None),
                Err(Error::ExportPasswordNeeded("Authenticator Pro backup"))
            ));
            assert!(matches!(
                read(&file, None, Some("hunter3")),
                Err(Error::ExportWrongPassword("Authenticator Pro backup"))
            ));
        }
    }

    #[test]
    fn damaged_backups_are_refused_whole() {
        let strong = strong(PLAIN.as_bytes(), "hunter2");
        let legacy = legacy(PLAIN.as_bytes(), "hunter2");
        let mut altered = strong.clone();
        altered[60] ^= 1;
        assert!(read(&altered, None, Some("hunter2")).is_err());
        let refused = [
            &strong[..40],
            &legacy[..60],
            &legacy[..legacy.len() - 1],
            &STRONG[..],
            &PLAIN.as_bytes()[..PLAIN.len() / 2],
            br#"{"Authenticators":"nope"}"#,
            br#"{"Categories":[]}"#,
            b"\xff\x00garbage",
        ];
        for d in refused {
            let e = read(d, Some(Format::AuthenticatorPro), Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{e}");
        }
    }

    #[test]
    fn only_authenticator_pro_files_are_taken_for_it() {
        assert!(sniff(PLAIN.as_bytes()));
        assert!(sniff(b"AUTHENTICATORPRO..."));
        assert!(sniff(b"AuthenticatorPro..."));
        assert!(!sniff(br#"{"authenticators":[]}"#));
        assert!(!sniff(br#"[{"Authenticators":[]}]"#));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn real_authenticator_pro_backups_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "stratum",
            Format::AuthenticatorPro,
            Differences {
                // The app's own SQLite database, not an export.
                unread: &["stratum/stratum_internal.db"],
                ..Differences::default()
            },
        );
    }
}
