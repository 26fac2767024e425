//! Account security: the MFA audit of every IAM user (with its CSV export) and requiring MFA
//! for a group (plan, preview, apply), on the connection `aws_whoami` made.

use std::path::PathBuf;

use tauri::ipc::Channel;
use twofold_core::aws::admin::{self, AuditReport, AuditSource, EnforcePlan};
use twofold_core::aws::org::{self, OrgAudit, OrgOptions, OrgProgress};
use twofold_core::aws::signins::{self, MfaUse, Principal, SignIn, SignInReport};

use crate::error::{ErrorKind, IpcError, Result};
use crate::models::{
    AuditDevice, AuditExport, AuditProgress, AuditUser, AuditView, EnforceApplied, EnforcePreview,
    OrgAccountView, OrgAuditView, OrgProgressView, SignInView, SignInsView,
};
use crate::state::AppStateRef;

/// Keys unused for this many days are "stale".
pub const STALE_DAYS: i64 = 90;

/// The report as the table shows it, at `now` (for the stale-key flag).
pub fn audit_view(r: &AuditReport, now: i64) -> AuditView {
    AuditView {
        account: r.account.clone(),
        root_mfa: r.root_mfa,
        source: match r.source {
            AuditSource::CredentialReport => "credentialReport",
            _ => "listApis",
        }
        .into(),
        users: user_views(&r.users, now),
    }
}

/// Users as the audit table shows them, at `now`.
fn user_views(users: &[admin::UserAudit], now: i64) -> Vec<AuditUser> {
    users
        .iter()
        .map(|u| AuditUser {
            name: u.name.clone(),
            arn: u.arn.clone(),
            console: u.console,
            password_last_used: u.password_last_used,
            mfa: u
                .mfa
                .iter()
                .map(|d| AuditDevice {
                    serial: d.serial.clone(),
                    kind: d.kind.into(),
                    enabled_at: d.enabled_at,
                })
                .collect(),
            active_keys: u
                .access_keys
                .iter()
                .filter(|k| k.active)
                .map(|k| k.last_used)
                .collect(),
            flagged: u.flagged(),
            stale_key: u.has_stale_key(now, STALE_DAYS),
        })
        .collect()
}

/// Where the CSV goes: the Downloads folder, else the home folder.
pub fn export_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs.home_dir().to_path_buf()),
    )
}

/// Runs the audit (progress on `on_progress`) and keeps the report for the export.
#[tauri::command]
pub async fn aws_audit(
    state: AppStateRef<'_>,
    on_progress: Channel<AuditProgress>,
) -> Result<AuditView> {
    let conn = state.aws()?;
    let mut progress = move |done: usize, total: usize| {
        let p = AuditProgress {
            done: u32::try_from(done).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        };
        if let Err(e) = on_progress.send(p) {
            tracing::warn!("could not send audit progress: {e}");
        }
    };
    let report = admin::audit(&conn.client, &mut progress).await?;
    let view = audit_view(&report, twofold_core::unix_now() as i64);
    state.admin().audit = Some(report);
    Ok(view)
}

/// Writes the last audit as CSV into the Downloads folder; returns the file.
#[tauri::command]
pub fn aws_audit_export(state: AppStateRef<'_>) -> Result<AuditExport> {
    let report = state
        .admin()
        .audit
        .clone()
        .ok_or_else(|| IpcError::new(ErrorKind::InvalidInput, "run the audit first"))?;
    let rows = report.users.len();
    let dir =
        export_dir().ok_or_else(|| IpcError::internal("no home directory for the CSV export"))?;
    let date = &twofold_core::aws::sessions::rfc3339(twofold_core::unix_now() as i64)[..10];
    let path = report.save_csv_in(&dir, date)?;
    Ok(AuditExport {
        path: path.display().to_string(),
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
    })
}

/// The organisation audit as its screen shows it, at `now`.
pub fn org_view(run: &OrgAudit, now: i64) -> OrgAuditView {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    OrgAuditView {
        management_account: run.caller.account.clone(),
        role: run.role.clone(),
        accounts: run
            .results
            .iter()
            .map(|(a, outcome)| match outcome {
                Ok(audit) => {
                    let s = audit.summary();
                    OrgAccountView {
                        id: a.id.clone(),
                        name: a.name.clone(),
                        error: None,
                        root_mfa: audit.root_mfa,
                        users: user_views(&audit.users, now),
                        console_without_mfa: count(s.console_without_mfa),
                        without_mfa: count(s.without_mfa),
                        groups_without_enforcement: audit.enforcement.not_enforced.clone(),
                    }
                }
                Err(f) => OrgAccountView {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    error: Some(f.message.clone()),
                    root_mfa: None,
                    users: Vec::new(),
                    console_without_mfa: 0,
                    without_mfa: 0,
                    groups_without_enforcement: Vec::new(),
                },
            })
            .collect(),
        skipped: count(run.skipped.len()),
    }
}

/// Audits every active account of the organisation through `role` (progress per account on
/// `on_progress`) and keeps the result for the export.
#[tauri::command]
pub async fn aws_org_audit(
    state: AppStateRef<'_>,
    role: String,
    concurrency: u32,
    on_progress: Channel<OrgProgressView>,
) -> Result<OrgAuditView> {
    let conn = state.aws()?;
    let opts = org_options(&role, concurrency)?;
    let mut progress = move |p: OrgProgress<'_>| {
        let view = OrgProgressView {
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            account: p.account.name.clone(),
            ok: p.ok,
        };
        if let Err(e) = on_progress.send(view) {
            tracing::warn!("could not send organisation audit progress: {e}");
        }
    };
    let run = org::org_audit(&conn.client, &opts, &mut progress).await?;
    let view = org_view(&run, twofold_core::unix_now() as i64);
    state.admin().org = Some(run);
    Ok(view)
}

/// The run's options from what the screen sends: the role (default
/// `OrganizationAccountAccessRole`) and how many accounts at once.
fn org_options(role: &str, concurrency: u32) -> Result<OrgOptions> {
    let role = role.trim();
    let valid = role
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !valid || role.len() > 64 {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "a role name is up to 64 letters, digits and + = , . @ _ -",
        ));
    }
    Ok(OrgOptions {
        role: if role.is_empty() {
            org::DEFAULT_ROLE.to_string()
        } else {
            role.to_string()
        },
        concurrency: usize::try_from(concurrency)
            .unwrap_or(org::MAX_CONCURRENCY)
            .clamp(1, org::MAX_CONCURRENCY),
        ..OrgOptions::default()
    })
}

/// Writes the last organisation audit as CSV into the Downloads folder; returns the file.
#[tauri::command]
pub fn aws_org_audit_export(state: AppStateRef<'_>) -> Result<AuditExport> {
    let run = state.admin().org.clone().ok_or_else(|| {
        IpcError::new(ErrorKind::InvalidInput, "run the organisation audit first")
    })?;
    let rows = run
        .results
        .iter()
        .map(|(_, o)| o.as_ref().map_or(1, |a| a.users.len()))
        .sum::<usize>();
    let dir =
        export_dir().ok_or_else(|| IpcError::internal("no home directory for the CSV export"))?;
    let date = &twofold_core::aws::sessions::rfc3339(twofold_core::unix_now() as i64)[..10];
    let path = org::save_org_csv_in(&run, &dir, date)?;
    Ok(AuditExport {
        path: path.display().to_string(),
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
    })
}

fn sign_in_view(s: &SignIn) -> SignInView {
    SignInView {
        account: s.account.clone(),
        user: s.user.clone(),
        root: s.principal == Principal::Root,
        time: s.time,
        source_ip: s.source_ip.clone(),
        region: s.region.clone(),
        mfa: match s.mfa {
            MfaUse::Used => "used",
            MfaUse::NotUsed => "notUsed",
            MfaUse::AtIdentityProvider => "atIdentityProvider",
            MfaUse::Unknown => "unknown",
        }
        .into(),
        success: s.success,
    }
}

/// Console sign-ins without MFA in the last `days` days (CloudTrail), in the account or, with
/// `org`, in every account of the organisation through `role`.
#[tauri::command]
pub async fn aws_sign_ins(
    state: AppStateRef<'_>,
    days: u32,
    org: bool,
    role: String,
) -> Result<SignInsView> {
    let conn = state.aws()?;
    let now = twofold_core::unix_now() as i64;
    let since = now - i64::from(days.clamp(1, 90)) * 86_400;
    let regions = signins::regions_for(&[], conn.client.region().as_deref());
    let reports: Vec<std::result::Result<SignInReport, String>> = if org {
        let opts = org_options(&role, u32::try_from(org::DEFAULT_CONCURRENCY).unwrap_or(8))?;
        signins::org_sign_ins(&conn.client, &opts, &regions, since, now, &mut |_| {})
            .await?
            .results
            .into_iter()
            .map(|(a, o)| o.map_err(|f| format!("{} ({}): {}", a.name, a.id, f.message)))
            .collect()
    } else {
        vec![Ok(
            signins::sign_ins(&conn.client, &regions, since, now).await?
        )]
    };
    let mut without_mfa = Vec::new();
    let mut total = 0;
    let mut failed = Vec::new();
    for r in reports {
        match r {
            Ok(r) => {
                total += r.sign_ins.len();
                without_mfa.extend(r.without_mfa().map(sign_in_view));
            }
            Err(e) => failed.push(e),
        }
    }
    without_mfa.sort_by_key(|s| (!s.root, -s.time));
    Ok(SignInsView {
        regions,
        without_mfa,
        total: u32::try_from(total).unwrap_or(u32::MAX),
        failed,
    })
}

fn preview(plan: &EnforcePlan) -> EnforcePreview {
    EnforcePreview {
        group: plan.group.clone(),
        policy_arn: plan.policy_arn.clone(),
        create_policy: plan.create_policy,
        attach: plan.attach,
        members_without_mfa: plan.members_without_mfa.clone(),
        locks_out_caller: plan.locks_out_caller,
        document: serde_json::to_string_pretty(&plan.document)
            .unwrap_or_else(|_| plan.document.to_string()),
    }
}

/// What requiring MFA for `group` would change; nothing is changed yet.
#[tauri::command]
pub async fn aws_enforce_plan(state: AppStateRef<'_>, group: String) -> Result<EnforcePreview> {
    let group = group.trim().to_string();
    if group.is_empty() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "enter the IAM group name",
        ));
    }
    let conn = state.aws()?;
    let plan = admin::plan_enforce(&conn.client, &group).await?;
    let view = preview(&plan);
    state.admin().plan = Some(plan);
    Ok(view)
}

/// Applies the plan last previewed for `group`. `force` is needed (and only offered) when it
/// locks the caller out.
#[tauri::command]
pub async fn aws_enforce_apply(
    state: AppStateRef<'_>,
    group: String,
    force: bool,
) -> Result<EnforceApplied> {
    let conn = state.aws()?;
    let plan = state
        .admin()
        .plan
        .clone()
        .filter(|p| p.group == group)
        .ok_or_else(|| {
            IpcError::new(
                ErrorKind::InvalidInput,
                format!("preview the change for {group:?} first"),
            )
        })?;
    admin::apply_enforce(&conn.client, &plan, force).await?;
    state.admin().plan = None;
    Ok(EnforceApplied {
        group: plan.group,
        policy_arn: plan.policy_arn,
        created: plan.create_policy,
        attached: plan.attach,
    })
}
