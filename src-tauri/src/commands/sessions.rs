//! MFA sessions for the AWS CLI: "Start CLI session" (temporary credentials written into the
//! credentials file) and "Set up automatic sessions" (a `credential_process` profile).
//!
//! `twofold_core::aws::sessions::session` does the work (the cache, the profile's device, a
//! fresh code window, STS, the cache again), with the app state as its vault; these commands
//! parse the dialog's input and report progress on its channel.

use tauri::ipc::Channel;
use twofold_core::aws::profiles::{self, IniDoc, Profile};
use twofold_core::aws::sessions::{self, SessionRequest};
use twofold_core::install;
use twofold_core::vault::{AwsLink, VaultAccess};

use crate::error::Result;
use crate::models::{
    AwsProfileView, ProfileSetup, SessionOptions, SessionProgress, SessionStarted, SessionStep,
};
use crate::state::AppStateRef;

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

fn report(channel: &Channel<SessionProgress>, progress: SessionProgress) {
    // Progress is informational; the command's result is what counts.
    if let Err(e) = channel.send(progress) {
        tracing::warn!("could not send session progress: {e}");
    }
}

/// The profiles and the one to preselect for account `account_id`.
#[tauri::command]
pub fn aws_session_options(state: AppStateRef<'_>, account_id: String) -> Result<SessionOptions> {
    let link = state
        .inner()
        .read(|v| sessions::active_link(v, &account_id))?;
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
/// `duration_secs` null takes the profile's `duration_seconds`, else AWS's default.
#[tauri::command]
pub async fn aws_session_start(
    state: AppStateRef<'_>,
    account_id: String,
    profile: String,
    duration_secs: Option<i32>,
    target: String,
    endpoint_url: Option<String>,
    on_progress: Channel<SessionProgress>,
) -> Result<SessionStarted> {
    let target = target.trim().to_string();
    sessions::check_target(&profile, &target)?;
    let req = SessionRequest {
        profile,
        account: Some(account_id),
        duration_secs,
        endpoint_url: endpoint_url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty()),
    };
    let s = sessions::session(state.inner(), &req, &mut |p| report(&on_progress, p.into())).await?;
    report(&on_progress, SessionProgress::at(SessionStep::Writing));
    let file = sessions::write_profile(&target, &s.credentials)?;
    Ok(SessionStarted::new(s, target, file))
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
            let (target, block) = sessions::profile_block(p, "twofold");
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
