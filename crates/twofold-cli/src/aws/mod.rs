//! `twofold aws ...`: enrollment and the MFA device lifecycle from a terminal.
//!
//! Each command connects with the standard AWS chain (or `--profile`, `--endpoint-url`),
//! makes its calls through `twofold_core::aws` and prints text, or one JSON object with
//! `--json`. Progress and warnings go to stderr so stdout stays scriptable.
//!
//! This file holds the clap types and the dispatch; the handlers live by seam in [`enroll`]
//! (the device lifecycle, hardware tokens), [`sessions`] (CLI sessions, MFA codes for other
//! tools), [`admin`] (audit, enforce) and [`org`] (the organisation-wide audit, sign-ins).

mod admin;
mod enroll;
mod org;
mod output;
mod sessions;
mod shell;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;
use twofold_core::aws::client::{AwsClient, ConnectOptions, IamApi};

use crate::Ctx;
use output::warn_skew;

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
        /// Print the variables for a shell instead of writing the credentials file:
        /// `eval "$(twofold aws session --profile P --env)"`.
        #[arg(long)]
        env: bool,
        /// The shell --env writes for, each value quoted for it (default: powershell on
        /// Windows, else bash, which any POSIX sh reads too).
        #[arg(long, value_enum, requires = "env")]
        shell: Option<shell::Shell>,
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
    /// Every IAM user's console access, access keys and MFA devices, and the root user's MFA;
    /// with --org, in every account of the AWS Organization.
    Audit {
        /// Also write the report as CSV to this file (readable by you only).
        #[arg(long, value_name = "FILE")]
        csv: Option<std::path::PathBuf>,
        /// Replace the CSV file if it exists.
        #[arg(long, requires = "csv")]
        force: bool,
        #[command(flatten)]
        org: OrgArgs,
    },
    /// Console sign-ins without MFA (CloudTrail ConsoleLogin events), root first.
    SignIns {
        /// How far back: 90m, 12h, 30d, 2w (CloudTrail keeps 90 days).
        #[arg(long, default_value = "30d")]
        since: String,
        /// Also look in this region (us-east-1 and the profile's region always); repeatable.
        #[arg(long = "in-region", value_name = "REGION")]
        regions: Vec<String>,
        /// List sign-ins with MFA, federated and failed ones too.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        org: OrgArgs,
    },
    /// Print the current MFA code of a device whose seed is in the vault (for aws-vault's
    /// mfa_process, granted, awsume and scripts); waits for a fresh code when this one was sent.
    MfaCode {
        /// The device's serial number (ARN); default: the --profile's mfa_serial.
        #[arg(long)]
        serial: Option<String>,
    },
    /// Enable a hardware TOTP token for a user: its serial, and two consecutive codes from its
    /// display on standard input (one per line).
    AssignToken {
        /// The IAM user.
        #[arg(long)]
        user: String,
        /// The serial number printed on the token.
        #[arg(long)]
        serial: String,
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

/// Options of the organisation-wide commands.
#[derive(Args)]
struct OrgArgs {
    /// Every active account of the AWS Organization (from the management account or a
    /// delegated administrator), through a role assumed in each.
    #[arg(long)]
    org: bool,
    /// The role to assume in member accounts.
    #[arg(long, requires = "org", default_value = twofold_core::aws::org::DEFAULT_ROLE)]
    role: String,
    /// Accounts at once (1 to 64).
    #[arg(long, requires = "org", default_value_t = twofold_core::aws::org::DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
}

impl OrgArgs {
    fn options(&self) -> Option<twofold_core::aws::org::OrgOptions> {
        self.org.then(|| twofold_core::aws::org::OrgOptions {
            role: self.role.clone(),
            concurrency: usize::from(self.concurrency),
            ..Default::default()
        })
    }
}

pub fn run(ctx: &Ctx, args: AwsArgs) -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(ctx, args))
}

async fn run_async(ctx: &Ctx, args: AwsArgs) -> Result<()> {
    let json = args.json;
    // Session commands make their own clients from the profile, and a cached session makes no
    // call at all: keep them off the generic client set-up.
    match &args.command {
        AwsCommand::CredentialProcess => return sessions::credential_process(ctx, &args).await,
        AwsCommand::Session {
            duration,
            target_profile,
            env,
            shell,
            account,
        } => {
            let env = env.then(|| shell.unwrap_or_else(shell::Shell::native));
            return sessions::session(
                ctx,
                &args,
                *duration,
                target_profile.clone(),
                env,
                account.clone(),
            )
            .await;
        }
        AwsCommand::SetupProfile => return sessions::setup_profile(&args),
        AwsCommand::Link { account } => return sessions::link(ctx, &args, account),
        AwsCommand::MfaCode { serial } => {
            return sessions::mfa_code(ctx, &args, serial.clone()).await
        }
        _ => {}
    }
    let opts = ConnectOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        static_keys: None,
    };
    let api = AwsClient::connect(&opts).await?;
    let (profile, endpoint) = (args.profile.clone(), args.endpoint_url.clone());
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
            let profile = args.profile.clone();
            enroll::enroll(ctx, api, json, profile, user, device_name, phone).await?
        }
        AwsCommand::Devices { user } => enroll::devices(api, json, user).await?,
        AwsCommand::Resync { serial, user } => enroll::resync(ctx, api, json, serial, user).await?,
        AwsCommand::Deactivate {
            serial,
            user,
            delete,
        } => enroll::deactivate(ctx, api, json, serial, user, delete).await?,
        AwsCommand::Pending { resume, abort } => {
            enroll::pending(ctx, api, json, resume, abort).await?
        }
        AwsCommand::CredentialProcess
        | AwsCommand::Session { .. }
        | AwsCommand::SetupProfile
        | AwsCommand::Link { .. }
        | AwsCommand::MfaCode { .. } => {
            unreachable!("handled above")
        }
        AwsCommand::Audit { csv, force, org } => match org.options() {
            Some(opts) => {
                let api = sessions::with_mfa_session(ctx, profile.as_deref(), endpoint, json, api)
                    .await?;
                org::audit(api, json, opts, csv, force).await?
            }
            None => admin::audit(api, json, csv, force).await?,
        },
        AwsCommand::SignIns {
            since,
            regions,
            all,
            org,
        } => {
            let opts = org.options();
            let api = match opts {
                Some(_) => {
                    sessions::with_mfa_session(ctx, profile.as_deref(), endpoint, json, api).await?
                }
                None => api,
            };
            let args = org::SignInArgs {
                since,
                regions,
                all,
                org: opts,
            };
            org::sign_ins(api, json, args).await?
        }
        AwsCommand::AssignToken { user, serial } => {
            enroll::assign_token(api, json, user, serial).await?
        }
        AwsCommand::Enforce {
            group,
            dry_run,
            force,
        } => admin::enforce(api, json, group, dry_run, force).await?,
        AwsCommand::Orphans { delete } => enroll::orphans(ctx, api, json, delete).await?,
    }
    Ok(())
}
