//! WinAuth's export. Its plain text is an `otpauth://` list (also detected as such); protected
//! with a password, it is a ZipCrypto zip holding that list as `winauth-YYYY-MM-DD.txt`. WinAuth
//! writes no issuer: its URIs carry only the name the user gave, which becomes the account.

use super::{uri_list, zipped, Format, Parsed};
use crate::Result;

const FORMAT: Format = Format::WinAuth;

/// The list's name inside the zip.
fn member(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("winauth") && name.ends_with(".txt")
}

/// A zip whose only member is a `winauth*.txt`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    zipped::names(bytes).is_some_and(|n| n.len() == 1 && member(&n[0]))
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    if !zipped::is_zip(bytes) {
        return uri_list::parse(bytes);
    }
    zipped::uri_list(bytes, password, FORMAT, member, "winauth-….txt list")
}

#[cfg(test)]
mod tests {
    use super::super::zipped::tests::{zip, Seal};
    use super::super::{read, Format};
    use crate::Error;

    const LIST: &[u8] =
        b"otpauth://totp/Work%20mail?secret=JBSWY3DPEHPK3PXP&digits=6&icon=WinAuth\r\n\
        otpauth://totp/Broken?secret=JBSWY3DPEHPK3PX1&digits=6\r\n\
        otpauth://hotp/Bank?secret=GEZDGNBVGY3TQOJQ&counter=3&digits=8\r\n";

    #[test]
    fn the_protected_zip_holds_the_list() {
        let bytes = zip(&[("winauth-2024-01-31.txt", LIST)], Seal::ZipCrypto("pw"));
        let e = read(&bytes, None, Some("pw")).unwrap();
        assert_eq!(e.format, Format::WinAuth);
        let rows: Vec<_> = e
            .accounts
            .iter()
            .map(|a| {
                (
                    a.uri.issuer.as_str(),
                    a.uri.account.as_str(),
                    a.uri.otp.digits,
                )
            })
            .collect();
        assert_eq!(rows, [("", "Work mail", 6), ("", "Bank", 8)]);
        assert_eq!(e.accounts[1].uri.otp.counter, 3);
        assert_eq!(e.numbers, [1, 3]);
        assert_eq!(
            (e.skipped[0].entry, e.skipped[0].label.as_str()),
            (2, "Broken")
        );
        assert!(e.skipped[0].reason.contains("base32"), "{}", e.skipped[0]);
    }

    #[test]
    fn passwords_and_damage_are_refused_whole() {
        let bytes = zip(&[("winauth-2024-01-31.txt", LIST)], Seal::ZipCrypto("pw"));
        assert!(matches!(
            read(&bytes, None, None),
            Err(Error::ExportPasswordNeeded("WinAuth export"))
        ));
        assert!(matches!(
            read(&bytes, None, Some("wrong")),
            Err(Error::ExportWrongPassword(_))
        ));
        assert!(matches!(
            read(&bytes[..bytes.len() / 2], Some(Format::WinAuth), Some("pw")),
            Err(Error::NotExport { .. })
        ));
        let other = zip(&[("notes.txt", LIST)], Seal::Plain);
        assert!(matches!(
            read(&other, Some(Format::WinAuth), None),
            Err(Error::NotExport { .. })
        ));
    }

    #[test]
    fn the_plain_text_export_is_a_uri_list() {
        let e = read(LIST, None, None).unwrap();
        assert_eq!(e.format, Format::UriList);
        let named = read(LIST, Some(Format::WinAuth), None).unwrap();
        assert_eq!(named.accounts.len(), 2);
        assert_eq!(named.skipped.len(), 1);
    }

    #[test]
    fn real_winauth_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check("winauth", Format::WinAuth, Differences::default());
    }
}
