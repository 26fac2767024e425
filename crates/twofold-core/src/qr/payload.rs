//! What a QR code's text means to an authenticator: one account, a Google Authenticator export,
//! or nothing we can use.

use crate::otp::uri::OtpUri;
use crate::transfer::google::{self, MigrationBatch};
use crate::{Error, Result};

/// How much of a foreign QR code's text an error quotes.
const QUOTE_CHARS: usize = 60;

/// An authenticator QR code's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `otpauth://totp/...`, `otpauth://hotp/...` or `otpauth://steam/...`: one account.
    Account(OtpUri),
    /// `otpauth-migration://offline?data=...`: one batch of a Google Authenticator export.
    Migration(MigrationBatch),
}

impl Payload {
    /// Reads a QR code's text. A text that is neither kind of URI is
    /// [`Error::NotAuthenticatorQr`] quoting what it held; a malformed URI of either kind is
    /// [`Error::InvalidUri`] or [`Error::InvalidMigration`].
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        if starts("otpauth://") {
            OtpUri::parse(t).map(Payload::Account)
        } else if starts(google::SCHEME) {
            google::parse_uri(t).map(Payload::Migration)
        } else {
            Err(Error::NotAuthenticatorQr(quote(t)))
        }
    }

    /// The accounts it carries (one, or every account of the batch).
    pub fn accounts(&self) -> &[OtpUri] {
        match self {
            Payload::Account(a) => std::slice::from_ref(a),
            Payload::Migration(b) => &b.accounts,
        }
    }
}

/// The text cut to [`QUOTE_CHARS`] characters (with an ellipsis when cut).
fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind() {
        for (uri, kind) in [
            ("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", "totp"),
            (
                "otpauth://hotp/A:b?secret=JBSWY3DPEHPK3PXP&counter=1",
                "hotp",
            ),
            ("otpauth://steam/Steam:b?secret=JBSWY3DPEHPK3PXP", "steam"),
            ("  OTPAUTH://totp/b?secret=JBSWY3DPEHPK3PXP\n", "totp"),
        ] {
            let p = Payload::parse(uri).unwrap();
            assert_eq!(p.accounts().len(), 1);
            assert_eq!(p.accounts()[0].otp.kind.as_str(), kind, "{uri}");
        }
        let a = OtpUri::parse("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP").unwrap();
        let export = google::to_uri(&[a.clone(), a.clone()], 1, 0, 7);
        let p = Payload::parse(&export).unwrap();
        assert!(matches!(p, Payload::Migration(_)));
        assert_eq!(p.accounts(), &[a.clone(), a]);
    }

    #[test]
    fn anything_else_is_not_an_authenticator_code() {
        let long = format!("https://example.com/{}", "x".repeat(100));
        match Payload::parse(&long) {
            Err(e @ Error::NotAuthenticatorQr(_)) => {
                let msg = e.to_string();
                assert!(
                    msg.starts_with(
                        "not an authenticator QR code: it contains \"https://example.com/xxx"
                    ),
                    "{msg}"
                );
                assert!(msg.ends_with("…\""), "{msg}");
                assert!(msg.chars().count() <= 45 + QUOTE_CHARS, "{msg}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Payload::parse("WIFI:S:home;T:WPA;P:pw;;"),
            Err(Error::NotAuthenticatorQr(s)) if s == "WIFI:S:home;T:WPA;P:pw;;"
        ));
        assert!(matches!(
            Payload::parse("otpauth://totp/x"),
            Err(Error::InvalidUri(_))
        ));
    }
}
