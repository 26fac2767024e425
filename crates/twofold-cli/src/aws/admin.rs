//! `twofold aws audit` and `enforce`: the account's MFA posture, and requiring MFA for a group.

use std::io::IsTerminal;

use anyhow::Result;
use serde_json::json;
use twofold_core::aws::admin;
use twofold_core::aws::client::AwsClient;

use super::output::aws_date;

/// `twofold aws audit`: every user's console access, keys and MFA, optionally also as CSV.
pub(super) async fn audit(
    api: AwsClient,
    json: bool,
    csv: Option<std::path::PathBuf>,
    force: bool,
) -> Result<()> {
    super::output::refuse_existing_csv(csv.as_deref(), force)?;
    let started = std::time::Instant::now();
    let interactive = std::io::stderr().is_terminal() && !json;
    let mut progress = |done: usize, total: usize| {
        if interactive {
            eprint!("\rtwofold: {done}/{total} users");
        }
    };
    let report = admin::audit(&api, &mut progress).await?;
    if interactive {
        eprintln!();
    }
    if let Some(path) = &csv {
        report.write_csv(path, force)?;
    }
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if json {
        let mut v = serde_json::to_value(&report)?;
        v["elapsedMs"] = elapsed_ms.into();
        v["flagged"] = report
            .users
            .iter()
            .filter(|u| u.flagged())
            .map(|u| u.name.clone())
            .collect::<Vec<_>>()
            .into();
        println!("{v}");
    } else {
        print_audit(&report);
        eprintln!(
            "twofold: {} users audited in {} ms ({:?})",
            report.users.len(),
            elapsed_ms,
            report.source
        );
    }
    Ok(())
}

/// `twofold aws enforce`: plans requiring MFA for `group`, and applies it unless `dry_run`.
pub(super) async fn enforce(
    api: AwsClient,
    json: bool,
    group: String,
    dry_run: bool,
    force: bool,
) -> Result<()> {
    let plan = admin::plan_enforce(&api, &group).await?;
    if plan.locks_out_caller {
        eprintln!("twofold: warning: you are in {group} and have no MFA device; this policy would lock you out of everything but enrolling");
    }
    if !dry_run {
        admin::apply_enforce(&api, &plan, force).await?;
    }
    if json {
        println!("{}", json!({ "plan": plan, "applied": !dry_run }));
    } else {
        if dry_run {
            println!("Policy {} ({}):", admin::POLICY_NAME, plan.policy_arn);
            println!("{}", serde_json::to_string_pretty(&plan.document)?);
        }
        let verb = if dry_run { "would" } else { "did" };
        println!(
            "{verb} {}create the policy {}",
            if plan.create_policy { "" } else { "not " },
            plan.policy_arn
        );
        println!(
            "{verb} {}attach it to group {group}",
            if plan.attach {
                ""
            } else {
                "not (already attached) "
            }
        );
        if !plan.members_without_mfa.is_empty() {
            println!(
                "members without MFA (they can only enroll until they have it): {}",
                plan.members_without_mfa.join(", ")
            );
        }
    }
    Ok(())
}

fn print_audit(report: &admin::AuditReport) {
    match report.root_mfa {
        Some(true) => println!("root user: MFA enabled"),
        Some(false) => {
            println!("root user: NO MFA  <- add it in the console (Twofold can read its QR code)")
        }
        None => println!("root user: unknown (GetAccountSummary not allowed)"),
    }
    let width = report
        .users
        .iter()
        .map(|u| u.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:width$}  CONSOLE  MFA                      KEYS", "USER");
    for u in &report.users {
        let mfa = if u.mfa.is_empty() {
            "none".to_string()
        } else {
            u.mfa
                .iter()
                .map(|d| {
                    format!(
                        "{:?} {}",
                        d.kind,
                        d.enabled_at.map(aws_date).unwrap_or_default()
                    )
                    .to_lowercase()
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let keys = u.access_keys.iter().filter(|k| k.active).count();
        let flag = if u.flagged() {
            "  <- console without MFA"
        } else {
            ""
        };
        println!(
            "{:width$}  {:7}  {:23}  {keys}{flag}",
            u.name,
            if u.console { "yes" } else { "no" },
            mfa
        );
    }
}
