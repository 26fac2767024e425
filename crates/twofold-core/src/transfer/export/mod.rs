//! Writing the vault's accounts out, for a backup or to move to another app.
//!
//! [`render`] turns accounts into a file's bytes in one of the [`Format`]s and [`write`] puts
//! them on disk atomically with mode 0600. Every format holds every secret; the encrypted ones
//! take a password. This module does not choose the accounts (the caller passes them) and does
//! not read files back: that is [`super::import`].

mod aegis;
mod backup;
mod html;

pub use backup::read_backup;
pub(crate) use backup::sniff as sniff_backup;
pub(crate) use backup::write_with_key as write_backup_with_key;
#[cfg(feature = "fuzz")]
pub(crate) use backup::{accounts as backup_accounts, unseal_header as unseal_backup};

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::vault::{write_private_file, Account, KdfParams};
use crate::{Error, Result};

/// A format Twofold writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Twofold's own backup, encrypted with a password (Argon2id + AES-256-GCM); `twofold
    /// import` restores it.
    Twofold,
    /// Aegis's JSON vault export, encrypted with a password (scrypt + AES-256-GCM). Aegis, Ente
    /// Auth, 2FAS and GNOME Authenticator read it.
    Aegis,
    /// Aegis's JSON vault export without encryption.
    AegisPlain,
    /// `otpauth://` URIs, one per line.
    UriList,
    /// A printable HTML page with a QR code per account, for a paper backup.
    Html,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: &'static [Format] = &[
        Format::Twofold,
        Format::Aegis,
        Format::AegisPlain,
        Format::UriList,
        Format::Html,
    ];

    /// The name the CLI's `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Twofold => "twofold",
            Format::Aegis => "aegis",
            Format::AegisPlain => "aegis-plain",
            Format::UriList => "uri-list",
            Format::Html => "html",
        }
    }

    /// What the user calls it, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Format::Twofold => "Twofold backup",
            Format::Aegis => "encrypted Aegis export",
            Format::AegisPlain => "plain Aegis export",
            Format::UriList => "otpauth URI list",
            Format::Html => "printable HTML page",
        }
    }

    /// The format named `name` (see [`Format::name`]).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether the file is encrypted with a password (the others hold the secrets in clear).
    pub fn encrypted(self) -> bool {
        matches!(self, Format::Twofold | Format::Aegis)
    }

    /// The file name extension the format's files get (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Twofold => "twofold",
            Format::Aegis | Format::AegisPlain => "json",
            Format::UriList => "txt",
            Format::Html => "html",
        }
    }
}

/// Where an export goes unless the user says otherwise: `twofold-export-YYYY-MM-DD.<ext>` (the
/// UTC date of `unix`) in the user's documents folder, or the home folder without one.
pub fn default_path(format: Format, unix: u64) -> Result<PathBuf> {
    let dirs = directories::UserDirs::new()
        .ok_or_else(|| Error::NotFound("a home folder to export into".into()))?;
    let dir = dirs
        .document_dir()
        .filter(|d| d.is_dir())
        .unwrap_or(dirs.home_dir());
    Ok(dir.join(file_name(format, unix)))
}

/// `twofold-export-YYYY-MM-DD.<ext>` for the UTC date of `unix`.
pub fn file_name(format: Format, unix: u64) -> String {
    let stamp = crate::aws::sessions::rfc3339(i64::try_from(unix).unwrap_or(i64::MAX));
    let date = stamp.get(..10).unwrap_or(&stamp);
    format!("twofold-export-{date}.{}", format.extension())
}

/// `accounts` as a file of `format`. An encrypted format needs `password`
/// ([`Error::ExportPasswordNeeded`] without one); the plain ones ignore it.
pub fn render(
    accounts: &[Account],
    format: Format,
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>> {
    let password = || password.ok_or(Error::ExportPasswordNeeded(format.title()));
    match format {
        Format::Twofold => backup::write(accounts, password()?, KdfParams::default()),
        Format::Aegis => aegis::encrypted(accounts, password()?),
        Format::AegisPlain => aegis::plain(accounts),
        Format::UriList => Ok(uri_list(accounts)),
        Format::Html => html::page(accounts),
    }
}

/// [`render`]s `accounts` into `path`: atomically (a crash leaves the old file or the whole
/// new one) and readable by the owner only, whatever the format.
pub fn write(
    path: &Path,
    accounts: &[Account],
    format: Format,
    password: Option<&str>,
) -> Result<()> {
    let bytes = render(accounts, format, password)?;
    write_private_file(path, &bytes)
}

/// [`write`], for a file the user chose: refuses an existing `path`
/// ([`Error::ExportFileExists`]) unless `replace`, and an empty password for an encrypted
/// format, before any work is done.
pub fn write_new(
    path: &Path,
    accounts: &[Account],
    format: Format,
    password: Option<&str>,
    replace: bool,
) -> Result<()> {
    // Checked again by nothing: a file created between here and the write is replaced, which
    // only a race with the user's own processes can cause.
    if !replace && path.exists() {
        return Err(Error::ExportFileExists(path.to_path_buf()));
    }
    if format.encrypted() && password.is_some_and(str::is_empty) {
        return Err(Error::EmptyPassword);
    }
    write(path, accounts, format, password)
}

/// One `otpauth://` URI per line, as Aegis and Ente write their plain text export.
fn uri_list(accounts: &[Account]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    for a in accounts {
        out.extend_from_slice(a.to_uri().as_bytes());
        out.push(b'\n');
    }
    out
}

/// Accounts for the tests: TOTP with odd parameters and tags, HOTP with a counter and no
/// issuer, Steam, and names that need escaping.
#[cfg(test)]
pub(crate) fn sample_accounts() -> Vec<Account> {
    use crate::otp::{Algorithm, Otp, OtpKind, Secret};
    use crate::vault::AccountId;
    let secret = |s: &str| Secret::from_base32_lenient(s).unwrap();
    let account = |name: &str, issuer: &str, account: &str, otp: Otp, tags: &[&str]| Account {
        id: AccountId(format!("id-{name}")),
        name: name.into(),
        issuer: issuer.into(),
        account: account.into(),
        otp,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        created: 1,
        last_used: None,
        aws: None,
        meta: Default::default(),
    };
    vec![
        account(
            "ACME <Ops> & \"co\"",
            "ACME <Ops> & \"co\"",
            "alice@example.com",
            Otp::new(
                OtpKind::Totp,
                Algorithm::Sha256,
                8,
                60,
                0,
                secret("JBSWY3DPEHPK3PXP"),
            )
            .unwrap(),
            &["Work", "Ops"],
        ),
        account(
            "bob",
            "",
            "bob",
            Otp::new(
                OtpKind::Hotp,
                Algorithm::Sha512,
                7,
                30,
                42,
                secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            )
            .unwrap(),
            &[],
        ),
        account(
            "Steam:gamer",
            "Steam",
            "gamer",
            Otp::new(
                OtpKind::Steam,
                Algorithm::Sha1,
                5,
                30,
                0,
                secret("MFRGGZDFMZTWQ2LK"),
            )
            .unwrap(),
            &["Games"],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::import;
    use super::*;

    /// What an import gives back, compared field by field with what was exported.
    #[track_caller]
    pub(super) fn same_accounts(got: &[crate::vault::NewAccount], want: &[Account], tags: bool) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.uri.issuer, w.issuer);
            assert_eq!(g.uri.account, w.account);
            assert_eq!(g.uri.otp, w.otp, "{}", w.name);
            if tags {
                assert_eq!(g.tags, w.tags, "{}", w.name);
            }
        }
    }

    #[test]
    fn formats_round_trip_their_names() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(*f));
        }
        assert_eq!(Format::from_name("nope"), None);
    }

    #[test]
    fn the_uri_list_reads_back_with_the_uri_list_importer() {
        let accounts = sample_accounts();
        let bytes = render(&accounts, Format::UriList, None).unwrap();
        let e = import::read(&bytes, None, None).unwrap();
        assert_eq!(e.format, import::Format::UriList);
        assert!(e.skipped.is_empty(), "{:?}", e.skipped);
        same_accounts(&e.accounts, &accounts, false);
    }

    #[test]
    fn an_encrypted_format_needs_a_password() {
        assert!(matches!(
            render(&sample_accounts(), Format::Aegis, None),
            Err(Error::ExportPasswordNeeded(_))
        ));
    }

    #[test]
    fn default_names_carry_the_date_and_the_extension() {
        // 2026-12-06T21:00:00Z
        assert_eq!(
            file_name(Format::Twofold, 1_796_590_800),
            "twofold-export-2026-12-06.twofold"
        );
        assert_eq!(
            file_name(Format::UriList, 0),
            "twofold-export-1970-01-01.txt"
        );
        for f in Format::ALL {
            assert!(!f.extension().is_empty());
        }
    }

    #[test]
    fn an_existing_file_is_kept_unless_replacing_was_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.txt");
        std::fs::write(&path, b"keep me").unwrap();
        let e = write_new(&path, &sample_accounts(), Format::UriList, None, false);
        assert!(
            matches!(e, Err(Error::ExportFileExists(ref p)) if *p == path),
            "{e:?}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
        write_new(&path, &sample_accounts(), Format::UriList, None, true).unwrap();
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("otpauth://"));
    }

    #[test]
    fn an_empty_export_password_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.twofold");
        let e = write_new(&path, &sample_accounts(), Format::Twofold, Some(""), false);
        assert!(matches!(e, Err(Error::EmptyPassword)), "{e:?}");
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn files_are_written_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.txt");
        write(&path, &sample_accounts(), Format::UriList, None).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
