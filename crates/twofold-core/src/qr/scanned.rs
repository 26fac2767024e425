//! What one scan found, sorted: the accounts its QR codes carry (every batch of a Google
//! Authenticator export among them), the export entries that could not be imported, and the
//! codes that were not an authenticator's. The CLI and the app both scan into a [`Scanned`],
//! so a screenshot holding two codes of an export gives the same accounts in either.

use std::collections::{BTreeMap, BTreeSet};

use super::payload::Payload;
use crate::otp::uri::OtpUri;
use crate::{Error, Result};

/// The codes of one Google Authenticator export seen so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportParts {
    /// How many QR codes the export has.
    pub size: u32,
    /// The ones seen, numbered from 1.
    pub seen: BTreeSet<u32>,
}

impl ExportParts {
    /// The codes not scanned yet, numbered from 1.
    pub fn missing(&self) -> Vec<u32> {
        (1..=self.size).filter(|n| !self.seen.contains(n)).collect()
    }
}

/// The sorted content of a scan's QR codes; see the module doc.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Every account, in the order the codes were read.
    pub accounts: Vec<OtpUri>,
    /// Export entries that could not be imported, each "name: reason" (never a secret).
    pub skipped: Vec<String>,
    /// The Google Authenticator exports seen, by batch id.
    pub exports: BTreeMap<i32, ExportParts>,
    /// Why each code that held no account was refused.
    pub unusable: Vec<Error>,
}

impl Scanned {
    /// Sorts the texts of a frame's QR codes.
    pub fn from_texts<S: AsRef<str>>(texts: &[S]) -> Self {
        let mut s = Scanned::default();
        for t in texts {
            s.add(t.as_ref());
        }
        s
    }

    /// Sorts one more QR code's text in.
    pub fn add(&mut self, text: &str) {
        match Payload::parse(text) {
            Ok(Payload::Account(a)) => self.accounts.push(a),
            Ok(Payload::Migration(b)) => {
                let size = u32::try_from(b.batch_size).unwrap_or(1).max(1);
                let part = self.exports.entry(b.batch_id).or_insert(ExportParts {
                    size,
                    seen: BTreeSet::new(),
                });
                part.seen
                    .insert(u32::try_from(b.batch_index).unwrap_or(0).saturating_add(1));
                self.skipped.extend(b.skipped);
                self.accounts.extend(b.accounts);
            }
            Err(e) => self.unusable.push(e),
        }
    }

    /// Whether any code was a Google Authenticator export.
    pub fn has_export(&self) -> bool {
        !self.exports.is_empty()
    }

    /// The exports scanned in part: (codes in all, the missing ones from 1).
    pub fn incomplete_exports(&self) -> Vec<(u32, Vec<u32>)> {
        self.exports
            .values()
            .filter_map(|p| {
                let missing = p.missing();
                (!missing.is_empty()).then_some((p.size, missing))
            })
            .collect()
    }

    /// Fails when no code held an account: with why the first unusable code was refused, or
    /// [`Error::QrNotFound`] when there was none.
    pub fn require_accounts(mut self) -> Result<Self> {
        if self.accounts.is_empty() {
            return Err(if self.unusable.is_empty() {
                Error::QrNotFound
            } else {
                self.unusable.swap_remove(0)
            });
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::google;

    fn export(names: &[&str], size: i32, index: i32, id: i32) -> String {
        let uris: Vec<OtpUri> = names
            .iter()
            .map(|n| {
                OtpUri::parse(&format!(
                    "otpauth://totp/ACME:{n}?secret=JBSWY3DPEHPK3PXP&issuer=ACME"
                ))
                .unwrap()
            })
            .collect();
        google::to_uri(&uris, size, index, id).to_string()
    }

    #[test]
    fn every_batch_of_an_export_in_one_frame_is_kept() {
        let texts = [export(&["a", "b"], 3, 0, 7), export(&["c"], 3, 2, 7)];
        let s = Scanned::from_texts(&texts);
        let names: Vec<_> = s.accounts.iter().map(|a| a.account.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(s.exports[&7].seen, BTreeSet::from([1, 3]));
        assert_eq!(s.incomplete_exports(), [(3, vec![2])]);
    }

    #[test]
    fn plain_codes_and_foreign_codes_are_told_apart() {
        let s = Scanned::from_texts(&[
            "https://example.com",
            "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP",
        ]);
        assert_eq!(s.accounts.len(), 1);
        assert!(!s.has_export());
        assert!(matches!(s.unusable[..], [Error::NotAuthenticatorQr(_)]));
        let e = Scanned::from_texts(&["hello"])
            .require_accounts()
            .unwrap_err();
        assert!(matches!(e, Error::NotAuthenticatorQr(_)));
        let none: [&str; 0] = [];
        assert!(matches!(
            Scanned::from_texts(&none).require_accounts(),
            Err(Error::QrNotFound)
        ));
    }
}
