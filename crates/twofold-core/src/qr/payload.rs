//! What a QR code's text means to an authenticator: one account, a Google Authenticator export,
//! or nothing we can use.

use crate::otp::uri::OtpUri;
use crate::transfer::google::{self, MigrationBatch};
use crate::{Error, Result};

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
    /// [`Error::NotAuthenticatorQr`] saying what kind of code it looks like, never what it
    /// held (a Wi-Fi password, a link with a token); a malformed URI of either kind is
    /// [`Error::InvalidUri`] or [`Error::InvalidMigration`].
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        if starts("otpauth://") {
            OtpUri::parse(t).map(Payload::Account)
        } else if starts(google::SCHEME) {
            google::parse_uri(t).map(Payload::Migration)
        } else {
            Err(Error::NotAuthenticatorQr(QrContent::of(t)))
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

/// What a QR code that is not an authenticator's looks like it holds, told by its prefix; the
/// content itself is never kept, since it may be private (a Wi-Fi password, a link with a
/// token, a contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrContent {
    /// `http://` or `https://`.
    WebLink,
    /// `WIFI:`: a network's name and password.
    WiFi,
    /// `mailto:` or `MATMSG:`.
    Email,
    /// `tel:`.
    Phone,
    /// `sms:`, `smsto:`.
    Sms,
    /// `BEGIN:VCARD` or `MECARD:`.
    Contact,
    /// `BEGIN:VEVENT` / `BEGIN:VCALENDAR`.
    CalendarEvent,
    /// `geo:`.
    Location,
    /// Another `scheme:` link (an app's link, a payment address).
    OtherLink,
    /// Anything else.
    Text,
}

impl QrContent {
    /// The kind of `text`, from its start.
    pub fn of(text: &str) -> Self {
        let t = text.trim_start();
        let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        let any = |ps: &[&str]| ps.iter().any(|p| starts(p));
        if any(&["http://", "https://"]) {
            QrContent::WebLink
        } else if starts("WIFI:") {
            QrContent::WiFi
        } else if any(&["mailto:", "MATMSG:"]) {
            QrContent::Email
        } else if starts("tel:") {
            QrContent::Phone
        } else if any(&["sms:", "smsto:"]) {
            QrContent::Sms
        } else if any(&["BEGIN:VCARD", "MECARD:"]) {
            QrContent::Contact
        } else if any(&["BEGIN:VEVENT", "BEGIN:VCALENDAR"]) {
            QrContent::CalendarEvent
        } else if starts("geo:") {
            QrContent::Location
        } else if t.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme.len() <= 32
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }) {
            QrContent::OtherLink
        } else {
            QrContent::Text
        }
    }
}

impl std::fmt::Display for QrContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QrContent::WebLink => "a web link",
            QrContent::WiFi => "a Wi-Fi network's details",
            QrContent::Email => "an email address",
            QrContent::Phone => "a phone number",
            QrContent::Sms => "a text message",
            QrContent::Contact => "a contact card",
            QrContent::CalendarEvent => "a calendar event",
            QrContent::Location => "a location",
            QrContent::OtherLink => "a link for another app",
            QrContent::Text => "text",
        })
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

    // See: issue 16: the message quoted what the code held, a Wi-Fi password for one.
    #[test]
    fn issue16_anything_else_is_named_by_kind_never_quoted() {
        for (text, kind, says) in [
            (
                "https://example.com/reset?token=s3cr3t",
                QrContent::WebLink,
                "a web link",
            ),
            (
                "WIFI:S:home;T:WPA;P:hunter22;;",
                QrContent::WiFi,
                "a Wi-Fi network's details",
            ),
            (
                "mailto:ceo@example.com",
                QrContent::Email,
                "an email address",
            ),
            ("tel:+15550100", QrContent::Phone, "a phone number"),
            ("SMSTO:+15550100:hi", QrContent::Sms, "a text message"),
            (
                "BEGIN:VCARD\nFN:Jo\nEND:VCARD",
                QrContent::Contact,
                "a contact card",
            ),
            (
                "BEGIN:VEVENT\nEND:VEVENT",
                QrContent::CalendarEvent,
                "a calendar event",
            ),
            ("geo:48.85,2.35", QrContent::Location, "a location"),
            (
                "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                QrContent::OtherLink,
                "a link for another app",
            ),
            ("my pin is 1234: ok", QrContent::Text, "text"),
            ("hunter22", QrContent::Text, "text"),
        ] {
            match Payload::parse(text) {
                Err(e @ Error::NotAuthenticatorQr(_)) => {
                    assert!(
                        matches!(e, Error::NotAuthenticatorQr(k) if k == kind),
                        "{text}"
                    );
                    let msg = Error::NotAuthenticatorQr(kind).to_string();
                    assert_eq!(
                        msg,
                        format!("not an authenticator QR code: it holds {says}")
                    );
                    for secret in [
                        "s3cr3t", "hunter22", "ceo@", "5550100", "Jo", "48.85", "1Boat", "1234",
                    ] {
                        assert!(!msg.contains(secret), "{msg}");
                    }
                    assert!(!format!("{e:?}").contains("hunter22"));
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(
            Payload::parse("otpauth://totp/x"),
            Err(Error::InvalidUri(_))
        ));
    }
}
