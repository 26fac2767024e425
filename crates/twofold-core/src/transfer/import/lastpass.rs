//! LastPass Authenticator's JSON export: `accounts`, each with its base32 secret and code
//! parameters, and `folders`, which become tags. The export is not encrypted.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, not_format, text, Fields, Format, Parsed};
use crate::Result;

const FORMAT: Format = Format::LastPass;

#[derive(Deserialize)]
struct Export {
    accounts: Vec<Account>,
    #[serde(default)]
    folders: Vec<Folder>,
}

#[derive(Deserialize)]
struct Folder {
    id: Option<Value>,
    name: Option<Value>,
}

/// One account. Read loosely, so one odd entry is skipped rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Account {
    issuer_name: Option<Value>,
    user_name: Option<Value>,
    secret: Option<Zeroizing<String>>,
    time_step: Option<Value>,
    digits: Option<Value>,
    algorithm: Option<Value>,
    folder_data: Option<FolderData>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct FolderData {
    folder_id: Option<Value>,
}

/// A JSON object with `accounts` and `deviceName`, or whose accounts have `issuerName`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        accounts: Option<Vec<AccountProbe>>,
        device_name: Option<serde::de::IgnoredAny>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AccountProbe {
        issuer_name: Option<serde::de::IgnoredAny>,
    }
    text(bytes)
        .filter(|t| t.trim_start().starts_with('{'))
        .and_then(|t| serde_json::from_str::<Probe>(t).ok())
        .is_some_and(|p| match p.accounts {
            Some(a) => {
                p.device_name.is_some()
                    || (!a.is_empty() && a.iter().all(|a| a.issuer_name.is_some()))
            }
            None => false,
        })
}

pub(super) fn parse(bytes: &[u8], _password: Option<&str>) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let export: Export = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
    let folders: HashMap<String, String> = export
        .folders
        .iter()
        .filter_map(|f| Some((json::string(&f.id)?, json::string(&f.name)?)))
        .collect();
    Ok(export
        .accounts
        .into_iter()
        .enumerate()
        .map(|(i, a)| entry(a, &folders, i + 1))
        .collect())
}

fn entry(a: Account, folders: &HashMap<String, String>, n: usize) -> Parsed {
    // An empty issuer or user name stays empty: the other one still names the account, and
    // copying it over would make it look like both.
    let fields = Fields {
        issuer: json::string(&a.issuer_name).unwrap_or_default(),
        account: json::string(&a.user_name).unwrap_or_default(),
        secret: a.secret.unwrap_or_default(),
        algorithm: json::string(&a.algorithm),
        tags: a
            .folder_data
            .and_then(|f| json::string(&f.folder_id))
            .and_then(|id| folders.get(&id).cloned())
            .into_iter()
            .collect(),
        ..Fields::default()
    };
    fields.complete(n, |fields| {
        fields.digits = json::number(&a.digits, "digits")?;
        fields.period = json::number(&a.time_step, "time step")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{read, Format};
    use super::*;
    use crate::otp::Algorithm;

    const EXPORT: &str = r#"{"deviceId":"","deviceSecret":"","localDeviceId":"x","deviceName":"Phone","version":3,
      "accounts":[
        {"accountID":"a","issuerName":"ACME","originalIssuerName":"acme","userName":"alice","originalUserName":"a",
         "secret":"JBSWY3DPEHPK3PXP","timeStep":30,"digits":6,"algorithm":"SHA1","isFavorite":false,
         "folderData":{"folderId":2,"position":0},"creationTimestamp":1},
        {"accountID":"b","issuerName":"Corp","userName":"","secret":"gezdgnbvgy3tqojq","timeStep":60,"digits":8,
         "algorithm":"SHA256","folderData":{"folderId":0,"position":1}},
        {"accountID":"c","issuerName":"","userName":"carol","secret":"JBSWY3DPEHPK3PX","timeStep":30,"digits":6,
         "algorithm":"SHA1"},
        {"accountID":"d","issuerName":"Odd","userName":"dave","secret":"JBSWY3DPEHPK3PXP","timeStep":"soon","digits":6},
        {"accountID":"e","issuerName":"","userName":"erin","secret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP","timeStep":30,
         "digits":6,"algorithm":"SHA512"}
      ],
      "folders":[{"id":1,"name":"Favorites","isOpened":true},{"id":0,"name":"Other accounts","isOpened":true},
                 {"id":2,"name":"Work","isOpened":false}],
      "backupInfo":{"creationDate":"2025-01-28T16:55:54.040","deviceOS":"android","appVersion":"2.21.3"}}"#;

    #[test]
    fn accounts_are_read_with_their_folders_and_bad_ones_skipped() {
        let e = read(EXPORT.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::LastPass);
        let got: Vec<_> = e
            .accounts
            .iter()
            .map(|a| {
                let o = &a.uri.otp;
                (
                    a.uri.issuer.as_str(),
                    a.uri.account.as_str(),
                    o.algorithm,
                    o.digits,
                    o.period,
                    a.tags.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "ACME",
                    "alice",
                    Algorithm::Sha1,
                    6,
                    30,
                    vec!["Work".to_string()]
                ),
                (
                    "Corp",
                    "",
                    Algorithm::Sha256,
                    8,
                    60,
                    vec!["Other accounts".into()]
                ),
                ("", "erin", Algorithm::Sha512, 6, 30, vec![]),
            ]
        );
        assert_eq!(e.numbers, [1, 2, 5]);
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(skipped, [(3, "carol"), (4, "Odd: dave")]);
        assert!(e.skipped[0].reason.contains("base32"), "{}", e.skipped[0]);
        assert!(
            e.skipped[1].reason.contains("time step"),
            "{}",
            e.skipped[1]
        );
    }

    #[test]
    fn damaged_exports_are_refused_whole() {
        for d in [
            &EXPORT[..EXPORT.len() / 2],
            r#"{"deviceName":"x","accounts":"nope"}"#,
            r#"{"deviceName":"x"}"#,
            "",
        ] {
            assert!(
                read(d.as_bytes(), Some(Format::LastPass), None).is_err(),
                "{d}"
            );
        }
    }

    #[test]
    fn only_lastpass_shaped_json_is_taken_for_it() {
        assert!(sniff(EXPORT.as_bytes()));
        assert!(sniff(br#"{"accounts":[{"issuerName":"x","secret":"y"}]}"#));
        assert!(!sniff(br#"{"accounts":[]}"#));
        assert!(!sniff(br#"{"encrypted":false,"items":[]}"#));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn real_lastpass_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "lastpass_authenticator",
            Format::LastPass,
            Differences::default(),
        );
    }
}
