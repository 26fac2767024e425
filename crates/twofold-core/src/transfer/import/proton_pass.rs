//! The two-factor codes in a Proton Pass export (the password manager, not Proton
//! Authenticator). Its zip export holds `Proton Pass/data.json`: `{encrypted, vaults: {id:
//! {name, items}}}`, each login item with its code in `data.content.totpUri` and more in
//! `data.extraFields` of type `totp`; its CSV export has a `totp` column. Only items with a code
//! are entries. `totpUri` is an `otpauth://` URI or, for items imported into Pass, a bare base32
//! secret; the item's name and email (or username) fill what the URI leaves out, and the vault's
//! name becomes a tag. Items in Pass's trash are listed as skipped.
//!
//! Pass's encrypted export (`.pgp`, a PGP message sealed with a passphrase) is refused with a
//! request to export without encryption: reading OpenPGP is more than an import needs.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::table::Table;
use super::zipped::{self, Zip};
use super::{json, not_format, text, Fields, Format, Parsed, Skipped};
use crate::otp::uri::OtpUri;
use crate::vault::NewAccount;
use crate::Result;

const FORMAT: Format = Format::ProtonPass;
const MEMBER: &str = "Proton Pass/data.json";
const ARMOR: &str = "-----BEGIN PGP MESSAGE-----";
/// The armor line in base64: older Pass versions wrote the armored message base64-encoded.
const ARMOR_B64: &str = "LS0tLS1CRUdJTiBQR1AgTUVTU0FHRS0tLS0t";
/// Pass's item state for "in the trash".
const TRASHED: u64 = 2;

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    encrypted: bool,
    vaults: BTreeMap<String, Vault>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Vault {
    name: Option<Value>,
    items: Vec<Value>,
}

/// One item, read loosely so an odd one is skipped rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    state: Option<Value>,
    data: Data,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Data {
    metadata: Metadata,
    extra_fields: Vec<ExtraField>,
    content: Content,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Metadata {
    name: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Content {
    item_email: Option<Value>,
    item_username: Option<Value>,
    totp_uri: Option<Zeroizing<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ExtraField {
    field_name: Option<Value>,
    #[serde(rename = "type")]
    kind: Option<Value>,
    data: ExtraData,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ExtraData {
    totp_uri: Option<Zeroizing<String>>,
}

/// A zip holding `Proton Pass/data.json`, that JSON itself, Pass's CSV (a header with `totp`
/// and `vault`), or Pass's PGP-sealed export.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    if let Some(names) = zipped::names(bytes) {
        return names.iter().any(|n| n == MEMBER);
    }
    let Some(t) = text(bytes) else {
        return false;
    };
    let start = t.trim_start();
    if start.starts_with(ARMOR) || start.starts_with(ARMOR_B64) {
        return true;
    }
    if start.starts_with('{') {
        #[derive(Deserialize)]
        struct Probe {
            encrypted: Option<serde::de::IgnoredAny>,
            vaults: Option<serde::de::IgnoredAny>,
        }
        return serde_json::from_str::<Probe>(t)
            .is_ok_and(|p| p.encrypted.is_some() && p.vaults.is_some());
    }
    start.lines().next().is_some_and(|header| {
        let cols: Vec<&str> = header.split(',').map(str::trim).collect();
        ["name", "totp", "vault"].iter().all(|c| cols.contains(c))
    })
}

pub(super) fn parse(bytes: &[u8], _password: Option<&str>) -> Result<Vec<Parsed>> {
    if zipped::is_zip(bytes) {
        let mut zip = Zip::open(bytes, FORMAT)?;
        if zip.find(|n| n == MEMBER).is_none() {
            return Err(not_format(FORMAT, format!("it holds no {MEMBER}")));
        }
        return parse_json(&zip.read(MEMBER, None)?);
    }
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is neither a zip nor text"))?;
    let start = t.trim_start();
    if start.starts_with(ARMOR) || start.starts_with(ARMOR_B64) {
        return Err(encrypted());
    }
    if start.starts_with('{') {
        return parse_json(t.as_bytes());
    }
    parse_csv(t)
}

fn encrypted() -> crate::Error {
    not_format(
        FORMAT,
        "it is encrypted with PGP, which Twofold does not read; export again from Proton Pass \
         choosing the unencrypted zip (or CSV), import it, then delete it",
    )
}

fn parse_json(bytes: &[u8]) -> Result<Vec<Parsed>> {
    let export: Export = serde_json::from_slice(bytes).map_err(|e| json::error(FORMAT, &e))?;
    if export.encrypted {
        return Err(encrypted());
    }
    let mut out = Vec::new();
    for vault in export.vaults.into_values() {
        let vault_name = json::string(&vault.name);
        for item in vault.items {
            let item: Item = serde_json::from_value(item).unwrap_or_default();
            let name = json::string(&item.data.metadata.name).unwrap_or_default();
            let content = &item.data.content;
            let login = json::string(&content.item_email)
                .or_else(|| json::string(&content.item_username))
                .unwrap_or_default();
            let trashed = json::number::<u64>(&item.state, "state") == Ok(Some(TRASHED));
            let mut codes: Vec<(Zeroizing<String>, String)> = Vec::new();
            if let Some(uri) = content.totp_uri.clone().filter(|u| !u.trim().is_empty()) {
                codes.push((uri, login.clone()));
            }
            for field in &item.data.extra_fields {
                let is_totp = json::string(&field.kind).is_some_and(|k| k == "totp");
                if let Some(uri) = field
                    .data
                    .totp_uri
                    .clone()
                    .filter(|u| is_totp && !u.trim().is_empty())
                {
                    let account = json::string(&field.field_name).unwrap_or_else(|| login.clone());
                    codes.push((uri, account));
                }
            }
            for (totp, account) in codes {
                let row = Row {
                    name: name.clone(),
                    account,
                    totp,
                    vault: vault_name.clone(),
                };
                let n = out.len() + 1;
                out.push(if trashed {
                    Err(row.skipped(n, "it is in Proton Pass's trash".into()))
                } else {
                    row.into_account(n)
                });
            }
        }
    }
    Ok(out)
}

/// The CSV export, read by its header's column names; rows without a code are not entries.
fn parse_csv(t: &str) -> Result<Vec<Parsed>> {
    let table = Table::read(t, FORMAT)?;
    let col = |name: &str| table.col(name);
    let totp = col("totp").ok_or_else(|| not_format(FORMAT, "it has no totp column"))?;
    let mut out = Vec::new();
    for record in &table.rows {
        let get = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or_default();
        let code = Zeroizing::new(get(Some(totp)).to_string());
        if code.is_empty() {
            continue;
        }
        let email = get(col("email"));
        let row = Row {
            name: get(col("name")).to_string(),
            account: if email.is_empty() {
                get(col("username")).to_string()
            } else {
                email.to_string()
            },
            totp: code,
            vault: Some(get(col("vault")).to_string()).filter(|v| !v.is_empty()),
        };
        out.push(row.into_account(out.len() + 1));
    }
    Ok(out)
}

/// One code and the item it belongs to.
struct Row {
    name: String,
    account: String,
    totp: Zeroizing<String>,
    vault: Option<String>,
}

impl Row {
    fn skipped(&self, n: usize, reason: String) -> Skipped {
        let label = Fields {
            issuer: self.name.clone(),
            account: self.account.clone(),
            ..Fields::default()
        }
        .label();
        Skipped {
            entry: n,
            label,
            reason,
        }
    }

    fn into_account(self, n: usize) -> Parsed {
        let totp = self.totp.trim();
        let tags: Vec<String> = self.vault.iter().cloned().collect();
        if totp
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("otpauth://"))
        {
            // Pass writes codes added by secret with an empty label (`otpauth://totp/?secret=`):
            // the item's name and account become the label then.
            let labelled = with_label(totp, &self.name, &self.account);
            return match OtpUri::parse(labelled.as_deref().map_or(totp, |l| l.as_str())) {
                Ok(mut uri) => {
                    // The URI's own issuer and account win; the item fills what it leaves out.
                    if uri.issuer.is_empty() {
                        uri.issuer = self.name.clone();
                    }
                    if uri.account.is_empty() {
                        uri.account = self.account.clone();
                    }
                    Ok(NewAccount {
                        uri,
                        name: None,
                        tags,
                    })
                }
                Err(e) => Err(self.skipped(n, e.to_string())),
            };
        }
        Fields {
            issuer: self.name,
            account: self.account,
            secret: Zeroizing::new(totp.to_string()),
            tags,
            ..Fields::default()
        }
        .into_account(n)
    }
}

/// `uri` with the label `issuer:account` when its own label is empty, else `None`.
fn with_label(uri: &str, issuer: &str, account: &str) -> Option<Zeroizing<String>> {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let (head, query) = uri.split_once('?')?;
    let (kind, label) = head.rsplit_once('/')?;
    if !label.trim().is_empty() || (issuer.is_empty() && account.is_empty()) {
        return None;
    }
    Some(Zeroizing::new(format!(
        "{kind}/{}:{}?{query}",
        utf8_percent_encode(issuer, NON_ALPHANUMERIC),
        utf8_percent_encode(account, NON_ALPHANUMERIC)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{row, tags};
    use super::super::zipped::tests::{zip, Seal};
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind};
    use crate::Error;

    fn data() -> String {
        serde_json::json!({
            "version": "1.21.2",
            "userId": "u1",
            "encrypted": false,
            "vaults": {
                "share-a": {
                    "name": "Work",
                    "description": "",
                    "display": {"color": 0, "icon": 0},
                    "items": [
                        {"itemId": "i1", "shareId": "share-a", "state": 1, "data": {
                            "metadata": {"name": "ACME", "note": "", "itemUuid": "x"},
                            "extraFields": [
                                {"fieldName": "backup device", "type": "totp", "data": {"totpUri": "otpauth://totp/?secret=GEZDGNBVGY3TQOJQ&digits=8"}},
                                {"fieldName": "pin", "type": "hidden", "data": {"content": "1234"}}
                            ],
                            "type": "login",
                            "content": {"itemEmail": "alice@acme.test", "itemUsername": "", "password": "pw", "urls": [],
                                        "totpUri": "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&period=60", "passkeys": []}
                        }},
                        {"itemId": "i2", "shareId": "share-a", "state": 1, "data": {
                            "metadata": {"name": "No code"}, "extraFields": [], "type": "login",
                            "content": {"itemEmail": "", "itemUsername": "x", "password": "pw", "totpUri": ""}
                        }},
                        {"itemId": "i3", "shareId": "share-a", "state": 1, "data": {
                            "metadata": {"name": "Imported"}, "extraFields": [], "type": "login",
                            "content": {"itemEmail": "", "itemUsername": "bob", "totpUri": "jbsw y3dp ehpk 3pxp"}
                        }},
                        {"itemId": "i4", "shareId": "share-a", "state": 1, "data": {
                            "metadata": {"name": "Broken"}, "extraFields": [], "type": "login",
                            "content": {"itemEmail": "carol@x.test", "totpUri": "otpauth://totp/Broken?secret=JBSWY3DPEHPK3PX1"}
                        }},
                        {"itemId": "i5", "shareId": "share-a", "state": 2, "data": {
                            "metadata": {"name": "Old"}, "extraFields": [], "type": "login",
                            "content": {"itemEmail": "dave@x.test", "totpUri": "otpauth://totp/Old?secret=JBSWY3DPEHPK3PXP"}
                        }},
                        {"itemId": "i6", "shareId": "share-a", "state": 1, "data": {
                            "metadata": {"name": "A note"}, "extraFields": [], "type": "note", "content": {}
                        }}
                    ]
                }
            }
        })
        .to_string()
    }

    #[test]
    fn the_zip_export_gives_every_code_of_every_login() {
        let bytes = zip(&[(MEMBER, data().as_bytes())], Seal::Plain);
        let e = read(&bytes, None, None).unwrap();
        assert_eq!(e.format, Format::ProtonPass);
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                (
                    "ACME",
                    "alice",
                    OtpKind::Totp,
                    Algorithm::Sha256,
                    6,
                    60,
                    0,
                    tags(&["Work"])
                ),
                (
                    "ACME",
                    "backup device",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    8,
                    30,
                    0,
                    tags(&["Work"])
                ),
                (
                    "Imported",
                    "bob",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    6,
                    30,
                    0,
                    tags(&["Work"])
                ),
            ]
        );
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [(4, "Broken: carol@x.test"), (5, "Old: dave@x.test")]
        );
        assert!(e.skipped[1].reason.contains("trash"), "{}", e.skipped[1]);
        // data.json on its own reads the same.
        assert_eq!(
            read(data().as_bytes(), None, None).unwrap().accounts.len(),
            3
        );
    }

    #[test]
    fn the_csv_export_reads_its_totp_column() {
        let csv = "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault\n\
            login,ACME,https://acme.test,alice@acme.test,,pw,\"a, note\",otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME,1700000000,1700000000,Personal\n\
            login,Plain,,,bob,pw,,,1700000000,1700000000,Personal\n\
            login,Bare,,,carol,pw,,JBSWY3DPEHPK3PXP,1700000000,1700000000,\n\
            login,Bad,,,dave,pw,,not a secret!,1700000000,1700000000,Personal\n";
        let e = read(csv.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::ProtonPass);
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
                    tags(&["Personal"])
                ),
                (
                    "Bare",
                    "carol",
                    OtpKind::Totp,
                    Algorithm::Sha1,
                    6,
                    30,
                    0,
                    tags(&[])
                ),
            ]
        );
        assert_eq!(
            (e.skipped[0].entry, e.skipped[0].label.as_str()),
            (3, "Bad: dave")
        );
    }

    #[test]
    fn an_encrypted_export_is_refused_with_what_to_do() {
        let armored = "-----BEGIN PGP MESSAGE-----\n\nwy4ECQMI...\n-----END PGP MESSAGE-----\n";
        use base64::Engine as _;
        let old = base64::engine::general_purpose::STANDARD.encode(armored);
        for file in [armored.to_string(), old] {
            assert_eq!(super::super::detect(file.as_bytes()).ok(), Some(FORMAT));
            let e = read(file.as_bytes(), None, Some("pw")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{e}");
            assert!(e.to_string().contains("unencrypted"), "{e}");
        }
        let sealed_json = r#"{"version":"1","encrypted":true,"vaults":{}}"#;
        assert!(read(sealed_json.as_bytes(), Some(FORMAT), None).is_err());
    }

    #[test]
    fn damaged_exports_are_refused_whole() {
        let bytes = zip(&[(MEMBER, data().as_bytes())], Seal::Plain);
        assert!(read(&bytes[..bytes.len() / 2], Some(FORMAT), None).is_err());
        let d = data();
        let cut = zip(&[(MEMBER, &d.as_bytes()[..d.len() / 2])], Seal::Plain);
        assert!(matches!(
            read(&cut, None, None),
            Err(Error::NotExport { .. })
        ));
        let other = zip(&[("data.json", d.as_bytes())], Seal::Plain);
        assert!(matches!(
            read(&other, Some(FORMAT), None),
            Err(Error::NotExport { .. })
        ));
    }
}
