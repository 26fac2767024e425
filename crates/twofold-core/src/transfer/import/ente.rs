//! Ente Auth's export. The encrypted one is a JSON object: an Argon2id key (libsodium's
//! `crypto_pwhash`, cost in the file) opens one message of libsodium's secretstream
//! (XChaCha20-Poly1305), and that message is the plain export: an `otpauth://` URI list, read by
//! [`uri_list`]. A plain export named as Ente's is read as that list too, so either file works
//! with `--from ente`; detection gives a plain one to the URI-list reader directly.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, kdf, not_format, text, uri_list, Format, Parsed};
use crate::{Error, Result};

const FORMAT: Format = Format::Ente;
// Ente's app writes 256 MiB to 1 GiB with 4 to 16 passes (libsodium's "sensitive" preset is
// 1 GiB, 4 passes). Past these a hostile file could make us allocate gigabytes or work for
// minutes, so it is refused before any hashing.
const MAX_MEM_LIMIT: u64 = 1 << 30;
const MAX_OPS_LIMIT: u64 = 20;
/// Memory (bytes) times passes: Ente keeps this product at the sensitive preset's 4 GiB when it
/// trades memory for passes, so more than that is not Ente's (each bound alone allows 20 GiB).
const MAX_WORK: u64 = 4 << 30;
/// libsodium's own floor (`crypto_pwhash_argon2id_MEMLIMIT_MIN`): 8 KiB.
const MIN_MEM_LIMIT: u64 = 8 << 10;
/// libsodium writes 16 bytes; Argon2 needs at least 8.
const SALT: std::ops::RangeInclusive<usize> = 8..=64;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    version: Option<Value>,
    kdf_params: Option<KdfParams>,
    encrypted_data: Option<String>,
    encryption_nonce: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KdfParams {
    mem_limit: Option<Value>,
    ops_limit: Option<Value>,
    salt: Option<String>,
}

/// A JSON object with `kdfParams`, `encryptedData` and `encryptionNonce`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Probe {
        kdf_params: serde::de::IgnoredAny,
        encrypted_data: serde::de::IgnoredAny,
        encryption_nonce: serde::de::IgnoredAny,
    }
    text(bytes).is_some_and(|t| {
        t.trim_start().starts_with('{') && serde_json::from_str::<Probe>(t).is_ok()
    })
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    if uri_list::sniff(bytes) {
        return uri_list::parse(bytes);
    }
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let export: Export = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
    if json::number::<u64>(&export.version, "version") != Ok(Some(1)) {
        return Err(not_format(FORMAT, "its version is not 1"));
    }
    let kdf = export
        .kdf_params
        .ok_or_else(|| not_format(FORMAT, "it has no key derivation parameters"))?;
    let limit = |v: &Option<Value>, what: &str| match json::number::<u64>(v, what) {
        Ok(Some(n)) => Ok(n),
        _ => Err(not_format(
            FORMAT,
            format!("its {what} is not a whole number"),
        )),
    };
    let mem_limit = limit(&kdf.mem_limit, "memory limit")?;
    let ops_limit = limit(&kdf.ops_limit, "operations limit")?;
    if !(MIN_MEM_LIMIT..=MAX_MEM_LIMIT).contains(&mem_limit)
        || !(1..=MAX_OPS_LIMIT).contains(&ops_limit)
        || mem_limit.saturating_mul(ops_limit) > MAX_WORK
    {
        return Err(not_format(
            FORMAT,
            format!(
                "it asks for Argon2 with {} KiB and {ops_limit} passes, beyond what Twofold runs",
                mem_limit / 1024
            ),
        ));
    }
    let b64 = |s: Option<&str>, what: &str| {
        let s = s.ok_or_else(|| not_format(FORMAT, format!("it has no {what}")))?;
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map_err(|_| not_format(FORMAT, format!("its {what} is not base64")))
    };
    let salt = b64(kdf.salt.as_deref(), "salt")?;
    if !SALT.contains(&salt.len()) {
        return Err(not_format(FORMAT, "its salt has the wrong size"));
    }
    let header: [u8; HEADER] = b64(export.encryption_nonce.as_deref(), "nonce")?
        .try_into()
        .map_err(|_| not_format(FORMAT, "its nonce has the wrong size"))?;
    let sealed = b64(export.encrypted_data.as_deref(), "data")?;
    if sealed.len() < ABYTES {
        return Err(not_format(FORMAT, "its data is cut short"));
    }
    let password = password.ok_or(Error::ExportPasswordNeeded(FORMAT.title()))?;
    // In range by the checks above: at most 2^20 KiB and 20 passes.
    let key = kdf::argon2id(
        password,
        &salt,
        (mem_limit / 1024) as u32,
        ops_limit as u32,
        1,
    )
    .ok_or_else(|| not_format(FORMAT, "its key derivation parameters are not usable"))?;
    // Poly1305 cannot tell a wrong key from altered bytes; a wrong password is the likelier cause.
    // Ente's app ends the stream with this message (tag FINAL), but some exports carry tag
    // MESSAGE: the tag is not checked.
    let (_tag, plain) =
        pull(&key, &header, &sealed).ok_or(Error::ExportWrongPassword(FORMAT.title()))?;
    if text(&plain).is_none() {
        return Err(not_format(FORMAT, "its decrypted data is not text"));
    }
    uri_list::parse(&plain)
}

/// libsodium's `crypto_secretstream_xchacha20poly1305_HEADERBYTES`.
const HEADER: usize = 24;
/// `..._ABYTES`: the sealed tag byte and the Poly1305 MAC.
const ABYTES: usize = 1 + 16;

/// The first message of a libsodium secretstream (`init_pull`, then one `pull` with no
/// associated data): its tag byte and its plaintext, or `None` when the MAC does not match.
///
/// The stream key is HChaCha20(key, header[..16]); the IETF ChaCha20 nonce is a little-endian
/// counter (1 for the first message) then header[16..]. Keystream block 0 is the Poly1305 key,
/// block 1 seals the tag byte, and the message is encrypted from block 2. See [`mac`] for what
/// the MAC covers.
fn pull(key: &[u8; 32], header: &[u8; HEADER], sealed: &[u8]) -> Option<(u8, Zeroizing<Vec<u8>>)> {
    let (first, rest) = sealed.split_first()?;
    let (body, stored) = rest.split_at(rest.len().checked_sub(16)?);
    let (mut chacha, poly) = stream(key, header);
    let mut block = Zeroizing::new([0u8; 64]);
    block[0] = *first;
    chacha20::cipher::StreamCipher::apply_keystream(&mut chacha, block.as_mut());
    let tag = block[0];
    block[0] = *first;
    let expected = mac(poly, &block, body);
    // Constant time: which byte differs must not show in how long the check takes.
    let diff = expected
        .iter()
        .zip(stored)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return None;
    }
    let mut plain = Zeroizing::new(body.to_vec());
    chacha20::cipher::StreamCipher::apply_keystream(&mut chacha, &mut plain);
    Some((tag, plain))
}

/// The first message's cipher, positioned at block 1, and its MAC keyed from block 0.
fn stream(key: &[u8; 32], header: &[u8; HEADER]) -> (chacha20::ChaCha20, poly1305::Poly1305) {
    use chacha20::cipher::{consts::U10, KeyIvInit as _, StreamCipher as _};
    use poly1305::universal_hash::KeyInit as _;
    let mut subkey = chacha20::hchacha::<U10>(
        key.into(),
        chacha20::cipher::generic_array::GenericArray::from_slice(&header[..16]),
    );
    let subkey_bytes = Zeroizing::new(<[u8; 32]>::from(subkey));
    subkey.iter_mut().for_each(|b| *b = 0);
    let subkey = subkey_bytes;
    let mut nonce = [0u8; 12];
    nonce[..4].copy_from_slice(&1u32.to_le_bytes());
    nonce[4..].copy_from_slice(&header[16..]);
    let mut chacha = chacha20::ChaCha20::new((&*subkey).into(), &nonce.into());
    let mut poly_key = Zeroizing::new([0u8; 64]);
    chacha.apply_keystream(poly_key.as_mut());
    let poly = poly1305::Poly1305::new(poly1305::Key::from_slice(&poly_key[..32]));
    (chacha, poly)
}

/// The MAC of a message: Poly1305 over one byte stream of the 64-byte tag block (its first byte
/// the sealed tag, the rest keystream), the ciphertext, zero padding, the associated data's
/// length (none) and the length of block and ciphertext, both little-endian u64.
///
/// The padding is libsodium's `(0x10 - 64 + mlen) & 0xf` bytes, which is `mlen % 16` rather
/// than the "up to a multiple of 16" of ChaCha20-Poly1305; the two agree only when
/// `mlen % 16` is 0 or 8. Every secretstream implementation has to copy it, so this does too,
/// and the CLI vector (10 bytes of message) checks it.
fn mac(poly: poly1305::Poly1305, block: &[u8; 64], body: &[u8]) -> poly1305::Tag {
    let pad = 0x10usize.wrapping_sub(64).wrapping_add(body.len()) & 0xf;
    let mut input = Vec::with_capacity(64 + body.len() + pad + 16);
    input.extend_from_slice(block);
    input.extend_from_slice(body);
    input.resize(input.len() + pad, 0);
    input.extend_from_slice(&0u64.to_le_bytes());
    input.extend_from_slice(&(64 + body.len() as u64).to_le_bytes());
    let tag = poly.compute_unpadded(&input);
    // The block holds keystream, which is the tag byte's key.
    input.iter_mut().for_each(|b| *b = 0);
    tag
}

#[cfg(test)]
mod tests {
    use super::super::read;
    use super::*;
    use crate::otp::OtpKind;

    fn b64(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }

    /// libsodium's `push` for the first message, as Ente writes it.
    fn push(key: &[u8; 32], header: &[u8; HEADER], tag: u8, plain: &[u8]) -> Vec<u8> {
        let (mut chacha, poly) = stream(key, header);
        let mut block = [0u8; 64];
        block[0] = tag;
        chacha20::cipher::StreamCipher::apply_keystream(&mut chacha, &mut block);
        let mut body = plain.to_vec();
        chacha20::cipher::StreamCipher::apply_keystream(&mut chacha, &mut body);
        let mac = mac(poly, &block, &body);
        [&block[..1], &body, mac.as_slice()].concat()
    }

    #[test]
    fn secretstream_pull_matches_entes_cli_vector() {
        // ente-io/ente cli `crypto_test.go`; the key is its Argon2id output for `test_password`.
        let key: [u8; 32] = b64("vp8d8Nee0BbIML4ab8Cp34uYnyrN77cRwTl920flyT0=")
            .try_into()
            .unwrap();
        let header: [u8; 24] = b64("v7wsI+BFZsRMIjDm3rTxPhmi/CaUdkdJ").try_into().unwrap();
        let sealed = b64("kBXQ2PuX6y/aje5r22H0AehRPh6sQ0ULoeAO");
        let (tag, plain) = pull(&key, &header, &sealed).unwrap();
        assert_eq!(
            (tag, plain.as_slice()),
            (3, &b"plain_text"[..]),
            "tag FINAL"
        );
        assert_eq!(push(&key, &header, 3, b"plain_text"), sealed);
        let mut altered = sealed.clone();
        altered[5] ^= 1;
        assert!(pull(&key, &header, &altered).is_none());
        assert!(pull(&key, &header, &sealed[..16]).is_none());
        assert!(pull(&[0; 32], &header, &sealed).is_none());
    }

    const LIST: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=sha256&digits=8&period=60&codeDisplay=%7B%22pinned%22%3Afalse%7D\n\
        otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Corp&algorithm=null&digits=null&period=30&counter=3\n\
        otpauth://totp/Bad:carol?secret=JBSWY3DPEHPK3PX1&issuer=Bad\n\
        otpauth://steam/Steam:gamer?secret=JBSWY3DPEHPK3PXP&issuer=Steam\n";

    /// An encrypted export of `plain` with Argon2 at 64 KiB and 1 pass, so the test is fast.
    fn encrypted(plain: &[u8], password: &str, tag: u8) -> String {
        let enc = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let salt = [5u8; 16];
        let header = [6u8; 24];
        let key = kdf::argon2id(password, &salt, 64, 1, 1).unwrap();
        let sealed = push(&key, &header, tag, plain);
        serde_json::json!({
            "version": 1,
            "kdfParams": {"memLimit": 65536, "opsLimit": 1, "salt": enc(&salt)},
            "encryptedData": enc(&sealed),
            "encryptionNonce": enc(&header),
        })
        .to_string()
    }

    #[test]
    fn an_encrypted_export_opens_with_its_password_only() {
        // Tag MESSAGE (0) as well as FINAL (3): real exports carry either.
        for tag in [0, 3] {
            let file = encrypted(LIST.as_bytes(), "hunter2", tag);
            let e = read(file.as_bytes(), None, Some("hunter2")).unwrap();
            assert_eq!(e.format, Format::Ente);
            let got: Vec<_> = e
                .accounts
                .iter()
                .map(|a| {
                    let o = &a.uri.otp;
                    (
                        a.uri.issuer.as_str(),
                        a.uri.account.as_str(),
                        o.kind,
                        o.digits,
                        o.counter,
                    )
                })
                .collect();
            assert_eq!(
                got,
                [
                    ("ACME", "alice", OtpKind::Totp, 8, 0),
                    ("Corp", "bob", OtpKind::Hotp, 6, 3),
                    ("Steam", "gamer", OtpKind::Steam, 5, 0),
                ]
            );
            assert_eq!(e.numbers, [1, 2, 4]);
            assert_eq!(e.skipped.len(), 1);
            assert_eq!(
                (e.skipped[0].entry, e.skipped[0].label.as_str()),
                (3, "Bad:carol")
            );
            assert!(matches!(
                read(file.as_bytes(), None, None),
                Err(Error::ExportPasswordNeeded("Ente Auth export"))
            ));
            assert!(matches!(
                read(file.as_bytes(), None, Some("hunter3")),
                Err(Error::ExportWrongPassword("Ente Auth export"))
            ));
        }
    }

    #[test]
    fn a_plain_export_named_as_ente_is_read_as_its_uri_list() {
        let e = read(LIST.as_bytes(), Some(Format::Ente), None).unwrap();
        assert_eq!(e.accounts.len(), 3);
        assert_eq!(
            read(LIST.as_bytes(), None, None).unwrap().format,
            Format::UriList
        );
    }

    #[test]
    fn damaged_exports_are_refused_whole() {
        let file = encrypted(LIST.as_bytes(), "hunter2", 3);
        let v: Value = serde_json::from_str(&file).unwrap();
        let with = |ptr: &str, new: Value| {
            let mut v = v.clone();
            *v.pointer_mut(ptr).unwrap() = new;
            v.to_string()
        };
        let data = v["encryptedData"].as_str().unwrap();
        let damaged = [
            file[..file.len() / 2].to_string(),
            with("/version", 2.into()),
            with("/kdfParams/salt", "AAAA".into()),
            with("/kdfParams/opsLimit", "x".into()),
            with("/encryptionNonce", "AAAA".into()),
            with("/encryptedData", "!!".into()),
            with("/encryptedData", data[..20].into()),
            r#"{"version":1,"encryptedData":"","encryptionNonce":""}"#.to_string(),
            "hello".to_string(),
            encrypted(b"\xff\xfe", "hunter2", 3),
        ];
        for d in &damaged {
            let e = read(d.as_bytes(), Some(Format::Ente), Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{d}: {e}");
        }
        // Altered ciphertext: the MAC fails, as with a wrong password.
        let altered = with("/encryptedData", format!("AAAA{}", &data[4..]).into());
        assert!(read(altered.as_bytes(), None, Some("hunter2")).is_err());
    }

    #[test]
    fn argon2_costs_beyond_the_bounds_are_refused_before_hashing() {
        let v: Value = serde_json::from_str(&encrypted(LIST.as_bytes(), "hunter2", 3)).unwrap();
        let start = std::time::Instant::now();
        // (1 GiB, 20 passes) is within each bound but 20 GiB of work (issue 16).
        for (mem, ops) in [
            (2u64 << 30, 1u64),
            (1 << 30, 21),
            (1024, 1),
            (65536, 0),
            (1 << 30, 20),
            (512 << 20, 9),
        ] {
            let mut v = v.clone();
            v["kdfParams"]["memLimit"] = mem.into();
            v["kdfParams"]["opsLimit"] = ops.into();
            let e = read(v.to_string().as_bytes(), None, Some("hunter2")).unwrap_err();
            assert!(matches!(e, Error::NotExport { .. }), "{mem} {ops}: {e}");
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn only_ente_shaped_json_is_taken_for_it() {
        assert!(sniff(encrypted(b"", "x", 3).as_bytes()));
        assert!(!sniff(br#"{"version":1,"salt":"","content":""}"#));
        assert!(!sniff(LIST.as_bytes()));
        assert!(!sniff(b""));
    }

    #[test]
    fn real_ente_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        // The plain export is a URI list, which detection gives to that reader.
        let undetectable = &["ente_auth/ente_auth.txt"];
        check(
            "ente_auth",
            Format::Ente,
            Differences {
                undetectable,
                ..Differences::default()
            },
        );
    }
}
