//! Proton Authenticator's export: a JSON object whose `entries` each hold an `otpauth://` URI
//! (or `steam://<secret>` for Steam Guard) and the name the user gave it, or, when exported
//! with a password, whose `content` holds that same JSON sealed with AES-256-GCM under an
//! Argon2id key. Proton fixes the Argon2 parameters and the associated data, so the file
//! carries only the salt. Notes are not imported.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, kdf, not_format, text, uri_list, Fields, Format, Parsed, Skipped};
use crate::otp::uri::OtpUri;
use crate::vault::keys::open;
use crate::vault::NewAccount;
use crate::{Error, Result};

const FORMAT: Format = Format::Proton;
/// Bound to every encrypted export, so a Proton file cannot be opened as something else.
const AAD: &[u8] = b"proton.authenticator.export.v1";
// Proton's fixed Argon2id cost (the OWASP minimum): 19 MiB, 2 passes, 1 lane.
const ARGON2_M_KIB: u32 = 19_456;
const ARGON2_T: u32 = 2;
const ARGON2_P: u32 = 1;
const NONCE: usize = 12;
const TAG: usize = 16;
/// Proton writes 16 bytes; Argon2 needs at least 8, and a longer one only costs hashing.
const SALT: std::ops::RangeInclusive<usize> = 8..=64;

/// The top level, plain (`entries`) or encrypted (`salt` and `content`).
#[derive(Deserialize)]
struct Export {
    version: Option<Value>,
    entries: Option<Vec<Entry>>,
    salt: Option<String>,
    content: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    content: Option<Content>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Content {
    uri: Option<Zeroizing<String>>,
    name: Option<Value>,
}

/// A JSON object with `version` and either `entries` or `salt` and `content`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<serde::de::IgnoredAny>,
        entries: Option<serde::de::IgnoredAny>,
        salt: Option<serde::de::IgnoredAny>,
        content: Option<serde::de::IgnoredAny>,
    }
    text(bytes)
        .filter(|t| t.trim_start().starts_with('{'))
        .and_then(|t| serde_json::from_str::<Probe>(t).ok())
        .is_some_and(|p| {
            p.version.is_some()
                && (p.entries.is_some() || (p.salt.is_some() && p.content.is_some()))
        })
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let export: Export = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
    match json::number::<u64>(&export.version, "version") {
        Ok(Some(1)) => {}
        Ok(Some(v)) => {
            return Err(not_format(
                FORMAT,
                format!("its version {v} is not one Twofold knows (1)"),
            ))
        }
        _ => return Err(not_format(FORMAT, "it has no version")),
    }
    let entries = match (export.entries, export.content) {
        (Some(entries), None) => entries,
        (None, Some(content)) => {
            let plain = decrypt(&content, export.salt.as_deref(), password)?;
            let inner: Export =
                serde_json::from_slice(&plain).map_err(|e| json::error(FORMAT, &e))?;
            inner
                .entries
                .ok_or_else(|| not_format(FORMAT, "its decrypted content has no entries"))?
        }
        _ => {
            return Err(not_format(
                FORMAT,
                "it has neither entries nor encrypted content",
            ))
        }
    };
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| entry(e, i + 1))
        .collect())
}

fn entry(e: Entry, n: usize) -> Parsed {
    let c = e.content.unwrap_or_default();
    let name = json::string(&c.name).unwrap_or_default();
    let uri = c.uri.unwrap_or_default();
    let uri = uri.trim();
    let label = if name.is_empty() {
        uri_list::label_of(uri)
    } else {
        name.clone()
    };
    if uri.is_empty() {
        return Err(Skipped {
            entry: n,
            label,
            reason: "it has no uri".into(),
        });
    }
    if let Some(secret) = uri
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("steam://"))
        .map(|_| &uri[8..])
    {
        // Steam Guard has fixed parameters; the URI is only the secret, the name is the account.
        return Fields {
            kind: Some("steam".into()),
            issuer: "Steam".into(),
            account: name,
            secret: Zeroizing::new(secret.to_string()),
            ..Fields::default()
        }
        .into_account(n);
    }
    OtpUri::parse(uri)
        .map(|uri| NewAccount {
            uri,
            name: None,
            tags: Vec::new(),
        })
        .map_err(|e| Skipped {
            entry: n,
            label,
            reason: e.to_string(),
        })
}

/// The plain export's JSON from `content` (`b64(nonce || ciphertext || tag)`).
fn decrypt(
    content: &str,
    salt: Option<&str>,
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>> {
    let b64 = |s: &str, what: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map_err(|_| not_format(FORMAT, format!("its {what} is not base64")))
    };
    let salt = b64(
        salt.ok_or_else(|| not_format(FORMAT, "it has no salt"))?,
        "salt",
    )?;
    if !SALT.contains(&salt.len()) {
        return Err(not_format(FORMAT, "its salt has the wrong size"));
    }
    let sealed = b64(content, "content")?;
    if sealed.len() < NONCE + TAG {
        return Err(not_format(FORMAT, "its content is cut short"));
    }
    let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
    let key = kdf::argon2id(password, &salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P)
        .ok_or_else(|| not_format(FORMAT, "its salt is not usable"))?;
    // GCM cannot tell a wrong key from altered bytes; a wrong password is the likelier cause.
    open(&key, &sealed[..NONCE], &sealed[NONCE..], AAD)
        .ok_or(Error::ExportWrongPassword(FORMAT.title()))
}

#[cfg(test)]
mod tests {
    use super::super::read;
    use super::*;
    use crate::otp::{Algorithm, OtpKind};

    const PLAIN: &str = r#"{"version":1,"entries":[
        {"id":"1","content":{"uri":"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&digits=8&period=60","entry_type":"Totp","name":"alice"},"note":"work"},
        {"id":"2","content":{"uri":"steam://GEZDGNBVGY3TQOJQ","entry_type":"Steam","name":"gamer"},"note":null},
        {"id":"3","content":{"uri":"otpauth://totp/Bad:bob?secret=JBSWY3DPEHPK3PX1","entry_type":"Totp","name":"bob"},"note":null},
        {"id":"4","content":{"entry_type":"Totp","name":"carol"},"note":null},
        {"id":"5","content":{"uri":"otpauth://totp/:dave?secret=JBSWY3DPEHPK3PXP&issuer=%2Fe%2F","entry_type":"Totp","name":"dave"},"note":null}
    ]}"#;

    /// `(issuer, account, kind, algorithm, digits, period)` of each account.
    fn rows(e: &super::super::Export) -> Vec<(&str, &str, OtpKind, Algorithm, u32, u64)> {
        e.accounts
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
                )
            })
            .collect()
    }

    #[test]
    fn a_plain_export_gives_its_accounts_and_names_the_bad_entries() {
        let e = read(PLAIN.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::Proton);
        assert_eq!(
            rows(&e),
            [
                ("ACME", "alice", OtpKind::Totp, Algorithm::Sha256, 8, 60),
                ("Steam", "gamer", OtpKind::Steam, Algorithm::Sha1, 5, 30),
                ("/e/", "dave", OtpKind::Totp, Algorithm::Sha1, 6, 30),
            ]
        );
        assert_eq!(e.numbers, [1, 2, 5]);
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(skipped, [(3, "bob"), (4, "carol")]);
        assert!(
            e.skipped[0].reason.contains("character 16"),
            "{}",
            e.skipped[0]
        );
        assert!(!e.skipped[0].to_string().contains("JBSW"), "no secret told");
        assert!(e.skipped[1].reason.contains("no uri"), "{}", e.skipped[1]);
    }

    /// Seals `plain` the way Proton does.
    fn encrypted(plain: &str, password: &str) -> String {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let salt = [9u8; 16];
        let key = kdf::argon2id(password, &salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P).unwrap();
        let (nonce, ct) = crate::vault::keys::seal(&key, plain.as_bytes(), AAD).unwrap();
        let content = [&nonce[..], &ct].concat();
        serde_json::json!({"version": 1, "salt": b64(&salt), "content": b64(&content)}).to_string()
    }

    #[test]
    fn an_encrypted_export_opens_with_its_password_only() {
        let file = encrypted(PLAIN, "hunter2");
        let e = read(file.as_bytes(), None, Some("hunter2")).unwrap();
        assert_eq!(e.format, Format::Proton);
        assert_eq!(e.accounts.len(), 3);
        assert_eq!(e.skipped.len(), 2);
        assert!(matches!(
            read(file.as_bytes(), None, None),
            Err(Error::ExportPasswordNeeded("Proton Authenticator export"))
        ));
        assert!(matches!(
            read(file.as_bytes(), None, Some("hunter3")),
            Err(Error::ExportWrongPassword("Proton Authenticator export"))
        ));
    }

    #[test]
    fn damaged_exports_are_refused_whole() {
        let file = encrypted(PLAIN, "hunter2");
        let mut v: Value = serde_json::from_str(&file).unwrap();
        let content = v["content"].as_str().unwrap().to_string();
        v["content"] = Value::String(content[..content.len() - 8].to_string() + "AAAAAAA=");
        assert!(matches!(
            read(v.to_string().as_bytes(), None, Some("hunter2")),
            Err(Error::ExportWrongPassword(_))
        ));
        let damaged = [
            &file[..file.len() / 2],
            &PLAIN[..PLAIN.len() - 3],
            r#"{"version":2,"entries":[]}"#,
            r#"{"entries":[]}"#,
            r#"{"version":1}"#,
            r#"{"version":1,"salt":"!!","content":"AAAA"}"#,
            r#"{"version":1,"salt":"CQkJCQkJCQkJCQkJCQkJCQ==","content":"AAAA"}"#,
            r#"{"version":1,"content":"AAAA"}"#,
        ];
        for d in damaged {
            let e = read(d.as_bytes(), Some(Format::Proton), Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{d}: {e}");
        }
        let inner_not_json = {
            let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
            let salt = [1u8; 16];
            let key = kdf::argon2id("pw", &salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P).unwrap();
            let (nonce, ct) = crate::vault::keys::seal(&key, b"not json", AAD).unwrap();
            serde_json::json!({"version": 1, "salt": b64(&salt), "content": b64(&[&nonce[..], &ct].concat())})
                .to_string()
        };
        let e = read(inner_not_json.as_bytes(), None, Some("pw")).unwrap_err();
        assert!(matches!(e, Error::NotExport { .. }), "{e}");
    }

    #[test]
    fn only_proton_shaped_json_is_taken_for_it() {
        assert!(sniff(PLAIN.as_bytes()));
        assert!(sniff(br#"{"version":1,"salt":"","content":""}"#));
        assert!(!sniff(br#"{"version":1,"content":""}"#));
        assert!(!sniff(br#"{"entries":[]}"#));
        assert!(!sniff(br#"[{"version":1,"entries":[]}]"#));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn real_proton_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "proton_authenticator",
            Format::Proton,
            Differences::default(),
        );
    }
}
