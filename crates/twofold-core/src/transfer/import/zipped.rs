//! Exports that are zip files: Raivo OTP (WinZip AES-256), WinAuth and Authenticator Plus
//! (ZipCrypto, the old PKWARE cipher), Proton Pass (plain). This module opens the archive,
//! finds the member a format names, and reads it whole with the password when it is encrypted,
//! turning the zip crate's failures into the import errors users see. What the member holds is
//! each format's business.

use std::io::{Cursor, Read};

use zeroize::Zeroizing;
use zip::result::ZipError;
use zip::ZipArchive;

use super::{not_format, Format};
use crate::{Error, Result};

/// The largest member read: exports are kilobytes (Raivo's page of QR images a few hundred);
/// a member inflating past this is not an export but a zip bomb.
const MAX_MEMBER: u64 = 64 << 20;

/// Whether `bytes` start like a zip file (a local file header).
pub(super) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The member names of a zip file, read from its central directory (no password needed);
/// `None` when `bytes` are not a readable zip.
pub(super) fn names(bytes: &[u8]) -> Option<Vec<String>> {
    if !is_zip(bytes) {
        return None;
    }
    let archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    archive
        .file_names()
        .map(|n| n.ok().map(|n| n.into_owned()))
        .collect()
}

/// An open zip export of `format`.
pub(super) struct Zip<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    format: Format,
}

impl<'a> Zip<'a> {
    /// Opens `bytes` as a zip export of `format`.
    pub(super) fn open(bytes: &'a [u8], format: Format) -> Result<Self> {
        if !is_zip(bytes) {
            return Err(not_format(format, "it is not a zip file"));
        }
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| not_format(format, "it is a damaged or cut-short zip file"))?;
        Ok(Zip { archive, format })
    }

    /// The first member name `want` accepts.
    pub(super) fn find(&self, want: impl Fn(&str) -> bool) -> Option<String> {
        self.archive
            .file_names()
            .filter_map(|n| n.ok())
            .find(|n| want(n))
            .map(|n| n.into_owned())
    }

    /// The content of member `name`, decrypted with `password` when the member is encrypted.
    pub(super) fn read(
        &mut self,
        name: &str,
        password: Option<&str>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let format = self.format;
        let damaged = || not_format(format, format!("its member {name} is damaged"));
        let index = self
            .archive
            .index_for_name(name)
            .ok_or_else(|| not_format(format, format!("it has no {name}")))?;
        let encrypted = self
            .archive
            .by_index_raw(index)
            .map_err(|_| damaged())?
            .encrypted();
        let member = match (encrypted, password) {
            (false, _) => self.archive.by_index(index),
            (true, None) => return Err(Error::ExportPasswordNeeded(format.title())),
            (true, Some(p)) => self.archive.by_index_decrypt(index, p.as_bytes()),
        };
        let member = match member {
            Ok(m) => m,
            Err(ZipError::InvalidPassword) => {
                return Err(Error::ExportWrongPassword(format.title()))
            }
            Err(ZipError::UnsupportedArchive(what)) => {
                return Err(not_format(format, format!("its member {name}: {what}")))
            }
            Err(_) => return Err(damaged()),
        };
        let mut out = Zeroizing::new(Vec::new());
        let read = member.take(MAX_MEMBER + 1).read_to_end(&mut out);
        match read {
            Ok(n) if n as u64 > MAX_MEMBER => Err(not_format(
                format,
                format!("its member {name} is larger than an export can be"),
            )),
            Ok(_) => Ok(out),
            // A cipher's check value is one byte (ZipCrypto) or two (WinZip AES), so a wrong
            // password passes it now and then; the checksum at the end of the member (CRC-32,
            // or AES's HMAC) then fails, and that is the likelier story than a damaged file.
            Err(_) if encrypted => Err(Error::ExportWrongPassword(format.title())),
            Err(_) => Err(damaged()),
        }
    }
}

/// The URI list held by the member of a zip that `member` accepts (WinAuth's and Authenticator
/// Plus's exports are exactly that, sealed with ZipCrypto).
pub(super) fn uri_list(
    bytes: &[u8],
    password: Option<&str>,
    format: Format,
    member: impl Fn(&str) -> bool,
    what: &str,
) -> Result<Vec<super::Parsed>> {
    let mut zip = Zip::open(bytes, format)?;
    let name = zip
        .find(member)
        .ok_or_else(|| not_format(format, format!("it holds no {what}")))?;
    let list = zip.read(&name, password)?;
    super::uri_list::parse(&list)
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::Write as _;

    use zip::unstable::write::FileOptionsExt;
    use zip::write::SimpleFileOptions;
    use zip::{AesMode, CompressionMethod, ZipWriter};

    use super::*;

    /// How a test zip's members are sealed.
    #[derive(Clone, Copy)]
    pub(in super::super) enum Seal<'p> {
        Plain,
        ZipCrypto(&'p str),
        Aes(&'p str),
    }

    /// A zip of `members` (name, content), deflated and sealed as `seal` says.
    pub(in super::super) fn zip(members: &[(&str, &[u8])], seal: Seal<'_>) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in members {
            let options =
                SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            let options = match seal {
                Seal::Plain => options,
                // Fully qualified: the options' own method of that name is crate-private.
                Seal::ZipCrypto(p) => {
                    FileOptionsExt::with_deprecated_encryption(options, p.as_bytes())
                        .expect("zipcrypto options")
                }
                Seal::Aes(p) => options.with_aes_encryption(AesMode::Aes256, p),
            };
            w.start_file(*name, options).expect("start member");
            w.write_all(content).expect("write member");
        }
        w.finish().expect("finish zip").into_inner()
    }

    const FORMAT: Format = Format::WinAuth;

    #[test]
    fn members_are_read_plain_or_with_their_password() {
        let plain = zip(&[("a.txt", b"hello")], Seal::Plain);
        assert_eq!(names(&plain), Some(vec!["a.txt".to_string()]));
        let mut z = Zip::open(&plain, FORMAT).unwrap();
        assert_eq!(z.find(|n| n.ends_with(".txt")).as_deref(), Some("a.txt"));
        assert_eq!(*z.read("a.txt", None).unwrap(), b"hello");
        for seal in [Seal::ZipCrypto("pw"), Seal::Aes("pw")] {
            let bytes = zip(&[("a.txt", b"hello")], seal);
            let mut z = Zip::open(&bytes, FORMAT).unwrap();
            assert_eq!(*z.read("a.txt", Some("pw")).unwrap(), b"hello");
            assert!(matches!(
                z.read("a.txt", None),
                Err(Error::ExportPasswordNeeded(_))
            ));
            assert!(matches!(
                z.read("a.txt", Some("not it")),
                Err(Error::ExportWrongPassword(_))
            ));
            assert!(matches!(
                z.read("b.txt", Some("pw")),
                Err(Error::NotExport { .. })
            ));
        }
    }

    #[test]
    fn damaged_zips_are_refused() {
        let bytes = zip(&[("a.txt", &[7u8; 300])], Seal::Plain);
        assert!(names(&bytes[..bytes.len() - 10]).is_none());
        assert!(matches!(
            Zip::open(&bytes[..bytes.len() / 2], FORMAT),
            Err(Error::NotExport { .. })
        ));
        assert!(matches!(
            Zip::open(b"hello", FORMAT),
            Err(Error::NotExport { .. })
        ));
        // The member's compressed bytes flipped: its checksum no longer matches.
        let mut flipped = bytes.clone();
        let at = 30 + "a.txt".len() + 2;
        flipped[at] ^= 0xff;
        let mut z = Zip::open(&flipped, FORMAT).unwrap();
        assert!(matches!(
            z.read("a.txt", None),
            Err(Error::NotExport { .. })
        ));
    }
}
