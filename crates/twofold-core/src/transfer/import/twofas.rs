//! 2FAS Authenticator's backup (`.2fas`): a JSON object whose `services` are the accounts, or,
//! when the backup has a password, whose `servicesEncrypted` holds them sealed with AES-256-GCM
//! under a PBKDF2-SHA256 key. Groups become tags. Schemas 1 to 4 are read; each adds fields
//! (1: secret and label only, 2: algorithm, digits, period, 3: `tokenType`, 4: `link`), so a
//! field an older schema lacks simply takes the usual default.

use std::collections::HashMap;

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, not_format, text, Fields, Format, Parsed};
use crate::{Error, Result};

const FORMAT: Format = Format::TwoFas;
/// Fixed by 2FAS: every backup uses it.
const PBKDF2_ROUNDS: u32 = 10_000;

/// The top level of the file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    #[serde(default)]
    services: Vec<Service>,
    #[serde(default)]
    groups: Vec<Group>,
    schema_version: Option<Value>,
    services_encrypted: Option<String>,
    reference: Option<String>,
}

#[derive(Deserialize)]
struct Group {
    id: Option<Value>,
    name: Option<Value>,
}

/// One account. Every field but the secret is read loosely, so one odd entry is skipped
/// rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Service {
    name: Option<Value>,
    secret: Option<Zeroizing<String>>,
    group_id: Option<Value>,
    otp: Option<ServiceOtp>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ServiceOtp {
    /// The otpauth URI (schema 4); it holds the secret too.
    link: Option<Zeroizing<String>>,
    label: Option<Value>,
    account: Option<Value>,
    issuer: Option<Value>,
    digits: Option<Value>,
    period: Option<Value>,
    counter: Option<Value>,
    algorithm: Option<Value>,
    token_type: Option<Value>,
}

/// A JSON object with `services` and `schemaVersion`: what every 2FAS backup has.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        services: Option<serde::de::IgnoredAny>,
        schema_version: Option<serde::de::IgnoredAny>,
    }
    text(bytes)
        .filter(|t| t.trim_start().starts_with('{'))
        .and_then(|t| serde_json::from_str::<Probe>(t).ok())
        .is_some_and(|p| p.services.is_some() && p.schema_version.is_some())
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let backup: Backup = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
    let schema = match json::number::<u64>(&backup.schema_version, "schema version") {
        Ok(Some(v @ 1..=4)) => v,
        Ok(Some(v)) => {
            return Err(not_format(
                FORMAT,
                format!("its schema version {v} is not one Twofold knows (1 to 4)"),
            ))
        }
        _ => return Err(not_format(FORMAT, "it has no schema version")),
    };
    let services = match &backup.services_encrypted {
        Some(sealed) => {
            let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
            let plain = decrypt(sealed, backup.reference.as_deref(), password)?;
            serde_json::from_slice::<Vec<Service>>(&plain).map_err(|e| json::error(FORMAT, &e))?
        }
        None => backup.services,
    };
    let groups: HashMap<String, String> = backup
        .groups
        .iter()
        .filter_map(|g| Some((json::string(&g.id)?, json::string(&g.name)?)))
        .collect();
    Ok(services
        .into_iter()
        .enumerate()
        .map(|(i, s)| entry(s, schema, &groups, i + 1))
        .collect())
}

fn entry(s: Service, schema: u64, groups: &HashMap<String, String>, n: usize) -> Parsed {
    let otp = s.otp.unwrap_or_default();
    // `otp.issuer` is what the site said; `name` is what the user calls it in 2FAS, and the
    // only one schema 1 files are sure to have.
    let issuer = json::string(&otp.issuer)
        .or_else(|| json::string(&s.name))
        .unwrap_or_default();
    let account = json::string(&otp.account)
        .or_else(|| {
            // Before schema 4 the label is `Issuer:Account`; from 4 it is the account alone.
            json::string(&otp.label).map(|l| match l.split_once(':') {
                Some((_, account)) if schema < 4 => account.trim().to_string(),
                _ => l,
            })
        })
        .or_else(|| otp.link.as_deref().and_then(|l| link_account(l)))
        .unwrap_or_default();
    let fields = Fields {
        kind: json::string(&otp.token_type),
        issuer,
        account,
        secret: s.secret.unwrap_or_default(),
        algorithm: json::string(&otp.algorithm),
        tags: json::string(&s.group_id)
            .and_then(|id| groups.get(&id).cloned())
            .into_iter()
            .collect(),
        ..Fields::default()
    };
    fields.complete(n, |fields| {
        fields.digits = json::number(&otp.digits, "digits")?;
        fields.period = json::number(&otp.period, "period")?;
        fields.counter = json::number(&otp.counter, "counter")?;
        Ok(())
    })
}

/// The account part of an otpauth URI's label (never its query, which holds the secret).
fn link_account(link: &str) -> Option<String> {
    let path = link.split('?').next()?;
    let label = path.rsplit('/').next()?;
    let label = percent_encoding::percent_decode_str(label).decode_utf8_lossy();
    let account = label.split_once(':').map_or(&*label, |(_, a)| a).trim();
    (!account.is_empty()).then(|| account.to_string())
}

/// The services array from `servicesEncrypted`. The `reference` (a known text sealed under
/// the same key) tells a wrong password apart from a damaged file; without one, a failure
/// to open the services is taken as a wrong password, the likelier cause.
fn decrypt(sealed: &str, reference: Option<&str>, password: &str) -> Result<Zeroizing<Vec<u8>>> {
    let services = Sealed::parse(sealed, "servicesEncrypted")?;
    let key = derive(password, &services.salt);
    if let Some(reference) = reference {
        let reference = Sealed::parse(reference, "reference")?;
        let key = if reference.salt == services.salt {
            key.clone()
        } else {
            derive(password, &reference.salt)
        };
        reference
            .open(&key)
            .ok_or(Error::ExportWrongPassword(FORMAT.title()))?;
        return services.open(&key).ok_or_else(|| {
            not_format(
                FORMAT,
                "the password is right but the accounts do not decrypt: it is damaged",
            )
        });
    }
    services
        .open(&key)
        .ok_or(Error::ExportWrongPassword(FORMAT.title()))
}

fn derive(password: &str, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, PBKDF2_ROUNDS, key.as_mut());
    key
}

/// `b64(ciphertext || tag) ":" b64(salt) ":" b64(iv)`.
struct Sealed {
    ciphertext: Vec<u8>,
    salt: Vec<u8>,
    iv: Vec<u8>,
}

impl Sealed {
    fn parse(s: &str, what: &str) -> Result<Sealed> {
        let bad = |why: &str| not_format(FORMAT, format!("its {what} {why}"));
        let b64 = |part: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(part.trim())
                .map_err(|_| bad("is not base64"))
        };
        let mut parts = s.split(':');
        let (Some(ct), Some(salt), Some(iv), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("is not three parts"));
        };
        let sealed = Sealed {
            ciphertext: b64(ct)?,
            salt: b64(salt)?,
            iv: b64(iv)?,
        };
        if sealed.iv.len() != 12 || sealed.ciphertext.len() < 16 || sealed.salt.is_empty() {
            return Err(bad("has parts of the wrong size"));
        }
        Ok(sealed)
    }

    fn open(&self, key: &[u8; 32]) -> Option<Zeroizing<Vec<u8>>> {
        crate::vault::keys::open(key, &self.iv, &self.ciphertext, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{row, tags};
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind};

    const SCHEMA_1: &str = r#"{"appOrigin":"android","appVersionCode":300101,"schemaVersion":1,
        "services":[
          {"name":"ACME","secret":"JBSWY3DPEHPK3PXP","otp":{"label":"ACME:alice","account":"alice","issuer":"ACME"}},
          {"name":"Corp","secret":"gezdgnbvgy3tqojq","otp":{"label":"Corp:bob"}},
          {"name":"Bad","secret":"JBSWY3DPEHPK3PX1","otp":{"account":"carol"}}
        ]}"#;

    const SCHEMA_2: &str = r#"{"schemaVersion":2,"appOrigin":"ios","updatedAt":1,
        "groups":[{"id":"g1","name":"Work","isExpanded":true}],
        "services":[
          {"name":"ACME","secret":"JBSWY3DPEHPK3PXP","groupId":"g1",
           "otp":{"label":"ACME:alice","account":"alice","issuer":"ACME","digits":8,"period":60,"algorithm":"SHA256","counter":0}},
          {"name":"Nameless","secret":"JBSWY3DPEHPK3PXP","groupId":"gone","otp":{}}
        ]}"#;

    const SCHEMA_3: &str = r#"{"schemaVersion":3,"appOrigin":"android","services":[
          {"name":"Counter","secret":"GEZDGNBVGY3TQOJQ","otp":{"label":"Counter:dave","account":"dave","issuer":"Counter","digits":7,"algorithm":"SHA512","counter":42,"tokenType":"HOTP"}},
          {"name":"Steam","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"gamer","digits":5,"period":30,"algorithm":"SHA1","tokenType":"STEAM"}},
          {"name":"Odd","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"eve","digits":"many","tokenType":"TOTP"}}
        ]}"#;

    const SCHEMA_4: &str = r#"{"services":[
          {"name":"Binance.com","secret":"JBSWY3DPEHPK3PXP","otp":{"link":"otpauth://totp/Binance:frank%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Binance","label":"frank@example.com","issuer":"Binance","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP","source":"Link"}},
          {"name":"Air Canada","secret":"JBSWY3DPEHPK3PXP","otp":{"link":"otpauth://totp/Air%20Canada:grace?secret=JBSWY3DPEHPK3PXP","tokenType":"TOTP"}},
          {"name":"Plain","secret":"JBSWY3DPEHPK3PXP","otp":{"label":"heidi","tokenType":"TOTP"}}
        ],"groups":[],"updatedAt":1,"schemaVersion":4,"appVersionCode":5000009,"appOrigin":"android"}"#;

    #[test]
    fn schema_1_is_all_default_totp_and_a_bad_secret_is_skipped_by_number() {
        let e = read(SCHEMA_1.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::TwoFas);
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        let totp = |i, a| (i, a, OtpKind::Totp, Algorithm::Sha1, 6, 30, 0, tags(&[]));
        assert_eq!(rows, [totp("ACME", "alice"), totp("Corp", "bob")]);
        assert_eq!(e.skipped.len(), 1);
        let s = &e.skipped[0];
        assert_eq!((s.entry, s.label.as_str()), (3, "Bad: carol"));
        assert!(s.reason.contains("not base32"), "{}", s.reason);
    }

    #[test]
    fn schema_2_reads_parameters_and_groups_become_tags() {
        let e = read(SCHEMA_2.as_bytes(), None, None).unwrap();
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
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
                    tags(&["Work"])
                ),
                // An unknown group is no tag; no label at all leaves the account empty.
                (
                    "Nameless",
                    "",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    6,
                    30,
                    0,
                    tags(&[])
                ),
            ]
        );
        assert!(e.skipped.is_empty());
    }

    #[test]
    fn schema_3_has_token_types_and_a_bad_number_skips_its_entry() {
        let e = read(SCHEMA_3.as_bytes(), None, None).unwrap();
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                (
                    "Counter",
                    "dave",
                    OtpKind::Hotp,
                    Algorithm::Sha512,
                    7,
                    30,
                    42,
                    tags(&[])
                ),
                (
                    "Steam",
                    "gamer",
                    OtpKind::Steam,
                    Algorithm::Sha1,
                    5,
                    30,
                    0,
                    tags(&[])
                ),
            ]
        );
        assert_eq!(e.skipped.len(), 1);
        let s = &e.skipped[0];
        assert_eq!((s.entry, s.label.as_str()), (3, "Odd: eve"));
        assert!(s.reason.contains("digits"), "{}", s.reason);
    }

    #[test]
    fn schema_4_label_is_the_account_and_the_link_is_the_last_resort() {
        let e = read(SCHEMA_4.as_bytes(), None, None).unwrap();
        let got: Vec<_> = e
            .accounts
            .iter()
            .map(|a| (a.uri.issuer.as_str(), a.uri.account.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Binance", "frank@example.com"),
                ("Air Canada", "grace"),
                ("Plain", "heidi")
            ]
        );
        assert!(e.skipped.is_empty());
    }

    /// Seals `services` the way 2FAS does, with a `reference` under the same key.
    fn encrypted(services: &str, password: &str) -> String {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let salt = [7u8; 256];
        let key = derive(password, &salt);
        let seal = |plain: &[u8]| {
            let (iv, ct) = crate::vault::keys::seal(&key, plain, &[]).unwrap();
            format!("{}:{}:{}", b64(&ct), b64(&salt), b64(&iv))
        };
        serde_json::json!({
            "services": [], "groups": [{"id": "g", "name": "Home"}], "updatedAt": 1,
            "schemaVersion": 4, "appVersionCode": 5000009, "appOrigin": "android",
            "servicesEncrypted": seal(services.as_bytes()),
            "reference": seal(b"tRViSsLKzd86Hprh4ceC2OP7"),
        })
        .to_string()
    }

    const SERVICES: &str = r#"[
        {"name":"ACME","secret":"JBSWY3DPEHPK3PXP","groupId":"g","otp":{"label":"alice","account":"alice","issuer":"ACME","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}},
        {"name":"Corp","secret":"GEZDGNBVGY3TQOJQ","otp":{"label":"bob","issuer":"Corp","digits":8,"algorithm":"SHA256","counter":3,"tokenType":"HOTP"}}
    ]"#;

    #[test]
    fn an_encrypted_backup_opens_with_its_password() {
        let file = encrypted(SERVICES, "hunter2");
        let e = read(file.as_bytes(), None, Some("hunter2")).unwrap();
        assert_eq!(e.format, Format::TwoFas);
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
                    tags(&["Home"])
                ),
                (
                    "Corp",
                    "bob",
                    OtpKind::Hotp,
                    Algorithm::Sha256,
                    8,
                    30,
                    3,
                    tags(&[])
                ),
            ]
        );
    }

    #[test]
    fn an_encrypted_backup_without_or_with_a_wrong_password_gives_no_account() {
        let file = encrypted(SERVICES, "hunter2");
        assert!(matches!(
            read(file.as_bytes(), None, None),
            Err(Error::ExportPasswordNeeded("2FAS backup"))
        ));
        assert!(matches!(
            read(file.as_bytes(), None, Some("hunter3")),
            Err(Error::ExportWrongPassword("2FAS backup"))
        ));
    }

    #[test]
    fn damaged_backups_are_refused_whole() {
        let file = encrypted(SERVICES, "hunter2");
        let mut v: Value = serde_json::from_str(&file).unwrap();
        // The services' ciphertext altered: the reference still opens, so this is damage.
        let sealed = v["servicesEncrypted"].as_str().unwrap().to_string();
        let flipped = format!("A{}", &sealed[1..]);
        let flipped = if flipped == sealed {
            format!("B{}", &sealed[1..])
        } else {
            flipped
        };
        v["servicesEncrypted"] = Value::String(flipped);
        let e = read(v.to_string().as_bytes(), None, Some("hunter2")).unwrap_err();
        assert!(matches!(e, Error::NotExport { .. }), "{e}");
        let damaged = [
            &file[..file.len() / 2],
            r#"{"services":[],"schemaVersion":4,"servicesEncrypted":"abc"}"#,
            r#"{"services":[],"schemaVersion":4,"servicesEncrypted":"!!:AA==:AA=="}"#,
            r#"{"services":[],"schemaVersion":9}"#,
            r#"{"services":"nope","schemaVersion":4}"#,
        ];
        for d in damaged {
            let e = read(d.as_bytes(), Some(Format::TwoFas), Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{d}: {e}");
        }
        for d in [&b""[..], b"\xff\x00garbage"] {
            assert!(read(d, Some(Format::TwoFas), None).is_err());
        }
    }

    #[test]
    fn only_2fas_shaped_json_is_taken_for_it() {
        assert!(sniff(SCHEMA_4.as_bytes()));
        assert!(sniff(encrypted("[]", "x").as_bytes()));
        assert!(!sniff(br#"{"services":[]}"#));
        assert!(!sniff(br#"[{"secret":"JBSWY3DPEHPK3PXP"}]"#));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
        assert!(!sniff(b""));
    }

    #[test]
    fn real_2fas_backups_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check("2fas", Format::TwoFas, Differences::default());
    }
}
