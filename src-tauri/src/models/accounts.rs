//! IPC DTOs of the account list and the account commands: summaries, hand-entered accounts,
//! edits and revealed secrets. Only [`RevealedSecret`] and [`ManualAccount`] carry a secret.

use serde::{Deserialize, Serialize};
use twofold_core::otp::{Algorithm, OtpKind};
use twofold_core::vault::Account;
use zeroize::Zeroize;

/// The kind of an account's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum OtpKindView {
    /// Time-based.
    Totp,
    /// Counter-based.
    Hotp,
    /// Steam Guard.
    Steam,
}

impl From<OtpKind> for OtpKindView {
    fn from(k: OtpKind) -> Self {
        match k {
            OtpKind::Hotp => OtpKindView::Hotp,
            OtpKind::Steam => OtpKindView::Steam,
            _ => OtpKindView::Totp,
        }
    }
}

impl From<OtpKindView> for OtpKind {
    fn from(k: OtpKindView) -> Self {
        match k {
            OtpKindView::Totp => OtpKind::Totp,
            OtpKindView::Hotp => OtpKind::Hotp,
            OtpKindView::Steam => OtpKind::Steam,
        }
    }
}

/// The HMAC algorithm, as in `otpauth://` URIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum AlgorithmView {
    /// HMAC-SHA1.
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl From<Algorithm> for AlgorithmView {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::Sha256 => AlgorithmView::Sha256,
            Algorithm::Sha512 => AlgorithmView::Sha512,
            _ => AlgorithmView::Sha1,
        }
    }
}

impl From<AlgorithmView> for Algorithm {
    fn from(a: AlgorithmView) -> Self {
        match a {
            AlgorithmView::Sha1 => Algorithm::Sha1,
            AlgorithmView::Sha256 => Algorithm::Sha256,
            AlgorithmView::Sha512 => Algorithm::Sha512,
        }
    }
}

/// One account as the list shows it. Deliberately has no secret field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// Stable id, passed back to every other account command.
    pub id: String,
    /// Unique name (what the CLI uses).
    pub name: String,
    /// The issuing service.
    pub issuer: String,
    /// The account at the service.
    pub account: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKindView,
    /// The HMAC algorithm.
    pub algorithm: AlgorithmView,
    /// Code length.
    pub digits: u32,
    /// Seconds per code (TOTP, Steam).
    #[cfg_attr(test, ts(type = "number"))]
    pub period: u64,
    /// Next HOTP counter value.
    #[cfg_attr(test, ts(type = "number"))]
    pub counter: u64,
    /// Tags.
    pub tags: Vec<String>,
    /// Unix seconds a code was last used.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub last_used: Option<u64>,
    /// The AWS MFA device this account holds the seed of, if any.
    pub aws: Option<AwsLinkView>,
}

/// An account's link to an AWS MFA device (what "Start CLI session" needs to know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AwsLinkView {
    /// The device's serial ARN.
    pub serial: String,
    /// The IAM user.
    pub user_name: String,
    /// The 12-digit AWS account id.
    pub aws_account: String,
    /// The AWS profile it serves, if known.
    pub profile: Option<String>,
    /// Enabled in AWS (false while an enrollment is pending).
    pub active: bool,
}

impl From<&Account> for AccountSummary {
    fn from(a: &Account) -> Self {
        AccountSummary {
            id: a.id.0.clone(),
            name: a.name.clone(),
            issuer: a.issuer.clone(),
            account: a.account.clone(),
            kind: a.otp.kind.into(),
            algorithm: a.otp.algorithm.into(),
            digits: a.otp.digits,
            period: a.otp.period,
            counter: a.otp.counter,
            tags: a.tags.clone(),
            last_used: a.last_used,
            aws: a.aws.as_ref().map(|l| AwsLinkView {
                serial: l.serial.clone(),
                user_name: l.user_name.clone(),
                aws_account: l.account_id.clone(),
                profile: l.profile.clone(),
                active: l.status == twofold_core::vault::AwsStatus::Active,
            }),
        }
    }
}

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
