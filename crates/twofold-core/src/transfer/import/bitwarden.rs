//! Bitwarden's vault export and Bitwarden Authenticator's export: JSON (plain, or sealed with
//! a password) or CSV. An item whose `login.totp` is set is an entry; every other item (cards,
//! notes, logins without a code) is not one at all. `login.totp` is an `otpauth://` URI, a
//! `steam://` secret or a bare base32 secret; for the last two the item's name is the issuer
//! and its username the account. Folders become tags.
//!
//! The password-protected JSON derives a key with PBKDF2-SHA256 or Argon2id (parameters from
//! the file, bounded before any work), stretches it with HKDF into an AES-256-CBC key and an
//! HMAC-SHA256 key, and seals `data` (the plain JSON) and a check value as "EncStrings". An
//! "account restricted" export is sealed with the account's own key, which Twofold cannot have.

use std::collections::HashMap;

use base64::Engine as _;
use hmac::Mac as _;
use serde::Deserialize;
use serde_json::Value;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::table::Table;
use super::{json, not_format, text, Fields, Format, Parsed, Skipped};
use crate::otp::uri::OtpUri;
use crate::vault::NewAccount;
use crate::{Error, Result};

const FORMAT: Format = Format::Bitwarden;
/// Bitwarden's default is 600,000; far more would let a damaged or hostile file stall the
/// import for minutes.
const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;
/// Argon2id bounds: Bitwarden allows up to 1 GiB, 10 passes and 16 lanes.
const MAX_ARGON2_MIB: u32 = 1024;
const MAX_ARGON2_ITERATIONS: u32 = 10;
const MAX_ARGON2_PARALLELISM: u32 = 16;

/// The top level of a JSON export, sealed or not.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    encrypted: Option<bool>,
    password_protected: Option<bool>,
    salt: Option<String>,
    kdf_type: Option<Value>,
    kdf_iterations: Option<Value>,
    kdf_memory: Option<Value>,
    kdf_parallelism: Option<Value>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    validation: Option<String>,
    data: Option<String>,
    #[serde(default)]
    items: Vec<Item>,
    #[serde(default)]
    folders: Vec<Folder>,
}

#[derive(Deserialize)]
struct Folder {
    id: Option<Value>,
    name: Option<Value>,
}

/// One vault item. Read loosely, so one odd item is skipped rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Item {
    name: Option<Value>,
    folder_id: Option<Value>,
    login: Option<Value>,
}

/// A JSON object with `encrypted` and `items` (plain) or `data` (sealed), or CSV whose header
/// has `login_totp`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        encrypted: Option<bool>,
        items: Option<serde::de::IgnoredAny>,
        data: Option<serde::de::IgnoredAny>,
    }
    let Some(t) = text(bytes) else {
        return false;
    };
    if t.trim_start().starts_with('{') {
        return serde_json::from_str::<Probe>(t)
            .is_ok_and(|p| p.encrypted.is_some() && (p.items.is_some() || p.data.is_some()));
    }
    t.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|header| header.split(',').any(|c| c.trim() == "login_totp"))
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    if t.trim_start().starts_with('{') {
        parse_json(t, password)
    } else {
        parse_csv(t)
    }
}

fn parse_json(t: &str, password: Option<&str>) -> Result<Vec<Parsed>> {
    let export: Export = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
    if export.encrypted != Some(true) {
        return Ok(items(export));
    }
    if export.password_protected != Some(true) || export.salt.is_none() {
        return Err(Error::ExportAccountKey(FORMAT.title()));
    }
    let kdf = Kdf::of(&export)?;
    let (Some(validation), Some(data)) = (&export.validation, &export.data) else {
        return Err(not_format(FORMAT, "it has no sealed data"));
    };
    let validation = EncString::parse(validation, "password check")?;
    let data = EncString::parse(data, "data")?;
    let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
    let keys = kdf.keys(password)?;
    validation
        .open(&keys)
        .ok_or(Error::ExportWrongPassword(FORMAT.title()))?;
    let plain = data.open(&keys).ok_or_else(|| {
        not_format(
            FORMAT,
            "the password is right but the data does not decrypt: it is damaged",
        )
    })?;
    let inner: Export = serde_json::from_slice(&plain).map_err(|e| json::error(FORMAT, &e))?;
    if inner.encrypted == Some(true) {
        return Err(not_format(FORMAT, "its sealed data is sealed again"));
    }
    Ok(items(inner))
}

/// The entries of a plain export.
fn items(export: Export) -> Vec<Parsed> {
    let folders: HashMap<String, String> = export
        .folders
        .iter()
        .filter_map(|f| Some((json::string(&f.id)?, json::string(&f.name)?)))
        .collect();
    export
        .items
        .into_iter()
        .filter_map(|item| {
            let login = item.login.as_ref();
            let field = |k: &str| login.and_then(|l| json::string(&l.get(k).cloned()));
            let totp = Zeroizing::new(field("totp")?);
            Some(Row {
                name: json::string(&item.name).unwrap_or_default(),
                username: field("username").unwrap_or_default(),
                totp,
                folder: json::string(&item.folder_id).and_then(|id| folders.get(&id).cloned()),
            })
        })
        .enumerate()
        .map(|(i, row)| row.into_account(i + 1))
        .collect()
}

/// The CSV export: read by the header's column names. Blank lines are skipped, and a row with
/// more fields than the header (an unquoted comma in a note, as some tools write) is read
/// from the end for the columns after `notes`.
fn parse_csv(t: &str) -> Result<Vec<Parsed>> {
    let table = Table::read(t, FORMAT)?;
    let col = |name: &str| table.col(name);
    let totp_col =
        col("login_totp").ok_or_else(|| not_format(FORMAT, "it has no login_totp column"))?;
    let notes = col("notes");
    let mut out = Vec::new();
    for record in &table.rows {
        let get = |at: Option<usize>| -> String {
            let Some(at) = at else {
                return String::new();
            };
            let extra = record.len().saturating_sub(table.width());
            let at = match notes {
                Some(n) if at > n => at + extra,
                _ => at,
            };
            record.get(at).unwrap_or_default().to_string()
        };
        let totp = Zeroizing::new(get(Some(totp_col)));
        if totp.is_empty() {
            continue;
        }
        let folder = get(col("folder"));
        let row = Row {
            name: get(col("name")),
            username: get(col("login_username")),
            totp,
            folder: (!folder.is_empty()).then_some(folder),
        };
        out.push(row.into_account(out.len() + 1));
    }
    Ok(out)
}

/// What an entry is made from, in either form.
struct Row {
    name: String,
    username: String,
    totp: Zeroizing<String>,
    folder: Option<String>,
}

impl Row {
    fn into_account(self, n: usize) -> Parsed {
        let totp = self.totp.trim();
        let tags: Vec<String> = self.folder.into_iter().collect();
        if totp
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("otpauth://"))
        {
            return match OtpUri::parse(totp) {
                Ok(mut uri) => {
                    // The URI's own issuer and account win; the item fills what it leaves out.
                    if uri.issuer.is_empty() {
                        uri.issuer = self.name.clone();
                    }
                    if uri.account.is_empty() {
                        uri.account = self.username.clone();
                    }
                    Ok(NewAccount {
                        uri,
                        name: None,
                        tags,
                    })
                }
                Err(e) => Err(Skipped {
                    entry: n,
                    label: Fields {
                        issuer: self.name,
                        account: self.username,
                        ..Fields::default()
                    }
                    .label(),
                    reason: e.to_string(),
                }),
            };
        }
        let (kind, issuer, account, secret) =
            match totp.get(..8).filter(|p| p.eq_ignore_ascii_case("steam://")) {
                // A Steam Guard code's service is Steam whatever the item is called; the item's
                // name is kept as the account when there is no username.
                Some(_) => (
                    Some("steam".to_string()),
                    "Steam".to_string(),
                    if self.username.is_empty() {
                        self.name
                    } else {
                        self.username
                    },
                    &totp[8..],
                ),
                None => (None, self.name, self.username, totp),
            };
        Fields {
            kind,
            issuer,
            account,
            secret: Zeroizing::new(secret.to_string()),
            tags,
            ..Fields::default()
        }
        .into_account(n)
    }
}

/// The key derivation a sealed export names, checked against the bounds.
enum Kdf {
    Pbkdf2 {
        salt: String,
        iterations: u32,
    },
    Argon2 {
        salt: String,
        params: argon2::Params,
    },
}

impl Kdf {
    fn of(export: &Export) -> Result<Kdf> {
        let bad = |what: &str| not_format(FORMAT, format!("its key derivation {what}"));
        let number = |v: &Option<Value>, what: &str| -> Result<Option<u32>> {
            json::number::<u32>(v, what).map_err(|e| not_format(FORMAT, e))
        };
        let salt = export.salt.clone().unwrap_or_default();
        if salt.is_empty() {
            return Err(bad("has no salt"));
        }
        let iterations = number(&export.kdf_iterations, "kdf iterations")?
            .ok_or_else(|| bad("has no iteration count"))?;
        match number(&export.kdf_type, "kdf type")? {
            Some(0) => {
                if !(1..=MAX_PBKDF2_ITERATIONS).contains(&iterations) {
                    return Err(bad(&format!(
                        "asks for {iterations} PBKDF2 iterations (1 to {MAX_PBKDF2_ITERATIONS} are accepted)"
                    )));
                }
                Ok(Kdf::Pbkdf2 { salt, iterations })
            }
            Some(1) => {
                let memory = number(&export.kdf_memory, "kdf memory")?
                    .ok_or_else(|| bad("has no Argon2 memory size"))?;
                let parallelism = number(&export.kdf_parallelism, "kdf parallelism")?
                    .ok_or_else(|| bad("has no Argon2 parallelism"))?;
                if !(1..=MAX_ARGON2_MIB).contains(&memory)
                    || !(1..=MAX_ARGON2_ITERATIONS).contains(&iterations)
                    || !(1..=MAX_ARGON2_PARALLELISM).contains(&parallelism)
                {
                    return Err(bad(&format!(
                        "asks for Argon2 with {memory} MiB, {iterations} passes and {parallelism} lanes (up to {MAX_ARGON2_MIB} MiB, {MAX_ARGON2_ITERATIONS} passes and {MAX_ARGON2_PARALLELISM} lanes are accepted)"
                    )));
                }
                let params = argon2::Params::new(memory * 1024, iterations, parallelism, Some(32))
                    .map_err(|e| bad(&format!("parameters are refused by Argon2 ({e})")))?;
                Ok(Kdf::Argon2 { salt, params })
            }
            Some(t) => Err(bad(&format!("type {t} is not one Twofold knows (0 or 1)"))),
            None => Err(bad("type is missing")),
        }
    }

    /// The encryption and MAC keys for `password`.
    fn keys(&self, password: &str) -> Result<Keys> {
        let mut master = Zeroizing::new([0u8; 32]);
        match self {
            Kdf::Pbkdf2 { salt, iterations } => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
                password.as_bytes(),
                salt.as_bytes(),
                *iterations,
                master.as_mut(),
            ),
            Kdf::Argon2 { salt, params } => {
                // Bitwarden hashes the salt string first: Argon2 wants salt bytes, not text.
                let salt = sha2::Sha256::digest(salt.as_bytes());
                argon2::Argon2::new(
                    argon2::Algorithm::Argon2id,
                    argon2::Version::V0x13,
                    params.clone(),
                )
                .hash_password_into(password.as_bytes(), &salt, master.as_mut())
                .map_err(|e| not_format(FORMAT, format!("its key cannot be derived ({e})")))?;
            }
        }
        Keys::stretch(&master)
    }
}

/// The two keys HKDF stretches the derived key into.
struct Keys {
    enc: Zeroizing<[u8; 32]>,
    mac: Zeroizing<[u8; 32]>,
}

impl Keys {
    fn stretch(master: &[u8; 32]) -> Result<Keys> {
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::from_prk(master)
            .map_err(|_| not_format(FORMAT, "its key cannot be stretched"))?;
        let mut keys = Keys {
            enc: Zeroizing::new([0; 32]),
            mac: Zeroizing::new([0; 32]),
        };
        hkdf.expand(b"enc", keys.enc.as_mut())
            .and_then(|()| hkdf.expand(b"mac", keys.mac.as_mut()))
            .map_err(|_| not_format(FORMAT, "its key cannot be stretched"))?;
        Ok(keys)
    }
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// `"2." b64(iv) "|" b64(ciphertext) "|" b64(mac)`: AES-256-CBC with an HMAC-SHA256 over
/// `iv || ciphertext` (Bitwarden's encryption type 2).
struct EncString {
    iv: [u8; 16],
    ciphertext: Vec<u8>,
    mac: Vec<u8>,
}

impl EncString {
    fn parse(s: &str, what: &str) -> Result<EncString> {
        let bad = |why: &str| not_format(FORMAT, format!("its {what} {why}"));
        let b64 = |part: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(part.trim())
                .map_err(|_| bad("is not base64"))
        };
        let Some(body) = s.trim().strip_prefix("2.") else {
            return Err(bad("is not sealed the way Twofold knows (type 2)"));
        };
        let mut parts = body.split('|');
        let (Some(iv), Some(ct), Some(mac), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("is not three parts"));
        };
        let iv: [u8; 16] = b64(iv)?
            .try_into()
            .map_err(|_| bad("has parts of the wrong size"))?;
        let sealed = EncString {
            iv,
            ciphertext: b64(ct)?,
            mac: b64(mac)?,
        };
        if sealed.ciphertext.is_empty()
            || !sealed.ciphertext.len().is_multiple_of(16)
            || sealed.mac.len() != 32
        {
            return Err(bad("has parts of the wrong size"));
        }
        Ok(sealed)
    }

    /// The plaintext, or `None` when the MAC or the padding is wrong.
    fn open(&self, keys: &Keys) -> Option<Zeroizing<Vec<u8>>> {
        use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut as _, KeyIvInit as _};
        let mut mac = HmacSha256::new_from_slice(keys.mac.as_ref()).ok()?;
        mac.update(&self.iv);
        mac.update(&self.ciphertext);
        mac.verify_slice(&self.mac).ok()?;
        cbc::Decryptor::<aes::Aes256>::new(keys.enc.as_ref().into(), &self.iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&self.ciphertext)
            .ok()
            .map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind};

    /// `(issuer, account, kind, algorithm, digits, period, tags)` of an account.
    type Row<'a> = (&'a str, &'a str, OtpKind, Algorithm, u32, u64, Vec<String>);

    fn rows(e: &super::super::Export) -> Vec<Row<'_>> {
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
                    a.tags.clone(),
                )
            })
            .collect()
    }

    fn totp(issuer: &str, account: &str) -> Row<'static> {
        let (i, a) = (issuer.to_string().leak(), account.to_string().leak());
        (i, a, OtpKind::Totp, Algorithm::Sha1, 6, 30, Vec::new())
    }

    /// A plain export: the first item is a card, the third a login without a code.
    const PLAIN: &str = r#"{"encrypted":false,
        "folders":[{"id":"f1","name":"Work"}],
        "items":[
          {"type":3,"name":"Visa","card":{"number":"4111"}},
          {"type":1,"name":"ACME","folderId":"f1","login":{"username":"alice","totp":"otpauth://totp/ACME:alice%40acme.test?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&digits=8&period=60"}},
          {"type":1,"name":"No code","login":{"username":"x","password":"p","totp":null}},
          {"type":1,"name":"Empty code","login":{"username":"x","totp":""}},
          {"type":1,"name":"Corp","login":{"username":"bob","totp":"gezd gnbv gy3t qojq"}},
          {"type":1,"name":"My Steam","login":{"username":null,"totp":"steam://JBSWY3DPEHPK3PXP"}},
          {"type":1,"name":"Broken","login":{"username":"carol","totp":"JBSWY3DPEHPK3PX1"}},
          {"type":1,"name":"Bare URI","login":{"username":"ignored","totp":"otpauth://totp/dave?secret=JBSWY3DPEHPK3PXP"}}
        ]}"#;

    #[test]
    fn a_plain_export_reads_every_totp_form_and_ignores_items_without_one() {
        let e = read(PLAIN.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::Bitwarden);
        let mut acme = totp("ACME", "alice@acme.test");
        (acme.3, acme.4, acme.5, acme.6) = (Algorithm::Sha256, 8, 60, vec!["Work".into()]);
        let mut steam = totp("Steam", "My Steam");
        (steam.2, steam.4) = (OtpKind::Steam, 5);
        assert_eq!(
            rows(&e),
            [acme, totp("Corp", "bob"), steam, totp("Bare URI", "dave")]
        );
        // Items without a code are not entries: the broken one is the fourth.
        assert_eq!(e.numbers, [1, 2, 3, 5]);
        assert_eq!(e.skipped.len(), 1);
        let s = &e.skipped[0];
        assert_eq!((s.entry, s.label.as_str()), (4, "Broken: carol"));
        assert!(s.reason.contains("not base32"), "{}", s.reason);
    }

    #[test]
    fn bitwarden_authenticator_exports_are_the_same_shape() {
        let file = r#"{"encrypted":false,"items":[{"id":"1","name":"ACME","type":1,"favorite":false,
            "login":{"totp":"otpauth://totp/ACME%3Aalice?secret=JBSWY3DPEHPK3PXP&issuer=ACME"}}]}"#;
        let e = read(file.as_bytes(), None, None).unwrap();
        assert_eq!(rows(&e), [totp("ACME", "alice")]);
    }

    #[test]
    fn a_csv_export_is_read_by_its_header_despite_blank_lines_and_extra_columns() {
        let csv = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
            Work,,login,ACME,,,0,https://acme.test,alice,pw,otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP\n\
            \n\
            ,,login,No code,,,0,,x,pw,\n\
            ,,login,Corp,a note, with a comma,,0,,bob,pw,GEZDGNBVGY3TQOJQ\n\
            ,,login,Game,,,0,,,,steam://JBSWY3DPEHPK3PXP\n\
            ,,login,Broken,,,0,,carol,,JBSW1\n";
        let e = read(csv.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::Bitwarden);
        let mut acme = totp("ACME", "alice");
        acme.6 = vec!["Work".into()];
        let mut steam = totp("Steam", "Game");
        (steam.2, steam.4) = (OtpKind::Steam, 5);
        assert_eq!(rows(&e), [acme, totp("Corp", "bob"), steam]);
        assert_eq!(e.skipped.len(), 1);
        assert_eq!(
            (e.skipped[0].entry, e.skipped[0].label.as_str()),
            (4, "Broken: carol")
        );
    }

    /// Seals `plain` the way Bitwarden does, with fixed IVs (a test needs no randomness).
    fn seal(keys: &Keys, plain: &[u8], iv: u8) -> String {
        use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut as _, KeyIvInit as _};
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let iv = [iv; 16];
        let ct = cbc::Encryptor::<aes::Aes256>::new(keys.enc.as_ref().into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plain);
        let mut mac = HmacSha256::new_from_slice(keys.mac.as_ref()).unwrap();
        mac.update(&iv);
        mac.update(&ct);
        let mac = mac.finalize().into_bytes();
        format!("2.{}|{}|{}", b64(&iv), b64(&ct), b64(&mac))
    }

    /// A password-protected export of `plain`: kdf type 0 (PBKDF2, few iterations) or 1
    /// (Argon2id, 1 MiB).
    fn protected(plain: &str, password: &str, kdf_type: u32) -> String {
        let salt = "c2FsdHNhbHRzYWx0c2FsdA==";
        let mut file = serde_json::json!({
            "encrypted": true, "passwordProtected": true, "salt": salt,
            "kdfType": kdf_type, "kdfIterations": 1000, "kdfMemory": null, "kdfParallelism": null,
        });
        if kdf_type == 1 {
            file["kdfIterations"] = 2.into();
            file["kdfMemory"] = 1.into();
            file["kdfParallelism"] = 1.into();
        }
        let export: Export = serde_json::from_value(file.clone()).unwrap();
        let keys = Kdf::of(&export).unwrap().keys(password).unwrap();
        file["encKeyValidation_DO_NOT_EDIT"] = seal(&keys, b"a-random-uuid", 1).into();
        file["data"] = seal(&keys, plain.as_bytes(), 2).into();
        file.to_string()
    }

    #[test]
    fn a_password_protected_export_opens_with_either_kdf() {
        for kdf in [0, 1] {
            let file = protected(PLAIN, "hunter2", kdf);
            let e = read(file.as_bytes(), None, Some("hunter2")).unwrap();
            assert_eq!(e.format, Format::Bitwarden);
            assert_eq!(e.accounts.len(), 4, "kdf {kdf}");
            assert_eq!(e.skipped.len(), 1, "kdf {kdf}");
        }
    }

    #[test]
    fn without_or_with_a_wrong_password_nothing_is_read() {
        let file = protected(PLAIN, "hunter2", 0);
        assert!(matches!(
            read(file.as_bytes(), None, None),
            Err(Error::ExportPasswordNeeded("Bitwarden export"))
        ));
        assert!(matches!(
            read(file.as_bytes(), None, Some("hunter3")),
            Err(Error::ExportWrongPassword("Bitwarden export"))
        ));
    }

    #[test]
    fn an_account_restricted_export_is_refused_with_what_to_do() {
        let file = r#"{"encrypted":true,"encKeyValidation_DO_NOT_EDIT":"2.AAAA|BBBB|CCCC",
            "folders":[],"items":[{"type":1,"name":"2.AAAA|BBBB|CCCC","login":{"totp":"2.AAAA|BBBB|CCCC"}}]}"#;
        assert!(sniff(file.as_bytes()));
        let e = read(file.as_bytes(), None, Some("hunter2")).unwrap_err();
        assert!(
            matches!(e, Error::ExportAccountKey("Bitwarden export")),
            "{e}"
        );
        assert!(e.to_string().contains("password protected"), "{e}");
    }

    #[test]
    fn damaged_exports_are_refused_whole() {
        let file = protected(PLAIN, "hunter2", 0);
        let mut v: Value = serde_json::from_str(&file).unwrap();
        // The data's ciphertext altered: the check value still opens, so this is damage.
        let data = v["data"].as_str().unwrap().to_string();
        let (head, rest) = data.split_at(30);
        let flipped = format!(
            "{head}{}{}",
            if &rest[..1] == "A" { "B" } else { "A" },
            &rest[1..]
        );
        v["data"] = Value::String(flipped);
        let e = read(v.to_string().as_bytes(), None, Some("hunter2")).unwrap_err();
        assert!(matches!(e, Error::NotExport { .. }), "{e}");
        let damaged = [
            &file[..file.len() / 2],
            &PLAIN[..PLAIN.len() - 40],
            r#"{"encrypted":true,"passwordProtected":true,"salt":"s","kdfType":0,"kdfIterations":1,"encKeyValidation_DO_NOT_EDIT":"3.x","data":"2.x"}"#,
            r#"{"encrypted":true,"passwordProtected":true,"salt":"s","kdfType":0,"kdfIterations":1,"encKeyValidation_DO_NOT_EDIT":"2.AAAA|AAAA|AAAA","data":"2.x"}"#,
            r#"{"encrypted":true,"passwordProtected":true,"salt":"s","kdfType":7,"kdfIterations":1}"#,
            r#"{"encrypted":false,"items":"nope"}"#,
        ];
        for d in damaged {
            let e = read(d.as_bytes(), Some(Format::Bitwarden), Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{d}: {e}");
        }
        assert!(read(b"\xff\x00", Some(Format::Bitwarden), None).is_err());
        assert!(read(b"name,notes\nx,y\n", Some(Format::Bitwarden), None).is_err());
    }

    #[test]
    fn kdf_parameters_beyond_the_bounds_are_refused_before_any_work() {
        let base = r#"{"encrypted":true,"passwordProtected":true,"salt":"s",
            "encKeyValidation_DO_NOT_EDIT":"2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "data":"2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","#;
        let start = std::time::Instant::now();
        for kdf in [
            r#""kdfType":0,"kdfIterations":2000001}"#,
            r#""kdfType":0,"kdfIterations":4294967295}"#,
            r#""kdfType":0,"kdfIterations":0}"#,
            r#""kdfType":1,"kdfIterations":3,"kdfMemory":1025,"kdfParallelism":4}"#,
            r#""kdfType":1,"kdfIterations":11,"kdfMemory":64,"kdfParallelism":4}"#,
            r#""kdfType":1,"kdfIterations":3,"kdfMemory":64,"kdfParallelism":17}"#,
            r#""kdfType":1,"kdfIterations":3,"kdfParallelism":4}"#,
        ] {
            let file = format!("{base}{kdf}");
            let e = read(file.as_bytes(), None, Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{kdf}: {e}");
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn only_bitwarden_shaped_files_are_taken_for_it() {
        assert!(sniff(PLAIN.as_bytes()));
        assert!(sniff(protected("{}", "x", 0).as_bytes()));
        assert!(sniff(b"folder,name,login_totp\n"));
        assert!(!sniff(br#"{"items":[]}"#));
        assert!(!sniff(b"name,secret\nx,y\n"));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
        assert!(!sniff(b""));
    }

    /// The independent decoder names a `steam://` entry "Steam account"; Twofold keeps the
    /// item's username, or its name when it has none.
    fn steam_account(file: &str, issuer: &str, name: &str) -> String {
        match (issuer, name) {
            ("Steam", "Steam account") if file.ends_with("bitwarden.json") => "Test Steam".into(),
            ("Steam", "Steam account") if file.ends_with(".csv") => "Test 4".into(),
            ("Steam", "Steam account") => "john@example.com".into(),
            _ => name.into(),
        }
    }

    #[test]
    fn real_bitwarden_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        let differences = || Differences {
            account: Some(steam_account),
            ..Differences::default()
        };
        check("bitwarden", Format::Bitwarden, differences());
        check("bitwarden_authenticator", Format::Bitwarden, differences());
    }
}
