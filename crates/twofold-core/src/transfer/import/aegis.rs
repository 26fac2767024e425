//! Aegis's vault export (`aegis-export-*.json`), plain or encrypted with a password, db versions
//! 1 to 3. This module owns the file's container and cipher: scrypt password slots wrap an
//! AES-256-GCM master key, and that key seals the db. It also maps Aegis's entries and groups to
//! [`Fields`]. The checks that every format shares are in [`Fields`].

use std::collections::HashMap;

use base64::Engine as _;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use super::{not_format, text, Fields, Format, Parsed};
use crate::vault::keys::open;
use crate::{Error, Result};

const FORMAT: Format = Format::Aegis;

// Aegis (and GNOME Authenticator, which writes the same file) always uses N = 2^15, r = 8,
// p = 1: 32 MiB and a fraction of a second. These bounds leave room for stronger settings
// and refuse a hostile file before it makes us allocate gigabytes or work for minutes.
// Memory is 128·N·r bytes and the work grows with N·r·p: at most 8 times Aegis's.
const MAX_LOG_N: u32 = 20;
const MAX_R: u64 = 32;
const MAX_P: u64 = 16;
const MAX_MEMORY: u64 = 256 << 20;
const MAX_WORK: u64 = 1 << 21;
/// Each password slot costs a full scrypt run. Aegis writes one password slot (and maybe a few
/// biometric ones), so a file with many password slots is not an Aegis file.
const MAX_PASSWORD_SLOTS: usize = 4;

/// A JSON object with `version`, `header` and `db`. Checking this parses the JSON but builds
/// nothing from it, so no secret is copied anywhere.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        version: serde::de::IgnoredAny,
        header: serde::de::IgnoredAny,
        db: serde::de::IgnoredAny,
    }
    // serde also fills a struct from a JSON array, so check for the brace first.
    text(bytes).is_some_and(|t| {
        t.trim_start().starts_with('{') && serde_json::from_str::<Probe>(t).is_ok()
    })
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let file = Wiped(serde_json::from_str(t).map_err(|_| not_format(FORMAT, "it is not JSON"))?);
    if file.0["version"].as_u64() != Some(1) {
        return Err(not_format(FORMAT, "its version is not 1"));
    }
    let header = &file.0["header"];
    if !header.is_object() {
        return Err(not_format(FORMAT, "it has no header"));
    }
    let db = &file.0["db"];
    match (header["slots"].is_null(), header["params"].is_null()) {
        (true, true) => entries(db),
        (false, false) => {
            let plain = decrypt(header, db, password)?;
            let db = Wiped(
                serde_json::from_slice(&plain)
                    .map_err(|_| not_format(FORMAT, "its decrypted db is not JSON"))?,
            );
            entries(&db.0)
        }
        _ => Err(not_format(
            FORMAT,
            "its header has key slots without cipher parameters, or the other way round",
        )),
    }
}

/// A parsed JSON tree whose strings are wiped when it is dropped: an Aegis db holds the secrets
/// as JSON strings. serde_json keeps its recursion under 128 levels, and so does [`wipe`].
struct Wiped(Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

fn wipe(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(wipe),
        Value::Object(m) => m.values_mut().for_each(wipe),
        _ => {}
    }
}

/// The db's JSON, opened with the first password slot that `password` unlocks.
fn decrypt(header: &Value, db: &Value, password: Option<&str>) -> Result<Zeroizing<Vec<u8>>> {
    let params = &header["params"];
    let nonce = hex_field(params, "nonce", 12, "the db's nonce")?;
    let tag = hex_field(params, "tag", 16, "the db's tag")?;
    let mut sealed = db
        .as_str()
        .and_then(|s| {
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .ok()
        })
        .ok_or_else(|| not_format(FORMAT, "its db is neither JSON nor base64"))?;
    sealed.extend_from_slice(&tag);

    let slots = header["slots"]
        .as_array()
        .ok_or_else(|| not_format(FORMAT, "its key slots are not a list"))?;
    // Type 0 (a raw key) and 2 (biometrics) are held by the phone, not by a password.
    let slots = slots
        .iter()
        .filter(|s| s["type"].as_u64() == Some(1))
        .map(PasswordSlot::read)
        .collect::<Result<Vec<_>>>()?;
    if slots.is_empty() {
        return Err(not_format(
            FORMAT,
            "it has no password slot, so only the phone that wrote it can open it",
        ));
    }
    if slots.len() > MAX_PASSWORD_SLOTS {
        return Err(not_format(FORMAT, "it has too many password slots"));
    }
    let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
    let master = slots
        .iter()
        .find_map(|s| s.unwrap(password))
        .ok_or(Error::ExportWrongPassword(FORMAT.title()))?;
    // The password opened a slot, so a db that fails its tag is damaged, not locked.
    open(&master, &nonce, &sealed, &[]).ok_or_else(|| {
        not_format(
            FORMAT,
            "its db fails its integrity check (damaged or cut short)",
        )
    })
}

/// A password slot: scrypt parameters, and the master key sealed under the key they derive.
struct PasswordSlot {
    salt: Vec<u8>,
    params: scrypt::Params,
    nonce: Vec<u8>,
    /// The sealed master key with its tag appended.
    sealed: Vec<u8>,
}

impl PasswordSlot {
    fn read(slot: &Value) -> Result<PasswordSlot> {
        let number = |k: &str| {
            slot[k]
                .as_u64()
                .ok_or_else(|| not_format(FORMAT, format!("a password slot has no {k}")))
        };
        let (n, r, p) = (number("n")?, number("r")?, number("p")?);
        if !n.is_power_of_two() || n < 2 || r == 0 || p == 0 {
            return Err(not_format(
                FORMAT,
                "a password slot's scrypt parameters are invalid",
            ));
        }
        let log_n = n.trailing_zeros();
        let memory = 128u64.saturating_mul(n).saturating_mul(r);
        let work = n.saturating_mul(r).saturating_mul(p);
        if log_n > MAX_LOG_N || r > MAX_R || p > MAX_P || memory > MAX_MEMORY || work > MAX_WORK {
            return Err(not_format(
                FORMAT,
                format!(
                    "a password slot asks for scrypt N={n}, r={r}, p={p}, beyond what Twofold runs"
                ),
            ));
        }
        let params = scrypt::Params::new(log_n as u8, r as u32, p as u32, 32)
            .map_err(|_| not_format(FORMAT, "a password slot's scrypt parameters are invalid"))?;
        let key_params = &slot["key_params"];
        let mut sealed = hex_field(slot, "key", 32, "a password slot's key")?;
        sealed.extend(hex_field(key_params, "tag", 16, "a password slot's tag")?);
        Ok(PasswordSlot {
            salt: hex_field(slot, "salt", 0, "a password slot's salt")?,
            params,
            nonce: hex_field(key_params, "nonce", 12, "a password slot's nonce")?,
            sealed,
        })
    }

    /// The master key, if `password` opens this slot.
    //
    // Aegis before 0.4.3 fed scrypt the password's UTF-8 bytes followed by stray buffer bytes
    // (slots without `repaired: true`). For passwords of up to 64 bytes those bytes are zeros
    // that HMAC's key padding makes vanish, so this plain encoding opens those slots too.
    fn unwrap(&self, password: &str) -> Option<Zeroizing<[u8; 32]>> {
        let mut wrap = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(password.as_bytes(), &self.salt, &self.params, wrap.as_mut()).ok()?;
        let master = open(&wrap, &self.nonce, &self.sealed, &[])?;
        <[u8; 32]>::try_from(master.as_slice())
            .ok()
            .map(Zeroizing::new)
    }
}

/// The hex string `obj[key]`, `len` bytes long (any length when `len` is 0).
fn hex_field(obj: &Value, key: &str, len: usize, what: &str) -> Result<Vec<u8>> {
    obj[key]
        .as_str()
        .and_then(|s| data_encoding::HEXLOWER_PERMISSIVE.decode(s.as_bytes()).ok())
        .filter(|b| len == 0 || b.len() == len)
        .ok_or_else(|| {
            not_format(
                FORMAT,
                format!("{what} is missing or not {len} bytes of hex"),
            )
        })
}

/// The db's entries, each an account or a skipped entry.
fn entries(db: &Value) -> Result<Vec<Parsed>> {
    if !db["version"].as_u64().is_some_and(|v| (1..=3).contains(&v)) {
        return Err(not_format(FORMAT, "its db version is not 1, 2 or 3"));
    }
    let list = db["entries"]
        .as_array()
        .ok_or_else(|| not_format(FORMAT, "its db has no list of entries"))?;
    // Version 3 names its groups once, at the top; entries refer to them by UUID.
    let groups: HashMap<&str, &str> = db["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| Some((g["uuid"].as_str()?, g["name"].as_str()?)))
        .collect();
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, e)| entry(e, i + 1, &groups))
        .collect())
}

/// Entry number `n` of the db as an account, or why it cannot be one.
fn entry(e: &Value, n: usize, groups: &HashMap<&str, &str>) -> Parsed {
    // Aegis writes `issuer: null` for "none". GNOME Authenticator then takes the text after
    // the name's last `@` as the issuer; Twofold keeps the issuer empty rather than guess.
    let f = Fields {
        issuer: e["issuer"].as_str().unwrap_or_default().to_string(),
        account: e["name"].as_str().unwrap_or_default().to_string(),
        ..Fields::default()
    };
    f.complete(n, |f| read_entry(e, groups, f))
}

fn read_entry(
    e: &Value,
    groups: &HashMap<&str, &str>,
    f: &mut Fields,
) -> std::result::Result<(), String> {
    let kind = e["type"].as_str().ok_or("it has no type")?;
    f.kind = Some(kind.to_string());
    let info = &e["info"];
    if !info.is_object() {
        return Err("it has no info (secret and parameters)".into());
    }
    f.secret = Zeroizing::new(
        info["secret"]
            .as_str()
            .ok_or("it has no secret")?
            .to_string(),
    );
    f.algorithm = info["algo"].as_str().map(str::to_string);
    f.digits = number(&info["digits"], "digits")?
        .map(u32::try_from)
        .transpose()
        .map_err(|_| "its digits are out of range")?;
    f.period = number(&info["period"], "period")?;
    f.counter = number(&info["counter"], "counter")?;
    // Version 2 names one group per entry; version 3 lists group UUIDs. A UUID with no group
    // behind it (a group deleted in the app) names nothing, so it is dropped.
    let named = e["group"].as_str();
    let listed = e["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| groups.get(g.as_str()?).copied());
    for tag in named.into_iter().chain(listed) {
        if !tag.is_empty() && !f.tags.iter().any(|t| t == tag) {
            f.tags.push(tag.to_string());
        }
    }
    Ok(())
}

/// A missing or null number is `None`; anything else must be a whole number.
fn number(v: &Value, what: &str) -> std::result::Result<Option<u64>, String> {
    match v {
        Value::Null => Ok(None),
        v => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("its {what} is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{read, Export, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind, Secret};
    use crate::vault::keys::seal;

    const ALICE: &str = "JBSWY3DPEHPK3PXP";
    const BOB: &str = "GEZDGNBVGY3TQOJQ";

    /// An entry as Aegis writes it.
    fn aegis_entry(kind: &str, issuer: Value, name: &str, info: Value) -> Value {
        json!({
            "type": kind, "uuid": "9c5c7a57-0000-4000-8000-000000000001", "name": name,
            "issuer": issuer, "note": "", "favorite": false, "icon": null, "info": info,
        })
    }

    /// Three entries (TOTP, HOTP, Steam) of a db of `version`, with `extra` fields merged in.
    fn db(version: u64, groups: [Value; 3], extra: Value) -> Value {
        let mut entries = vec![
            aegis_entry(
                "totp",
                json!("ACME"),
                "alice",
                json!({"secret": ALICE, "algo": "SHA256", "digits": 8, "period": 60}),
            ),
            aegis_entry(
                "hotp",
                Value::Null,
                "bob@corp",
                json!({"secret": BOB, "algo": "SHA512", "digits": 7, "counter": 42}),
            ),
            aegis_entry(
                "steam",
                json!("Steam"),
                "gamer",
                json!({"secret": ALICE, "algo": "SHA1", "digits": 5, "period": 30}),
            ),
        ];
        for (e, g) in entries.iter_mut().zip(groups) {
            if let Value::Object(g) = g {
                e.as_object_mut().unwrap().extend(g);
            }
        }
        let mut db = json!({"version": version, "entries": entries});
        if let Value::Object(extra) = extra {
            db.as_object_mut().unwrap().extend(extra);
        }
        db
    }

    fn v3_db() -> Value {
        db(
            3,
            [
                json!({"groups": ["g-work", "g-gone"]}),
                json!({"groups": []}),
                json!({"groups": ["g-play", "g-work"]}),
            ],
            json!({"groups": [
                {"uuid": "g-work", "name": "Work"},
                {"uuid": "g-play", "name": "Games"},
            ]}),
        )
    }

    fn plain(db: Value) -> Vec<u8> {
        json!({"version": 1, "header": {"slots": null, "params": null}, "db": db})
            .to_string()
            .into_bytes()
    }

    /// The spec's construction: scrypt(password) wraps a master key, which seals `db`. A
    /// biometric slot comes first, as phones write one, and must be passed over.
    fn encrypted(db: &[u8], password: &str) -> Value {
        let split = |mut sealed: Vec<u8>| {
            let tag = sealed.split_off(sealed.len() - 16);
            (crate::hex(&sealed), crate::hex(&tag))
        };
        let master = [7u8; 32];
        let salt = [3u8; 32];
        let mut wrap = [0u8; 32];
        let params = scrypt::Params::new(10, 8, 1, 32).unwrap();
        scrypt::scrypt(password.as_bytes(), &salt, &params, &mut wrap).unwrap();
        let (key_nonce, key) = seal(&wrap, &master, &[]).unwrap();
        let (key, key_tag) = split(key);
        let (nonce, sealed) = seal(&master, db, &[]).unwrap();
        let (ct, tag) = split(sealed);
        let ct = data_encoding::HEXLOWER.decode(ct.as_bytes()).unwrap();
        json!({
            "version": 1,
            "header": {
                "slots": [
                    {"type": 2, "uuid": "b1", "key": "00", "key_params": {"nonce": "00", "tag": "00"}},
                    {
                        "type": 1, "uuid": "p1", "key": key,
                        "key_params": {"nonce": crate::hex(&key_nonce), "tag": key_tag},
                        "n": 1024, "r": 8, "p": 1, "salt": crate::hex(&salt), "repaired": true,
                    },
                ],
                "params": {"nonce": crate::hex(&nonce), "tag": tag},
            },
            "db": base64::engine::general_purpose::STANDARD.encode(ct),
        })
    }

    fn bytes(v: &Value) -> Vec<u8> {
        v.to_string().into_bytes()
    }

    type Row<'a> = (
        &'a str,
        &'a str,
        OtpKind,
        Algorithm,
        u32,
        u64,
        u64,
        Vec<&'a str>,
    );

    fn rows(e: &Export) -> Vec<Row<'_>> {
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
                    o.counter,
                    a.tags.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    /// What `db(..)` holds, with each entry's tags.
    fn expected(tags: [Vec<&'static str>; 3]) -> Vec<Row<'static>> {
        let [a, b, c] = tags;
        vec![
            (
                "ACME",
                "alice",
                OtpKind::Totp,
                Algorithm::Sha256,
                8,
                60,
                0,
                a,
            ),
            (
                "",
                "bob@corp",
                OtpKind::Hotp,
                Algorithm::Sha512,
                7,
                30,
                42,
                b,
            ),
            (
                "Steam",
                "gamer",
                OtpKind::Steam,
                Algorithm::Sha1,
                5,
                30,
                0,
                c,
            ),
        ]
    }

    #[test]
    fn plain_dbs_of_every_version_give_their_accounts_and_groups() {
        let v1 = db(1, [json!({}), json!({}), json!({})], json!({}));
        let v2 = db(
            2,
            [
                json!({"group": "Work"}),
                json!({"group": null}),
                json!({"group": "Games"}),
            ],
            json!({}),
        );
        for (db, tags) in [
            (v1, [vec![], vec![], vec![]]),
            (v2, [vec!["Work"], vec![], vec!["Games"]]),
            (v3_db(), [vec!["Work"], vec![], vec!["Games", "Work"]]),
        ] {
            let e = read(&plain(db), None, None).unwrap();
            assert_eq!(e.format, Format::Aegis);
            assert_eq!(rows(&e), expected(tags));
            assert!(e.skipped.is_empty(), "{:?}", e.skipped);
            assert_eq!(
                e.accounts[0].uri.otp.secret,
                Secret::from_base32_lenient(ALICE).unwrap()
            );
            assert_eq!(
                e.accounts[1].uri.otp.secret,
                Secret::from_base32_lenient(BOB).unwrap()
            );
        }
    }

    #[test]
    fn an_encrypted_export_opens_with_its_password() {
        let file = bytes(&encrypted(v3_db().to_string().as_bytes(), "hunter2"));
        let e = read(&file, None, Some("hunter2")).unwrap();
        assert_eq!(e.format, Format::Aegis);
        assert_eq!(
            rows(&e),
            expected([vec!["Work"], vec![], vec!["Games", "Work"]])
        );
        assert_eq!(
            e.accounts[1].uri.otp.secret,
            Secret::from_base32_lenient(BOB).unwrap()
        );
    }

    #[test]
    fn an_encrypted_export_needs_the_right_password() {
        let file = bytes(&encrypted(v3_db().to_string().as_bytes(), "hunter2"));
        assert!(matches!(
            read(&file, None, Some("hunter3")),
            Err(Error::ExportWrongPassword("Aegis export"))
        ));
        assert!(matches!(
            read(&file, None, None),
            Err(Error::ExportPasswordNeeded("Aegis export"))
        ));
    }

    /// Reads `file` as Aegis with the password `pw`, expecting it refused as damaged.
    #[track_caller]
    fn refused(file: &Value) -> String {
        match read(&bytes(file), Some(Format::Aegis), Some("pw")) {
            Err(e @ Error::NotExport { .. }) => e.to_string(),
            other => panic!("not refused as damaged: {other:?}"),
        }
    }

    #[test]
    fn a_damaged_file_gives_an_error_and_no_account() {
        let good = encrypted(v3_db().to_string().as_bytes(), "pw");
        assert_eq!(
            read(&bytes(&good), None, Some("pw"))
                .unwrap()
                .accounts
                .len(),
            3
        );

        let mut bad_base64 = good.clone();
        bad_base64["db"] = json!("not base64!");
        assert!(refused(&bad_base64).contains("base64"));

        let mut cut = good.clone();
        let db = good["db"].as_str().unwrap();
        cut["db"] = json!(base64::engine::general_purpose::STANDARD.encode(
            &base64::engine::general_purpose::STANDARD
                .decode(db)
                .unwrap()[..20]
        ));
        assert!(refused(&cut).contains("integrity"));

        let mut bad_tag = good.clone();
        bad_tag["header"]["params"]["tag"] = json!("00".repeat(16));
        assert!(refused(&bad_tag).contains("integrity"));

        let mut short_nonce = good.clone();
        short_nonce["header"]["params"]["nonce"] = json!("0011");
        assert!(refused(&short_nonce).contains("nonce"));

        assert!(refused(&encrypted(b"{\"version\": 3, \"entr", "pw")).contains("not JSON"));
        let v4 = json!({"version": 4, "entries": []});
        assert!(refused(&encrypted(v4.to_string().as_bytes(), "pw")).contains("db version"));
        assert!(refused(
            &json!({"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 2}})
        )
        .contains("entries"));

        let mut biometric_only = good.clone();
        biometric_only["header"]["slots"]
            .as_array_mut()
            .unwrap()
            .remove(1);
        assert!(refused(&biometric_only).contains("no password slot"));

        // Cut short as a file: no longer JSON, so not even taken for an Aegis export.
        let text = bytes(&good);
        assert!(read(&text[..text.len() / 2], None, Some("pw")).is_err());
        assert!(matches!(
            read(&text[..text.len() / 2], Some(Format::Aegis), Some("pw")),
            Err(Error::NotExport { .. })
        ));
    }

    #[test]
    fn hostile_scrypt_parameters_are_refused_before_running_scrypt() {
        let good = encrypted(b"{}", "pw");
        for (n, r, p) in [
            (1u64 << 30, 8u64, 1u64),
            (1 << 21, 1, 1),
            (1 << 20, 8, 1), // 1 GiB
            (1 << 15, 8, 16),
            (1 << 15, 1000, 1),
            (1 << 15, 8, u64::from(u32::MAX) + 1),
            (1000, 8, 1),
            (0, 8, 1),
        ] {
            let mut file = good.clone();
            let slot = &mut file["header"]["slots"][1];
            (slot["n"], slot["r"], slot["p"]) = (json!(n), json!(r), json!(p));
            let started = std::time::Instant::now();
            let reason = refused(&file);
            assert!(reason.contains("scrypt"), "{reason}");
            assert!(started.elapsed().as_millis() < 500, "N={n} r={r} p={p} ran");
        }
        let mut many = good.clone();
        let slot = many["header"]["slots"][1].clone();
        many["header"]["slots"] = json!(vec![slot; 5]);
        assert!(refused(&many).contains("too many"));
    }

    #[test]
    fn bad_entries_are_skipped_with_their_number_and_name() {
        let mut db = db(2, [json!({}), json!({}), json!({})], json!({}));
        let entries = db["entries"].as_array_mut().unwrap();
        entries.insert(
            1,
            aegis_entry(
                "motp",
                json!("Old"),
                "pin",
                json!({"secret": "abcdef12", "pin": "1234"}),
            ),
        );
        entries.insert(
            2,
            aegis_entry(
                "totp",
                json!("Typo"),
                "carol",
                json!({"secret": "JBSWY3DPEHPK3PX1"}),
            ),
        );
        entries.push(json!({"type": "totp", "name": "dave", "issuer": null}));
        entries.push(aegis_entry(
            "totp",
            json!("X"),
            "",
            json!({"secret": ALICE, "digits": "6"}),
        ));
        let e = read(&plain(db), None, None).unwrap();
        assert_eq!(e.accounts.len(), 3);
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [(2, "Old: pin"), (3, "Typo: carol"), (6, "dave"), (7, "X")]
        );
        let reasons: Vec<_> = e.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons[0], "motp codes are not supported");
        assert!(reasons[1].contains("not base32"), "{}", reasons[1]);
        assert!(reasons[2].contains("no info"), "{}", reasons[2]);
        assert!(reasons[3].contains("digits"), "{}", reasons[3]);
        assert!(
            e.skipped.iter().all(|s| !s.to_string().contains("PX1")),
            "no secret in a reason"
        );
    }

    #[test]
    fn only_an_aegis_shaped_object_is_taken_for_aegis() {
        assert!(sniff(&plain(json!({}))));
        assert!(!sniff(b"[1, {}, 2]"));
        assert!(!sniff(br#"{"version": 1, "db": {}}"#));
        assert!(!sniff(br#"{"services": [], "schemaVersion": 4}"#));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn wiping_clears_every_string_in_the_tree() {
        let mut v = json!({"a": ["JBSW", {"b": "secret"}], "c": 1});
        wipe(&mut v);
        assert_eq!(v, json!({"a": ["", {"b": ""}], "c": 1}));
    }

    /// The real exports in `shared/import-samples/aegis`, when present, against the
    /// independent decoding in `expected.jsonl`.
    #[test]
    fn real_aegis_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check("aegis", Format::Aegis, Differences::default());
    }
}
