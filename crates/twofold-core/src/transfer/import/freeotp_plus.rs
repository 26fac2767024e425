//! FreeOTP+'s backup (`freeotp-backup.json`): `{tokenOrder, tokens}`, each token with its secret
//! as an array of signed bytes (Java's `byte`). FreeOTP's token store, the Android preferences
//! file `tokens.xml` that FreeOTP+ kept, holds the same tokens as XML-escaped JSON strings: it
//! is detected as FreeOTP's (see `freeotp.rs`, which reads it with the functions here) and read
//! here too when the user names FreeOTP+.
//!
//! The HOTP counter is imported as stored, as Aegis does and as the independent decoding of
//! the samples expects. Some FreeOTP versions store the counter of the last code shown rather
//! than the next one (GNOME Authenticator adds one for that); then the first code Twofold shows
//! is one the server has already used and refuses once, and the next press is accepted.

use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, not_format, text, Fields, Format, Parsed, Skipped};
use crate::Result;

const FORMAT: Format = Format::FreeOtpPlus;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    tokens: Vec<Value>,
}

/// One token. Read loosely, so one odd token is skipped rather than the file refused.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Token {
    algo: Option<Value>,
    counter: Option<Value>,
    digits: Option<Value>,
    issuer_alt: Option<Value>,
    issuer_ext: Option<Value>,
    issuer_int: Option<Value>,
    label: Option<Value>,
    label_alt: Option<Value>,
    period: Option<Value>,
    secret: Option<Vec<Value>>,
    #[serde(rename = "type")]
    kind: Option<Value>,
}

/// A JSON object with `tokens` and `tokenOrder`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        tokens: Option<serde::de::IgnoredAny>,
        token_order: Option<serde::de::IgnoredAny>,
    }
    let Some(t) = text(bytes) else {
        return false;
    };
    t.trim_start().starts_with('{')
        && serde_json::from_str::<Probe>(t)
            .is_ok_and(|p| p.tokens.is_some() && p.token_order.is_some())
}

pub(super) fn parse(bytes: &[u8], _password: Option<&str>) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(FORMAT, "it is not text"))?;
    let tokens = if t.trim_start().starts_with('<') {
        preferences(t, FORMAT)?
    } else {
        let backup: Backup = serde_json::from_str(t).map_err(|e| json::error(FORMAT, &e))?;
        backup.tokens
    };
    Ok(tokens
        .into_iter()
        .enumerate()
        .map(|(i, v)| token(v, i + 1, None))
        .collect())
}

/// Whether `t` is an Android preferences file with a `tokenOrder`: FreeOTP's `tokens.xml`.
pub(super) fn is_preferences(t: &str) -> bool {
    t.trim_start().starts_with('<')
        && t.contains("<map")
        && t.contains(r#"<string name="tokenOrder">"#)
}

/// The tokens of a `tokens.xml` (read as `format`): every `<string name=..>` but `tokenOrder`,
/// unescaped and parsed as JSON.
pub(super) fn preferences(t: &str, format: Format) -> Result<Vec<Value>> {
    let body = t
        .split_once("<map")
        .and_then(|(_, rest)| rest.split_once("</map>"))
        .map(|(body, _)| body)
        .ok_or_else(|| not_format(format, "it is not an Android preferences file"))?;
    let mut tokens = Vec::new();
    for element in body.split("<string ").skip(1) {
        let (attributes, rest) = element
            .split_once('>')
            .ok_or_else(|| not_format(format, "an element is cut short"))?;
        let (value, _) = rest
            .split_once("</string>")
            .ok_or_else(|| not_format(format, "an element is cut short"))?;
        if attributes.trim() == r#"name="tokenOrder""# {
            continue;
        }
        let value = unescape(value).ok_or_else(|| not_format(format, "an element is not XML"))?;
        tokens.push(serde_json::from_str(&value).map_err(|e| json::error(format, &e))?);
    }
    Ok(tokens)
}

/// XML text with its entity and character references replaced.
fn unescape(s: &str) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (entity, after) = rest[at + 1..].split_once(';')?;
        let c = match entity {
            "quot" => '"',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            _ => {
                let code = match entity.strip_prefix("#x") {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => entity.strip_prefix('#')?.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = after;
    }
    out.push_str(rest);
    Some(out)
}

/// Entry `n` from token `v`. `secret` is the secret when it is stored apart from the token
/// (FreeOTP 2), or why it could not be had; `None` takes the token's own array of signed bytes.
pub(super) fn token(
    v: Value,
    n: usize,
    secret: Option<std::result::Result<Zeroizing<Vec<u8>>, String>>,
) -> Parsed {
    let t: Token = match serde_json::from_value(v) {
        Ok(t) => t,
        Err(_) => {
            return Err(Skipped {
                entry: n,
                label: String::new(),
                reason: "it is not a token".into(),
            })
        }
    };
    // The user's own edits (`issuerAlt`, `labelAlt`) win over what the QR code said.
    let fields = Fields {
        kind: json::string(&t.kind),
        issuer: json::string(&t.issuer_alt)
            .or_else(|| json::string(&t.issuer_ext))
            .or_else(|| json::string(&t.issuer_int))
            .unwrap_or_default(),
        account: json::string(&t.label_alt)
            .or_else(|| json::string(&t.label))
            .unwrap_or_default(),
        algorithm: json::string(&t.algo),
        ..Fields::default()
    };
    fields.complete(n, |fields| {
        let bytes = match secret {
            Some(bytes) => bytes?,
            None => Zeroizing::new(
                t.secret
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .map(|b| match b.as_i64() {
                        // Java bytes are signed: -128..-1 are 128..255.
                        Some(b @ -128..=255) => Ok(b as u8),
                        _ => Err("its secret is not a list of bytes".to_string()),
                    })
                    .collect::<std::result::Result<Vec<u8>, String>>()?,
            ),
        };
        fields.secret = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&bytes));
        fields.digits = json::number(&t.digits, "digits")?;
        fields.period = json::number(&t.period, "period")?;
        fields.counter = json::number(&t.counter, "counter")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{read, Format};
    use super::*;
    use crate::otp::{Algorithm, OtpKind, Secret};

    /// `JBSWY3DPEHPK3PXP` is the bytes "Hello!\xde\xad\xbe\xef"; here as Java's signed bytes.
    const HELLO: &str = "[72,101,108,108,111,33,-34,-83,-66,-17]";

    fn backup() -> String {
        format!(
            r#"{{"tokenOrder":["ACME:alice","Corp:bob","Bad:carol","Odd:dave"],"tokens":[
            {{"algo":"SHA256","counter":0,"digits":8,"issuerExt":"ACME","issuerInt":"acme","label":"alice","period":60,"secret":{HELLO},"type":"TOTP"}},
            {{"algo":"SHA1","counter":41,"digits":6,"issuerExt":"Corp","issuerAlt":"My Corp","label":"bob","labelAlt":"bobby","period":30,"secret":{HELLO},"type":"HOTP"}},
            {{"algo":"SHA1","digits":6,"issuerExt":"Bad","label":"carol","secret":[1,2,3],"type":"TOTP"}},
            {{"algo":"SHA1","digits":6,"issuerExt":"Odd","label":"dave","secret":[1,999],"type":"TOTP"}}
            ]}}"#
        )
    }

    fn row(a: &crate::vault::NewAccount) -> (&str, &str, OtpKind, Algorithm, u32, u64, u64) {
        let o = &a.uri.otp;
        (
            &a.uri.issuer,
            &a.uri.account,
            o.kind,
            o.algorithm,
            o.digits,
            o.period,
            o.counter,
        )
    }

    #[test]
    fn tokens_are_read_with_signed_byte_secrets_and_the_counter_as_stored() {
        let e = read(backup().as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::FreeOtpPlus);
        let rows: Vec<_> = e.accounts.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                ("ACME", "alice", OtpKind::Totp, Algorithm::Sha256, 8, 60, 0),
                (
                    "My Corp",
                    "bobby",
                    OtpKind::Hotp,
                    Algorithm::Sha1,
                    6,
                    30,
                    41
                ),
            ]
        );
        let hello = Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(e.accounts[0].uri.otp.secret, hello);
        let skipped: Vec<_> = e
            .skipped
            .iter()
            .map(|s| (s.entry, s.label.as_str()))
            .collect();
        assert_eq!(skipped, [(3, "Bad: carol"), (4, "Odd: dave")]);
        assert!(e.skipped[1].reason.contains("bytes"), "{}", e.skipped[1]);
    }

    #[test]
    fn the_preferences_file_holds_the_same_tokens_escaped() {
        let token = format!(
            r#"{{"algo":"SHA1","counter":0,"digits":6,"issuerExt":"A&amp;B","label":"alice","period":30,"secret":{HELLO},"type":"TOTP"}}"#
        )
        .replace('"', "&quot;");
        let xml = format!(
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n    \
             <string name=\"A&amp;B:alice\">{token}</string>\n    \
             <string name=\"tokenOrder\">[&quot;A&amp;B:alice&quot;]</string>\n</map>\n"
        );
        let e = read(xml.as_bytes(), Some(Format::FreeOtpPlus), None).unwrap();
        assert_eq!(e.format, Format::FreeOtpPlus);
        assert_eq!(
            super::super::detect(xml.as_bytes()).ok(),
            Some(Format::FreeOtp)
        );
        assert_eq!(e.accounts.len(), 1);
        assert_eq!(
            (
                e.accounts[0].uri.issuer.as_str(),
                e.accounts[0].uri.account.as_str()
            ),
            ("A&B", "alice")
        );
        assert!(read(
            &xml.as_bytes()[..xml.len() / 2],
            Some(Format::FreeOtpPlus),
            None
        )
        .is_err());
    }

    #[test]
    fn damaged_backups_are_refused_whole() {
        let b = backup();
        for d in [
            &b[..b.len() / 2],
            r#"{"tokenOrder":[],"tokens":"nope"}"#,
            r#"{"tokenOrder":[]}"#,
            "<map><string name=\"x\">{&quot;</string></map>",
            "",
        ] {
            assert!(
                read(d.as_bytes(), Some(Format::FreeOtpPlus), None).is_err(),
                "{d}"
            );
        }
    }

    #[test]
    fn only_freeotp_shaped_files_are_taken_for_it() {
        assert!(sniff(backup().as_bytes()));
        assert!(!sniff(br#"{"tokens":[]}"#));
        assert!(!sniff(br#"{"encrypted":false,"items":[]}"#));
        assert!(!sniff(b"<map></map>"));
        assert!(!sniff(
            b"<map><string name=\"tokenOrder\">[]</string></map>"
        ));
        assert!(!sniff(b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn real_freeotp_plus_backups_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "freeotp_plus",
            Format::FreeOtpPlus,
            Differences {
                // FreeOTP's own token store, detected as FreeOTP's (the same reader).
                undetectable: &["freeotp_plus/freeotp_plus_internal.xml"],
                ..Differences::default()
            },
        );
    }
}
