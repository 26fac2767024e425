//! IPC DTOs of the account commands: hand-entered accounts, edits and revealed secrets. Only
//! [`RevealedSecret`] and [`ManualAccount`] carry a secret. The summary the list shows is core's
//! [`twofold_core::view::AccountSummary`], the shape the CLI's `list --json` prints too.

use serde::{Deserialize, Serialize};
use twofold_core::view::{AlgorithmView, OtpKindView};
use zeroize::Zeroize;

/// A hand-entered account. The secret crosses IPC once, inbound, and is zeroized on drop.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ManualAccount {
    /// The issuing service.
    pub issuer: String,
    /// The account at the service.
    pub account: String,
    /// Base32 secret as typed (spaces, dashes, lowercase allowed).
    pub secret: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKindView,
    /// The HMAC algorithm.
    pub algorithm: AlgorithmView,
    /// Code length (6-10).
    pub digits: u32,
    /// Seconds per code.
    #[cfg_attr(test, ts(type = "number"))]
    pub period: u64,
    /// Initial HOTP counter.
    #[cfg_attr(test, ts(type = "number"))]
    pub counter: u64,
}

impl Drop for ManualAccount {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl std::fmt::Debug for ManualAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualAccount")
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Changes to an account; `null` leaves a field unchanged.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AccountUpdate {
    /// New unique name.
    pub name: Option<String>,
    /// New issuer.
    pub issuer: Option<String>,
    /// New account label.
    pub account: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// Favourite (pinned to the top and in the tray) or not.
    pub favourite: Option<bool>,
    /// New note (empty removes it).
    pub note: Option<String>,
    /// New icon: "" matches one by issuer, "letter" keeps the letter, or an icon's slug.
    pub icon: Option<String>,
}

/// An account's secret, sent only when the user confirmed "Show secret". Zeroized on drop.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RevealedSecret {
    /// Unpadded base32.
    pub secret: String,
    /// The full `otpauth://` URI.
    pub uri: String,
}

impl Drop for RevealedSecret {
    fn drop(&mut self) {
        self.secret.zeroize();
        self.uri.zeroize();
    }
}

impl std::fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevealedSecret(<redacted>)")
    }
}
