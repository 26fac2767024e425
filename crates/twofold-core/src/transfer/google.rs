//! Google Authenticator's export: `otpauth-migration://offline?data=BASE64`.
//!
//! `data` is a protobuf `MigrationPayload` (the schema below, as Google Authenticator writes
//! it). One export can span several QR codes: each is one *batch* with the same `batch_id`,
//! `batch_size` codes in all and its own `batch_index`. The protobuf is read (and, for tests and
//! exports, written) by the small hand-written codec here, so no protobuf crate is needed.
//!
//! ```text
//! message MigrationPayload {
//!   message OtpParameters {
//!     bytes secret = 1; string name = 2; string issuer = 3;
//!     Algorithm algorithm = 4;   // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//!     DigitCount digits = 5;     // 0 unspecified, 1 six, 2 eight
//!     OtpType type = 6;          // 0 unspecified, 1 HOTP, 2 TOTP
//!     int64 counter = 7;
//!   }
//!   repeated OtpParameters otp_parameters = 1;
//!   int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//! }
//! ```

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

use crate::otp::uri::OtpUri;
use crate::otp::{Algorithm, Otp, OtpKind, Secret};
use crate::{Error, Result};

/// The URI scheme of a Google Authenticator export.
pub const SCHEME: &str = "otpauth-migration://";

/// One QR code of a Google Authenticator export: its accounts and where it sits in the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationBatch {
    /// The accounts this code carries, in order.
    pub accounts: Vec<OtpUri>,
    /// Entries that could not be imported, each as "name: reason" (never a secret).
    pub skipped: Vec<String>,
    /// The payload format version (1 today).
    pub version: i32,
    /// How many QR codes the whole export has (1 when it fits in one).
    pub batch_size: i32,
    /// Which of them this is, from 0.
    pub batch_index: i32,
    /// Shared by every code of one export, to tell exports apart.
    pub batch_id: i32,
}

impl MigrationBatch {
    /// True when this code is the whole export (no other codes to scan).
    pub fn is_complete_export(&self) -> bool {
        self.batch_size <= 1
    }
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidMigration(reason.into())
}

/// Parses an `otpauth-migration://offline?data=...` URI (as read from the QR code).
pub fn parse_uri(uri: &str) -> Result<MigrationBatch> {
    let uri = uri.trim();
    let rest = uri
        .get(..SCHEME.len())
        .filter(|head| head.eq_ignore_ascii_case(SCHEME))
        .map(|_| &uri[SCHEME.len()..])
        .ok_or_else(|| invalid("it must start with otpauth-migration://"))?;
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    let data = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("data"))
        .map(|(_, v)| v)
        .ok_or_else(|| invalid("the data parameter is missing"))?;
    let data = Zeroizing::new(
        percent_decode_str(data)
            .decode_utf8()
            .map_err(|_| invalid("the data parameter is not valid percent-encoded UTF-8"))?
            // A form decoder on the way may have turned base64's '+' into a space.
            .replace(' ', "+"),
    );
    let bytes = Zeroizing::new(decode_base64(&data)?);
    parse_payload(&bytes)
}

fn decode_base64(data: &str) -> Result<Vec<u8>> {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, config);
    standard
        .decode(data)
        .or_else(|_| url_safe.decode(data))
        .map_err(|e| invalid(format!("the data parameter is not base64 ({e})")))
}

/// Parses the protobuf `MigrationPayload` bytes.
pub fn parse_payload(bytes: &[u8]) -> Result<MigrationBatch> {
    let mut batch = MigrationBatch {
        accounts: Vec::new(),
        skipped: Vec::new(),
        version: 0,
        batch_size: 1,
        batch_index: 0,
        batch_id: 0,
    };
    let mut r = Reader { buf: bytes, pos: 0 };
    while let Some((field, value)) = r.field()? {
        match (field, value) {
            (1, Value::Bytes(b)) => match parse_parameters(b)? {
                Ok(account) => batch.accounts.push(account),
                Err(skipped) => batch.skipped.push(skipped),
            },
            (2, Value::Varint(v)) => batch.version = v as i32,
            (3, Value::Varint(v)) => batch.batch_size = v as i32,
            (4, Value::Varint(v)) => batch.batch_index = v as i32,
            (5, Value::Varint(v)) => batch.batch_id = v as i32,
            (1..=5, _) => return Err(invalid(format!("field {field} has the wrong wire type"))),
            _ => {} // Fields a newer Google Authenticator adds are skipped.
        }
    }
    if batch.accounts.is_empty() && batch.skipped.is_empty() {
        return Err(invalid("it holds no accounts"));
    }
    if batch.batch_size < 1 || batch.batch_index < 0 || batch.batch_index >= batch.batch_size {
        return Err(invalid(format!(
            "batch {} of {} is not a valid position",
            batch.batch_index, batch.batch_size
        )));
    }
    Ok(batch)
}

/// One `OtpParameters` message: the account, or (inner `Err`) why it was skipped.
fn parse_parameters(bytes: &[u8]) -> Result<std::result::Result<OtpUri, String>> {
    let mut secret = Zeroizing::new(Vec::new());
    let (mut name, mut issuer) = (String::new(), String::new());
    let (mut algorithm, mut digits, mut kind, mut counter) = (0u64, 0u64, 0u64, 0u64);
    let mut r = Reader { buf: bytes, pos: 0 };
    while let Some((field, value)) = r.field()? {
        match (field, value) {
            (1, Value::Bytes(b)) => *secret = b.to_vec(),
            (2, Value::Bytes(b)) => name = utf8(b, "name")?,
            (3, Value::Bytes(b)) => issuer = utf8(b, "issuer")?,
            (4, Value::Varint(v)) => algorithm = v,
            (5, Value::Varint(v)) => digits = v,
            (6, Value::Varint(v)) => kind = v,
            (7, Value::Varint(v)) => counter = v,
            (1..=7, _) => {
                return Err(invalid(format!(
                    "account field {field} has the wrong wire type"
                )))
            }
            _ => {}
        }
    }
    // Google writes "issuer:account" as the name of many accounts; the issuer field wins.
    let (label_issuer, account) = match name.split_once(':') {
        Some((i, a)) => (i.trim().to_string(), a.trim().to_string()),
        None => (String::new(), name.trim().to_string()),
    };
    let issuer = if issuer.trim().is_empty() {
        label_issuer
    } else {
        issuer.trim().to_string()
    };
    let shown = if issuer.is_empty() {
        account.clone()
    } else {
        format!("{issuer}:{account}")
    };
    let skip = |reason: &str| Ok(Err(format!("{shown}: {reason}")));
    let algorithm = match algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return skip("MD5 accounts are not supported"),
        n => return skip(&format!("unknown algorithm {n}")),
    };
    let digits = match digits {
        0 | 1 => 6,
        2 => 8,
        n => return skip(&format!("unknown digit count {n}")),
    };
    let kind = match kind {
        0 | 2 => OtpKind::Totp,
        1 => OtpKind::Hotp,
        n => return skip(&format!("unknown type {n}")),
    };
    let secret = match Secret::from_bytes(std::mem::take(&mut *secret)) {
        Ok(s) => s,
        Err(e) => return skip(&e.to_string()),
    };
    if issuer.is_empty() && account.is_empty() {
        return skip("it has neither a name nor an issuer");
    }
    let otp = match Otp::new(kind, algorithm, digits, 30, counter, secret) {
        Ok(o) => o,
        Err(e) => return skip(&e.to_string()),
    };
    Ok(Ok(OtpUri {
        issuer,
        account,
        otp,
    }))
}

fn utf8(b: &[u8], what: &str) -> Result<String> {
    String::from_utf8(b.to_vec()).map_err(|_| invalid(format!("an account's {what} is not UTF-8")))
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// A protobuf wire-format reader over a byte slice.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .buf
                .get(self.pos)
                .ok_or_else(|| invalid("the payload is truncated"))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(invalid("a varint is too long"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or_else(|| invalid("the payload is truncated"))?;
        let slice = &self.buf[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// The next field number and value, or `None` at the end.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let n = usize::try_from(self.varint()?)
                    .map_err(|_| invalid("a length is too large"))?;
                Value::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            t => return Err(invalid(format!("unknown wire type {t}"))),
        };
        Ok(Some((key >> 3, value)))
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_varint(out, field << 3 | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_uint(out: &mut Vec<u8>, field: u64, v: u64) {
    put_varint(out, field << 3);
    put_varint(out, v);
}

/// Writes accounts as one batch of a Google Authenticator export, the way the app does
/// (`name` is "issuer:account" when there is an issuer). The result holds the secrets.
pub fn to_payload(
    accounts: &[OtpUri],
    batch_size: i32,
    batch_index: i32,
    batch_id: i32,
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    for a in accounts {
        let mut p = Zeroizing::new(Vec::new());
        put_bytes(&mut p, 1, a.otp.secret.as_bytes());
        let name = if a.issuer.is_empty() {
            a.account.clone()
        } else {
            format!("{}:{}", a.issuer, a.account)
        };
        put_bytes(&mut p, 2, name.as_bytes());
        put_bytes(&mut p, 3, a.issuer.as_bytes());
        let algorithm = match a.otp.algorithm {
            Algorithm::Sha1 => 1,
            Algorithm::Sha256 => 2,
            Algorithm::Sha512 => 3,
        };
        put_uint(&mut p, 4, algorithm);
        put_uint(&mut p, 5, if a.otp.digits == 8 { 2 } else { 1 });
        let (kind, counter) = match a.otp.kind {
            OtpKind::Hotp => (1, a.otp.counter),
            _ => (2, 0),
        };
        put_uint(&mut p, 6, kind);
        if counter != 0 {
            put_uint(&mut p, 7, counter);
        }
        put_bytes(&mut out, 1, &p);
    }
    put_uint(&mut out, 2, 1);
    put_uint(&mut out, 3, batch_size as u64);
    put_uint(&mut out, 4, batch_index as u64);
    put_uint(&mut out, 5, batch_id as u32 as u64);
    out
}

/// [`to_payload`] as an `otpauth-migration://offline?data=...` URI (what the QR code holds).
pub fn to_uri(
    accounts: &[OtpUri],
    batch_size: i32,
    batch_index: i32,
    batch_id: i32,
) -> Zeroizing<String> {
    let payload = to_payload(accounts, batch_size, batch_index, batch_id);
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*payload));
    Zeroizing::new(format!(
        "{SCHEME}offline?data={}",
        utf8_percent_encode(&b64, NON_ALPHANUMERIC)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws() -> OtpUri {
        OtpUri::parse("otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services").unwrap()
    }

    /// A payload written byte by byte from the schema, independent of `to_payload`.
    #[test]
    fn parses_a_hand_built_payload() {
        let secret = b"12345678901234567890"; // RFC 4226's test secret
        let mut p = vec![0x0a, secret.len() as u8];
        p.extend_from_slice(secret);
        p.extend_from_slice(&[0x12, 11]);
        p.extend_from_slice(b"ACME:bob@x.");
        p.extend_from_slice(&[0x1a, 4]);
        p.extend_from_slice(b"ACME");
        p.extend_from_slice(&[0x20, 1, 0x28, 2, 0x30, 1, 0x38, 0x96, 0x01]); // SHA1, 8 digits, HOTP, counter 150
        let mut payload = vec![0x0a, p.len() as u8];
        payload.extend_from_slice(&p);
        payload.extend_from_slice(&[0x10, 1, 0x18, 2, 0x20, 1, 0x28, 0xd2, 0x09]); // v1, batch 1 of 2, id 1234
        let b = parse_payload(&payload).unwrap();
        assert_eq!(
            (b.version, b.batch_size, b.batch_index, b.batch_id),
            (1, 2, 1, 1234)
        );
        assert!(!b.is_complete_export());
        assert_eq!(b.accounts.len(), 1);
        let a = &b.accounts[0];
        assert_eq!((a.issuer.as_str(), a.account.as_str()), ("ACME", "bob@x."));
        assert_eq!(a.otp.kind, OtpKind::Hotp);
        assert_eq!((a.otp.digits, a.otp.counter), (8, 150));
        assert_eq!(a.otp.secret.as_bytes(), secret);
        // RFC 4226 appendix D, counter 1 (6 digits) is 287082; 8 digits of counter 150 vary,
        // so check the secret round-trips through a code instead.
        assert_eq!(a.otp.code_for_counter(150).len(), 8);
    }

    #[test]
    fn round_trips_many_accounts_through_a_uri() {
        let mut accounts = vec![aws()];
        let mut hotp = OtpUri::parse(
            "otpauth://hotp/bob?secret=JBSWY3DPEHPK3PXP&counter=7&digits=8&algorithm=SHA256",
        )
        .unwrap();
        hotp.issuer.clear();
        accounts.push(hotp);
        let uri = to_uri(&accounts, 3, 2, -5);
        assert!(uri.starts_with("otpauth-migration://offline?data="));
        let b = parse_uri(&uri).unwrap();
        assert_eq!(b.accounts, accounts);
        assert_eq!((b.batch_size, b.batch_index, b.batch_id), (3, 2, -5));
        assert!(b.skipped.is_empty());
    }

    #[test]
    fn plus_turned_into_space_and_unpadded_base64_still_parse() {
        let uri = to_uri(&[aws()], 1, 0, 9);
        let data = percent_decode_str(uri.split_once("data=").unwrap().1)
            .decode_utf8()
            .unwrap()
            .replace('+', " ")
            .trim_end_matches('=')
            .to_string();
        let b = parse_uri(&format!("otpauth-migration://offline?data={data}")).unwrap();
        assert_eq!(b.accounts, vec![aws()]);
    }

    #[test]
    fn skips_md5_and_short_secrets_but_keeps_the_rest() {
        let mut payload = to_payload(&[aws()], 1, 0, 1).to_vec();
        // An MD5 account and one with a 3-byte secret.
        for (secret, alg) in [(&b"0123456789"[..], 4u8), (&b"abc"[..], 1u8)] {
            let mut p = vec![0x0a, secret.len() as u8];
            p.extend_from_slice(secret);
            p.extend_from_slice(&[0x12, 1, b'x', 0x20, alg]);
            payload.extend_from_slice(&[0x0a, p.len() as u8]);
            payload.extend_from_slice(&p);
        }
        let b = parse_payload(&payload).unwrap();
        assert_eq!(b.accounts, vec![aws()]);
        assert_eq!(b.skipped.len(), 2, "{:?}", b.skipped);
        assert!(b.skipped[0].contains("MD5"));
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "otpauth-migration://offline",
            "otpauth-migration://offline?data=%%%",
            "otpauth-migration://offline?data=CgEA", // truncated account
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
        ] {
            assert!(
                matches!(parse_uri(bad), Err(Error::InvalidMigration(_))),
                "{bad}"
            );
        }
        // A batch index past the batch size.
        let mut p = to_payload(&[aws()], 1, 0, 1).to_vec();
        p.extend_from_slice(&[0x20, 3]);
        assert!(parse_payload(&p).is_err());
    }
}
