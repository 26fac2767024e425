//! Reading other authenticators' export files into accounts.
//!
//! [`read`] takes a file's bytes (and its password, when it is encrypted), finds the format
//! from the content unless the caller names it, and returns every entry it could turn into an
//! account plus every one it could not, each with its reason. A file whose container, cipher
//! or password fails gives an error and no account: an import is per entry, never half a file.
//! Where the accounts go (and which the vault already holds) is [`crate::vault::Vault::import`].

mod aegis;
mod andotp;
mod authplus;
mod authpro;
mod bitwarden;
mod ente;
mod entry;
mod freeotp;
mod freeotp_plus;
mod json;
mod kdf;
mod lastpass;
mod proton;
mod proton_pass;
mod raivo;
#[cfg(test)]
mod samples;
mod table;
#[cfg(test)]
mod testing;
mod totp_auth;
mod twofas;
mod uri_list;
mod winauth;
mod zipped;

pub(crate) use entry::Fields;

use crate::vault::NewAccount;
use crate::{Error, Result};

/// An export format Twofold reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// Twofold's own backup (`twofold export --format twofold`), sealed with a password.
    #[serde(rename = "twofold")]
    TwofoldBackup,
    /// `otpauth://` URIs, one per line (Aegis and Ente plain text, WinAuth, FreeOTP, ...).
    UriList,
    /// Google Authenticator's `otpauth-migration://` export, as text.
    Google,
    /// 2FAS Authenticator's backup (`.2fas`), plain or with a password.
    #[serde(rename = "2fas")]
    TwoFas,
    /// andOTP's backup (`otp_accounts.json`, or `.json.aes` with a password).
    #[serde(rename = "andotp")]
    AndOtp,
    /// Aegis's JSON vault export, plain or encrypted with a password.
    Aegis,
    /// Bitwarden's and Bitwarden Authenticator's export: JSON (plain or password-protected) or CSV.
    Bitwarden,
    /// LastPass Authenticator's JSON export.
    #[serde(rename = "lastpass")]
    LastPass,
    /// FreeOTP's backup: version 2's `externalBackup.xml` (with a password) or version 1's
    /// `tokens.xml` token store.
    #[serde(rename = "freeotp")]
    FreeOtp,
    /// FreeOTP+'s JSON backup (and the `tokens.xml` token store it kept from FreeOTP).
    #[serde(rename = "freeotp-plus")]
    FreeOtpPlus,
    /// Proton Authenticator's JSON export, plain or encrypted with a password.
    Proton,
    /// Ente Auth's export encrypted with a password (its plain export is a URI list).
    Ente,
    /// Authenticator Pro's (and Stratum's) backup, plain or encrypted with a password.
    AuthenticatorPro,
    /// The codes in a Proton Pass export: its zip (`data.json`) or its CSV.
    ProtonPass,
    /// Raivo OTP's export: a zip sealed with WinZip AES.
    Raivo,
    /// TOTP Authenticator's backup: base64 AES-CBC text (default password `TotpAuthenticator`).
    TotpAuthenticator,
    /// WinAuth's export: the password-protected zip (its plain text is a URI list).
    #[serde(rename = "winauth")]
    WinAuth,
    /// Authenticator Plus's export: a password-protected zip holding `Accounts.txt`.
    AuthenticatorPlus,
}

impl Format {
    /// Every format, in the order detection tries them.
    pub const ALL: &'static [Format] = &[
        Format::TwofoldBackup,
        Format::Google,
        Format::Aegis,
        Format::TwoFas,
        Format::AndOtp,
        Format::Bitwarden,
        Format::LastPass,
        Format::FreeOtp,
        Format::FreeOtpPlus,
        Format::Proton,
        Format::Ente,
        Format::AuthenticatorPro,
        Format::ProtonPass,
        Format::Raivo,
        Format::WinAuth,
        Format::AuthenticatorPlus,
        // Base64 text could be anything: last before the URI list, which no base64 text is.
        Format::TotpAuthenticator,
        Format::UriList,
    ];

    /// The name the CLI's format option takes and `--json` prints.
    pub fn name(self) -> &'static str {
        match self {
            Format::TwofoldBackup => "twofold",
            Format::UriList => "uri-list",
            Format::Google => "google",
            Format::TwoFas => "2fas",
            Format::AndOtp => "andotp",
            Format::Aegis => "aegis",
            Format::Bitwarden => "bitwarden",
            Format::LastPass => "lastpass",
            Format::FreeOtp => "freeotp",
            Format::FreeOtpPlus => "freeotp-plus",
            Format::Proton => "proton",
            Format::Ente => "ente",
            Format::AuthenticatorPro => "authenticator-pro",
            Format::ProtonPass => "proton-pass",
            Format::Raivo => "raivo",
            Format::TotpAuthenticator => "totp-authenticator",
            Format::WinAuth => "winauth",
            Format::AuthenticatorPlus => "authenticator-plus",
        }
    }

    /// What the user calls it, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Format::TwofoldBackup => "Twofold backup",
            Format::UriList => "otpauth URI list",
            Format::Google => "Google Authenticator export",
            Format::TwoFas => "2FAS backup",
            Format::AndOtp => "andOTP backup",
            Format::Aegis => "Aegis export",
            Format::Bitwarden => "Bitwarden export",
            Format::LastPass => "LastPass Authenticator export",
            Format::FreeOtp => "FreeOTP backup",
            Format::FreeOtpPlus => "FreeOTP+ backup",
            Format::Proton => "Proton Authenticator export",
            Format::Ente => "Ente Auth export",
            Format::AuthenticatorPro => "Authenticator Pro backup",
            Format::ProtonPass => "Proton Pass export",
            Format::Raivo => "Raivo OTP export",
            Format::TotpAuthenticator => "TOTP Authenticator backup",
            Format::WinAuth => "WinAuth export",
            Format::AuthenticatorPlus => "Authenticator Plus backup",
        }
    }

    /// The format named `name` (see [`Format::name`]).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether `bytes` look like this format (cheap: no decryption).
    fn sniff(self, bytes: &[u8]) -> bool {
        match self {
            Format::TwofoldBackup => super::export::sniff_backup(bytes),
            Format::UriList => uri_list::sniff(bytes),
            Format::Google => text(bytes).is_some_and(|t| {
                t.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("otpauth-migration://")
            }),
            Format::TwoFas => twofas::sniff(bytes),
            Format::AndOtp => andotp::sniff(bytes),
            Format::Aegis => aegis::sniff(bytes),
            Format::Bitwarden => bitwarden::sniff(bytes),
            Format::LastPass => lastpass::sniff(bytes),
            Format::FreeOtp => freeotp::sniff(bytes),
            Format::FreeOtpPlus => freeotp_plus::sniff(bytes),
            Format::Proton => proton::sniff(bytes),
            Format::Ente => ente::sniff(bytes),
            Format::AuthenticatorPro => authpro::sniff(bytes),
            Format::ProtonPass => proton_pass::sniff(bytes),
            Format::Raivo => raivo::sniff(bytes),
            Format::TotpAuthenticator => totp_auth::sniff(bytes),
            Format::WinAuth => winauth::sniff(bytes),
            Format::AuthenticatorPlus => authplus::sniff(bytes),
        }
    }

    fn parse(self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Parsed>> {
        match self {
            Format::TwofoldBackup => {
                let password = password.ok_or(Error::ExportPasswordNeeded(self.title()))?;
                Ok(super::export::read_backup(bytes, password)?
                    .into_iter()
                    .map(Ok)
                    .collect())
            }
            Format::UriList => uri_list::parse(bytes),
            Format::Google => google_text(bytes),
            Format::TwoFas => twofas::parse(bytes, password),
            Format::AndOtp => andotp::parse(bytes, password),
            Format::Aegis => aegis::parse(bytes, password),
            Format::Bitwarden => bitwarden::parse(bytes, password),
            Format::LastPass => lastpass::parse(bytes, password),
            Format::FreeOtp => freeotp::parse(bytes, password),
            Format::FreeOtpPlus => freeotp_plus::parse(bytes, password),
            Format::Proton => proton::parse(bytes, password),
            Format::Ente => ente::parse(bytes, password),
            Format::AuthenticatorPro => authpro::parse(bytes, password),
            Format::ProtonPass => proton_pass::parse(bytes, password),
            Format::Raivo => raivo::parse(bytes, password),
            Format::TotpAuthenticator => totp_auth::parse(bytes, password),
            Format::WinAuth => winauth::parse(bytes, password),
            Format::AuthenticatorPlus => authplus::parse(bytes, password),
        }
    }
}

/// One entry of the file: an account, or why it cannot be one.
pub type Parsed = std::result::Result<NewAccount, Skipped>;

/// An entry that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Its position in the file, from 1.
    pub entry: usize,
    /// What the source app calls it (issuer and account), when that could be read.
    pub label: String,
    /// Why it was not imported.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.label.is_empty() {
            write!(f, "entry {}: {}", self.entry, self.reason)
        } else {
            write!(f, "entry {}, {}: {}", self.entry, self.label, self.reason)
        }
    }
}

/// What a file held.
#[derive(Debug)]
pub struct Export {
    /// The format it was read as.
    pub format: Format,
    /// The entries that are accounts, in file order.
    pub accounts: Vec<NewAccount>,
    /// The entry number (from 1) of each of `accounts`.
    pub numbers: Vec<usize>,
    /// The entries that are not.
    pub skipped: Vec<Skipped>,
}

/// Finds the format of `bytes` from their content.
pub fn detect(bytes: &[u8]) -> Result<Format> {
    Format::ALL
        .iter()
        .copied()
        .find(|f| f.sniff(bytes))
        .ok_or(Error::UnknownExport)
}

/// Reads an export: as `from` when given, else as the format [`detect`] finds. `password`
/// opens an encrypted file; an encrypted file without one is [`Error::ExportPasswordNeeded`].
pub fn read(bytes: &[u8], from: Option<Format>, password: Option<&str>) -> Result<Export> {
    let format = match from {
        Some(f) => f,
        None => detect(bytes)?,
    };
    let mut accounts = Vec::new();
    let mut numbers = Vec::new();
    let mut skipped = Vec::new();
    for (i, entry) in format.parse(bytes, password)?.into_iter().enumerate() {
        match entry {
            Ok(a) => {
                accounts.push(a);
                numbers.push(i + 1);
            }
            Err(s) => skipped.push(s),
        }
    }
    Ok(Export {
        format,
        accounts,
        numbers,
        skipped,
    })
}

/// `bytes` as UTF-8 text (a leading byte-order mark dropped), if they are.
pub(crate) fn text(bytes: &[u8]) -> Option<&str> {
    let t = std::str::from_utf8(bytes).ok()?;
    Some(t.strip_prefix('\u{feff}').unwrap_or(t))
}

/// The error for a file that is not what its format needs.
pub(crate) fn not_format(format: Format, reason: impl Into<String>) -> Error {
    Error::NotExport {
        format: format.title(),
        reason: reason.into(),
    }
}

/// Google Authenticator's export as text: one or more `otpauth-migration://` lines.
fn google_text(bytes: &[u8]) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(Format::Google, "it is not text"))?;
    let mut out = Vec::new();
    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let batch = super::google::parse_uri(line)?;
        for uri in batch.accounts {
            out.push(Ok(NewAccount {
                uri,
                name: None,
                tags: Vec::new(),
            }));
        }
        for reason in batch.skipped {
            let entry = out.len() + 1;
            out.push(Err(Skipped {
                entry,
                label: String::new(),
                reason,
            }));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_their_names() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(*f));
        }
        assert_eq!(Format::from_name("nope"), None);
    }

    #[test]
    fn an_unknown_file_is_refused_whole() {
        assert!(matches!(detect(b"hello"), Err(Error::UnknownExport)));
        assert!(matches!(
            detect(&[0xff, 0x00, 0x12]),
            Err(Error::UnknownExport)
        ));
        assert!(matches!(read(b"", None, None), Err(Error::UnknownExport)));
    }

    #[test]
    fn a_format_named_by_the_caller_wins_over_detection() {
        let e = read(
            b"otpauth-migration://offline?data=",
            Some(Format::UriList),
            None,
        )
        .expect("read as a URI list");
        assert_eq!(e.format, Format::UriList);
        assert!(e.accounts.is_empty());
        assert_eq!(e.skipped.len(), 1, "{:?}", e.skipped);
    }
}
