//! The `otpauth://` Key URI Format (Google Authenticator's, as every app reads it).
//!
//! `otpauth://TYPE/LABEL?secret=..&issuer=..&algorithm=..&digits=..&period=..&counter=..`
//! where LABEL is `account` or `issuer:account`, percent-encoded. When the label's issuer prefix
//! and the `issuer` parameter disagree, the parameter wins (the format says it is the one to
//! trust). `otpauth://steam/...` (Aegis) and `encoder=steam` are read as Steam Guard.
//! Formatting then parsing gives back the same account.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

use super::{Algorithm, Otp, OtpKind, Secret};
use crate::{Error, Result};

/// Characters left as they are in labels and parameter values.
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// A parsed `otpauth://` URI: who issued the account, for which account, and its OTP parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpUri {
    /// The service, e.g. "Amazon Web Services" (may be empty).
    pub issuer: String,
    /// The account at that service, e.g. "alice@123456789012".
    pub account: String,
    /// The code parameters and the secret.
    pub otp: Otp,
}

impl OtpUri {
    /// Parses an `otpauth://` URI; every error names the part that is wrong.
    pub fn parse(input: &str) -> Result<Self> {
        let input = input.trim();
        let rest = strip_prefix_ignore_case(input, "otpauth://").ok_or_else(|| {
            Error::InvalidUri(if input.starts_with("otpauth-migration://") {
                "this is a Google Authenticator export (otpauth-migration://), not a single account"
                    .into()
            } else {
                "it must start with otpauth://".into()
            })
        })?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (kind_str, label) = path.split_once('/').unwrap_or((path, ""));
        let mut kind = match kind_str.to_ascii_lowercase().as_str() {
            "totp" => OtpKind::Totp,
            "hotp" => OtpKind::Hotp,
            "steam" => OtpKind::Steam,
            "" => {
                return Err(Error::InvalidUri(
                    "the type (totp or hotp) is missing".into(),
                ))
            }
            other => {
                return Err(Error::InvalidUri(format!(
                    "unknown type {other:?}; expected totp or hotp"
                )))
            }
        };

        let mut secret: Option<Zeroizing<String>> = None;
        let mut issuer_param: Option<String> = None;
        let mut algorithm = Algorithm::Sha1;
        let mut digits: Option<u32> = None;
        let mut period: u64 = 30;
        let mut counter: Option<u64> = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let key = key.to_ascii_lowercase();
            match key.as_str() {
                "secret" => secret = Some(Zeroizing::new(decode(raw, true)?)),
                "issuer" => issuer_param = Some(decode(raw, true)?),
                "algorithm" => algorithm = Algorithm::parse(&decode(raw, true)?)?,
                "digits" => digits = Some(parse_number(&decode(raw, true)?, "digits")?),
                "period" => period = parse_number(&decode(raw, true)?, "period")?,
                "counter" => counter = Some(parse_number(&decode(raw, true)?, "counter")?),
                "encoder" if decode(raw, true)?.eq_ignore_ascii_case("steam") => {
                    kind = OtpKind::Steam
                }
                // image, color, lock, ... are presentation hints other apps add; ignored.
                _ => {}
            }
        }

        let secret =
            secret.ok_or_else(|| Error::InvalidUri("the secret parameter is missing".into()))?;
        let secret = Secret::from_base32_lenient(&secret)?;
        if kind == OtpKind::Hotp && counter.is_none() {
            return Err(Error::InvalidUri(
                "an hotp uri needs a counter parameter".into(),
            ));
        }

        // The separator is the first literal ':' of the raw label, or else the first "%3A"; an
        // issuer that itself contains a colon is then still read whole.
        let split = label
            .find(':')
            .map(|i| (i, 1))
            .or_else(|| label.to_ascii_lowercase().find("%3a").map(|i| (i, 3)));
        let (label_issuer, account) = match split {
            Some((i, n)) => (
                Some(decode(&label[..i], false)?.trim().to_string()),
                decode(&label[i + n..], false)?.trim().to_string(),
            ),
            None => (None, decode(label, false)?.trim().to_string()),
        };
        let issuer = issuer_param.or(label_issuer).unwrap_or_default();
        if issuer.is_empty() && account.is_empty() {
            return Err(Error::InvalidUri(
                "it names neither an issuer nor an account".into(),
            ));
        }

        let otp = Otp::new(
            kind,
            algorithm,
            digits.unwrap_or(6),
            period,
            counter.unwrap_or(0),
            secret,
        )?;
        Ok(OtpUri {
            issuer,
            account,
            otp,
        })
    }

    /// Formats the URI with every parameter spelled out. It contains the secret, so it comes
    /// back in a zeroizing string.
    pub fn to_uri(&self) -> Zeroizing<String> {
        let enc = |s: &str| utf8_percent_encode(s, ENCODE_SET).to_string();
        let label = if self.issuer.is_empty() {
            // An empty issuer before a literal ':' keeps an encoded colon in the account from
            // being read as the separator.
            let empty_issuer = if self.account.contains(':') { ":" } else { "" };
            format!("{empty_issuer}{}", enc(&self.account))
        } else {
            format!("{}:{}", enc(&self.issuer), enc(&self.account))
        };
        let o = &self.otp;
        let mut uri = Zeroizing::new(format!(
            "otpauth://{}/{}?secret={}",
            o.kind.as_str(),
            label,
            o.secret.to_base32().as_str()
        ));
        if !self.issuer.is_empty() {
            uri.push_str(&format!("&issuer={}", enc(&self.issuer)));
        }
        match o.kind {
            OtpKind::Steam => {}
            OtpKind::Totp => uri.push_str(&format!(
                "&algorithm={}&digits={}&period={}",
                o.algorithm.as_str(),
                o.digits,
                o.period
            )),
            OtpKind::Hotp => uri.push_str(&format!(
                "&algorithm={}&digits={}&counter={}",
                o.algorithm.as_str(),
                o.digits,
                o.counter
            )),
        }
        uri
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Percent-decodes; in query values `+` also means a space (form encoding, which some
/// generators use).
fn decode(s: &str, plus_is_space: bool) -> Result<String> {
    let s = if plus_is_space {
        s.replace('+', " ")
    } else {
        s.to_string()
    };
    percent_decode_str(&s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| Error::InvalidUri("a percent-encoded part is not valid UTF-8".into()))
}

fn parse_number<T: std::str::FromStr>(s: &str, field: &'static str) -> Result<T> {
    s.trim().parse().map_err(|_| Error::NotANumber {
        field,
        text: s.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_aws_console_uri() {
        let u = OtpUri::parse(
            "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services",
        )
        .unwrap();
        assert_eq!(u.issuer, "Amazon Web Services");
        assert_eq!(u.account, "alice@123456789012");
        assert_eq!(
            (u.otp.kind, u.otp.digits, u.otp.period),
            (OtpKind::Totp, 6, 30)
        );
    }

    #[test]
    fn issuer_parameter_wins_over_label_prefix() {
        let u =
            OtpUri::parse("otpauth://totp/Old%20Name:bob?secret=JBSWY3DPEHPK3PXP&issuer=New+Name")
                .unwrap();
        assert_eq!((u.issuer.as_str(), u.account.as_str()), ("New Name", "bob"));
        let u = OtpUri::parse("otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!((u.issuer.as_str(), u.account.as_str()), ("Example", "bob"));
        let u = OtpUri::parse("otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!((u.issuer.as_str(), u.account.as_str()), ("", "bob"));
        let u = OtpUri::parse("otpauth://totp/ACME%3A%20carol?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!((u.issuer.as_str(), u.account.as_str()), ("ACME", "carol"));
    }

    #[test]
    fn parameters_are_read() {
        let u = OtpUri::parse(
            "OTPAUTH://TOTP/x:y?SECRET=jbswy3dpehpk3pxp&algorithm=sha512&digits=8&period=60&image=https%3A%2F%2Fx",
        )
        .unwrap();
        assert_eq!(
            (u.otp.algorithm, u.otp.digits, u.otp.period),
            (Algorithm::Sha512, 8, 60)
        );
        let h = OtpUri::parse("otpauth://hotp/x:y?secret=JBSWY3DPEHPK3PXP&counter=42").unwrap();
        assert_eq!((h.otp.kind, h.otp.counter), (OtpKind::Hotp, 42));
        let s = OtpUri::parse("otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&encoder=steam")
            .unwrap();
        assert_eq!((s.otp.kind, s.otp.digits), (OtpKind::Steam, 5));
    }

    #[test]
    fn round_trips() {
        for uri in [
            "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=JBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services&algorithm=SHA1&digits=6&period=30",
            "otpauth://hotp/ACME%20Co:john.doe%2Btag@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&counter=7",
            "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
            "otpauth://totp/%C3%9Cber%3AIssuer%20%26%20Co:%E2%9C%93?secret=JBSWY3DPEHPK3PXP&issuer=%C3%9Cber%3AIssuer%20%26%20Co&algorithm=SHA512&digits=10&period=90",
        ] {
            let parsed = OtpUri::parse(uri).unwrap();
            let formatted = parsed.to_uri();
            assert_eq!(formatted.as_str(), uri);
            assert_eq!(OtpUri::parse(&formatted).unwrap(), parsed);
        }
    }

    #[test]
    fn an_issuer_with_a_colon_survives_the_round_trip() {
        let u = OtpUri::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=A%3AB").unwrap();
        let back = OtpUri::parse(&u.to_uri()).unwrap();
        assert_eq!(back.issuer, "A:B");
        assert_eq!(back.account, "x");
    }

    #[test]
    fn malformed_uris_say_what_is_wrong() {
        let err = |s: &str| OtpUri::parse(s).unwrap_err().to_string();
        assert!(err("https://example.com").contains("otpauth://"));
        assert!(err("otpauth-migration://offline?data=abc").contains("Google Authenticator export"));
        assert!(err("otpauth://totp/x?issuer=y").contains("secret parameter is missing"));
        assert!(err("otpauth://sms/x?secret=JBSWY3DPEHPK3PXP").contains("unknown type"));
        assert!(err("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP").contains("counter"));
        assert!(err("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1").contains("character 16"));
        assert!(err("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12").contains("digits"));
        assert!(err("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=abc").contains("whole number"));
        assert!(
            err("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5").contains("algorithm")
        );
        assert!(err("otpauth://totp/%FF?secret=JBSWY3DPEHPK3PXP").contains("UTF-8"));
        assert!(err("otpauth://totp/?secret=JBSWY3DPEHPK3PXP").contains("neither"));
    }

    #[test]
    fn out_of_range_parameters_are_named() {
        let parse =
            |q: &str| OtpUri::parse(&format!("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&{q}"));
        assert!(matches!(parse("digits=12"), Err(Error::Digits(12))));
        assert!(matches!(parse("period=0"), Err(Error::Period(0))));
        assert!(matches!(parse("algorithm=MD5"), Err(Error::Algorithm(ref a)) if a == "MD5"));
        assert!(matches!(
            parse("period=abc"),
            Err(Error::NotANumber { field: "period", ref text }) if text == "abc"
        ));
    }

    /// Found by the fuzz harness (issue 16): with no issuer, an account holding a colon was
    /// written as `a%3Ab`, which reads back as issuer `a`, account `b`.
    #[test]
    fn an_account_with_a_colon_and_no_issuer_round_trips() {
        for account in ["a:b", ":", "x%3Ay:z"] {
            let u = OtpUri::parse(&format!(
                "otpauth://totp/:{}?secret=JBSWY3DPEHPK3PXP",
                utf8_percent_encode(account, ENCODE_SET)
            ))
            .unwrap();
            assert_eq!((u.issuer.as_str(), u.account.as_str()), ("", account));
            assert_eq!(OtpUri::parse(&u.to_uri()).unwrap(), u, "{account}");
        }
    }
}
