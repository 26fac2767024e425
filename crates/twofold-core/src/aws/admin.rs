//! Administration: who has MFA (the audit), and requiring it (the enforce-MFA policy).
//!
//! The audit reads the IAM credential report (one call for the whole account) and falls back to
//! ListUsers + per-user calls when the report is not allowed; MFA devices with their dates come
//! from ListVirtualMFADevices, plus ListMFADevices for users whose MFA is not virtual. The
//! enforce step is planned first ([`plan_enforce`]: what would change, who would be locked out)
//! and applied separately ([`apply_enforce`]), so `--dry-run` and the app's preview show exactly
//! what will happen.

use std::collections::BTreeMap;

use super::client::{AwsClient, DeviceKind, IamApi, MfaDevice};
use super::error::AwsErrorKind;
use crate::{Error, Result};

/// One access key as the audit sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyAudit {
    /// Active or inactive.
    pub active: bool,
    /// Last use, Unix seconds, if ever used.
    pub last_used: Option<i64>,
}

/// One IAM user's credentials.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAudit {
    /// User name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Whether the user can sign in to the console (has a password).
    pub console: bool,
    /// Last console sign-in, Unix seconds.
    pub password_last_used: Option<i64>,
    /// Access keys.
    pub access_keys: Vec<KeyAudit>,
    /// MFA devices.
    pub mfa: Vec<MfaDevice>,
}

impl UserAudit {
    /// Has at least one MFA device.
    pub fn has_mfa(&self) -> bool {
        !self.mfa.is_empty()
    }

    /// Console access without MFA: the first thing to fix.
    pub fn flagged(&self) -> bool {
        self.console && !self.has_mfa()
    }

    /// Has an active key unused for `days` (or never used) at `now`.
    pub fn has_stale_key(&self, now: i64, days: i64) -> bool {
        self.access_keys
            .iter()
            .any(|k| k.active && k.last_used.is_none_or(|t| now - t > days * 86_400))
    }
}

/// Where the audit's data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditSource {
    /// GenerateCredentialReport + GetCredentialReport.
    CredentialReport,
    /// ListUsers and per-user calls (the report was not allowed).
    ListApis,
}

/// The account's MFA posture.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// The account id.
    pub account: String,
    /// Whether the root user has MFA (GetAccountSummary), if that call was allowed.
    pub root_mfa: Option<bool>,
    /// Every IAM user: console users without MFA first, then users without MFA, then the rest.
    pub users: Vec<UserAudit>,
    /// Where the data came from.
    pub source: AuditSource,
}

impl AuditReport {
    /// The report as CSV (one row per user), for spreadsheets.
    pub fn to_csv(&self) -> String {
        let date = |t: Option<i64>| t.map(super::sessions::rfc3339).unwrap_or_default();
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "user",
            "arn",
            "console",
            "password_last_used",
            "mfa_devices",
            "mfa_types",
            "mfa_enabled_dates",
            "active_keys",
            "key_last_used",
            "flagged",
        ];
        // Writing to memory cannot fail.
        let _ = w.write_record(header);
        for u in &self.users {
            let kinds: Vec<String> = u
                .mfa
                .iter()
                .map(|d| format!("{:?}", d.kind).to_lowercase())
                .collect();
            let dates: Vec<String> = u.mfa.iter().map(|d| date(d.enabled_at)).collect();
            let keys: Vec<&KeyAudit> = u.access_keys.iter().filter(|k| k.active).collect();
            let last: Vec<String> = keys.iter().map(|k| date(k.last_used)).collect();
            let _ = w.write_record([
                u.name.clone(),
                u.arn.clone(),
                u.console.to_string(),
                date(u.password_last_used),
                u.mfa.len().to_string(),
                kinds.join(" "),
                dates.join(" "),
                keys.len().to_string(),
                last.join(" "),
                u.flagged().to_string(),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// One row of the IAM credential report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// `user` (`<root_account>` for root).
    pub user: String,
    /// `arn`.
    pub arn: String,
    /// `password_enabled`.
    pub password_enabled: bool,
    /// `password_last_used`.
    pub password_last_used: Option<i64>,
    /// `mfa_active`.
    pub mfa_active: bool,
    /// `access_key_1_active`, `access_key_1_last_used_date`, and the same for key 2.
    pub keys: Vec<KeyAudit>,
}

/// Parses the credential report CSV (its columns are looked up by name; fields may be quoted,
/// as IAM user names may contain commas).
pub fn parse_credential_report(text: &str) -> std::result::Result<Vec<ReportRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("the credential report is not CSV: {e}"))?
        .clone();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err("the credential report is empty".into());
    }
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("the credential report has no {name} column"))
    };
    let (user, arn, pw, pw_used, mfa) = (
        col("user")?,
        col("arn")?,
        col("password_enabled")?,
        col("password_last_used")?,
        col("mfa_active")?,
    );
    let key_cols = [
        (
            col("access_key_1_active")?,
            col("access_key_1_last_used_date")?,
        ),
        (
            col("access_key_2_active")?,
            col("access_key_2_last_used_date")?,
        ),
    ];
    let mut rows = Vec::new();
    for record in reader.records() {
        let f = record.map_err(|e| format!("the credential report has a bad row: {e}"))?;
        if f.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| f.get(i).unwrap_or_default();
        let keys = key_cols
            .iter()
            .filter(|(active, _)| get(*active) == "true" || get(*active) == "false")
            .filter(|(active, used)| get(*active) == "true" || parse_time(get(*used)).is_some())
            .map(|(active, used)| KeyAudit {
                active: get(*active) == "true",
                last_used: parse_time(get(*used)),
            })
            .collect();
        rows.push(ReportRow {
            user: get(user).to_string(),
            arn: get(arn).to_string(),
            password_enabled: get(pw) == "true",
            password_last_used: parse_time(get(pw_used)),
            mfa_active: get(mfa) == "true",
            keys,
        });
    }
    Ok(rows)
}

/// ISO 8601 as the report writes it (`2024-01-02T03:04:05+00:00`); `N/A` and `no_information`
/// are `None`.
fn parse_time(s: &str) -> Option<i64> {
    aws_smithy_types::DateTime::from_str(s, aws_smithy_types::date_time::Format::DateTime)
        .ok()
        .or_else(|| {
            aws_smithy_types::DateTime::from_str(
                &s.replace("+00:00", "Z"),
                aws_smithy_types::date_time::Format::DateTime,
            )
            .ok()
        })
        .map(|d| d.secs())
}

/// Orders users: console users without MFA first, then users without MFA, then by name.
pub fn sort_users(users: &mut [UserAudit]) {
    users.sort_by(|a, b| {
        (!a.flagged(), a.has_mfa(), &a.name).cmp(&(!b.flagged(), b.has_mfa(), &b.name))
    });
}

/// Runs the audit. `progress(done, total)` is called as users are processed.
pub async fn audit(
    api: &AwsClient,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<AuditReport> {
    let me = api.caller_identity().await?;
    let root_mfa = match api.iam().get_account_summary().send().await {
        Ok(out) => out
            .summary_map()
            .and_then(|m| m.get(&aws_sdk_iam::types::SummaryKeyType::AccountMfaEnabled))
            .map(|v| *v == 1),
        Err(e) => {
            let e = api.fail("GetAccountSummary", None, e);
            if e.kind != AwsErrorKind::AccessDenied {
                return Err(e.into());
            }
            None
        }
    };
    let virtual_devices = assigned_virtual_devices(api).await?;
    let (mut users, source) = match credential_report(api).await {
        Ok(rows) => {
            let rows: Vec<ReportRow> = rows
                .into_iter()
                .filter(|r| r.user != "<root_account>")
                .collect();
            let total = rows.len();
            let mut users = Vec::with_capacity(total);
            for (i, r) in rows.into_iter().enumerate() {
                let mut mfa = virtual_devices.get(&r.user).cloned().unwrap_or_default();
                if r.mfa_active && mfa.is_empty() {
                    // Hardware tokens and security keys are not virtual devices.
                    mfa = api.list_mfa_devices(&r.user).await?;
                }
                users.push(UserAudit {
                    name: r.user,
                    arn: r.arn,
                    console: r.password_enabled,
                    password_last_used: r.password_last_used,
                    access_keys: r.keys,
                    mfa,
                });
                if i % 50 == 0 || i + 1 == total {
                    progress(i + 1, total);
                }
            }
            (users, AuditSource::CredentialReport)
        }
        Err(Error::Aws(e)) if e.kind == AwsErrorKind::AccessDenied => (
            list_users_audit(api, &virtual_devices, progress).await?,
            AuditSource::ListApis,
        ),
        Err(e) => return Err(e),
    };
    sort_users(&mut users);
    Ok(AuditReport {
        account: me.account,
        root_mfa,
        users,
        source,
    })
}

async fn credential_report(api: &AwsClient) -> Result<Vec<ReportRow>> {
    for _ in 0..120 {
        let out = api
            .iam()
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| api.fail("GenerateCredentialReport", None, e))?;
        if out.state() == Some(&aws_sdk_iam::types::ReportStateType::Complete) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let out = api
        .iam()
        .get_credential_report()
        .send()
        .await
        .map_err(|e| api.fail("GetCredentialReport", None, e))?;
    let content = out
        .content()
        .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
        .unwrap_or_default();
    parse_credential_report(&content).map_err(|reason| Error::InvalidParameter {
        field: "credential report",
        reason,
    })
}

async fn assigned_virtual_devices(api: &AwsClient) -> Result<BTreeMap<String, Vec<MfaDevice>>> {
    let mut out: BTreeMap<String, Vec<MfaDevice>> = BTreeMap::new();
    let mut marker = None;
    loop {
        let page = api
            .iam()
            .list_virtual_mfa_devices()
            .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| api.fail("ListVirtualMFADevices", None, e))?;
        for d in page.virtual_mfa_devices() {
            if let Some(user) = d.user() {
                out.entry(user.user_name().to_string())
                    .or_default()
                    .push(MfaDevice {
                        serial: d.serial_number().to_string(),
                        user: Some(user.user_name().to_string()),
                        enabled_at: d.enable_date().map(|t| t.secs()),
                        kind: DeviceKind::Virtual,
                    });
            }
        }
        match (page.is_truncated(), page.marker()) {
            (true, Some(m)) => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

async fn list_users_audit(
    api: &AwsClient,
    virtual_devices: &BTreeMap<String, Vec<MfaDevice>>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Vec<UserAudit>> {
    let mut listed = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .iam()
            .list_users()
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| api.fail("ListUsers", None, e))?;
        listed.extend(page.users().iter().map(|u| {
            (
                u.user_name().to_string(),
                u.arn().to_string(),
                u.password_last_used().map(|t| t.secs()),
            )
        }));
        match (page.is_truncated(), page.marker()) {
            (true, Some(m)) => marker = Some(m.to_string()),
            _ => break,
        }
    }
    let total = listed.len();
    let mut users = Vec::with_capacity(total);
    // A few users at a time: IAM throttles bursts, and the SDK retries what it throttles.
    for (chunk_index, chunk) in listed.chunks(8).enumerate() {
        let audits = futures_util::future::try_join_all(
            chunk
                .iter()
                .map(|(name, arn, pw_used)| user_audit(api, virtual_devices, name, arn, *pw_used)),
        )
        .await?;
        users.extend(audits);
        progress((chunk_index * 8 + chunk.len()).min(total), total);
    }
    Ok(users)
}

async fn user_audit(
    api: &AwsClient,
    virtual_devices: &BTreeMap<String, Vec<MfaDevice>>,
    name: &str,
    arn: &str,
    pw_used: Option<i64>,
) -> Result<UserAudit> {
    let console = match api.iam().get_login_profile().user_name(name).send().await {
        Ok(_) => true,
        Err(e) => {
            let e = api.fail("GetLoginProfile", Some(name.to_string()), e);
            if e.kind != AwsErrorKind::NotFound {
                return Err(e.into());
            }
            false
        }
    };
    let keys = api
        .iam()
        .list_access_keys()
        .user_name(name)
        .send()
        .await
        .map_err(|e| api.fail("ListAccessKeys", Some(name.to_string()), e))?;
    let mut access_keys = Vec::new();
    for k in keys.access_key_metadata() {
        let id = k.access_key_id().unwrap_or_default();
        let last = api
            .iam()
            .get_access_key_last_used()
            .access_key_id(id)
            .send()
            .await
            .map_err(|e| api.fail("GetAccessKeyLastUsed", Some(name.to_string()), e))?;
        access_keys.push(KeyAudit {
            active: k.status() == Some(&aws_sdk_iam::types::StatusType::Active),
            last_used: last
                .access_key_last_used()
                .and_then(|l| l.last_used_date())
                .map(|t| t.secs()),
        });
    }
    let mfa = match virtual_devices.get(name) {
        Some(v) => v.clone(),
        None => api.list_mfa_devices(name).await?,
    };
    Ok(UserAudit {
        name: name.to_string(),
        arn: arn.to_string(),
        console,
        password_last_used: pw_used,
        access_keys,
        mfa,
    })
}

/// The managed policy Twofold creates: the IAM User Guide's "allow MFA-authenticated IAM users
/// to manage their own credentials", trimmed to what enrolling and managing one's own MFA
/// device (and password) needs. Everything else is denied while `aws:MultiFactorAuthPresent`
/// is false or absent.
pub const POLICY_NAME: &str = "TwofoldRequireMFA";

/// The policy document.
pub fn enforce_policy_document() -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowViewAccountInfo",
                "Effect": "Allow",
                "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                "Resource": "*"
            },
            {
                "Sid": "AllowManageOwnPasswordAndUser",
                "Effect": "Allow",
                "Action": ["iam:ChangePassword", "iam:GetUser"],
                "Resource": "arn:aws:iam::*:user/${aws:username}"
            },
            {
                "Sid": "AllowManageOwnVirtualMFADevice",
                "Effect": "Allow",
                "Action": ["iam:CreateVirtualMFADevice"],
                "Resource": "arn:aws:iam::*:mfa/*"
            },
            {
                "Sid": "AllowManageOwnUserMFA",
                "Effect": "Allow",
                "Action": ["iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
                "Resource": "arn:aws:iam::*:user/${aws:username}"
            },
            {
                "Sid": "DenyAllExceptListedIfNoMFA",
                "Effect": "Deny",
                "NotAction": [
                    "iam:CreateVirtualMFADevice",
                    "iam:EnableMFADevice",
                    "iam:GetUser",
                    "iam:ChangePassword",
                    "iam:ListMFADevices",
                    "iam:ListVirtualMFADevices",
                    "iam:ResyncMFADevice",
                    "iam:GetAccountPasswordPolicy",
                    "sts:GetSessionToken"
                ],
                "Resource": "*",
                "Condition": { "BoolIfExists": { "aws:MultiFactorAuthPresent": "false" } }
            }
        ]
    })
}

/// What enforcing MFA on a group would do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnforcePlan {
    /// The group.
    pub group: String,
    /// The policy's ARN.
    pub policy_arn: String,
    /// Whether the policy must be created.
    pub create_policy: bool,
    /// Whether it must be attached to the group.
    pub attach: bool,
    /// Members without MFA: they will be able to do nothing but enroll until they have MFA.
    pub members_without_mfa: Vec<String>,
    /// The caller is a member without MFA: applying would lock them out of everything else.
    pub locks_out_caller: bool,
    /// The policy document.
    pub document: serde_json::Value,
}

/// Works out what enforcing MFA on `group` would change, without changing anything.
pub async fn plan_enforce(api: &AwsClient, group: &str) -> Result<EnforcePlan> {
    let me = api.caller_identity().await?;
    let policy_arn = format!("arn:aws:iam::{}:policy/{POLICY_NAME}", me.account);
    let members = api
        .iam()
        .get_group()
        .group_name(group)
        .send()
        .await
        .map_err(|e| {
            let mut e = api.fail("GetGroup", Some(group.to_string()), e);
            if e.kind == AwsErrorKind::NotFound {
                e.message = format!("there is no IAM group named {group:?}");
            }
            e
        })?;
    let create_policy = match api.iam().get_policy().policy_arn(&policy_arn).send().await {
        Ok(_) => false,
        Err(e) => {
            let e = api.fail("GetPolicy", Some(policy_arn.clone()), e);
            if e.kind != AwsErrorKind::NotFound {
                return Err(e.into());
            }
            true
        }
    };
    let attached = api
        .iam()
        .list_attached_group_policies()
        .group_name(group)
        .send()
        .await
        .map_err(|e| api.fail("ListAttachedGroupPolicies", Some(group.to_string()), e))?;
    let attach = !attached
        .attached_policies()
        .iter()
        .any(|p| p.policy_arn() == Some(policy_arn.as_str()));
    let mut members_without_mfa = Vec::new();
    for u in members.users() {
        if api.list_mfa_devices(u.user_name()).await?.is_empty() {
            members_without_mfa.push(u.user_name().to_string());
        }
    }
    let locks_out_caller = me
        .user_name()
        .is_some_and(|n| members_without_mfa.contains(&n));
    Ok(EnforcePlan {
        group: group.to_string(),
        policy_arn,
        create_policy,
        attach,
        members_without_mfa,
        locks_out_caller,
        document: enforce_policy_document(),
    })
}

/// Applies a plan: creates the policy if needed and attaches it. Refuses a plan that locks out
/// the caller unless `force`.
pub async fn apply_enforce(api: &AwsClient, plan: &EnforcePlan, force: bool) -> Result<()> {
    if plan.locks_out_caller && !force {
        return Err(Error::LocksOutCaller {
            group: plan.group.clone(),
        });
    }
    if plan.create_policy {
        api.iam()
            .create_policy()
            .policy_name(POLICY_NAME)
            .description("Denies everything but managing one's own MFA device and password until signed in with MFA (created by Twofold)")
            .policy_document(plan.document.to_string())
            .send()
            .await
            .map_err(|e| api.fail("CreatePolicy", Some(plan.policy_arn.clone()), e))?;
    }
    if plan.attach {
        api.iam()
            .attach_group_policy()
            .group_name(&plan.group)
            .policy_arn(&plan.policy_arn)
            .send()
            .await
            .map_err(|e| api.fail("AttachGroupPolicy", Some(plan.group.clone()), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2020-01-01T00:00:00+00:00,true,2024-05-02T10:00:00+00:00,N/A,N/A,false,true,N/A,2024-04-01T00:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bot,arn:aws:iam::123456789012:user/bot,2020-01-01T00:00:00+00:00,false,no_information,N/A,N/A,false,true,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn a_user_name_with_a_comma_stays_one_field_both_ways() {
        let row = "\"ops,eu\",\"arn:aws:iam::123456789012:user/ops,eu\",2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
        let text = format!("{}\n{row}\n", REPORT.lines().next().unwrap());
        let rows = parse_credential_report(&text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].user, "ops,eu");
        assert_eq!(rows[0].arn, "arn:aws:iam::123456789012:user/ops,eu");
        assert!(rows[0].password_enabled && !rows[0].mfa_active);
    }

    #[test]
    fn parses_the_credential_report() {
        let rows = parse_credential_report(REPORT).unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].mfa_active && rows[0].user == "<root_account>");
        let alice = &rows[1];
        assert!(alice.password_enabled && !alice.mfa_active);
        assert_eq!(alice.password_last_used, Some(1_714_644_000));
        assert_eq!(
            alice.keys,
            vec![KeyAudit {
                active: true,
                last_used: Some(1_711_929_600)
            }]
        );
        assert_eq!(
            rows[2].keys,
            vec![KeyAudit {
                active: true,
                last_used: None
            }]
        );
        assert!(parse_credential_report("").is_err());
        assert!(parse_credential_report("user,arn\nx,y").is_err());
    }

    fn user(name: &str, console: bool, mfa: bool) -> UserAudit {
        UserAudit {
            name: name.into(),
            arn: format!("arn:aws:iam::1:user/{name}"),
            console,
            password_last_used: None,
            access_keys: vec![],
            mfa: if mfa {
                vec![MfaDevice {
                    serial: format!("arn:aws:iam::1:mfa/{name}"),
                    user: Some(name.into()),
                    enabled_at: Some(0),
                    kind: DeviceKind::Virtual,
                }]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn console_users_without_mfa_come_first() {
        let mut users = vec![
            user("a-ok", true, true),
            user("b-bot", false, false),
            user("c-risk", true, false),
            user("a-risk", true, false),
        ];
        sort_users(&mut users);
        let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["a-risk", "c-risk", "b-bot", "a-ok"]);
        assert!(users[0].flagged() && !users[2].flagged());
    }

    #[test]
    fn csv_has_a_row_per_user_and_quotes_fields() {
        let report = AuditReport {
            account: "1".into(),
            root_mfa: Some(false),
            users: vec![user("x,y", true, false)],
            source: AuditSource::ListApis,
        };
        let csv = report.to_csv();
        assert_eq!(csv.lines().count(), 2);
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("\"x,y\",\"arn:aws:iam::1:user/x,y\",true,"),
            "{csv}"
        );
        assert!(csv.trim_end().ends_with(",true"));
    }

    #[test]
    fn stale_keys() {
        let mut u = user("k", false, false);
        u.access_keys = vec![KeyAudit {
            active: true,
            last_used: Some(0),
        }];
        assert!(u.has_stale_key(100 * 86_400, 90));
        assert!(!u.has_stale_key(10 * 86_400, 90));
        u.access_keys[0].active = false;
        assert!(!u.has_stale_key(100 * 86_400, 90));
    }

    #[test]
    fn the_policy_denies_everything_but_self_service_without_mfa() {
        let doc = enforce_policy_document();
        let deny = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Effect"] == "Deny")
            .unwrap();
        assert_eq!(
            deny["Condition"]["BoolIfExists"]["aws:MultiFactorAuthPresent"],
            "false"
        );
        let allowed: Vec<&str> = deny["NotAction"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        // Everything `twofold aws enroll` calls must stay allowed without MFA.
        for action in [
            "iam:GetUser",
            "iam:ListMFADevices",
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "sts:GetSessionToken",
        ] {
            assert!(allowed.contains(&action), "{action}");
        }
    }
}
