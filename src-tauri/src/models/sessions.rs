//! IPC DTOs of AWS CLI sessions: the "Start CLI session" dialog, its progress, and the
//! automatic-sessions profile set-up.

use serde::Serialize;

use super::AwsProfileView;

/// What the "Start CLI session" dialog offers for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SessionOptions {
    /// The profiles of the AWS config and credentials files.
    pub profiles: Vec<AwsProfileView>,
    /// The one to preselect: its `mfa_serial` is the account's device, else the account's
    /// recorded profile.
    pub preselect: Option<String>,
    /// The AWS config file.
    pub config_file: String,
    /// The AWS credentials file (where sessions are written).
    pub credentials_file: String,
}

/// A step of getting a session, sent on the progress channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum SessionStep {
    /// Signing in with the profile's long-term credentials.
    Connecting,
    /// This window's code was already sent to AWS; waiting `waitSecs` for the next one.
    Waiting,
    /// STS GetSessionToken / AssumeRole with a fresh code.
    Requesting,
    /// Writing the credentials file.
    Writing,
}

/// Progress of `aws_session_start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SessionProgress {
    /// The step starting now.
    pub step: SessionStep,
    /// Seconds until a fresh code (only for `waiting`).
    #[cfg_attr(test, ts(type = "number | null"))]
    pub wait_secs: Option<u64>,
}

/// Where session credentials came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum SessionSourceView {
    /// Reused from the vault's cache (more than five minutes left).
    Cache,
    /// STS GetSessionToken.
    GetSessionToken,
    /// STS AssumeRole.
    AssumeRole,
}

impl From<twofold_core::aws::sessions::SessionStep> for SessionProgress {
    fn from(s: twofold_core::aws::sessions::SessionStep) -> Self {
        use twofold_core::aws::sessions::SessionStep as Core;
        match s {
            Core::Connecting => SessionProgress::at(SessionStep::Connecting),
            Core::Waiting { secs } => SessionProgress {
                step: SessionStep::Waiting,
                wait_secs: Some(secs),
            },
            Core::Requesting => SessionProgress::at(SessionStep::Requesting),
        }
    }
}

impl SessionProgress {
    /// A step without a wait.
    pub fn at(step: SessionStep) -> Self {
        SessionProgress {
            step,
            wait_secs: None,
        }
    }
}

impl From<twofold_core::aws::sessions::Source> for SessionSourceView {
    fn from(s: twofold_core::aws::sessions::Source) -> Self {
        use twofold_core::aws::sessions::Source;
        match s {
            Source::Cache => SessionSourceView::Cache,
            Source::GetSessionToken => SessionSourceView::GetSessionToken,
            Source::AssumeRole => SessionSourceView::AssumeRole,
        }
    }
}

/// A session written into the credentials file. No secret: only the masked key id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SessionStarted {
    /// The source profile.
    pub profile: String,
    /// The profile written (`[target]` in the credentials file).
    pub target: String,
    /// The credentials file.
    pub file: String,
    /// Expiry, Unix seconds.
    #[cfg_attr(test, ts(type = "number"))]
    pub expiration: i64,
    /// Expiry as RFC 3339.
    pub expires_at: String,
    /// `ASIA****WXYZ`.
    pub access_key_id: String,
    /// Cache or STS.
    pub source: SessionSourceView,
}

impl SessionStarted {
    /// The view of session `s`, written as profile `target` into `file`.
    pub fn new(
        s: twofold_core::aws::sessions::Session,
        target: String,
        file: std::path::PathBuf,
    ) -> Self {
        let c = &s.credentials;
        SessionStarted {
            target,
            file: file.display().to_string(),
            expiration: c.expiration,
            expires_at: twofold_core::aws::sessions::rfc3339(c.expiration),
            access_key_id: twofold_core::aws::client::mask_key(&c.access_key_id),
            source: s.source.into(),
            profile: s.profile,
        }
    }
}

/// The result of "Set up automatic sessions".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ProfileSetup {
    /// Whether the config file was changed (false: the twofold CLI was not found).
    pub written: bool,
    /// The new profile (`P-mfa`).
    pub target: String,
    /// The config file.
    pub file: String,
    /// The `[profile P-mfa]` section as it is (or should be) in the file.
    pub block: String,
    /// The `twofold` command used in `credential_process`, when found.
    pub command: Option<String>,
    /// When the CLI was not found: how to get it.
    pub missing_cli: Option<String>,
}
