//! IPC DTOs: what crosses between Rust and the web view. Only [`RevealedSecret`] and the
//! inbound [`ManualAccount`] carry a secret; both zeroize it on drop.

use serde::{Deserialize, Serialize};
use twofold_core::otp::{Algorithm, Code, OtpKind};
use twofold_core::vault::{Account, AwsLink};
use zeroize::Zeroize;

pub mod fido;
pub mod scan;

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

/// A code and its validity window. The UI runs the countdown itself from `validUntil`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    /// The code, ungrouped.
    pub code: String,
    /// Unix seconds the code became valid (0 for HOTP).
    #[cfg_attr(test, ts(type = "number"))]
    pub valid_from: u64,
    /// Unix seconds the next code takes over (0 for HOTP).
    #[cfg_attr(test, ts(type = "number"))]
    pub valid_until: u64,
    /// Seconds per code (0 for HOTP).
    #[cfg_attr(test, ts(type = "number"))]
    pub period: u64,
    /// The (offset-adjusted) Unix time the code was computed for, so the UI can correct for
    /// the vault's clock offset and IPC latency.
    #[cfg_attr(test, ts(type = "number"))]
    pub now: u64,
    /// The following code, only in the last seconds of the period.
    pub next: Option<String>,
}

/// Seconds before the end of a period from which `next` is filled in.
pub const NEXT_PREVIEW_SECS: u64 = 5;

impl CodeView {
    /// A view of `code` computed at (offset-adjusted) `now`.
    pub fn new(code: Code, period: u64, now: u64, next: Option<String>) -> Self {
        CodeView {
            code: code.code.clone(),
            valid_from: code.valid_from,
            valid_until: code.valid_until,
            period,
            now,
            next,
        }
    }
}

/// The result of copying a code to the clipboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CopiedCode {
    /// The code that was copied (an HOTP copy takes a new code, which the UI then shows).
    pub code: String,
    /// The clipboard is cleared after this many seconds if it still holds the code.
    #[cfg_attr(test, ts(type = "number"))]
    pub clear_after_secs: u64,
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

/// Whether the vault is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum VaultState {
    /// Open; the account commands work.
    Unlocked,
    /// A vault file exists but is not open (keyring unavailable, password needed, or locked).
    Locked,
    /// No vault file exists and none could be created with the keyring alone.
    Absent,
}

/// The vault's state for the start screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// Open, locked or absent.
    pub state: VaultState,
    /// The vault file.
    pub path: String,
    /// The vault has an OS keyring slot.
    pub keyring_slot: bool,
    /// The vault has a password slot.
    pub password_slot: bool,
    /// Why it is not open, when it is not.
    pub reason: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AWS MFA enrollment
// ---------------------------------------------------------------------------------------------

/// Where the AWS credentials come from: a profile, or keys pasted into the wizard. The secret
/// key crosses IPC once, inbound, and is zeroized on drop.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AwsCreds {
    /// A profile of `~/.aws/config` / `~/.aws/credentials`; `null` with no keys means the
    /// default chain (environment variables, default profile).
    pub profile: Option<String>,
    /// A pasted access key id (`AKIA...`/`ASIA...`); used instead of the profile when set.
    pub access_key_id: Option<String>,
    /// The pasted secret access key.
    pub secret_access_key: Option<String>,
    /// The pasted session token, for temporary keys.
    pub session_token: Option<String>,
    /// The region for signing (IAM is global). Default: the profile's, else us-east-1.
    pub region: Option<String>,
    /// Send IAM and STS calls here (VPC endpoints, GovCloud, a test emulator).
    pub endpoint_url: Option<String>,
}

impl Drop for AwsCreds {
    fn drop(&mut self) {
        self.secret_access_key.zeroize();
        self.session_token.zeroize();
    }
}

impl std::fmt::Debug for AwsCreds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsCreds")
            .field("profile", &self.profile)
            .field(
                "access_key_id",
                &self
                    .access_key_id
                    .as_deref()
                    .map(twofold_core::aws::client::mask_key),
            )
            .field("endpoint_url", &self.endpoint_url)
            .finish_non_exhaustive()
    }
}

/// An AWS profile the credentials step offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AwsProfileView {
    /// The profile name.
    pub name: String,
    /// Its region.
    pub region: Option<String>,
    /// Its `mfa_serial`, when it has one.
    pub mfa_serial: Option<String>,
    /// Its `role_arn`, when it assumes a role.
    pub role_arn: Option<String>,
    /// Whether `~/.aws/credentials` holds keys for it.
    pub has_keys: bool,
}

impl From<&twofold_core::aws::profiles::Profile> for AwsProfileView {
    fn from(p: &twofold_core::aws::profiles::Profile) -> Self {
        AwsProfileView {
            name: p.name.clone(),
            region: p.region.clone(),
            mfa_serial: p.mfa_serial.clone(),
            role_arn: p.role_arn.clone(),
            has_keys: p.has_keys,
        }
    }
}

/// Who the credentials belong to, and whether the clock agrees with AWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AwsWhoami {
    /// The 12-digit account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
    /// The IAM user name, when the caller is an IAM user (the default target).
    pub user_name: Option<String>,
    /// Root credentials: a user must be named (the root user's MFA is set up in the console).
    pub is_root: bool,
    /// Server minus local clock, seconds, from the response's `Date` header.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub clock_skew_secs: Option<i64>,
    /// The skew is past what AWS tolerates: codes will fail until the clock is fixed.
    pub clock_off: bool,
}

/// A step of an enrollment, mirroring `twofold_core::aws::enroll::Step`; sent on the progress
/// channel as each one starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum EnrollStep {
    /// Who is calling, which user, how many devices they have.
    Identify,
    /// CreateVirtualMFADevice.
    Create,
    /// The seed goes into the vault as a pending account.
    Persist,
    /// EnableMFADevice with two consecutive codes.
    Enable,
    /// ListMFADevices shows the device.
    Verify,
    /// The account is active.
    Done,
}

impl From<twofold_core::aws::enroll::Step> for EnrollStep {
    fn from(s: twofold_core::aws::enroll::Step) -> Self {
        use twofold_core::aws::enroll::Step;
        match s {
            Step::Identify => EnrollStep::Identify,
            Step::Create => EnrollStep::Create,
            Step::Persist => EnrollStep::Persist,
            Step::Enable => EnrollStep::Enable,
            Step::Verify => EnrollStep::Verify,
            Step::Done => EnrollStep::Done,
        }
    }
}

/// A device created and saved (pending) in the vault. In phone mode it also carries the QR code
/// and the secret, which the user asked to see; otherwise neither.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EnrollStarted {
    /// The vault account holding the seed.
    pub account_id: String,
    /// The vault account's name.
    pub name: String,
    /// The device's serial ARN.
    pub serial: String,
    /// The IAM user.
    pub user_name: String,
    /// The 12-digit AWS account id.
    pub aws_account: String,
    /// The `otpauth://` QR code as SVG (phone mode only).
    pub qr_svg: Option<String>,
    /// The base32 secret, for typing into a phone that cannot scan (phone mode only).
    pub secret: Option<String>,
}

impl Drop for EnrollStarted {
    fn drop(&mut self) {
        self.qr_svg.zeroize();
        self.secret.zeroize();
    }
}

impl std::fmt::Debug for EnrollStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrollStarted")
            .field("account_id", &self.account_id)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl EnrollStarted {
    /// The view of a started enrollment; `phone` adds the QR code and the secret to show.
    pub fn new(
        started: &twofold_core::aws::enroll::Started,
        phone: bool,
    ) -> crate::error::Result<Self> {
        let (account, link) = (&started.account, &started.link);
        let (qr_svg, secret) = if phone {
            let svg = twofold_core::qr::to_svg(&account.to_uri())?;
            (
                Some(svg.as_str().to_string()),
                Some(account.otp.secret.to_base32().as_str().to_string()),
            )
        } else {
            (None, None)
        };
        Ok(EnrollStarted {
            account_id: account.id.0.clone(),
            name: account.name.clone(),
            serial: link.serial.clone(),
            user_name: link.user_name.clone(),
            aws_account: link.account_id.clone(),
            qr_svg,
            secret,
        })
    }
}

impl From<twofold_core::aws::enroll::Enrolled> for EnrollDone {
    fn from(e: twofold_core::aws::enroll::Enrolled) -> Self {
        EnrollDone {
            account_id: e.account.0,
            name: e.name,
            serial: e.serial,
            user_name: e.user_name,
            profile: e.profile,
        }
    }
}

/// A finished enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EnrollDone {
    /// The vault account holding the seed.
    pub account_id: String,
    /// The vault account's name.
    pub name: String,
    /// The device's serial ARN.
    pub serial: String,
    /// The IAM user it is enabled for.
    pub user_name: String,
    /// The AWS profile it was enrolled through, if any (for `twofold aws session`).
    pub profile: Option<String>,
}

/// An enrollment that was saved but not finished (Twofold stopped between Create and Enable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PendingEnrollment {
    /// The vault account holding the seed.
    pub account_id: String,
    /// The vault account's name.
    pub name: String,
    /// The device's serial ARN.
    pub serial: String,
    /// The IAM user.
    pub user_name: String,
    /// The 12-digit AWS account id.
    pub aws_account: String,
    /// The AWS profile it was started with, if any.
    pub profile: Option<String>,
}

impl From<&(Account, AwsLink)> for PendingEnrollment {
    fn from((a, l): &(Account, AwsLink)) -> Self {
        PendingEnrollment {
            account_id: a.id.0.clone(),
            name: a.name.clone(),
            serial: l.serial.clone(),
            user_name: l.user_name.clone(),
            aws_account: l.account_id.clone(),
            profile: l.profile.clone(),
        }
    }
}

/// What kind of MFA device a serial names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum MfaDeviceKind {
    /// A virtual (authenticator app) device.
    Virtual,
    /// A FIDO security key.
    SecurityKey,
    /// A hardware TOTP token.
    Hardware,
}

impl From<twofold_core::aws::client::DeviceKind> for MfaDeviceKind {
    fn from(k: twofold_core::aws::client::DeviceKind) -> Self {
        use twofold_core::aws::client::DeviceKind;
        match k {
            DeviceKind::Virtual => MfaDeviceKind::Virtual,
            DeviceKind::SecurityKey => MfaDeviceKind::SecurityKey,
            DeviceKind::Hardware => MfaDeviceKind::Hardware,
        }
    }
}

/// One MFA device of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MfaDeviceView {
    /// The serial number (an ARN for virtual devices and keys).
    pub serial: String,
    /// Virtual, security key or hardware.
    pub kind: MfaDeviceKind,
    /// When it was enabled, Unix seconds.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub enabled_at: Option<i64>,
    /// The vault account holding its seed, when Twofold has it (resync needs no typed codes).
    pub account_name: Option<String>,
}

impl MfaDeviceView {
    /// A device, with the vault account holding its seed if any.
    pub fn new(d: twofold_core::aws::MfaDevice, account_name: Option<String>) -> Self {
        MfaDeviceView {
            serial: d.serial,
            kind: d.kind.into(),
            enabled_at: d.enabled_at,
            account_name,
        }
    }
}

/// A user's MFA devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AwsDevices {
    /// The IAM user.
    pub user_name: String,
    /// Their devices.
    pub devices: Vec<MfaDeviceView>,
}

/// Two consecutive codes of a TOTP account, for forms that ask for "MFA code 1" and "MFA code 2"
/// (the AWS console's device assignment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CodePair {
    /// The current code.
    pub code1: String,
    /// The next one.
    pub code2: String,
    /// Seconds the current code has left.
    #[cfg_attr(test, ts(type = "number"))]
    pub seconds_left: u64,
    /// Seconds per code.
    #[cfg_attr(test, ts(type = "number"))]
    pub period: u64,
}

// ---------------------------------------------------------------------------------------------
// AWS CLI sessions
// ---------------------------------------------------------------------------------------------

/// What the "Start CLI session" dialog offers for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SessionOptions {
    /// The profiles of the AWS config and credentials files.
    pub profiles: Vec<AwsProfileView>,
    /// The one to preselect: its `mfa_serial` is the account's device, else the account's
    /// recorded profile.
    pub preselect: Option<String>,
    /// The AWS config file.
    pub config_file: String,
    /// The AWS credentials file (where sessions are written).
    pub credentials_file: String,
}

/// A step of getting a session, sent on the progress channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum SessionStep {
    /// Signing in with the profile's long-term credentials.
    Connecting,
    /// This window's code was already sent to AWS; waiting `waitSecs` for the next one.
    Waiting,
    /// STS GetSessionToken / AssumeRole with a fresh code.
    Requesting,
    /// Writing the credentials file.
    Writing,
}

/// Progress of `aws_session_start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SessionProgress {
    /// The step starting now.
    pub step: SessionStep,
    /// Seconds until a fresh code (only for `waiting`).
    #[cfg_attr(test, ts(type = "number | null"))]
    pub wait_secs: Option<u64>,
}

/// Where session credentials came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum SessionSourceView {
    /// Reused from the vault's cache (more than five minutes left).
    Cache,
    /// STS GetSessionToken.
    GetSessionToken,
    /// STS AssumeRole.
    AssumeRole,
}

impl From<twofold_core::aws::sessions::SessionStep> for SessionProgress {
    fn from(s: twofold_core::aws::sessions::SessionStep) -> Self {
        use twofold_core::aws::sessions::SessionStep as Core;
        match s {
            Core::Connecting => SessionProgress::at(SessionStep::Connecting),
            Core::Waiting { secs } => SessionProgress {
                step: SessionStep::Waiting,
                wait_secs: Some(secs),
            },
            Core::Requesting => SessionProgress::at(SessionStep::Requesting),
        }
    }
}

impl SessionProgress {
    /// A step without a wait.
    pub fn at(step: SessionStep) -> Self {
        SessionProgress {
            step,
            wait_secs: None,
        }
    }
}

impl From<twofold_core::aws::sessions::Source> for SessionSourceView {
    fn from(s: twofold_core::aws::sessions::Source) -> Self {
        use twofold_core::aws::sessions::Source;
        match s {
            Source::Cache => SessionSourceView::Cache,
            Source::GetSessionToken => SessionSourceView::GetSessionToken,
            Source::AssumeRole => SessionSourceView::AssumeRole,
        }
    }
}

/// A session written into the credentials file. No secret: only the masked key id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SessionStarted {
    /// The source profile.
    pub profile: String,
    /// The profile written (`[target]` in the credentials file).
    pub target: String,
    /// The credentials file.
    pub file: String,
    /// Expiry, Unix seconds.
    #[cfg_attr(test, ts(type = "number"))]
    pub expiration: i64,
    /// Expiry as RFC 3339.
    pub expires_at: String,
    /// `ASIA****WXYZ`.
    pub access_key_id: String,
    /// Cache or STS.
    pub source: SessionSourceView,
}

impl SessionStarted {
    /// The view of session `s`, written as profile `target` into `file`.
    pub fn new(
        s: twofold_core::aws::sessions::Session,
        target: String,
        file: std::path::PathBuf,
    ) -> Self {
        let c = &s.credentials;
        SessionStarted {
            target,
            file: file.display().to_string(),
            expiration: c.expiration,
            expires_at: twofold_core::aws::sessions::rfc3339(c.expiration),
            access_key_id: twofold_core::aws::client::mask_key(&c.access_key_id),
            source: s.source.into(),
            profile: s.profile,
        }
    }
}

/// The result of "Set up automatic sessions".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ProfileSetup {
    /// Whether the config file was changed (false: the twofold CLI was not found).
    pub written: bool,
    /// The new profile (`P-mfa`).
    pub target: String,
    /// The config file.
    pub file: String,
    /// The `[profile P-mfa]` section as it is (or should be) in the file.
    pub block: String,
    /// The `twofold` command used in `credential_process`, when found.
    pub command: Option<String>,
    /// When the CLI was not found: how to get it.
    pub missing_cli: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// About
// ---------------------------------------------------------------------------------------------

/// What the About box shows: which build this is, and where its command-line tool is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AboutView {
    /// The release version, e.g. `0.1.0`.
    pub version: String,
    /// The commit it was built from (or `unknown`).
    pub commit: String,
    /// `VERSION (COMMIT)`, exactly as `twofold --version` prints it after `twofold `.
    pub long_version: String,
    /// The `twofold` CLI this app uses, when found.
    pub cli: Option<CliView>,
    /// When there is no CLI: how to get it.
    pub missing_cli: Option<String>,
    /// Where "Put twofold on PATH" would link it (None on Windows: the user `PATH` is changed).
    pub link_dir: Option<String>,
    /// The folder of the log files (internal errors and details behind short messages).
    pub log_dir: Option<String>,
}

/// The `twofold` CLI that was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CliView {
    /// Its full path.
    pub path: String,
    /// Whether `twofold` on `PATH` is this binary.
    pub on_path: bool,
}

/// What "Put twofold on PATH" did, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PathChangeView {
    /// What changed (or that nothing had to).
    pub message: String,
    /// The link that was made, if one was.
    pub link: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Account security (admin)
// ---------------------------------------------------------------------------------------------

/// Audit progress: users processed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditProgress {
    /// Users done.
    pub done: u32,
    /// Users in all.
    pub total: u32,
}

/// One MFA device in the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditDevice {
    /// Serial (ARN for virtual devices and keys).
    pub serial: String,
    /// Virtual, security key or hardware.
    pub kind: MfaDeviceKind,
    /// Enabled at, Unix seconds.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub enabled_at: Option<i64>,
}

/// One IAM user in the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditUser {
    /// User name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Can sign in to the console.
    pub console: bool,
    /// Last console sign-in, Unix seconds.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub password_last_used: Option<i64>,
    /// MFA devices.
    pub mfa: Vec<AuditDevice>,
    /// Last use of each active access key (`null`: never used).
    #[cfg_attr(test, ts(type = "(number | null)[]"))]
    pub active_keys: Vec<Option<i64>>,
    /// Console access without MFA.
    pub flagged: bool,
    /// Has an active key unused for 90 days (or never used).
    pub stale_key: bool,
}

/// The account's MFA posture, users flagged first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    /// The 12-digit account id.
    pub account: String,
    /// Root user MFA (null: GetAccountSummary not allowed).
    pub root_mfa: Option<bool>,
    /// `credentialReport` or `listApis`.
    pub source: String,
    /// Users: console without MFA first.
    pub users: Vec<AuditUser>,
}

/// The CSV export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditExport {
    /// The file written.
    pub path: String,
    /// Rows (users).
    pub rows: u32,
}

/// What requiring MFA for a group would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EnforcePreview {
    /// The group.
    pub group: String,
    /// The policy's ARN.
    pub policy_arn: String,
    /// The policy is created.
    pub create_policy: bool,
    /// The policy is attached to the group.
    pub attach: bool,
    /// Members who can do nothing but enroll until they have MFA.
    pub members_without_mfa: Vec<String>,
    /// Applying would lock out the caller.
    pub locks_out_caller: bool,
    /// The policy document, pretty-printed.
    pub document: String,
}

/// An applied enforcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EnforceApplied {
    /// The group.
    pub group: String,
    /// The policy's ARN.
    pub policy_arn: String,
    /// The policy was created.
    pub created: bool,
    /// The policy was attached (false: it already was).
    pub attached: bool,
}
