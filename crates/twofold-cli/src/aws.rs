//! `twofold aws ...`: enrollment and the MFA device lifecycle from a terminal.
//!
//! Each command connects with the standard AWS chain (or `--profile`, `--endpoint-url`),
//! makes its calls through `twofold_core::aws` and prints text, or one JSON object with
//! `--json`. Progress and warnings go to stderr so stdout stays scriptable.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use twofold_core::aws::client::{AwsClient, ConnectOptions, IamApi};
use twofold_core::aws::enroll::{self, EnrollRequest, Step};
use twofold_core::aws::sessions::{SessionRequest, SessionStep};
use twofold_core::aws::{admin, profiles, sessions};
use twofold_core::vault::{Account, VaultAccess};

use crate::Ctx;

/// Options shared by every `aws` command.
#[derive(Args)]
pub struct AwsArgs {
    /// The AWS profile to use (default: the standard credential chain).
    #[arg(long, global = true, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// Send IAM and STS calls to this endpoint (also AWS_ENDPOINT_URL).
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    /// The region for signing and STS (IAM is global).
    #[arg(long, global = true)]
    region: Option<String>,
    /// Print one JSON object.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: AwsCommand,
}

#[derive(Subcommand)]
enum AwsCommand {
    /// Who the credentials belong to, and how far this clock is from AWS's.
    Whoami,
    /// Create, save and enable a virtual MFA device for yourself or another IAM user.
    Enroll {
        /// The IAM user (default: the caller).
        #[arg(long)]
        user: Option<String>,
        /// The device name (default: the user name).
        #[arg(long)]
        device_name: Option<String>,
        /// Keep the seed on a phone too: print its QR code and ask for two codes from it.
        #[arg(long)]
        phone: bool,
    },
    /// List a user's MFA devices.
    Devices {
        /// The IAM user (default: the caller).
        #[arg(long)]
        user: Option<String>,
    },
    /// Resynchronise a device whose codes drifted (codes from the vault, or typed).
    Resync {
        /// The device's serial number (ARN).
        #[arg(long)]
        serial: String,
        /// The IAM user (default: from the vault, else the caller).
        #[arg(long)]
        user: Option<String>,
    },
    /// Deactivate a device (a lost phone), and with --delete delete it.
    Deactivate {
        /// The device's serial number (ARN).
        #[arg(long)]
        serial: String,
        /// The IAM user (default: from the vault, else the caller).
        #[arg(long)]
        user: Option<String>,
        /// Also delete the virtual device and its account in the vault.
        #[arg(long)]
        delete: bool,
    },
    /// Enrollments that were interrupted: list them, or resume or abort one.
    Pending {
        /// Finish this pending enrollment (its name or id).
        #[arg(long, conflicts_with = "abort")]
        resume: Option<String>,
        /// Abandon this pending enrollment: delete the device in AWS and the vault entry.
        #[arg(long)]
        abort: Option<String>,
    },
    /// Temporary credentials with MFA for a profile, written as a profile (or printed for a shell).
    Session {
        /// Seconds the session lasts (default: the profile's duration_seconds, else AWS's default).
        #[arg(long)]
        duration: Option<i32>,
        /// The profile to write them to (default: <profile>-mfa).
        #[arg(long)]
        target_profile: Option<String>,
        /// Print `export AWS_...=` lines instead of writing the credentials file.
        #[arg(long)]
        env: bool,
        /// The vault account holding the device's seed (default: the one linked to the
        /// profile's mfa_serial; needed when the profile has no mfa_serial).
        #[arg(long)]
        account: Option<String>,
    },
    /// Print credential_process JSON for a profile (cached until 5 minutes before expiry).
    CredentialProcess,
    /// Add a `[profile <P>-mfa]` whose credential_process is Twofold, so `aws --profile P-mfa` just works.
    SetupProfile,
    /// Link a vault account to a profile's mfa_serial (for accounts Twofold did not enroll).
    Link {
        /// The vault account that holds the device's seed.
        #[arg(long)]
        account: String,
    },
    /// Every IAM user's console access, access keys and MFA devices, and the root user's MFA.
    Audit {
        /// Also write the report as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<std::path::PathBuf>,
    },
    /// Require MFA for a group: create (or find) the enforce-MFA policy and attach it.
    Enforce {
        /// The IAM group.
        #[arg(long)]
        group: String,
        /// Print the policy and the changes without making them.
        #[arg(long)]
        dry_run: bool,
        /// Apply even though it locks you out (you are in the group and have no MFA).
        #[arg(long)]
        force: bool,
    },
    /// Virtual MFA devices assigned to nobody (left by abandoned enrollments).
    Orphans {
        /// Delete them.
        #[arg(long)]
        delete: bool,
    },
}

pub fn run(ctx: &Ctx, args: AwsArgs) -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(ctx, args))
}

fn need_profile(profile: &Option<String>) -> Result<&str> {
    profile
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("name the AWS profile with --profile"))
}

async fn run_async(ctx: &Ctx, args: AwsArgs) -> Result<()> {
    let json = args.json;
    // Session commands make their own clients from the profile, and a cached session makes no
    // call at all: keep them off the generic client set-up.
    match &args.command {
        AwsCommand::CredentialProcess => {
            let vault = Mutex::new(ctx.open()?);
            let req = session_request(&args, None, None)?;
            let s = sessions::session(&vault, &req, &mut report_session).await?;
            println!("{}", sessions::credential_process_json(&s.credentials));
            return Ok(());
        }
        AwsCommand::Session {
            duration,
            target_profile,
            env,
            account,
        } => {
            let req = session_request(&args, *duration, account.clone())?;
            let target = target_profile
                .clone()
                .unwrap_or_else(|| format!("{}-mfa", req.profile));
            if !*env {
                sessions::check_target(&req.profile, &target)?;
            }
            let vault = Mutex::new(ctx.open()?);
            let s = sessions::session(&vault, &req, &mut report_session).await?;
            let c = &s.credentials;
            let left = c.expiration - twofold_core::unix_now() as i64;
            if *env {
                println!("export AWS_ACCESS_KEY_ID={}", c.access_key_id);
                println!(
                    "export AWS_SECRET_ACCESS_KEY={}",
                    c.secret_access_key.as_str()
                );
                println!("export AWS_SESSION_TOKEN={}", c.session_token.as_str());
                println!(
                    "export AWS_CREDENTIAL_EXPIRATION={}",
                    sessions::rfc3339(c.expiration)
                );
            } else {
                let path = sessions::write_profile(&target, c)?;
                print_done(
                    json,
                    json!({ "profile": target, "file": path, "expiration": sessions::rfc3339(c.expiration), "source": s.source }),
                    &format!("wrote profile {target} to {}; it expires in {} min (aws --profile {target} ...)", path.display(), left / 60),
                );
            }
            return Ok(());
        }
        AwsCommand::SetupProfile => {
            let profile = profiles::find_profile(need_profile(&args.profile)?)?;
            let (target, path) = sessions::setup_profile(&profile, &self_command())?;
            print_done(json, json!({ "profile": target, "file": path }), &format!("added [profile {target}] to {}; try: aws sts get-caller-identity --profile {target}", path.display()));
            return Ok(());
        }
        AwsCommand::Link { account } => {
            let profile = profiles::find_profile(need_profile(&args.profile)?)?;
            let mut vault = ctx.open()?;
            sessions::link(&mut vault, account, &profile)?;
            print_done(
                json,
                json!({ "profile": profile.name, "account": account }),
                &format!("linked {account} to profile {}", profile.name),
            );
            return Ok(());
        }
        _ => {}
    }
    let opts = ConnectOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        static_keys: None,
    };
    let api = AwsClient::connect(&opts).await;
    match args.command {
        AwsCommand::Whoami => {
            let me = api.caller_identity().await?;
            let skew = api.clock_skew();
            warn_skew(skew);
            if json {
                println!(
                    "{}",
                    json!({ "account": me.account, "arn": me.arn, "userId": me.user_id, "userName": me.user_name(), "clockSkewSecs": skew })
                );
            } else {
                println!("{}", me.arn);
                println!("account {}", me.account);
            }
        }
        AwsCommand::Enroll {
            user,
            device_name,
            phone,
        } => {
            let vault = Mutex::new(ctx.open_or_create()?);
            let req = EnrollRequest {
                user,
                device_name,
                profile: args.profile.clone(),
            };
            let started = std::time::Instant::now();
            let mut ask =
                |account: &Account, last: Option<&twofold_core::Error>| ask_codes(account, last);
            let mut progress = |step: Step| {
                if !json {
                    eprintln!("twofold: {}", step_text(step));
                }
            };
            let typed: Option<&mut enroll::AskCodes<'_>> =
                if phone { Some(&mut ask) } else { None };
            let done = match enroll::enroll(&api, &vault, &req, typed, &mut progress).await {
                Ok(done) => done,
                Err(e) => {
                    // The hint must not replace the error: a vault that cannot be read says
                    // nothing here.
                    let pending = vault.read(|v| Ok(enroll::pending(v)));
                    if pending.is_ok_and(|p| !p.is_empty()) {
                        eprintln!("twofold: the seed is saved in the vault; finish with `twofold aws pending --resume NAME` or undo with `--abort NAME` (see `twofold aws pending`)");
                    }
                    return Err(e.into());
                }
            };
            warn_skew(api.clock_skew());
            if json {
                println!(
                    "{}",
                    json!({
                        "serial": done.serial, "user": done.user_name, "name": done.name,
                        "account": done.account.0, "elapsedMs": started.elapsed().as_millis() as u64,
                    "apiCalls": api.calls(),
                    })
                );
            } else {
                eprintln!(
                    "twofold: MFA is enabled for {}; the account {:?} in Twofold gives its codes.",
                    done.user_name, done.name
                );
                eprintln!("twofold: next: sign out and back in to the console with a code, or use `twofold code {:?}` for the CLI.", done.name);
                println!("{}", done.serial);
            }
        }
        AwsCommand::Devices { user } => {
            let user = enroll::user_or_caller(&api, user.as_deref()).await?;
            let devices = api.list_mfa_devices(&user).await?;
            if json {
                println!("{}", json!({ "user": user, "devices": devices }));
            } else if devices.is_empty() {
                println!("{user} has no MFA device");
            } else {
                for d in devices {
                    let when = d.enabled_at.map(aws_date).unwrap_or_default();
                    println!("{}  {:?}  enabled {when}", d.serial, d.kind);
                }
            }
        }
        AwsCommand::Resync { serial, user } => {
            let vault = ctx.open_if_exists()?.map(Mutex::new);
            let held = match &vault {
                Some(v) => v.read(|v| Ok(enroll::held(v, &serial).is_some()))?,
                None => false,
            };
            let typed = if held {
                None
            } else {
                Some(read_two_codes("this device")?)
            };
            let typed_ref = typed.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
            let user =
                enroll::resync(&api, vault.as_ref(), &serial, user.as_deref(), typed_ref).await?;
            print_done(
                json,
                json!({ "serial": serial, "user": user, "resynced": true }),
                &format!("resynchronised {serial}"),
            );
        }
        AwsCommand::Deactivate {
            serial,
            user,
            delete,
        } => {
            let vault = ctx.open_if_exists()?.map(Mutex::new);
            let (user, _) =
                enroll::deactivate(&api, vault.as_ref(), &serial, user.as_deref(), delete).await?;
            let what = if delete {
                "deactivated and deleted"
            } else {
                "deactivated"
            };
            print_done(
                json,
                json!({ "serial": serial, "user": user, "deactivated": true, "deleted": delete }),
                &format!("{what} {serial}"),
            );
        }
        AwsCommand::Pending { resume, abort } => {
            let vault = Mutex::new(ctx.open()?);
            let id_of = |name: &str| vault.read(|v| Ok(v.find(name)?.id.clone()));
            if let Some(name) = resume {
                let mut progress = |step: Step| {
                    if !json {
                        eprintln!("twofold: {}", step_text(step));
                    }
                };
                let done = enroll::resume(&api, &vault, &id_of(&name)?, &mut progress).await?;
                print_done(
                    json,
                    json!({ "serial": done.serial, "user": done.user_name, "name": done.name, "resumed": true }),
                    &done.serial,
                );
            } else if let Some(name) = abort {
                enroll::abort(&api, &vault, &id_of(&name)?).await?;
                print_done(
                    json,
                    json!({ "aborted": name }),
                    &format!("aborted {name}; the device was deleted in AWS"),
                );
            } else {
                let list = vault.read(|v| Ok(enroll::pending(v)))?;
                if json {
                    let items: Vec<_> = list.iter().map(|(a, l)| json!({ "name": a.name, "id": a.id.0, "serial": l.serial, "user": l.user_name, "created": a.created })).collect();
                    println!("{}", json!({ "pending": items }));
                } else if list.is_empty() {
                    println!("no interrupted enrollment");
                } else {
                    for (a, l) in &list {
                        println!(
                            "{}  {}  (user {}; resume: twofold aws pending --resume {:?})",
                            a.name, l.serial, l.user_name, a.name
                        );
                    }
                }
            }
        }
        AwsCommand::CredentialProcess
        | AwsCommand::Session { .. }
        | AwsCommand::SetupProfile
        | AwsCommand::Link { .. } => {
            unreachable!("handled above")
        }
        AwsCommand::Audit { csv } => {
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
                std::fs::write(path, report.to_csv())?;
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
        }
        AwsCommand::Enforce {
            group,
            dry_run,
            force,
        } => {
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
        }
        AwsCommand::Orphans { delete } => {
            let orphans = api.list_unassigned_virtual_devices().await?;
            let vault = ctx.open_if_exists()?;
            // A device whose enrollment is pending in this vault is not an orphan yet.
            let pending: Vec<String> = vault
                .as_ref()
                .map(|v| {
                    enroll::pending(v)
                        .into_iter()
                        .map(|(_, l)| l.serial)
                        .collect()
                })
                .unwrap_or_default();
            let orphans: Vec<_> = orphans
                .into_iter()
                .filter(|d| !pending.contains(&d.serial))
                .collect();
            if delete {
                for d in &orphans {
                    api.delete_virtual_mfa_device(&d.serial).await?;
                }
            }
            if json {
                println!("{}", json!({ "orphans": orphans, "deleted": delete }));
            } else {
                for d in &orphans {
                    println!("{}{}", if delete { "deleted " } else { "" }, d.serial);
                }
                if orphans.is_empty() {
                    println!("no unassigned virtual MFA device");
                }
            }
        }
    }
    Ok(())
}

/// Says what a session is doing when it has to wait (AWS refuses a code twice).
fn report_session(step: SessionStep) {
    if let SessionStep::Waiting { secs } = step {
        eprintln!(
            "twofold: this window's code was already sent to AWS; waiting {secs} s for the next one"
        );
    }
}

/// The session request of the `session` and `credential-process` commands.
fn session_request(
    args: &AwsArgs,
    duration_secs: Option<i32>,
    account: Option<String>,
) -> Result<SessionRequest> {
    Ok(SessionRequest {
        profile: need_profile(&args.profile)?.to_string(),
        account,
        duration_secs,
        endpoint_url: args.endpoint_url.clone(),
    })
}

/// How the AWS CLI should run Twofold: `twofold` when that is this binary on PATH, else this
/// binary's absolute path (core's rule, the one the app uses for its own CLI).
fn self_command() -> String {
    twofold_core::install::locate_cli()
        .map(|c| c.command())
        .unwrap_or_else(|| "twofold".into())
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

fn print_done(json: bool, value: serde_json::Value, text: &str) {
    if json {
        println!("{value}");
    } else {
        println!("{text}");
    }
}

fn warn_skew(skew: Option<i64>) {
    if let Some(s) = twofold_core::aws::client::clock_off(skew) {
        eprintln!(
            "twofold: warning: this computer's clock is {} s {} AWS's; TOTP codes will be wrong. Fix the clock.",
            s.abs(),
            if s > 0 { "behind" } else { "ahead of" }
        );
    }
}

fn step_text(step: Step) -> &'static str {
    match step {
        Step::Identify => "checking who you are and the user's devices...",
        Step::Create => "creating the virtual MFA device...",
        Step::Persist => "saving its seed in the vault...",
        Step::Enable => "enabling it with two consecutive codes...",
        Step::Verify => "verifying...",
        Step::Done => "done",
    }
}

/// `YYYY-MM-DD` in UTC.
fn aws_date(secs: i64) -> String {
    sessions::rfc3339(secs)[..10].to_string()
}

/// Shows the seed's QR code (the user keeps it on a phone) and reads two codes.
fn ask_codes(
    account: &Account,
    last: Option<&twofold_core::Error>,
) -> twofold_core::Result<(String, String)> {
    let mut err = std::io::stderr().lock();
    match last {
        None => {
            let qr = twofold_core::qr::to_terminal(&account.to_uri())?;
            let _ = writeln!(
                err,
                "Scan this with your phone's authenticator app:\n{}",
                qr.as_str()
            );
        }
        Some(e) => {
            let _ = writeln!(err, "twofold: {e}");
        }
    }
    drop(err);
    read_two_codes("your phone").map_err(|e| twofold_core::Error::InvalidParameter {
        field: "codes",
        reason: e.to_string(),
    })
}

fn read_two_codes(from: &str) -> Result<(String, String)> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    let mut read = |prompt: &str| -> Result<String> {
        if interactive {
            eprint!("{prompt}");
            std::io::stderr().flush()?;
        }
        match lines.next() {
            Some(line) => Ok(line?.trim().replace(' ', "")),
            None => bail!("no codes given (standard input closed)"),
        }
    };
    let c1 = read(&format!("First code from {from}: "))?;
    let c2 = read("The next code, after it changes: ")?;
    Ok((c1, c2))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::aws_date(0), "1970-01-01");
        assert_eq!(super::aws_date(1_700_000_000), "2023-11-14");
        assert_eq!(super::aws_date(951_782_400), "2000-02-29");
    }
}
