//! IPC DTOs of AWS MFA enrollment and the device lifecycle: credentials, profiles, the
//! enrollment steps and results, and a user's MFA devices.

use serde::{Deserialize, Serialize};
use twofold_core::vault::{Account, AwsLink};
use zeroize::Zeroize;

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
