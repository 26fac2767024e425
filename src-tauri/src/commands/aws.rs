//! The AWS MFA wizard and device lifecycle: profiles, credentials check, enrollment (start,
//! confirm, resume, abort), a user's devices, resync and deactivation.
//!
//! The vault sits behind a `std::sync::Mutex`, so no command holds it across an AWS call: each
//! takes what it needs from the vault (a clone of the account and its link), releases it, makes
//! the call, and locks again to write. That is why these commands compose the step functions of
//! `twofold_core::aws::enroll` (`finish` + `activate`, `delete_pending_device` + remove,
//! `deactivate` + `forget_device`) instead of `resume`/`abort`, which take the vault for their
//! whole run. The seed is written to the vault right after CreateVirtualMFADevice
//! returns, before anything else.

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};
use twofold_core::aws::client::{AwsClient, ConnectOptions, StaticKeys};
use twofold_core::aws::enroll::{self, Step};
use twofold_core::aws::{profiles, IamApi};
use twofold_core::otp::apply_offset;
use twofold_core::vault::{Account, AccountId, AwsLink, AwsStatus, Vault};
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
        eprintln!("twofold-app: could not send enrollment progress: {e}");
    }
}

/// Unix time as the vault's codes use it (its clock offset applied).
fn vault_now(vault: &Vault) -> u64 {
    apply_offset(twofold_core::unix_now(), vault.settings().clock_offset_secs)
}

/// The account, its link and the vault's time, taken out of the vault so the lock can go.
fn take_linked(state: &AppStateRef<'_>, id: &AccountId) -> Result<(Account, AwsLink, u64)> {
    state.with_vault(|v| {
        let (account, link) = enroll::linked(v, id)?;
        Ok((account, link, vault_now(v)))
    })
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
    let client = AwsClient::connect(&opts).await;
    let me = client.caller_identity().await?;
    let whoami = AwsWhoami {
        user_name: me.user_name(),
        is_root: me.is_root(),
        account: me.account,
        arn: me.arn,
        clock_skew_secs: client.clock_skew(),
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
    let api = &conn.client;
    // The seed must go into the vault the moment it exists: refuse before creating anything.
    state.with_vault(|_| Ok(()))?;
    let user = non_empty(&user);
    let device_name = non_empty(&device_name);
    if let Some(name) = &device_name {
        enroll::check_device_name(name)?;
    }

    report(&on_step, Step::Identify);
    let target = enroll::identify(api, user.as_deref()).await?;
    let device_name = device_name.unwrap_or_else(|| target.user_name.clone());
    enroll::check_device_name(&device_name)?;

    report(&on_step, Step::Create);
    let device = enroll::create(api, &target, &device_name).await?;

    report(&on_step, Step::Persist);
    let persisted = state.with_vault(|v| {
        let id = enroll::persist(
            v,
            &target,
            &device,
            conn.profile.as_deref(),
            twofold_core::unix_now(),
        )?;
        Ok(enroll::linked(v, &id)?)
    });
    let (account, link) = match persisted {
        Ok(found) => found,
        Err(e) => {
            // The seed could not be saved, so the device is useless: delete it.
            if let Err(d) = api.delete_virtual_mfa_device(&device.serial).await {
                eprintln!("twofold-app: could not delete the unsaved device: {d}");
            }
            return Err(e);
        }
    };
    drop(device);
    events::vault_changed(&app, "accounts");

    let (qr_svg, secret) = if keep_in_twofold {
        (None, None)
    } else {
        let uri = account.to_uri();
        let svg = twofold_core::qr::to_svg(&uri)?;
        (
            Some(svg.as_str().to_string()),
            Some(account.otp.secret.to_base32().as_str().to_string()),
        )
    };
    Ok(EnrollStarted {
        account_id: account.id.0.clone(),
        name: account.name.clone(),
        serial: link.serial.clone(),
        user_name: link.user_name.clone(),
        aws_account: link.account_id.clone(),
        qr_svg,
        secret,
    })
}

fn done(account: &Account, link: &AwsLink) -> EnrollDone {
    EnrollDone {
        account_id: account.id.0.clone(),
        name: account.name.clone(),
        serial: link.serial.clone(),
        user_name: link.user_name.clone(),
        profile: link.profile.clone(),
    }
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
    let api = &conn.client;
    let id = AccountId(account_id);
    let (account, link, now) = take_linked(&state, &id)?;
    if link.status == AwsStatus::Pending {
        report(&on_step, Step::Enable);
        let (c1, c2) = match two_codes(&codes) {
            Some(typed) => typed,
            None => enroll::consecutive_codes(&account.otp, now),
        };
        enroll::enable(api, &link, &c1, &c2).await?;
        report(&on_step, Step::Verify);
        enroll::verify(api, &link).await?;
        state.with_vault(|v| Ok(enroll::activate(v, &id)?))?;
        events::vault_changed(&app, "accounts");
    }
    report(&on_step, Step::Done);
    Ok(done(&account, &link))
}

/// Enrollments saved but not finished.
#[tauri::command]
pub fn aws_pending(state: AppStateRef<'_>) -> Result<Vec<PendingEnrollment>> {
    state.with_vault(|v| {
        v.refresh()?;
        Ok(enroll::pending(v)
            .into_iter()
            .map(|(a, l)| PendingEnrollment {
                account_id: a.id.0.clone(),
                name: a.name.clone(),
                serial: l.serial,
                user_name: l.user_name,
                aws_account: l.account_id,
                profile: l.profile,
            })
            .collect())
    })
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
    let (account, link, now) = take_linked(&state, &id)?;
    report(&on_step, Step::Enable);
    enroll::finish(&conn.client, &link, &account.otp, None, now).await?;
    report(&on_step, Step::Verify);
    state.with_vault(|v| Ok(enroll::activate(v, &id)?))?;
    events::vault_changed(&app, "accounts");
    report(&on_step, Step::Done);
    Ok(done(&account, &link))
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
    let id = AccountId(account_id);
    let (_, link, _) = take_linked(&state, &id)?;
    enroll::delete_pending_device(&conn.client, &link).await?;
    state.with_vault(|v| Ok(v.remove(&id.0).map(drop)?))?;
    events::vault_changed(&app, "accounts");
    Ok(())
}

/// The MFA devices of `user` (default: the caller), marking those whose seed the vault holds.
#[tauri::command]
pub async fn aws_devices(state: AppStateRef<'_>, user: Option<String>) -> Result<AwsDevices> {
    let conn = state.aws()?;
    let user_name = match non_empty(&user) {
        Some(u) => u,
        None => conn.client.get_user(None).await?.0,
    };
    let devices = conn.client.list_mfa_devices(&user_name).await?;
    let held = state.with_vault(|v| {
        Ok(v.accounts()
            .iter()
            .filter_map(|a| Some((a.aws.as_ref()?.serial.clone(), a.name.clone())))
            .collect::<Vec<_>>())
    })?;
    let devices = devices
        .into_iter()
        .map(|d| MfaDeviceView {
            account_name: held
                .iter()
                .find(|(serial, _)| *serial == d.serial)
                .map(|(_, name)| name.clone()),
            serial: d.serial,
            kind: d.kind.into(),
            enabled_at: d.enabled_at,
        })
        .collect();
    Ok(AwsDevices { user_name, devices })
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
    let (otp, now) = state.with_vault(|v| {
        let otp = v
            .accounts()
            .iter()
            .find(|a| a.aws.as_ref().is_some_and(|l| l.serial == serial))
            .map(|a| a.otp.clone());
        Ok((otp, vault_now(v)))
    })?;
    let typed = two_codes(&codes);
    let typed = typed.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
    enroll::resync(&conn.client, &user, &serial, otp.as_ref(), typed, now).await?;
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
    enroll::deactivate(&conn.client, &user, &serial, delete).await?;
    if delete && state.with_vault(|v| Ok(enroll::forget_device(v, &serial)?))? > 0 {
        events::vault_changed(&app, "accounts");
    }
    Ok(())
}
