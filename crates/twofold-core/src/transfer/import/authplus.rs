//! Authenticator Plus's export: a ZipCrypto zip (sealed with the app's master password) that
//! holds `Accounts.txt`, an `otpauth://` list. The app's own database (`authplus.db`) is
//! SQLCipher and is not read: the export is what the app offers users for leaving it.

use super::{zipped, Format, Parsed};
use crate::Result;

const FORMAT: Format = Format::AuthenticatorPlus;

fn member(name: &str) -> bool {
    name.rsplit('/').next() == Some("Accounts.txt")
}

/// A zip that holds `Accounts.txt`.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    zipped::names(bytes).is_some_and(|n| n.iter().any(|n| member(n)))
}

pub(super) fn parse(bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
    zipped::uri_list(bytes, password, FORMAT, member, "Accounts.txt")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{row, tags};
    use super::super::zipped::tests::{zip, Seal};
    use super::super::{read, Format};
    use crate::otp::{Algorithm, OtpKind};
    use crate::Error;

    const LIST: &[u8] = b"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&digits=8&period=60\n\
        otpauth://totp/Bad:bob?secret=&issuer=Bad\n\
        otpauth://hotp/Corp:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Corp&counter=5\n";

    #[test]
    fn accounts_txt_is_read_from_the_sealed_zip() {
        let bytes = zip(&[("Accounts.txt", LIST)], Seal::ZipCrypto("master"));
        let e = read(&bytes, None, Some("master")).unwrap();
        assert_eq!(e.format, Format::AuthenticatorPlus);
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
                    "carol",
                    OtpKind::Hotp,
                    Algorithm::Sha1,
                    6,
                    30,
                    5,
                    tags(&[])
                ),
            ]
        );
        assert_eq!(
            (e.skipped[0].entry, e.skipped[0].label.as_str()),
            (2, "Bad:bob")
        );
    }

    #[test]
    fn a_wrong_password_or_a_damaged_zip_imports_nothing() {
        let bytes = zip(&[("Accounts.txt", LIST)], Seal::ZipCrypto("master"));
        assert!(matches!(
            read(&bytes, None, None),
            Err(Error::ExportPasswordNeeded("Authenticator Plus backup"))
        ));
        assert!(matches!(
            read(&bytes, None, Some("nope")),
            Err(Error::ExportWrongPassword(_))
        ));
        assert!(read(
            &bytes[..bytes.len() - 30],
            Some(Format::AuthenticatorPlus),
            Some("master")
        )
        .is_err());
        let plain = zip(&[("Accounts.txt", LIST)], Seal::Plain);
        assert_eq!(read(&plain, None, None).unwrap().accounts.len(), 2);
    }

    #[test]
    fn real_authenticator_plus_exports_match_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "authenticator_plus",
            Format::AuthenticatorPlus,
            Differences::default(),
        );
    }
}
