//! IPC DTOs of the Account security screen: the MFA audit and requiring MFA for a group.

use serde::Serialize;

use super::MfaDeviceKind;

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

/// Where the organisation audit stands: an account just finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OrgProgressView {
    /// Accounts done.
    pub done: u32,
    /// Accounts in all.
    pub total: u32,
    /// The account's name.
    pub account: String,
    /// Whether it was audited (else it failed).
    pub ok: bool,
}

/// One account of the organisation audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OrgAccountView {
    /// The 12-digit account id.
    pub id: String,
    /// The account's name.
    pub name: String,
    /// Why it could not be audited (the role is missing, access denied...); null when audited.
    pub error: Option<String>,
    /// Root user MFA (null: not allowed to tell, or not audited).
    pub root_mfa: Option<bool>,
    /// Its users, console users without MFA first.
    pub users: Vec<AuditUser>,
    /// Console users without MFA.
    pub console_without_mfa: u32,
    /// Users without any MFA device.
    pub without_mfa: u32,
    /// Groups without the enforce-MFA policy.
    pub groups_without_enforcement: Vec<String>,
}

/// The organisation audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OrgAuditView {
    /// The caller's (management or delegated administrator) account.
    pub management_account: String,
    /// The role assumed in member accounts.
    pub role: String,
    /// Every active account, in ListAccounts order.
    pub accounts: Vec<OrgAccountView>,
    /// Accounts left out because they are not active.
    pub skipped: u32,
}

/// One console sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SignInView {
    /// The account signed in to.
    pub account: String,
    /// The user (`root` for the root user).
    pub user: String,
    /// The root user signed in.
    pub root: bool,
    /// When, Unix seconds.
    #[cfg_attr(test, ts(type = "number"))]
    pub time: i64,
    /// Where from.
    pub source_ip: String,
    /// The region CloudTrail recorded it in.
    pub region: String,
    /// `used`, `notUsed`, `atIdentityProvider` or `unknown`.
    pub mfa: String,
    /// The sign-in succeeded.
    pub success: bool,
}

/// Console sign-ins without MFA (CloudTrail), for the account or the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SignInsView {
    /// The regions looked in.
    pub regions: Vec<String>,
    /// Sign-ins without MFA, root first, newest first.
    pub without_mfa: Vec<SignInView>,
    /// Sign-ins found in all (with MFA, federated and failed ones too).
    pub total: u32,
    /// Accounts that could not be read, with why.
    pub failed: Vec<String>,
}
