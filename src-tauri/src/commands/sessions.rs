//! MFA sessions for the AWS CLI: "Start CLI session" (temporary credentials written into the
//! credentials file) and "Set up automatic sessions" (a `credential_process` profile).
//!
//! `twofold_core::aws::sessions::session` takes `&mut Vault` for its whole run, across the STS
//! call, and the vault here sits behind a `std::sync::Mutex` that must not be held across an
//! `.await`. So [`aws_session_start`] composes the same steps in the same order: the cache
//! (`sessions::cached`), the profile and the account holding the device's seed, the connection,
//! a code (`sessions::take_code`, under the lock), STS (unlocked), then the session cached with
//! `vault.update` exactly as core does. A code window AWS has already seen is never sent twice:
//! the command waits for the next window with a non-blocking sleep, vault unlocked, and reports
//! the wait on the progress channel so the dialog can say "waiting 12 s for a fresh code".

use std::time::Duration;

use tauri::ipc::Channel;
use twofold_core::aws::client::{AwsClient, ConnectOptions, RoleRequest, SessionCredentials};
use twofold_core::aws::profiles::{self, IniDoc, Profile};
use twofold_core::aws::sessions::{self, Source};
use twofold_core::aws::IamApi;
use twofold_core::install;
use twofold_core::vault::{Account, AwsLink, AwsStatus, Vault};

use crate::error::{ErrorKind, IpcError, Result};
use crate::models::{
    AwsProfileView, ProfileSetup, SessionOptions, SessionProgress, SessionStarted, SessionStep,
};
use crate::state::AppStateRef;

/// Shortest and longest session the dialog offers (GetSessionToken allows 15 min to 36 h for
/// IAM users; AssumeRole up to the role's maximum, at most 12 h).
pub const MIN_DURATION_SECS: i32 = 900;
/// See [`MIN_DURATION_SECS`].
pub const MAX_DURATION_SECS: i32 = 43_200;

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorKind::InvalidInput, message)
}

/// The profile to preselect for an account: the one whose `mfa_serial` is its device, else the
/// profile recorded when it was enrolled (if that profile still exists).
pub fn preselect_profile(profiles: &[Profile], link: &AwsLink) -> Option<String> {
    profiles
        .iter()
        .find(|p| p.mfa_serial.as_deref() == Some(link.serial.as_str()))
        .or_else(|| {
            profiles
                .iter()
                .find(|p| Some(p.name.as_str()) == link.profile.as_deref())
        })
        .map(|p| p.name.clone())
}

/// A section of an INI file as text (`[name]` and its `key = value` lines).
pub fn section_text(doc: &IniDoc, section: &str) -> String {
    let mut out = format!("[{section}]\n");
    for (k, v) in doc.section(section).unwrap_or_default() {
        out.push_str(&format!("{k} = {v}\n"));
    }
    out
}

fn report(channel: &Channel<SessionProgress>, step: SessionStep, wait_secs: Option<u64>) {
    // Progress is informational; the command's result is what counts.
    if let Err(e) = channel.send(SessionProgress { step, wait_secs }) {
        eprintln!("twofold-app: could not send session progress: {e}");
    }
}

/// The AWS-linked, active account `id` and its link.
fn aws_account(vault: &Vault, id: &str) -> Result<(Account, AwsLink)> {
    let account = vault.find(id)?.clone();
    let link = account.aws.clone().ok_or_else(|| {
        invalid(format!(
            "{} is not linked to an AWS MFA device",
            account.name
        ))
    })?;
    if link.status != AwsStatus::Active {
        return Err(invalid(format!(
            "the MFA device of {} is not turned on yet; finish its setup first",
            account.name
        )));
    }
    Ok((account, link))
}

/// The profiles and the one to preselect for account `account_id`.
#[tauri::command]
pub fn aws_session_options(state: AppStateRef<'_>, account_id: String) -> Result<SessionOptions> {
    let (_, link) = state.with_vault(|v| {
        v.refresh()?;
        aws_account(v, &account_id)
    })?;
    let profiles = profiles::load_profiles()?;
    Ok(SessionOptions {
        preselect: preselect_profile(&profiles, &link),
        profiles: profiles.iter().map(AwsProfileView::from).collect(),
        config_file: profiles::config_path().display().to_string(),
        credentials_file: profiles::credentials_path().display().to_string(),
    })
}

/// Gets MFA session credentials for `profile` with a code from account `account_id` (or the
/// vault's cached session) and writes them into the credentials file as `[target]`.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn aws_session_start(
    state: AppStateRef<'_>,
    account_id: String,
    profile: String,
    duration_secs: i32,
    target: String,
    endpoint_url: Option<String>,
    on_progress: Channel<SessionProgress>,
) -> Result<SessionStarted> {
    let target = target.trim().to_string();
    if target.is_empty() || target.contains(['[', ']', '\n']) {
        return Err(invalid("enter a profile name to write, like work-mfa"));
    }
    if target == profile {
        return Err(invalid(
            "write the session under another name: it would replace the profile's long-term keys",
        ));
    }
    if !(MIN_DURATION_SECS..=MAX_DURATION_SECS).contains(&duration_secs) {
        return Err(invalid("choose a duration between 15 minutes and 12 hours"));
    }
    let endpoint_url = endpoint_url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    let now = twofold_core::unix_now;

    // 1. The cache, as `sessions::session` does first.
    let (account, link, cached) = state.with_vault(|v| {
        v.refresh()?;
        let (account, link) = aws_account(v, &account_id)?;
        Ok((account, link, sessions::cached(v, &profile, now())))
    })?;
    let (credentials, source) = match cached {
        Some(c) => (c, Source::Cache),
        None => {
            let (c, s) = fresh_session(
                &state,
                &account,
                &link,
                &profile,
                duration_secs,
                endpoint_url,
                &on_progress,
            )
            .await?;
            store(&state, &profile, &c)?;
            (c, s)
        }
    };
    report(&on_progress, SessionStep::Writing, None);
    let file = sessions::write_profile(&target, &credentials)?;
    Ok(SessionStarted {
        profile,
        target,
        file: file.display().to_string(),
        expiration: credentials.expiration,
        expires_at: sessions::rfc3339(credentials.expiration),
        access_key_id: twofold_core::aws::client::mask_key(&credentials.access_key_id),
        source: source.into(),
    })
}

/// Profile -> connection -> code -> STS, without holding the vault across an `.await`.
async fn fresh_session(
    state: &AppStateRef<'_>,
    account: &Account,
    link: &AwsLink,
    profile_name: &str,
    duration_secs: i32,
    endpoint_url: Option<String>,
    on_progress: &Channel<SessionProgress>,
) -> Result<(SessionCredentials, Source)> {
    let profile = profiles::find_profile(profile_name)?;
    // The profile names its device; the account the user picked must hold that device's seed.
    let serial = profile.mfa_serial.clone().unwrap_or(link.serial.clone());
    if serial != link.serial {
        return Err(invalid(format!(
            "profile {profile_name:?} uses the MFA device {serial}, but {} holds the seed of {}; pick the profile whose mfa_serial is this device",
            account.name, link.serial
        )));
    }
    let (connect_profile, role) = match &profile.role_arn {
        Some(role_arn) => {
            let source = profile.source_profile.clone().ok_or_else(|| {
                invalid(format!(
                    "profile {profile_name:?} has role_arn but no source_profile"
                ))
            })?;
            let role = RoleRequest {
                role_arn: role_arn.clone(),
                session_name: profile.role_session_name.clone(),
                external_id: profile.external_id.clone(),
                duration_secs: Some(duration_secs),
            };
            (source, Some(role))
        }
        None => (profile_name.to_string(), None),
    };
    report(on_progress, SessionStep::Connecting, None);
    let client = AwsClient::connect(&ConnectOptions {
        profile: Some(connect_profile),
        region: profile.region.clone(),
        endpoint_url,
        static_keys: None,
    })
    .await;

    let code = fresh_code(state, account, &serial, on_progress).await?;
    report(on_progress, SessionStep::Requesting, None);
    Ok(match role {
        Some(role) => (
            client.assume_role(&role, &serial, &code).await?,
            Source::AssumeRole,
        ),
        None => (
            client
                .get_session_token(&serial, &code, Some(duration_secs))
                .await?,
            Source::GetSessionToken,
        ),
    })
}

/// A code from a window AWS has not seen, waiting (vault unlocked) for the next window when
/// needed. The window is recorded in the vault before the code is returned.
async fn fresh_code(
    state: &AppStateRef<'_>,
    account: &Account,
    serial: &str,
    on_progress: &Channel<SessionProgress>,
) -> Result<String> {
    let now = twofold_core::unix_now;
    for _ in 0..4 {
        let taken = state.with_vault(|v| {
            v.refresh()?;
            let wait = sessions::wait_secs(v, account.otp.period, serial, now());
            if wait > 0 {
                return Ok(Err(wait));
            }
            // The window is unused (checked under this same lock), so `take_code` does not wait.
            let mut asked = None;
            let code = sessions::take_code(v, account, serial, &now, &mut |s| asked = Some(s))?;
            Ok(match asked {
                None => Ok(code),
                Some(s) => Err(s.max(1)),
            })
        })?;
        match taken {
            Ok(code) => return Ok(code),
            Err(wait) => {
                report(on_progress, SessionStep::Waiting, Some(wait));
                // A little past the boundary, so the new window has surely begun.
                tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(300)).await;
            }
        }
    }
    Err(invalid(
        "another program keeps using this device's codes; try again in a minute",
    ))
}

/// Caches the session in the vault, as `sessions::session` does.
fn store(state: &AppStateRef<'_>, profile: &str, c: &SessionCredentials) -> Result<()> {
    state.with_vault(|v| {
        Ok(sessions::store_session(
            v,
            profile,
            c,
            twofold_core::unix_now(),
        )?)
    })
}

/// Adds `[profile P-mfa]` with `credential_process = twofold aws credential-process --profile P`
/// to the config file. When the `twofold` CLI is neither beside the app (where every package
/// installs it) nor on `PATH`, writes nothing and returns the block to add by hand with how to
/// get the CLI.
#[tauri::command]
pub fn aws_setup_profile(profile: String) -> Result<ProfileSetup> {
    let p = profiles::find_profile(&profile)?;
    setup_with(&p, install::locate_cli().map(|c| c.command()))
}

/// [`aws_setup_profile`] with the CLI command already looked up.
pub fn setup_with(p: &Profile, command: Option<String>) -> Result<ProfileSetup> {
    match command {
        Some(cmd) => {
            let (target, path) = sessions::setup_profile(p, &cmd)?;
            let doc = IniDoc::load(&path)?;
            Ok(ProfileSetup {
                written: true,
                block: section_text(&doc, &format!("profile {target}")),
                target,
                file: path.display().to_string(),
                command: Some(cmd),
                missing_cli: None,
            })
        }
        None => {
            let target = format!("{}-mfa", p.name);
            let mut block = format!(
                "[profile {target}]\ncredential_process = twofold aws credential-process --profile {}\n",
                p.name
            );
            if let Some(r) = &p.region {
                block.push_str(&format!("region = {r}\n"));
            }
            Ok(ProfileSetup {
                written: false,
                target,
                file: profiles::config_path().display().to_string(),
                block,
                command: None,
                missing_cli: Some(install::missing_cli_hint().to_string()),
            })
        }
    }
}
