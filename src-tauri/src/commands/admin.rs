//! Account security: the MFA audit of every IAM user (with its CSV export) and requiring MFA
//! for a group (plan, preview, apply), on the connection `aws_whoami` made.

use std::path::PathBuf;

use tauri::ipc::Channel;
use twofold_core::aws::admin::{self, AuditReport, AuditSource, EnforcePlan};

use crate::error::{ErrorKind, IpcError, Result};
use crate::models::{
    AuditDevice, AuditExport, AuditProgress, AuditUser, AuditView, EnforceApplied, EnforcePreview,
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
        users: r
            .users
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
            .collect(),
    }
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
