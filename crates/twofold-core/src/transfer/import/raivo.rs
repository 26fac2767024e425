//! Raivo OTP's export (`raivo-otp-export.zip`): a zip sealed with WinZip AES-256 under the
//! user's password, holding `raivo-otp-export.json` (and a page of QR images, not read). The
//! JSON is an array of tokens in which every number is written as a string.

use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::zipped::{self, Zip};
use super::{json, not_format, Fields, Format, Parsed, Skipped};
use crate::Result;

const FORMAT: Format = Format::Raivo;
const MEMBER: &str = "raivo-otp-export.json";

/// One token, read loosely so an odd one is skipped rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Token {
    issuer: Option<Value>,
    account: Option<Value>,
    secret: Option<Zeroizing<String>>,
    algorithm: Option<Value>,
    digits: Option<Value>,
    kind: Option<Value>,
    timer: Option<Value>,
    counter: Option<Value>,
}

fn member(name: &str) -> bool {
    name.rsplit('/').next() == Some(MEMBER)
}

/// A zip that holds `raivo-otp-export.json`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    zipped::names(bytes).is_some_and(|n| n.iter().any(|n| member(n)))
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    let mut zip = Zip::open(bytes, FORMAT)?;
    let name = zip
        .find(member)
        .ok_or_else(|| not_format(FORMAT, format!("it holds no {MEMBER}")))?;
    let plain = zip.read(&name, password)?;
    let tokens: Vec<Value> = serde_json::from_slice(&plain).map_err(|e| json::error(FORMAT, &e))?;
    Ok(tokens
        .into_iter()
        .enumerate()
        .map(|(i, v)| entry(v, i + 1))
        .collect())
}

fn entry(v: Value, n: usize) -> Parsed {
    let Ok(t) = serde_json::from_value::<Token>(v) else {
        return Err(Skipped {
            entry: n,
            label: String::new(),
            reason: "it is not a token".into(),
        });
    };
    let fields = Fields {
        kind: json::string(&t.kind),
        issuer: json::string(&t.issuer).unwrap_or_default(),
        account: json::string(&t.account).unwrap_or_default(),
        secret: t.secret.unwrap_or_default(),
        algorithm: json::string(&t.algorithm),
        ..Fields::default()
    };
    fields.complete(n, |f| {
        f.digits = json::number(&t.digits, "digits")?;
        f.period = json::number(&t.timer, "timer")?;
        f.counter = json::number(&t.counter, "counter")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{row, tags};
    use super::super::zipped::tests::{zip, Seal};
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind};
    use crate::Error;

    const TOKENS: &str = r#"[
        {"issuer":"ACME","account":"alice","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA256","digits":"8","kind":"TOTP","timer":"60","counter":"0","pinned":"false","iconType":"","iconValue":""},
        {"issuer":"Corp","account":"bob","secret":"GEZDGNBVGY3TQOJQ","algorithm":"SHA1","digits":"6","kind":"HOTP","timer":"30","counter":"12","pinned":"true"},
        {"issuer":"Bad","account":"carol","secret":"ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789","algorithm":"SHA1","digits":"6","kind":"TOTP","timer":"30","counter":"0"},
        {"issuer":"Odd","account":"dave","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"six","kind":"TOTP","timer":"30","counter":"0"}
    ]"#;

    fn export(seal: Seal<'_>) -> Vec<u8> {
        zip(
            &[
                (MEMBER, TOKENS.as_bytes()),
                ("raivo-otp-export.html", b"<html></html>"),
            ],
            seal,
        )
    }

    #[test]
    fn the_aes_zip_is_read_with_numbers_written_as_strings() {
        let e = read(&export(Seal::Aes("hunter2")), None, Some("hunter2")).unwrap();
        assert_eq!(e.format, Format::Raivo);
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
                    12,
                    tags(&[])
                ),
            ]
        );
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(skipped, [(3, "Bad: carol"), (4, "Odd: dave")]);
        assert!(e.skipped[0].reason.contains("base32"), "{}", e.skipped[0]);
        assert!(e.skipped[1].reason.contains("digits"), "{}", e.skipped[1]);
        // An unencrypted zip of the same shape is read too.
        assert_eq!(
            read(&export(Seal::Plain), None, None)
                .unwrap()
                .accounts
                .len(),
            2
        );
    }

    #[test]
    fn password_failures_and_damage_refuse_the_file() {
        let bytes = export(Seal::Aes("hunter2"));
        assert!(matches!(
            read(&bytes, None, None),
            Err(Error::ExportPasswordNeeded("Raivo OTP export"))
        ));
        assert!(matches!(
            read(&bytes, None, Some("hunter3")),
            Err(Error::ExportWrongPassword(_))
        ));
        assert!(read(
            &bytes[..bytes.len() / 2],
            Some(Format::Raivo),
            Some("hunter2")
        )
        .is_err());
        let not_json = zip(&[(MEMBER, b"[{\"issuer\":")], Seal::Aes("pw"));
        assert!(matches!(
            read(&not_json, None, Some("pw")),
            Err(Error::NotExport { .. })
        ));
    }

    #[test]
    fn real_raivo_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check("gnome_authenticator", Format::Raivo, Differences::default());
    }
}
