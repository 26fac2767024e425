//! TOTP Authenticator's (com.authenticator.authservice2) backup: base64 text of AES-256-CBC
//! ciphertext, the key being SHA-256 of the password and the IV sixteen zero bytes. The app
//! offers `TotpAuthenticator` as the password, so a file without one is tried with that. The
//! plaintext is a JSON object whose key (not value) is the JSON array of accounts as a string;
//! each account's `key` is written in the base its `base` field names (16, 32 or 64).

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::{json, not_format, text, Fields, Format, Parsed, Skipped};
use crate::{Error, Result};

const FORMAT: Format = Format::TotpAuthenticator;
/// What the app fills in as the backup password.
const DEFAULT_PASSWORD: &str = "TotpAuthenticator";
const BLOCK: usize = 16;

/// One account, read loosely so an odd one is skipped rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Account {
    issuer: Option<Value>,
    name: Option<Value>,
    key: Option<Zeroizing<String>>,
    base: Option<Value>,
    digits: Option<Value>,
    period: Option<Value>,
}

/// Base64 text of whole AES blocks (and nothing another format starts with).
pub(super) fn sniff(bytes: &[u8]) -> bool {
    ciphertext(bytes).is_some()
}

/// The ciphertext the base64 text holds, when it is whole AES blocks.
fn ciphertext(bytes: &[u8]) -> Option<Vec<u8>> {
    let t = text(bytes)?;
    let compact: String = t.split_ascii_whitespace().collect();
    if compact.len() < 24 {
        return None;
    }
    let ct = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    (ct.len() % BLOCK == 0).then_some(ct)
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let ct = ciphertext(bytes)
        .ok_or_else(|| not_format(FORMAT, "it is not base64 text of whole cipher blocks"))?;
    // The user's password first, then the app's default, which most backups keep.
    let accounts = password
        .into_iter()
        .chain(Some(DEFAULT_PASSWORD))
        .find_map(|p| decrypt(&ct, p))
        .ok_or(match password {
            Some(_) => Error::ExportWrongPassword(FORMAT.title()),
            None => Error::ExportPasswordNeeded(FORMAT.title()),
        })?;
    Ok(accounts
        .into_iter()
        .enumerate()
        .map(|(i, v)| entry(v, i + 1))
        .collect())
}

/// The accounts under `password`, or `None` when it is not the file's: CBC has no integrity
/// check, so a wrong key shows as bad padding or as a plaintext that is not the app's JSON.
fn decrypt(ct: &[u8], password: &str) -> Option<Vec<Value>> {
    use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut as _, KeyIvInit as _};
    let key = Zeroizing::new(<[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes())));
    let iv = [0u8; BLOCK];
    let plain = Zeroizing::new(
        cbc::Decryptor::<aes::Aes256>::new(key.as_ref().into(), &iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(ct)
            .ok()?,
    );
    let outer: serde_json::Map<String, Value> = serde_json::from_slice(&plain).ok()?;
    // The key holds every secret: wiped once read.
    outer
        .into_iter()
        .map(|(k, _)| Zeroizing::new(k))
        .find_map(|k| serde_json::from_str::<Vec<Value>>(&k).ok())
}

fn entry(v: Value, n: usize) -> Parsed {
    let Ok(a) = serde_json::from_value::<Account>(v) else {
        return Err(Skipped {
            entry: n,
            label: String::new(),
            reason: "it is not an account".into(),
        });
    };
    let fields = Fields {
        issuer: json::string(&a.issuer).unwrap_or_default(),
        account: json::string(&a.name).unwrap_or_default(),
        ..Fields::default()
    };
    fields.complete(n, |f| {
        let key = a.key.unwrap_or_default();
        let key = key.trim();
        f.secret = match json::number::<u32>(&a.base, "base")? {
            Some(32) | None => Zeroizing::new(key.to_string()),
            Some(16) => {
                let raw = Zeroizing::new(
                    data_encoding::HEXUPPER_PERMISSIVE
                        .decode(key.as_bytes())
                        .map_err(|_| "its key is not hexadecimal".to_string())?,
                );
                Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&raw))
            }
            Some(64) => {
                let raw = Zeroizing::new(
                    base64::engine::general_purpose::STANDARD
                        .decode(key)
                        .map_err(|_| "its key is not base64".to_string())?,
                );
                Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&raw))
            }
            Some(b) => return Err(format!("its key is in base {b}, not 16, 32 or 64")),
        };
        f.digits = json::number(&a.digits, "digits")?;
        f.period = json::number(&a.period, "period")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{row, tags};
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind, Secret};

    /// `JBSWY3DPEHPK3PXP` in the three bases the app writes.
    const ACCOUNTS: &str = r#"[
        {"issuer":"ACME","name":"alice","key":"48656C6C6F21DEADBEEF","base":16,"digits":"6","period":"30","isFavorite":false},
        {"issuer":"Corp","name":"bob","key":"JBSWY3DPEHPK3PXP","base":32,"digits":"8","period":"60"},
        {"issuer":"Web","name":"carol","key":"SGVsbG8h3q2+7w==","base":"64","digits":"7","period":"20"},
        {"issuer":"Bad","name":"dave","key":"XYZ","base":16,"digits":"6","period":"30"},
        {"issuer":"Odd","name":"erin","key":"JBSWY3DPEHPK3PXP","base":10,"digits":"6","period":"30"}
    ]"#;

    /// A backup of `accounts` sealed as the app does, under `password`.
    fn backup(accounts: &str, password: &str) -> Vec<u8> {
        use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut as _, KeyIvInit as _};
        let plain = serde_json::to_vec(&serde_json::json!({ accounts: "1700000000" })).unwrap();
        let key = <[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes()));
        let ct = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &[0u8; BLOCK].into())
            .encrypt_padded_vec_mut::<Pkcs7>(&plain);
        base64::engine::general_purpose::STANDARD
            .encode(ct)
            .into_bytes()
    }

    #[test]
    fn keys_in_every_base_become_the_same_secret() {
        let e = read(&backup(ACCOUNTS, "s3cret"), None, Some("s3cret")).unwrap();
        assert_eq!(e.format, Format::TotpAuthenticator);
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                (
                    "ACME",
                    "alice",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    6,
                    30,
                    0,
                    tags(&[])
                ),
                (
                    "Corp",
                    "bob",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    8,
                    60,
                    0,
                    tags(&[])
                ),
                (
                    "Web",
                    "carol",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    7,
                    20,
                    0,
                    tags(&[])
                ),
            ]
        );
        let hello = Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap();
        assert!(e.accounts.iter().all(|a| a.uri.otp.secret == hello));
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(skipped, [(4, "Bad: dave"), (5, "Odd: erin")]);
        assert!(
            e.skipped[0].reason.contains("hexadecimal"),
            "{}",
            e.skipped[0]
        );
        assert!(e.skipped[1].reason.contains("base 10"), "{}", e.skipped[1]);
    }

    #[test]
    fn the_default_password_opens_a_backup_without_one() {
        let bytes = backup(ACCOUNTS, DEFAULT_PASSWORD);
        assert_eq!(read(&bytes, None, None).unwrap().accounts.len(), 3);
        // A password the user types that is not the file's still falls back to the default.
        assert_eq!(read(&bytes, None, Some("other")).unwrap().accounts.len(), 3);
    }

    #[test]
    fn a_wrong_password_or_a_damaged_file_imports_nothing() {
        let bytes = backup(ACCOUNTS, "s3cret");
        assert!(matches!(
            read(&bytes, Some(FORMAT), None),
            Err(Error::ExportPasswordNeeded("TOTP Authenticator backup"))
        ));
        assert!(matches!(
            read(&bytes, Some(FORMAT), Some("s3cre")),
            Err(Error::ExportWrongPassword(_))
        ));
        // Cut mid-block, then cut at a block boundary (the padding no longer checks out).
        assert!(matches!(
            read(&bytes[..bytes.len() - 7], Some(FORMAT), Some("s3cret")),
            Err(Error::NotExport { .. })
        ));
        let ct = ciphertext(&bytes).unwrap();
        let short = base64::engine::general_purpose::STANDARD.encode(&ct[..ct.len() - BLOCK]);
        assert!(read(short.as_bytes(), Some(FORMAT), Some("s3cret")).is_err());
    }

    #[test]
    fn only_base64_blocks_are_taken_for_it() {
        assert!(sniff(&backup("[]", "x")));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
        assert!(!sniff(b"{\"version\":1}"));
        assert!(!sniff(b"aGVsbG8="));
    }

    #[test]
    fn real_totp_authenticator_backups_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "totp_authenticator",
            Format::TotpAuthenticator,
            Differences {
                unread: &["totp_authenticator/totp_authenticator_internal.xml"],
                ..Differences::default()
            },
        );
    }
}
