//! The AWS MFA wizard and device lifecycle: profiles, credentials check, enrollment (start,
//! confirm, resume, abort), a user's devices, resync and deactivation.
//!
//! Each command parses its input, makes one call into `twofold_core::aws::enroll` with the app
//! state as the vault (core locks it only for its vault steps, never across an AWS call), and
//! renders the result.

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};
use twofold_core::aws::client::{AwsClient, ConnectOptions, StaticKeys};
use twofold_core::aws::enroll::{self, EnrollRequest, Step};
use twofold_core::aws::{profiles, IamApi};
use twofold_core::vault::{AccountId, VaultAccess};
use zeroize::Zeroizing;

use crate::error::{ErrorKind, IpcError, Result};
use crate::events;
use crate::models::{
    AwsCreds, AwsDevices, AwsProfileView, AwsWhoami, EnrollDone, EnrollStarted, EnrollStep,
    MfaDeviceView, PendingEnrollment,
};
use crate::state::{AppStateRef, AwsConnection};

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The connect options for `creds`: pasted keys win over a profile.
pub fn connect_options(creds: &AwsCreds) -> Result<ConnectOptions> {
    let key_id = non_empty(&creds.access_key_id);
    let static_keys = match key_id {
        Some(access_key_id) => {
            let secret = creds
                .secret_access_key
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    IpcError::new(
                        ErrorKind::InvalidInput,
                        "enter the secret access key that goes with the access key id",
                    )
                })?;
            Some(StaticKeys {
                access_key_id,
                secret_access_key: Zeroizing::new(secret.to_string()),
                session_token: creds
                    .session_token
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|t| Zeroizing::new(t.to_string())),
            })
        }
        None => None,
    };
    let endpoint_url = non_empty(&creds.endpoint_url);
    if let Some(url) = &endpoint_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(IpcError::new(
                ErrorKind::InvalidInput,
                format!("the endpoint URL {url:?} must start with https://"),
            ));
        }
    }
    Ok(ConnectOptions {
        profile: if static_keys.is_some() {
            None
        } else {
            non_empty(&creds.profile)
        },
        region: non_empty(&creds.region),
        endpoint_url,
        static_keys,
    })
}

fn report(channel: &Channel<EnrollStep>, step: Step) {
    // Progress is informational; the command's result is what counts.
    if let Err(e) = channel.send(step.into()) {
        tracing::warn!("could not send enrollment progress: {e}");
    }
}

fn two_codes(codes: &Option<[String; 2]>) -> Option<(String, String)> {
    codes
        .as_ref()
        .map(|[a, b]| (a.replace(' ', ""), b.replace(' ', "")))
}

/// The profiles in `~/.aws/config` and `~/.aws/credentials`.
#[tauri::command]
pub fn aws_profiles() -> Result<Vec<AwsProfileView>> {
    Ok(profiles::load_profiles()?
        .iter()
        .map(AwsProfileView::from)
        .collect())
}

/// Checks `creds` with GetCallerIdentity and keeps the connection for the commands that follow,
/// so pasted keys cross IPC once.
#[tauri::command]
pub async fn aws_whoami(state: AppStateRef<'_>, creds: AwsCreds) -> Result<AwsWhoami> {
    let opts = connect_options(&creds)?;
    drop(creds);
    let client = AwsClient::connect(&opts).await?;
    let me = client.caller_identity().await?;
    let whoami = AwsWhoami {
        user_name: me.user_name(),
        is_root: me.is_root(),
        account: me.account,
        arn: me.arn,
        clock_skew_secs: client.clock_skew(),
        clock_off: twofold_core::aws::client::clock_off(client.clock_skew()).is_some(),
    };
    state.set_aws(Some(AwsConnection {
        client,
        profile: opts.profile,
    }));
    Ok(whoami)
}

/// Forgets the AWS connection (the wizard closed).
#[tauri::command]
pub fn aws_disconnect(state: AppStateRef<'_>) {
    state.set_aws(None);
}

/// Identify, CreateVirtualMFADevice, and the seed into the vault as a pending account. In
/// phone mode (`keep_in_twofold` false) the result carries the QR code and secret to show.
#[tauri::command]
pub async fn aws_enroll_start<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    user: Option<String>,
    device_name: Option<String>,
    keep_in_twofold: bool,
    on_step: Channel<EnrollStep>,
) -> Result<EnrollStarted> {
    let conn = state.aws()?;
    let req = EnrollRequest {
        user: non_empty(&user),
        device_name: non_empty(&device_name),
        profile: conn.profile.clone(),
    };
    let started = enroll::start(&conn.client, state.inner(), &req, &mut |s| {
        report(&on_step, s)
    })
    .await?;
    events::vault_changed(&app, "accounts");
    EnrollStarted::new(&started, !keep_in_twofold)
}

/// EnableMFADevice with `codes` (typed from a phone) or two codes from the held seed, then
/// ListMFADevices, then the account becomes active. Wrong codes leave it pending
/// (`awsInvalidCode`), so the user can try again.
#[tauri::command]
pub async fn aws_enroll_confirm<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    account_id: String,
    codes: Option<[String; 2]>,
    on_step: Channel<EnrollStep>,
) -> Result<EnrollDone> {
    let conn = state.aws()?;
    let typed = two_codes(&codes);
    let typed = typed.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
    let id = AccountId(account_id);
    let done = enroll::confirm(&conn.client, state.inner(), &id, typed, &mut |s| {
        report(&on_step, s)
    })
    .await?;
    events::vault_changed(&app, "accounts");
    Ok(done.into())
}

/// Enrollments saved but not finished.
#[tauri::command]
pub fn aws_pending(state: AppStateRef<'_>) -> Result<Vec<PendingEnrollment>> {
    let pending = state.inner().read(|v| Ok(enroll::pending(v)))?;
    Ok(pending.iter().map(PendingEnrollment::from).collect())
}

/// Finishes an interrupted enrollment with codes from the held seed (or only marks it active
/// when AWS shows the device enabled already).
#[tauri::command]
pub async fn aws_enroll_resume<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    account_id: String,
    on_step: Channel<EnrollStep>,
) -> Result<EnrollDone> {
    let conn = state.aws()?;
    let id = AccountId(account_id);
    let done = enroll::resume(&conn.client, state.inner(), &id, &mut |s| {
        report(&on_step, s)
    })
    .await?;
    events::vault_changed(&app, "accounts");
    Ok(done.into())
}

/// Abandons an interrupted enrollment: deletes the virtual device in AWS, then the vault
/// account. Refused for an active device (that is a deactivation).
#[tauri::command]
pub async fn aws_enroll_abort<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    account_id: String,
) -> Result<()> {
    let conn = state.aws()?;
    enroll::abort(&conn.client, state.inner(), &AccountId(account_id)).await?;
    events::vault_changed(&app, "accounts");
    Ok(())
}

/// The MFA devices of `user` (default: the caller), marking those whose seed the vault holds.
#[tauri::command]
pub async fn aws_devices(state: AppStateRef<'_>, user: Option<String>) -> Result<AwsDevices> {
    let conn = state.aws()?;
    let user_name = enroll::user_or_caller(&conn.client, non_empty(&user).as_deref()).await?;
    let devices = conn.client.list_mfa_devices(&user_name).await?;
    let devices = state.inner().read(|v| {
        Ok(devices
            .into_iter()
            .map(|d| {
                let held = v.account_for_device(&d.serial).map(|a| a.name.clone());
                MfaDeviceView::new(d, held)
            })
            .collect())
    })?;
    Ok(AwsDevices { user_name, devices })
}

/// Enables the hardware TOTP token `serial` for `user` with two consecutive codes typed from its
/// display, and returns it as ListMFADevices lists it. Twofold keeps nothing of it.
#[tauri::command]
pub async fn aws_assign_token(
    state: AppStateRef<'_>,
    user: String,
    serial: String,
    codes: [String; 2],
) -> Result<MfaDeviceView> {
    let conn = state.aws()?;
    let user = user.trim().to_string();
    if user.is_empty() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "enter the IAM user the token is for",
        ));
    }
    let device = twofold_core::aws::hardware::assign_token(
        &conn.client,
        &user,
        serial.trim(),
        &codes[0],
        &codes[1],
    )
    .await?;
    Ok(MfaDeviceView::new(device, None))
}

/// ResyncMFADevice with two codes from the vault (when it holds the seed) or typed `codes`.
#[tauri::command]
pub async fn aws_resync(
    state: AppStateRef<'_>,
    serial: String,
    user: String,
    codes: Option<[String; 2]>,
) -> Result<()> {
    let conn = state.aws()?;
    let typed = two_codes(&codes);
    let typed = typed.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
    let user = non_empty(&Some(user));
    enroll::resync(
        &conn.client,
        Some(state.inner()),
        &serial,
        user.as_deref(),
        typed,
    )
    .await?;
    Ok(())
}

/// DeactivateMFADevice and, with `delete`, DeleteVirtualMFADevice and the vault account that
/// held its seed.
#[tauri::command]
pub async fn aws_deactivate<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    serial: String,
    user: String,
    delete: bool,
) -> Result<()> {
    let conn = state.aws()?;
    let user = non_empty(&Some(user));
    let (_, forgotten) = enroll::deactivate(
        &conn.client,
        Some(state.inner()),
        &serial,
        user.as_deref(),
        delete,
    )
    .await?;
    if forgotten > 0 {
        events::vault_changed(&app, "accounts");
    }
    Ok(())
}
