//! One entry as a source app stores it, and the checks every format shares on the way to an
//! account: defaults for missing fields, a lenient base32 secret, Steam's fixed parameters.

use zeroize::Zeroizing;

use super::Skipped;
use crate::otp::uri::OtpUri;
use crate::otp::{Algorithm, Otp, OtpKind, Secret};
use crate::vault::NewAccount;

/// An entry's fields as the source app has them; `None` takes the usual default (TOTP, SHA1,
/// 6 digits, 30 s, counter 0).
#[derive(Default)]
pub(crate) struct Fields {
    /// `totp`, `hotp` or `steam`, any case; other kinds are reported as unsupported.
    pub kind: Option<String>,
    /// The service.
    pub issuer: String,
    /// The account at the service.
    pub account: String,
    /// The base32 secret as stored (spaces, lower case and `=` padding are accepted).
    pub secret: Zeroizing<String>,
    /// `SHA1`, `SHA256`, `SHA512` (any case, dashes allowed).
    pub algorithm: Option<String>,
    /// Code length.
    pub digits: Option<u32>,
    /// Seconds per code.
    pub period: Option<u64>,
    /// The next HOTP counter.
    pub counter: Option<u64>,
    /// Groups or tags.
    pub tags: Vec<String>,
}

impl Fields {
    /// `issuer: account`, or whichever is set: how a skipped entry is named.
    pub(crate) fn label(&self) -> String {
        match (self.issuer.is_empty(), self.account.is_empty()) {
            (false, false) => format!("{}: {}", self.issuer, self.account),
            (false, true) => self.issuer.clone(),
            _ => self.account.clone(),
        }
    }

    /// The account once `fill` has read the entry's remaining fields, or entry number `entry`
    /// skipped with the reason `fill` or the shared checks give.
    pub(crate) fn complete(
        mut self,
        entry: usize,
        fill: impl FnOnce(&mut Fields) -> Result<(), String>,
    ) -> Result<NewAccount, Skipped> {
        match fill(&mut self) {
            Ok(()) => self.into_account(entry),
            Err(reason) => Err(Skipped {
                entry,
                label: self.label(),
                reason,
            }),
        }
    }

    /// The account, or entry number `entry` skipped with the reason.
    pub(crate) fn into_account(self, entry: usize) -> Result<NewAccount, Skipped> {
        let label = self.label();
        self.check().map_err(|reason| Skipped {
            entry,
            label,
            reason,
        })
    }

    fn check(self) -> Result<NewAccount, String> {
        let kind = match self.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("totp") => OtpKind::Totp,
            Some("hotp") => OtpKind::Hotp,
            Some("steam") => OtpKind::Steam,
            Some(other) => return Err(format!("{other} codes are not supported")),
        };
        if self.secret.trim().is_empty() {
            return Err("it has no secret".into());
        }
        let secret = Secret::from_base32_lenient(&self.secret)
            .map_err(|e| format!("the secret is not base32 ({e})"))?;
        let algorithm = match self.algorithm.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => Algorithm::parse(a).map_err(|e| e.to_string())?,
            None => Algorithm::Sha1,
        };
        let otp = Otp::new(
            kind,
            algorithm,
            self.digits.unwrap_or(6),
            self.period.unwrap_or(30),
            self.counter.unwrap_or(0),
            secret,
        )
        .map_err(|e| e.to_string())?;
        let (issuer, account) = (self.issuer.trim(), self.account.trim());
        // As `OtpUri::parse` refuses: such an account would have no name, and its exported
        // URI would not import again.
        if issuer.is_empty() && account.is_empty() {
            return Err("it names neither an issuer nor an account".into());
        }
        Ok(NewAccount {
            uri: OtpUri {
                issuer: issuer.to_string(),
                account: account.to_string(),
                otp,
            },
            name: None,
            tags: self.tags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(secret: &str) -> Fields {
        Fields {
            issuer: "ACME".into(),
            account: "alice".into(),
            secret: Zeroizing::new(secret.into()),
            ..Fields::default()
        }
    }

    #[test]
    fn missing_fields_take_the_usual_defaults() {
        let a = fields("jbsw y3dp ehpk 3pxp==").into_account(1).unwrap();
        assert_eq!(a.uri.otp.kind, OtpKind::Totp);
        assert_eq!(a.uri.otp.algorithm, Algorithm::Sha1);
        assert_eq!((a.uri.otp.digits, a.uri.otp.period), (6, 30));
        assert_eq!(
            a.uri.otp.secret,
            Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap()
        );
    }

    #[test]
    fn steam_keeps_its_fixed_parameters() {
        let mut f = fields("JBSWY3DPEHPK3PXP");
        f.kind = Some("STEAM".into());
        f.digits = Some(6);
        let a = f.into_account(1).unwrap();
        assert_eq!((a.uri.otp.kind, a.uri.otp.digits), (OtpKind::Steam, 5));
    }

    #[test]
    fn bad_entries_say_which_and_why() {
        let skip = |f: Fields| f.into_account(4).unwrap_err();
        let s = skip(fields("JBSWY3DPEHPK3PX1"));
        assert_eq!((s.entry, s.label.as_str()), (4, "ACME: alice"));
        assert!(s.reason.contains("not base32"), "{}", s.reason);
        assert!(skip(fields("  ")).reason.contains("no secret"));
        let mut motp = fields("JBSWY3DPEHPK3PXP");
        motp.kind = Some("MOTP".into());
        assert_eq!(skip(motp).reason, "motp codes are not supported");
        let mut digits = fields("JBSWY3DPEHPK3PXP");
        digits.digits = Some(0);
        assert!(skip(digits).reason.contains("digits"));
        let mut algo = fields("JBSWY3DPEHPK3PXP");
        algo.algorithm = Some("MD5".into());
        assert!(skip(algo).reason.contains("algorithm"));
    }

    /// Found by the fuzz harness (issue 16): a LastPass entry with an empty user name and no
    /// issuer became a nameless account, whose exported URI `twofold import` then refused.
    #[test]
    fn an_entry_naming_neither_issuer_nor_account_is_skipped_like_a_uri_would_be() {
        let mut f = fields("JBSWY3DPEHPK3PXP");
        f.issuer = " ".into();
        f.account = String::new();
        let s = f.into_account(2).unwrap_err();
        assert_eq!(s.entry, 2);
        assert_eq!(s.reason, "it names neither an issuer nor an account");
        let mut issuer_only = fields("JBSWY3DPEHPK3PXP");
        issuer_only.account = String::new();
        assert_eq!(issuer_only.into_account(1).unwrap().uri.issuer, "ACME");
    }
}
