//! `twofold aws session`, `credential-process`, `setup-profile` and `link`: MFA session
//! credentials for an AWS CLI profile, and the profile set-up that makes them automatic.

use std::sync::Mutex;

use anyhow::Result;
use serde_json::json;
use twofold_core::aws::client::AwsClient;
use twofold_core::aws::sessions::{SessionRequest, SessionStep};
use twofold_core::aws::{profiles, sessions};

use super::output::print_done;
use super::shell::Shell;
use super::AwsArgs;
use crate::Ctx;

/// `twofold aws credential-process`: credential_process JSON for the profile.
pub(super) async fn credential_process(ctx: &Ctx, args: &AwsArgs) -> Result<()> {
    let vault = Mutex::new(ctx.open()?);
    let req = session_request(args, None, None)?;
    let s = sessions::session(&vault, &req, &mut report_session).await?;
    println!("{}", sessions::credential_process_json(&s.credentials));
    Ok(())
}

/// `twofold aws session`: a session for the profile, written as `target_profile` or, with
/// `env`, printed as variable assignments for that shell.
pub(super) async fn session(
    ctx: &Ctx,
    args: &AwsArgs,
    duration: Option<i32>,
    target_profile: Option<String>,
    env: Option<Shell>,
    account: Option<String>,
) -> Result<()> {
    let req = session_request(args, duration, account)?;
    let target = target_profile.unwrap_or_else(|| format!("{}-mfa", req.profile));
    if env.is_none() {
        sessions::check_target(&req.profile, &target)?;
    }
    let vault = Mutex::new(ctx.open()?);
    let s = sessions::session(&vault, &req, &mut report_session).await?;
    let c = &s.credentials;
    let left = c.expiration - twofold_core::unix_now() as i64;
    if let Some(shell) = env {
        let expiration = sessions::rfc3339(c.expiration);
        for (name, value) in [
            ("AWS_ACCESS_KEY_ID", c.access_key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", c.secret_access_key.as_str()),
            ("AWS_SESSION_TOKEN", c.session_token.as_str()),
            ("AWS_CREDENTIAL_EXPIRATION", expiration.as_str()),
        ] {
            println!("{}", shell.export(name, value));
        }
    } else {
        let path = sessions::write_profile(&target, c)?;
        print_done(
            args.json,
            json!({ "profile": target, "file": path, "expiration": sessions::rfc3339(c.expiration), "source": s.source }),
            &format!(
                "wrote profile {target} to {}; it expires in {} min (aws --profile {target} ...)",
                path.display(),
                left / 60
            ),
        );
    }
    Ok(())
}

/// `twofold aws setup-profile`: adds `[profile <P>-mfa]` with Twofold as its credential_process.
pub(super) fn setup_profile(args: &AwsArgs) -> Result<()> {
    let profile = profiles::find_profile(need_profile(&args.profile)?)?;
    let (target, path) = sessions::setup_profile(&profile, &self_command())?;
    print_done(
        args.json,
        json!({ "profile": target, "file": path }),
        &format!(
            "added [profile {target}] to {}; try: aws sts get-caller-identity --profile {target}",
            path.display()
        ),
    );
    Ok(())
}

/// `twofold aws link`: links a vault account to the profile's mfa_serial.
pub(super) fn link(ctx: &Ctx, args: &AwsArgs, account: &str) -> Result<()> {
    let profile = profiles::find_profile(need_profile(&args.profile)?)?;
    let mut vault = ctx.open()?;
    sessions::link(&mut vault, account, &profile)?;
    print_done(
        args.json,
        json!({ "profile": profile.name, "account": account }),
        &format!("linked {account} to profile {}", profile.name),
    );
    Ok(())
}

fn need_profile(profile: &Option<String>) -> Result<&str> {
    profile
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("name the AWS profile with --profile"))
}

/// Says what a session is doing when it has to wait (AWS refuses a code twice).
pub(super) fn report_session(step: SessionStep) {
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

/// `twofold aws mfa-code`: the current code of the vault account linked to the device (by
/// `--serial`, else the profile's `mfa_serial`), waiting for a fresh window when this one's
/// code was already sent; for aws-vault's `mfa_process`, granted, awsume and scripts. Only the
/// code goes to stdout.
pub(super) async fn mfa_code(ctx: &Ctx, args: &AwsArgs, serial: Option<String>) -> Result<()> {
    use twofold_core::aws::mfa_code::{self, Device};
    let device = match serial {
        Some(s) => Device::Serial(s),
        None => match &args.profile {
            Some(p) => Device::Profile(p.clone()),
            None => anyhow::bail!(
                "name the MFA device with --serial ARN, or a profile whose mfa_serial it is with --profile"
            ),
        },
    };
    let serial = device.serial()?;
    let vault = Mutex::new(ctx.open()?);
    let code = mfa_code::mfa_code(&vault, &serial, &mut report_session).await?;
    if args.json {
        println!("{}", json!({ "serial": serial, "code": code.as_str() }));
    } else {
        println!("{}", code.as_str());
    }
    Ok(())
}

/// The client organisation-wide commands call with: with `--profile P` whose `mfa_serial` the
/// config names, an MFA session of P (the vault's cached one, or one from a fresh code), since
/// roles' trust policies and the enforce-MFA policy often require MFA; else `api` as it is.
pub(super) async fn with_mfa_session(
    ctx: &Ctx,
    profile: Option<&str>,
    endpoint_url: Option<String>,
    json: bool,
    api: AwsClient,
) -> Result<AwsClient> {
    let Some(name) = profile else {
        return Ok(api);
    };
    if profiles::find_profile(name)?.mfa_serial.is_none() {
        return Ok(api);
    }
    let vault = Mutex::new(ctx.open()?);
    let req = SessionRequest {
        profile: name.to_string(),
        endpoint_url,
        ..SessionRequest::default()
    };
    let s = sessions::session(&vault, &req, &mut report_session).await?;
    if !json {
        eprintln!(
            "twofold: using an MFA session of profile {name} ({:?})",
            s.source
        );
    }
    Ok(api.with_credentials(&s.credentials))
}
