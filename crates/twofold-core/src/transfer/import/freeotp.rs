//! FreeOTP's exports. Version 1 kept its tokens in the Android preferences file `tokens.xml`
//! (read with FreeOTP+'s reader, which kept the same file). Version 2's backup,
//! `externalBackup.xml`, is despite its name a Java-serialized `HashMap<String, String>`:
//!
//! - `masterKey`: JSON of a master key sealed with AES-GCM under PBKDF2 of the password
//!   (`mAlgorithm` names the HMAC, `mIterations`, `mSalt`), the cipher's nonce in `mParameters`
//!   as DER (`SEQUENCE { OCTET STRING nonce, INTEGER tag length }` since Android 7.1, a bare
//!   `OCTET STRING` on Android 6), and `mToken` as the associated data;
//! - `<uuid>`: `{"key": "<JSON string>"}`, the token's secret sealed the same way under the
//!   master key (associated data: the HMAC's name, e.g. `HmacSHA1`);
//! - `<uuid>-token`: the token's details, FreeOTP 1's token JSON without the secret.
//!
//! Tokens are listed in the order their secrets appear in the stream (the map's own order).
//! The HOTP counter is imported as stored. Version 2 stores the next counter (the real backups
//! hold the same value other apps export for the same account); version 1's `tokens.xml` stores
//! one less, the counter of the last code shown, and is read as stored like FreeOTP+'s (see
//! `freeotp_plus.rs`), so its first code may be refused once as already used.
//!
//! Only what a `HashMap<String, String>` stream holds is read; anything else in the stream is
//! refused rather than guessed at.

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{freeotp_plus, json, not_format, text, Format, Parsed, Skipped};
use crate::{Error, Result};

const FORMAT: Format = Format::FreeOtp;
/// What Java's `ObjectOutputStream` writes first: magic `AC ED`, stream version 5.
const MAGIC: &[u8] = &[0xac, 0xed, 0x00, 0x05];
const MASTER_KEY: &str = "masterKey";
const TOKEN_SUFFIX: &str = "-token";
/// A bound on the PBKDF2 count read from the file (FreeOTP uses 100,000), so a damaged or
/// hostile file cannot make the import run for hours.
const MAX_ITERATIONS: u32 = 10_000_000;

/// FreeOTP 2's backup (a Java stream of a `HashMap`) or FreeOTP 1's `tokens.xml`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    if bytes.starts_with(MAGIC) {
        return bytes
            .windows(b"java.util.HashMap".len())
            .take(64)
            .any(|w| w == b"java.util.HashMap");
    }
    text(bytes).is_some_and(freeotp_plus::is_preferences)
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    if !bytes.starts_with(MAGIC) {
        let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is neither a backup nor text"))?;
        return Ok(freeotp_plus::preferences(t, FORMAT)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| freeotp_plus::token(v, i + 1, None))
            .collect());
    }
    let map = java::hash_map(bytes).map_err(|why| not_format(FORMAT, why))?;
    let master = map
        .iter()
        .find(|(k, _)| k == MASTER_KEY)
        .map(|(_, v)| v)
        .ok_or_else(|| not_format(FORMAT, "it has no master key"))?;
    let master: MasterKey = serde_json::from_str(master).map_err(|e| json::error(FORMAT, &e))?;
    let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
    let master = master.open(password)?;

    // Each token's uuid in the order of its sealed secret, which is the order the independent
    // decoding (and Aegis) lists; then the uuids of details without a secret.
    let mut uuids: Vec<&str> = map
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != MASTER_KEY && !k.ends_with(TOKEN_SUFFIX))
        .collect();
    for (k, _) in &map {
        if let Some(uuid) = k.strip_suffix(TOKEN_SUFFIX) {
            if !uuids.contains(&uuid) {
                uuids.push(uuid);
            }
        }
    }
    let value = |key: &str| map.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    Ok(uuids
        .into_iter()
        .enumerate()
        .map(|(i, uuid)| {
            let details = value(&format!("{uuid}{TOKEN_SUFFIX}"));
            token(i + 1, value(uuid), details, &master)
        })
        .collect())
}

/// Entry `n` from its sealed secret and its details (either may be missing).
fn token(n: usize, sealed: Option<&str>, details: Option<&str>, master: &[u8]) -> Parsed {
    let Some(details) = details.and_then(|d| serde_json::from_str::<Value>(d).ok()) else {
        return Err(Skipped {
            entry: n,
            label: String::new(),
            reason: "its details (issuer, label, type) are missing".into(),
        });
    };
    let secret = sealed
        .ok_or("its secret is missing")
        .and_then(|s| {
            #[derive(Deserialize)]
            struct Wrapped {
                key: String,
            }
            let wrapped: Wrapped =
                serde_json::from_str(s).map_err(|_| "its secret is not laid out as expected")?;
            serde_json::from_str::<EncryptedKey>(&wrapped.key)
                .map_err(|_| "its secret is not laid out as expected")
        })
        .and_then(|key| key.open(master).ok_or("its secret does not decrypt"));
    freeotp_plus::token(details, n, Some(secret.map_err(String::from)))
}

/// The `masterKey` entry.
#[derive(Deserialize)]
struct MasterKey {
    #[serde(rename = "mAlgorithm")]
    algorithm: Option<String>,
    #[serde(rename = "mIterations")]
    iterations: u32,
    #[serde(rename = "mSalt")]
    salt: Vec<i8>,
    #[serde(rename = "mEncryptedKey")]
    key: EncryptedKey,
}

impl MasterKey {
    /// The master key, unsealed with the key PBKDF2 derives from `password`.
    fn open(&self, password: &str) -> Result<Zeroizing<Vec<u8>>> {
        if !(1..=MAX_ITERATIONS).contains(&self.iterations) {
            return Err(not_format(
                FORMAT,
                format!(
                    "its key derivation count {} is out of range",
                    self.iterations
                ),
            ));
        }
        let salt = bytes(&self.salt);
        let mut key = Zeroizing::new([0u8; 32]);
        let pw = password.as_bytes();
        let n = self.iterations;
        match self
            .algorithm
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("pbkdf2withhmacsha1") | None => {
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pw, &salt, n, key.as_mut())
            }
            Some("pbkdf2withhmacsha256") => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pw, &salt, n, key.as_mut())
            }
            Some("pbkdf2withhmacsha512") => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha512>(pw, &salt, n, key.as_mut())
            }
            Some(_) => {
                return Err(not_format(
                    FORMAT,
                    "its master key uses a key derivation Twofold does not know",
                ))
            }
        }
        self.key
            .open(key.as_ref())
            .ok_or(Error::ExportWrongPassword(FORMAT.title()))
    }
}

/// A key sealed with AES-GCM, as FreeOTP's `EncryptedKey` serializes it.
#[derive(Deserialize)]
struct EncryptedKey {
    #[serde(rename = "mCipher")]
    cipher: Option<String>,
    #[serde(rename = "mCipherText")]
    ciphertext: Vec<i8>,
    #[serde(rename = "mParameters")]
    parameters: Vec<i8>,
    #[serde(rename = "mToken")]
    token: Option<String>,
}

impl EncryptedKey {
    /// The sealed bytes under `key` (AES-128 or AES-256), or `None` when they do not open.
    fn open(&self, key: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if self
            .cipher
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case("AES/GCM/NoPadding"))
        {
            return None;
        }
        let nonce = gcm_nonce(&bytes(&self.parameters))?;
        let payload = Payload {
            msg: &bytes(&self.ciphertext),
            aad: self.token.as_deref().unwrap_or_default().as_bytes(),
        };
        let nonce = Nonce::from_slice(&nonce);
        let plain = match key.len() {
            16 => Aes128Gcm::new_from_slice(key).ok()?.decrypt(nonce, payload),
            32 => Aes256Gcm::new_from_slice(key).ok()?.decrypt(nonce, payload),
            _ => return None,
        };
        plain.ok().map(Zeroizing::new)
    }
}

/// Java's signed bytes as bytes.
fn bytes(b: &[i8]) -> Vec<u8> {
    b.iter().map(|&b| b as u8).collect()
}

/// The 12-byte nonce of GCM parameters in DER: `SEQUENCE { OCTET STRING, INTEGER 16 }` or a
/// bare `OCTET STRING`. Another tag length, or another nonce size, is not what FreeOTP writes.
fn gcm_nonce(der: &[u8]) -> Option<[u8; 12]> {
    /// One DER element at the start of `b`: its tag, content, and what follows.
    fn element(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = b.split_first()?;
        let (&len, rest) = rest.split_first()?;
        // Short lengths only: FreeOTP's parameters are a couple of dozen bytes.
        if len >= 0x80 || rest.len() < usize::from(len) {
            return None;
        }
        let (content, after) = rest.split_at(usize::from(len));
        Some((tag, content, after))
    }
    const SEQUENCE: u8 = 0x30;
    const OCTET_STRING: u8 = 0x04;
    const INTEGER: u8 = 0x02;
    let (tag, content, after) = element(der)?;
    let nonce = match tag {
        SEQUENCE if after.is_empty() => {
            let (tag, nonce, rest) = element(content)?;
            if tag != OCTET_STRING {
                return None;
            }
            if !rest.is_empty() {
                let (tag, tag_len, rest) = element(rest)?;
                if tag != INTEGER || tag_len != [16] || !rest.is_empty() {
                    return None;
                }
            }
            nonce
        }
        OCTET_STRING if after.is_empty() => content,
        _ => return None,
    };
    nonce.try_into().ok()
}

/// Just enough of Java's object serialization protocol for a `java.util.HashMap` of strings.
mod java {
    const TC_NULL: u8 = 0x70;
    const TC_REFERENCE: u8 = 0x71;
    const TC_CLASSDESC: u8 = 0x72;
    const TC_OBJECT: u8 = 0x73;
    const TC_STRING: u8 = 0x74;
    const TC_BLOCKDATA: u8 = 0x77;
    const TC_ENDBLOCKDATA: u8 = 0x78;
    const TC_LONGSTRING: u8 = 0x7c;
    /// The first handle a stream assigns.
    const BASE_HANDLE: u32 = 0x7e_0000;
    const SC_WRITE_METHOD: u8 = 0x01;
    const SC_SERIALIZABLE: u8 = 0x02;
    /// A bound on the map's claimed size before anything is allocated for it.
    const MAX_ENTRIES: usize = 100_000;

    type Result<T> = std::result::Result<T, &'static str>;

    /// What a handle names: only strings are ever looked up again.
    enum Handle {
        Other,
        Str(String),
    }

    struct Reader<'a> {
        b: &'a [u8],
        handles: Vec<Handle>,
    }

    /// The entries of a serialized `HashMap<String, String>`, in stream order.
    pub(super) fn hash_map(b: &[u8]) -> Result<Vec<(String, String)>> {
        let mut r = Reader {
            b,
            handles: Vec::new(),
        };
        if r.take(4)? != super::MAGIC {
            return Err("it is not a Java object stream");
        }
        if r.u8()? != TC_OBJECT {
            return Err("its stream does not hold an object");
        }
        if r.u8()? != TC_CLASSDESC {
            return Err("its object is not a map");
        }
        if r.utf()? != "java.util.HashMap" {
            return Err("its object is not a java.util.HashMap");
        }
        // serialVersionUID, then the class's handle.
        r.take(8)?;
        r.handles.push(Handle::Other);
        let flags = r.u8()?;
        if flags != SC_SERIALIZABLE | SC_WRITE_METHOD {
            return Err("its map is not serialized as a HashMap is");
        }
        let count = r.u16()?;
        let mut width = 0;
        for _ in 0..count {
            width += match r.u8()? {
                b'B' | b'Z' => 1,
                b'C' | b'S' => 2,
                b'I' | b'F' => 4,
                b'J' | b'D' => 8,
                _ => return Err("its map has a field a HashMap does not"),
            };
            r.utf()?;
        }
        if r.u8()? != TC_ENDBLOCKDATA || r.u8()? != TC_NULL {
            return Err("its map's class is annotated or has a superclass");
        }
        // The map itself takes the next handle.
        r.handles.push(Handle::Other);
        // loadFactor (and threshold): sizing hints, skipped.
        r.take(width)?;
        // HashMap.writeObject: the bucket count and the size as block data, then the entries.
        if r.u8()? != TC_BLOCKDATA {
            return Err("its map's size is missing");
        }
        let block = usize::from(r.u8()?);
        if block < 8 {
            return Err("its map's size is missing");
        }
        r.take(4)?;
        let size = r.u32()? as usize;
        r.take(block - 8)?;
        if size > MAX_ENTRIES {
            return Err("its map claims more entries than an export holds");
        }
        let mut entries = Vec::with_capacity(size);
        for _ in 0..size {
            let k = r.string()?;
            let v = r.string()?;
            entries.push((k, v));
        }
        if r.u8()? != TC_ENDBLOCKDATA {
            return Err("its map holds more than its size says");
        }
        Ok(entries)
    }

    impl Reader<'_> {
        fn take(&mut self, n: usize) -> Result<&[u8]> {
            if self.b.len() < n {
                return Err("it is cut short");
            }
            let (head, rest) = self.b.split_at(n);
            self.b = rest;
            Ok(head)
        }

        fn u8(&mut self) -> Result<u8> {
            Ok(self.take(1)?[0])
        }

        fn u16(&mut self) -> Result<u16> {
            let b = self.take(2)?;
            Ok(u16::from_be_bytes([b[0], b[1]]))
        }

        fn u32(&mut self) -> Result<u32> {
            let b = self.take(4)?;
            Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }

        /// A string with a 2-byte length (class and field names, `TC_STRING`).
        fn utf(&mut self) -> Result<String> {
            let n = usize::from(self.u16()?);
            modified_utf8(self.take(n)?)
        }

        /// A string object: a new one, or a reference to one the stream already holds.
        fn string(&mut self) -> Result<String> {
            match self.u8()? {
                TC_STRING => {
                    let s = self.utf()?;
                    self.handles.push(Handle::Str(s.clone()));
                    Ok(s)
                }
                TC_LONGSTRING => {
                    let b = self.take(8)?;
                    let n = u64::from_be_bytes(b.try_into().map_err(|_| "it is cut short")?);
                    let n = usize::try_from(n).map_err(|_| "it is cut short")?;
                    let s = modified_utf8(self.take(n)?)?;
                    self.handles.push(Handle::Str(s.clone()));
                    Ok(s)
                }
                TC_REFERENCE => {
                    let h = self.u32()?.wrapping_sub(BASE_HANDLE) as usize;
                    match self.handles.get(h) {
                        Some(Handle::Str(s)) => Ok(s.clone()),
                        _ => Err("its map refers to something that is not a string"),
                    }
                }
                TC_NULL => Err("its map holds a null"),
                _ => Err("its map holds something other than strings"),
            }
        }
    }

    /// Java's "modified UTF-8": UTF-8, except that U+0000 is two bytes (`C0 80`) and characters
    /// beyond the BMP are two 3-byte UTF-16 surrogates.
    pub(super) fn modified_utf8(b: &[u8]) -> Result<String> {
        if let Ok(s) = std::str::from_utf8(b) {
            return Ok(s.to_string());
        }
        let mut units = Vec::with_capacity(b.len());
        let mut i = 0;
        let bad = "a string in it is not modified UTF-8";
        let cont = |i: usize| match b.get(i) {
            Some(&c) if c & 0xc0 == 0x80 => Ok(u16::from(c & 0x3f)),
            _ => Err(bad),
        };
        while i < b.len() {
            let c = b[i];
            let (unit, len) = match c {
                0x01..=0x7f => (u16::from(c), 1),
                0xc0..=0xdf => ((u16::from(c & 0x1f) << 6) | cont(i + 1)?, 2),
                0xe0..=0xef => (
                    (u16::from(c & 0x0f) << 12) | (cont(i + 1)? << 6) | cont(i + 2)?,
                    3,
                ),
                _ => return Err(bad),
            };
            units.push(unit);
            i += len;
        }
        String::from_utf16(&units).map_err(|_| bad)
    }
}

#[cfg(test)]
mod tests {
    use aes_gcm::aead::Aead as _;

    use super::super::testing::{row, tags};
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind, Secret};

    const PASSWORD: &str = "correct horse";
    /// `JBSWY3DPEHPK3PXP` as bytes.
    const HELLO: &[u8] = b"Hello!\xde\xad\xbe\xef";

    /// A Java stream of a `HashMap<String, String>` holding `entries`, as `ObjectOutputStream`
    /// writes it: with `threshold` (Android 7.1+) or without (Android 6). A value equal to an
    /// earlier string is written as a back-reference, as Java does.
    fn stream(entries: &[(String, String)], threshold: bool) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend([0x73, 0x72]);
        let name = b"java.util.HashMap";
        b.extend((name.len() as u16).to_be_bytes());
        b.extend(name);
        b.extend(0x0507_dac1_c316_60d1u64.to_be_bytes());
        b.push(0x03);
        let fields: &[(u8, &str)] = if threshold {
            &[(b'F', "loadFactor"), (b'I', "threshold")]
        } else {
            &[(b'F', "loadFactor")]
        };
        b.extend((fields.len() as u16).to_be_bytes());
        for (t, n) in fields {
            b.push(*t);
            b.extend((n.len() as u16).to_be_bytes());
            b.extend(n.as_bytes());
        }
        b.extend([0x78, 0x70]);
        b.extend(0.75f32.to_be_bytes());
        if threshold {
            b.extend(24u32.to_be_bytes());
        }
        b.extend([0x77, 0x08]);
        b.extend(32u32.to_be_bytes());
        b.extend((entries.len() as u32).to_be_bytes());
        let mut seen: Vec<&str> = Vec::new();
        for s in entries.iter().flat_map(|(k, v)| [k, v]) {
            if let Some(i) = seen.iter().position(|x| x == s) {
                b.push(0x71);
                b.extend((0x7e_0002 + i as u32).to_be_bytes());
            } else {
                b.push(0x74);
                b.extend((s.len() as u16).to_be_bytes());
                b.extend(s.as_bytes());
                seen.push(s);
            }
        }
        b.push(0x78);
        b
    }

    fn signed(b: &[u8]) -> Vec<i8> {
        b.iter().map(|&b| b as i8).collect()
    }

    /// FreeOTP's `EncryptedKey` JSON of `plain` sealed under `key` with `aad`.
    fn seal(key: &[u8; 32], plain: &[u8], aad: &str, nonce: [u8; 12], short_der: bool) -> Value {
        let ct = Aes256Gcm::new(key.into())
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .unwrap();
        let der: Vec<u8> = if short_der {
            [&[0x04, 12][..], &nonce].concat()
        } else {
            [&[0x30, 17, 0x04, 12][..], &nonce, &[0x02, 1, 16]].concat()
        };
        serde_json::json!({
            "mCipher": "AES/GCM/NoPadding",
            "mCipherText": signed(&ct),
            "mParameters": signed(&der),
            "mToken": aad,
        })
    }

    /// A backup of three tokens (one with a damaged secret) under `PASSWORD`.
    fn backup(api23: bool) -> Vec<u8> {
        let master = [7u8; 32];
        let salt = [9u8; 32];
        let mut wrap = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(PASSWORD.as_bytes(), &salt, 1000, &mut wrap);
        let master_key = serde_json::json!({
            "mAlgorithm": "PBKDF2withHmacSHA512",
            "mIterations": 1000,
            "mSalt": signed(&salt),
            "mEncryptedKey": seal(&wrap, &master, "AES", [1; 12], api23),
        });
        let secret = |aad: &str, nonce: u8| {
            serde_json::json!({ "key": seal(&master, HELLO, aad, [nonce; 12], api23).to_string() })
                .to_string()
        };
        let mut damaged: Value = serde_json::from_str(&secret("HmacSHA1", 4)).unwrap();
        let key = damaged["key"]
            .as_str()
            .unwrap()
            .replace("\"mCipherText\":[", "\"mCipherText\":[1,");
        damaged["key"] = Value::String(key);
        let entries = [
            ("aaaa-token".to_string(), r#"{"algo":"SHA256","digits":8,"issuerExt":"ACME","issuerInt":"acme","label":"alice","period":60,"type":"TOTP"}"#.to_string()),
            ("aaaa".into(), secret("HmacSHA256", 2)),
            (MASTER_KEY.into(), master_key.to_string()),
            ("bbbb".into(), secret("HmacSHA1", 3)),
            ("bbbb-token".into(), r#"{"algo":"SHA1","counter":41,"digits":6,"issuerExt":"Corp","label":"bob","period":30,"type":"HOTP"}"#.to_string()),
            ("cccc-token".into(), r#"{"issuerExt":"Bad","label":"carol","type":"TOTP"}"#.to_string()),
            ("cccc".into(), damaged.to_string()),
            ("dddd".into(), secret("HmacSHA1", 5)),
            ("eeee-token".into(), r#"{"issuerExt":"Lost","label":"erin","type":"TOTP"}"#.to_string()),
        ];
        stream(&entries, !api23)
    }

    #[test]
    fn both_android_shapes_of_the_backup_are_read() {
        for api23 in [false, true] {
            let e = read(&backup(api23), None, Some(PASSWORD)).unwrap();
            assert_eq!(e.format, Format::FreeOtp);
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
                        tags(&[])
                    ),
                    (
                        "Corp",
                        "bob",
                        OtpKind::Hotp,
                        Algorithm::Sha1,
                        6,
                        30,
                        41,
                        tags(&[])
                    ),
                ],
                "api23 {api23}"
            );
            let hello = Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap();
            assert!(e.accounts.iter().all(|a| a.uri.otp.secret == hello));
            let skipped: Vec<_> = e
                .skipped
                .iter()
                .map(|s| (s.entry, s.label.as_str(), s.reason.as_str()))
                .collect();
            assert_eq!(
                skipped,
                [
                    (3, "Bad: carol", "its secret does not decrypt"),
                    (4, "", "its details (issuer, label, type) are missing"),
                    (5, "Lost: erin", "its secret is missing"),
                ]
            );
        }
    }

    #[test]
    fn the_password_is_needed_and_checked() {
        let b = backup(false);
        assert!(matches!(
            read(&b, None, None),
            Err(Error::ExportPasswordNeeded("FreeOTP backup"))
        ));
        assert!(matches!(
            read(&b, None, Some("wrong horse")),
            Err(Error::ExportWrongPassword(_))
        ));
    }

    #[test]
    fn damaged_streams_are_refused_whole() {
        let b = backup(false);
        for cut in [5, 40, b.len() / 2, b.len() - 1] {
            assert!(
                matches!(
                    read(&b[..cut], Some(FORMAT), Some(PASSWORD)),
                    Err(Error::NotExport { .. })
                ),
                "cut at {cut}"
            );
        }
        let mut other_class = b.clone();
        other_class[8..25].copy_from_slice(b"java.util.TreeMap");
        assert!(matches!(
            read(&other_class, Some(FORMAT), Some(PASSWORD)),
            Err(Error::NotExport { .. })
        ));
        let no_master = stream(&[("x".into(), "y".into())], true);
        assert!(matches!(
            read(&no_master, Some(FORMAT), Some(PASSWORD)),
            Err(Error::NotExport { .. })
        ));
    }

    #[test]
    fn repeated_strings_are_read_through_their_reference() {
        let s = stream(
            &[("a".into(), "same".into()), ("b".into(), "same".into())],
            true,
        );
        assert!(s.contains(&0x71));
        let map = java::hash_map(&s).unwrap();
        assert_eq!(
            map,
            [("a".into(), "same".into()), ("b".into(), "same".into())]
        );
    }

    #[test]
    fn modified_utf8_is_decoded() {
        // U+0000 as C0 80, é, and U+1F600 as a surrogate pair.
        let b = [
            b'a', 0xc0, 0x80, 0xc3, 0xa9, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80,
        ];
        assert_eq!(java::modified_utf8(&b).unwrap(), "a\0é\u{1f600}");
        assert!(java::modified_utf8(&[0xff]).is_err());
    }

    #[test]
    fn gcm_parameters_in_both_der_shapes() {
        let n = [3u8; 12];
        let long = [&[0x30, 17, 0x04, 12][..], &n, &[0x02, 1, 16]].concat();
        assert_eq!(gcm_nonce(&long), Some(n));
        assert_eq!(gcm_nonce(&[&[0x04, 12][..], &n].concat()), Some(n));
        let other_tag = [&[0x30, 17, 0x04, 12][..], &n, &[0x02, 1, 12]].concat();
        assert_eq!(gcm_nonce(&other_tag), None);
        assert_eq!(gcm_nonce(&[0x04, 12, 1, 2]), None);
        assert_eq!(gcm_nonce(&[0x04, 2, 1, 2]), None);
    }

    #[test]
    fn the_token_store_of_freeotp_1_is_detected_as_freeotp() {
        let token = r#"{"algo":"SHA1","counter":0,"digits":6,"issuerExt":"ACME","label":"alice","period":30,"secret":[72,101,108,108,111,33,-34,-83,-66,-17],"type":"TOTP"}"#
            .replace('"', "&quot;");
        let xml = format!(
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n    \
             <string name=\"ACME:alice\">{token}</string>\n    \
             <string name=\"tokenOrder\">[&quot;ACME:alice&quot;]</string>\n</map>\n"
        );
        let e = read(xml.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::FreeOtp);
        assert_eq!(e.accounts.len(), 1);
        assert_eq!(e.accounts[0].uri.issuer, "ACME");
    }

    #[test]
    fn real_freeotp_backups_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check("freeotp", Format::FreeOtp, Differences::default());
    }
}
