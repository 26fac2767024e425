//! andOTP's backup: a JSON array of entries, or that array encrypted with a password
//! (AES-256-GCM). Current andOTP writes `[iterations u32 BE][salt 12][nonce 12][ciphertext+tag]`
//! with a PBKDF2-SHA1 key; andOTP 0.6.2 and older wrote `[nonce 12][ciphertext+tag]` with
//! SHA-256 of the password as the key. Nothing in the file says which, so both are tried.
//!
//! Detection: the plain form is a JSON array of objects with `secret` and `type` or `label`.
//! The encrypted form is random bytes, so content can only hint at it: a file at least as long
//! as the current header plus a tag whose first four bytes are a plausible iteration count
//! (1 to 10,000,000, so its first byte is 0, which no text export starts with) is taken for
//! one. An old-style file starts with its random nonce and is usually not recognised: the
//! caller names the format (`--from andotp`), and then it is read whatever its first bytes are.

use serde::Deserialize;
use serde_json::Value;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::{json, not_format, text, Fields, Format, Parsed};
use crate::{Error, Result};

const FORMAT: Format = Format::AndOtp;
/// Aegis's cap too: more would let a damaged or hostile file stall the import for minutes.
const MAX_ITERATIONS: u32 = 10_000_000;
const SALT: usize = 12;
const NONCE: usize = 12;
const TAG: usize = 16;
/// The shortest current-style file: its header and an empty ciphertext's tag.
const MIN_CURRENT: usize = 4 + SALT + NONCE + TAG;
/// The shortest old-style file.
const MIN_OLD: usize = NONCE + TAG;

/// One entry. Every field but the secret is read loosely, so one odd entry is skipped rather
/// than the file refused.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    secret: Option<Zeroizing<String>>,
    issuer: Option<Value>,
    label: Option<Value>,
    #[serde(rename = "type")]
    kind: Option<Value>,
    algorithm: Option<Value>,
    digits: Option<Value>,
    period: Option<Value>,
    counter: Option<Value>,
    tags: Option<Value>,
}

pub(super) fn sniff(bytes: &[u8]) -> bool {
    looks_plain(bytes) || looks_encrypted(bytes)
}

fn looks_plain(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        secret: Option<serde::de::IgnoredAny>,
        #[serde(rename = "type")]
        kind: Option<serde::de::IgnoredAny>,
        label: Option<serde::de::IgnoredAny>,
    }
    text(bytes)
        .filter(|t| t.trim_start().starts_with('['))
        .and_then(|t| serde_json::from_str::<Vec<Probe>>(t).ok())
        .is_some_and(|list| {
            !list.is_empty()
                && list
                    .iter()
                    .all(|p| p.secret.is_some() && (p.kind.is_some() || p.label.is_some()))
        })
}

fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.len() >= MIN_CURRENT && (1..=MAX_ITERATIONS).contains(&iterations(bytes))
}

/// The first four bytes as a big-endian count (0 when there are fewer).
fn iterations(bytes: &[u8]) -> u32 {
    bytes
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_be_bytes)
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    // Text is the plain form: ciphertext long enough to matter is never valid UTF-8 by chance.
    if let Some(t) = text(bytes) {
        if t.trim().is_empty() {
            return Err(not_format(FORMAT, "it is empty"));
        }
        return entries(t.as_bytes());
    }
    if bytes.len() < MIN_OLD {
        return Err(not_format(
            FORMAT,
            "it is too short to be an encrypted backup",
        ));
    }
    let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
    entries(&decrypt(bytes, password)?)
}

fn entries(json: &[u8]) -> Result<Vec<Parsed>> {
    let list: Vec<Entry> = serde_json::from_slice(json).map_err(|e| json::error(FORMAT, &e))?;
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(i, e)| entry(e, i + 1))
        .collect())
}

fn entry(e: Entry, n: usize) -> Parsed {
    let label = json::string(&e.label).unwrap_or_default();
    let (issuer, account) = match json::string(&e.issuer) {
        Some(issuer) => (issuer, label),
        // Files from before andOTP had an issuer field label entries `Issuer - Account`.
        None => match label.split_once(" - ") {
            Some((issuer, account)) => (issuer.trim().to_string(), account.trim().to_string()),
            None => (String::new(), label),
        },
    };
    // Some accounts repeat the issuer, otpauth style (`Deno:Mason` under Deno): the account
    // is what follows it, as when Twofold reads an otpauth label.
    let account = match account
        .strip_prefix(issuer.as_str())
        .and_then(|rest| rest.strip_prefix(':'))
    {
        Some(rest) if !issuer.is_empty() => rest.trim().to_string(),
        _ => account,
    };
    let fields = Fields {
        kind: json::string(&e.kind),
        issuer,
        account,
        secret: e.secret.unwrap_or_default(),
        algorithm: json::string(&e.algorithm),
        tags: json::strings(&e.tags),
        ..Fields::default()
    };
    fields.complete(n, |fields| {
        fields.digits = json::number(&e.digits, "digits")?;
        fields.period = json::number(&e.period, "period")?;
        fields.counter = json::number(&e.counter, "counter")?;
        Ok(())
    })
}

/// The JSON inside an encrypted backup: the current layout first, then the old one.
fn decrypt(bytes: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>> {
    let open = |key: &[u8; 32], nonce: &[u8], ciphertext: &[u8]| {
        crate::vault::keys::open(key, nonce, ciphertext, &[])
    };
    let current = looks_encrypted(bytes);
    if current {
        let (salt, rest) = bytes[4..].split_at(SALT);
        let (nonce, ciphertext) = rest.split_at(NONCE);
        let mut key = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
            password.as_bytes(),
            salt,
            iterations(bytes),
            key.as_mut(),
        );
        if let Some(plain) = open(&key, nonce, ciphertext) {
            return Ok(plain);
        }
    }
    let key = Zeroizing::new(<[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes())));
    let (nonce, ciphertext) = bytes.split_at(NONCE);
    if let Some(plain) = open(&key, nonce, ciphertext) {
        return Ok(plain);
    }
    if current {
        Err(Error::ExportWrongPassword(FORMAT.title()))
    } else {
        // The old layout has no header to check, so only the password could tell: any bytes
        // are an old backup under some password.
        Err(not_format(
            FORMAT,
            "its iteration count is out of range for a current backup, \
             and this password does not open it as an old one",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{row, tags, Row};
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind};

    const CURRENT: &str = r#"[
        {"secret":"JBSWY3DPEHPK3PXP====","issuer":"ACME","label":"alice","digits":6,"type":"TOTP","algorithm":"SHA1","thumbnail":"Default","last_used":1,"used_frequency":0,"period":30,"tags":["Work","Mail"]},
        {"secret":"GEZDGNBVGY3TQOJQ","issuer":"Corp","label":"Corp:bob","digits":8,"type":"HOTP","algorithm":"SHA256","counter":5,"tags":[]},
        {"secret":"JBSWY3DPEHPK3PXP","issuer":"Steam","label":"gamer","digits":5,"type":"STEAM","algorithm":"SHA1","period":30,"tags":[]},
        {"secret":"JBSWY3DPEHPK3PXP","issuer":"Mobile","label":"carol","digits":6,"type":"MOTP","algorithm":"MD5","period":10,"tags":[]},
        {"secret":"JBSWY3DPEHPK3PX1","issuer":"Broken","label":"dave","digits":6,"type":"TOTP","algorithm":"SHA512","period":60,"tags":[]}
    ]"#;

    const OLD_LABELS: &str = r#"[
        {"secret":"JBSWY3DPEHPK3PXP","label":"ACME - alice","digits":6,"type":"TOTP","algorithm":"SHA512","period":60},
        {"secret":"JBSWY3DPEHPK3PXP","label":"Corp - Corp:bob","digits":6,"type":"TOTP","algorithm":"SHA1","period":30},
        {"secret":"JBSWY3DPEHPK3PXP","label":"just-an-account","digits":7,"type":"TOTP","algorithm":"SHA1","period":30}
    ]"#;

    fn current_rows() -> Vec<Row<'static>> {
        vec![
            (
                "ACME",
                "alice",
                OtpKind::Totp,
                Algorithm::Sha1,
                6,
                30,
                0,
                tags(&["Work", "Mail"]),
            ),
            (
                "Corp",
                "bob",
                OtpKind::Hotp,
                Algorithm::Sha256,
                8,
                30,
                5,
                tags(&[]),
            ),
            (
                "Steam",
                "gamer",
                OtpKind::Steam,
                Algorithm::Sha1,
                5,
                30,
                0,
                tags(&[]),
            ),
        ]
    }

    fn check_current(e: &super::super::Export) {
        assert_eq!(e.format, Format::AndOtp);
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        assert_eq!(rows, current_rows());
        let skips: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(skips, [(4, "Mobile: carol"), (5, "Broken: dave")]);
        assert_eq!(e.skipped[0].reason, "motp codes are not supported");
        assert!(e.skipped[1].reason.contains("not base32"));
    }

    #[test]
    fn a_plain_backup_reads_every_kind_and_skips_motp_and_bad_secrets() {
        check_current(&read(CURRENT.as_bytes(), None, None).unwrap());
    }

    #[test]
    fn old_labels_hold_the_issuer() {
        let e = read(OLD_LABELS.as_bytes(), None, None).unwrap();
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                (
                    "ACME",
                    "alice",
                    OtpKind::Totp,
                    Algorithm::Sha512,
                    6,
                    60,
                    0,
                    tags(&[])
                ),
                (
                    "Corp",
                    "bob",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    6,
                    30,
                    0,
                    tags(&[])
                ),
                (
                    "",
                    "just-an-account",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    7,
                    30,
                    0,
                    tags(&[])
                ),
            ]
        );
    }

    /// `json` sealed the way current andOTP does.
    fn encrypt_current(json: &str, password: &str, iterations: u32) -> Vec<u8> {
        let salt = [9u8; SALT];
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), &salt, iterations, &mut key);
        let (nonce, ct) = crate::vault::keys::seal(&key, json.as_bytes(), &[]).unwrap();
        [&iterations.to_be_bytes()[..], &salt, &nonce, &ct].concat()
    }

    /// `json` sealed the way andOTP 0.6.2 and older did; the nonce is chosen so the file does
    /// not look like a current one.
    fn encrypt_old(json: &str, password: &str) -> Vec<u8> {
        let key: [u8; 32] = sha2::Sha256::digest(password.as_bytes()).into();
        loop {
            let (nonce, ct) = crate::vault::keys::seal(&key, json.as_bytes(), &[]).unwrap();
            let file = [&nonce[..], &ct].concat();
            if !looks_encrypted(&file) {
                return file;
            }
        }
    }

    #[test]
    fn a_current_encrypted_backup_opens_and_is_detected() {
        let file = encrypt_current(CURRENT, "hunter2", 1000);
        check_current(&read(&file, None, Some("hunter2")).unwrap());
    }

    #[test]
    fn an_old_encrypted_backup_opens_when_named() {
        let file = encrypt_old(CURRENT, "hunter2");
        check_current(&read(&file, Some(Format::AndOtp), Some("hunter2")).unwrap());
    }

    #[test]
    fn a_wrong_or_missing_password_gives_no_account() {
        let file = encrypt_current(CURRENT, "hunter2", 1000);
        assert!(matches!(
            read(&file, None, None),
            Err(Error::ExportPasswordNeeded("andOTP backup"))
        ));
        assert!(matches!(
            read(&file, None, Some("hunter3")),
            Err(Error::ExportWrongPassword("andOTP backup"))
        ));
        let old = encrypt_old(CURRENT, "hunter2");
        let e = read(&old, Some(Format::AndOtp), Some("hunter3")).unwrap_err();
        assert!(matches!(e, Error::NotExport { .. }), "{e}");
        assert!(e.to_string().contains("password"), "{e}");
    }

    #[test]
    fn empty_truncated_and_garbage_files_fail_cleanly() {
        let file = encrypt_current(CURRENT, "hunter2", 1000);
        let mut flipped = file.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let huge = [&[0xff, 0xff, 0xff, 0xff][..], &[0x80; 60]].concat();
        let cases: [&[u8]; 8] = [
            b"",
            b"  \n",
            b"[{\"secret\":",
            b"{\"not\":\"a list\"}",
            &[0x00, 0x00, 0x03, 0xe8, 0xff],
            &file[..MIN_CURRENT - 1],
            &flipped,
            &huge,
        ];
        for bytes in cases {
            let e = read(bytes, Some(Format::AndOtp), Some("hunter2"));
            assert!(e.is_err(), "{bytes:?}");
        }
        assert!(matches!(
            read(&file[..MIN_CURRENT + 5], None, Some("hunter2")),
            Err(Error::ExportWrongPassword(_))
        ));
    }

    #[test]
    fn detection_wants_andotp_entries_or_a_plausible_header() {
        assert!(sniff(CURRENT.as_bytes()));
        assert!(sniff(OLD_LABELS.as_bytes()));
        assert!(sniff(&encrypt_current("[]", "x", 1)));
        assert!(!sniff(b"[]"));
        assert!(!sniff(br#"[{"name":"x"}]"#));
        assert!(!sniff(br#"{"services":[],"schemaVersion":4}"#));
        assert!(!sniff(&[0u8; MIN_CURRENT]), "iteration count 0");
        assert!(!sniff(&[0x00, 0x00, 0x03, 0xe8]), "too short");
        let over_cap = [&10_000_001u32.to_be_bytes()[..], &[0u8; MIN_CURRENT]].concat();
        assert!(!sniff(&over_cap), "iteration count over the cap");
    }

    // The decoder behind expected.jsonl keeps the old sample's accounts whole (label
    // `Deno - Deno:Mason` gives `Deno:Mason` under issuer Deno); Twofold drops the repeated
    // issuer, as it does for an otpauth label, so the account is `Mason`.
    #[test]
    fn real_andotp_backups_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "andotp",
            Format::AndOtp,
            Differences {
                // Its first bytes are its random nonce, not an iteration count.
                undetectable: &["andotp/andotp_encrypted_old.bin"],
                account: Some(|_, issuer, name| {
                    name.strip_prefix(&format!("{issuer}:"))
                        .unwrap_or(name)
                        .to_string()
                }),
                ..Differences::default()
            },
        );
    }
}
