//! `twofold aws audit --org` and `twofold aws sign-ins`: every account of an AWS Organization
//! through a role assumed in each, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde_json::json;
use twofold_core::aws::client::AwsClient;
use twofold_core::aws::org::{self, OrgOptions, OrgProgress};
use twofold_core::aws::signins::{self, MfaUse, Principal, SignIn, SignInReport};

use super::output::aws_date;

/// A progress bar on stderr, drawn only on a terminal and without `--json`.
struct Bar {
    on: bool,
    what: &'static str,
}

impl Bar {
    fn new(json: bool, what: &'static str) -> Bar {
        Bar {
            on: !json && std::io::stderr().is_terminal(),
            what,
        }
    }

    fn show(&self, p: OrgProgress<'_>) {
        if !self.on {
            return;
        }
        const WIDTH: usize = 30;
        let filled = WIDTH * p.done / p.total.max(1);
        let mark = if p.ok { "ok" } else { "FAILED" };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {}/{} {}  {} {mark}",
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            p.done,
            p.total,
            self.what,
            p.account.name
        );
        let _ = err.flush();
    }

    fn done(&self) {
        if self.on {
            eprintln!();
        }
    }
}

/// `twofold aws audit --org`.
pub(super) async fn audit(
    api: AwsClient,
    json: bool,
    opts: OrgOptions,
    csv: Option<std::path::PathBuf>,
    force: bool,
) -> Result<()> {
    super::output::refuse_existing_csv(csv.as_deref(), force)?;
    let started = std::time::Instant::now();
    let bar = Bar::new(json, "accounts");
    let run = org::org_audit(&api, &opts, &mut |p| bar.show(p)).await?;
    bar.done();
    if let Some(path) = &csv {
        org::write_org_csv(&run, path, force)?;
    }
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if json {
        let mut v = org::org_audit_json(&run);
        v["elapsedMs"] = elapsed_ms.into();
        v["concurrency"] = opts.concurrency.into();
        println!("{v}");
        return Ok(());
    }
    println!(
        "{:14}  {:24}  {:>5}  {:>13}  {:>10}  {:8}  GROUPS WITHOUT THE ENFORCE POLICY",
        "ACCOUNT", "NAME", "USERS", "CONSOLE NO MFA", "NO MFA", "ROOT MFA"
    );
    for (a, outcome) in &run.results {
        match outcome {
            Ok(audit) => {
                let s = audit.summary();
                let root = match audit.root_mfa {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "?",
                };
                println!(
                    "{:14}  {:24}  {:>5}  {:>13}  {:>10}  {root:8}  {}",
                    a.id,
                    a.name,
                    s.users,
                    s.console_without_mfa,
                    s.without_mfa,
                    audit.enforcement.not_enforced.join(", ")
                );
            }
            Err(f) => println!("{:14}  {:24}  FAILED: {}", a.id, a.name, f.message),
        }
    }
    let flagged: Vec<String> = run
        .results
        .iter()
        .filter_map(|(a, o)| o.as_ref().ok().map(|audit| (a, audit)))
        .flat_map(|(a, audit)| {
            audit
                .users
                .iter()
                .filter(|u| u.flagged())
                .map(move |u| format!("{} ({})", u.name, a.name))
        })
        .collect();
    if !flagged.is_empty() {
        println!("console users without MFA: {}", flagged.join(", "));
    }
    let failed = run.results.iter().filter(|(_, o)| o.is_err()).count();
    eprintln!(
        "twofold: {} accounts audited, {failed} failed, in {elapsed_ms} ms (concurrency {}, {} throttled retries){}",
        run.results.len() - failed,
        opts.concurrency,
        run.retries,
        if run.skipped.is_empty() {
            String::new()
        } else {
            format!("; {} inactive accounts skipped", run.skipped.len())
        }
    );
    Ok(())
}

/// One account's sign-ins: the account (id, name) when run across the organisation, and its
/// report or why it could not be read.
type AccountSignIns = (Option<(String, String)>, Result<SignInReport, String>);

/// What `twofold aws sign-ins` looks at.
pub(super) struct SignInArgs {
    pub since: String,
    pub regions: Vec<String>,
    pub all: bool,
    pub org: Option<OrgOptions>,
}

/// `twofold aws sign-ins`: console sign-ins without MFA (all of them with `--all`).
pub(super) async fn sign_ins(api: AwsClient, json: bool, args: SignInArgs) -> Result<()> {
    let Some(secs) = signins::parse_since(&args.since) else {
        anyhow::bail!(
            "--since {:?} is not a duration such as 90m, 12h, 30d or 2w",
            args.since
        );
    };
    if secs > signins::HISTORY_DAYS * 86_400 {
        eprintln!(
            "twofold: CloudTrail's event history goes back {} days; looking that far",
            signins::HISTORY_DAYS
        );
    }
    let now = twofold_core::unix_now() as i64;
    let since = now - secs;
    let regions = signins::regions_for(&args.regions, api.region().as_deref());
    let reports: Vec<AccountSignIns> = match &args.org {
        None => vec![(
            None,
            Ok(signins::sign_ins(&api, &regions, since, now).await?),
        )],
        Some(opts) => {
            let bar = Bar::new(json, "accounts");
            let run = signins::org_sign_ins(&api, opts, &regions, since, now, &mut |p| bar.show(p))
                .await?;
            bar.done();
            run.results
                .into_iter()
                .map(|(a, o)| (Some((a.id, a.name)), o.map_err(|f| f.message)))
                .collect()
        }
    };
    let shown = |r: &SignInReport| -> Vec<SignIn> {
        r.sign_ins
            .iter()
            .filter(|s| args.all || s.without_mfa())
            .cloned()
            .collect()
    };
    let total: usize = reports
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .map(|r| r.sign_ins.len())
        .sum();
    if json {
        let accounts: Vec<serde_json::Value> = reports
            .iter()
            .map(|(a, r)| {
                let (id, name) = a.clone().unzip();
                match r {
                    Ok(r) => json!({ "id": id, "name": name, "status": "ok", "signIns": r.sign_ins.len(), "withoutMfa": r.without_mfa().count(), "unreadable": r.unreadable }),
                    Err(e) => json!({ "id": id, "name": name, "status": "failed", "error": e }),
                }
            })
            .collect();
        let listed: Vec<SignIn> = reports
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .flat_map(shown)
            .collect();
        println!(
            "{}",
            json!({ "regions": regions, "since": twofold_core::aws::sessions::rfc3339(since), "all": args.all, "signIns": listed, "accounts": accounts, "total": total })
        );
        return Ok(());
    }
    for (account, r) in &reports {
        if let Some((id, name)) = account {
            println!("== {name} ({id})");
        }
        match r {
            Err(e) => println!("FAILED: {e}"),
            Ok(r) => print_sign_ins(&shown(r), r, args.all),
        }
    }
    if total == 0 {
        eprintln!(
            "twofold: CloudTrail has no console sign-ins in {} since {}. A new account has none yet; console sign-ins are recorded in us-east-1 or in the region of the sign-in endpoint used (eu-west-1.signin.aws.amazon.com records in eu-west-1): add that region with --region",
            regions.join(", "),
            aws_date(since)
        );
    }
    Ok(())
}

fn print_sign_ins(list: &[SignIn], report: &SignInReport, all: bool) {
    let hidden = report.sign_ins.len() - list.len();
    if list.is_empty() {
        println!(
            "no console sign-in without MFA ({} sign-ins with MFA, federated or failed)",
            report.sign_ins.len()
        );
        return;
    }
    println!(
        "{:20}  {:24}  {:15}  {:11}  REGION",
        "WHEN (UTC)", "WHO", "FROM", "MFA"
    );
    for s in list {
        let when = twofold_core::aws::sessions::rfc3339(s.time);
        let mfa = match (s.mfa, s.success) {
            (_, false) => "failed",
            (MfaUse::Used, _) => "yes",
            (MfaUse::NotUsed, _) => "NO",
            (MfaUse::AtIdentityProvider, _) => "at the IdP",
            (MfaUse::Unknown, _) => "?",
        };
        let who = if s.principal == Principal::Root {
            "ROOT".to_string()
        } else {
            s.user.clone()
        };
        println!(
            "{:20}  {:24}  {:15}  {mfa:11}  {}",
            when, who, s.source_ip, s.region
        );
    }
    if !all && hidden > 0 {
        println!("({hidden} sign-ins with MFA, federated or failed not shown; --all lists them)");
    }
}
