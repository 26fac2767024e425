//! Temporary AWS credentials with MFA, for the AWS CLI and SDKs.
//!
//! [`session`] gets credentials for a profile: from the vault's cache while they have more than
//! five minutes left, else with a fresh code from the vault account linked to the profile's
//! `mfa_serial`, through GetSessionToken, or AssumeRole when the profile has `role_arn` (signed
//! with its `source_profile`). A code whose window was already sent is never sent again: the
//! call waits for the next window and says so. The result can be written into the credentials
//! file ([`write_profile`]) or printed for `credential_process` ([`credential_process_json`]).

use super::client::{AwsClient, ConnectOptions, IamApi, RoleRequest, SessionCredentials};
use super::profiles::{self, IniDoc, Profile};
use crate::vault::{Account, AwsLink, AwsStatus, CachedSession, SessionScope, Vault, VaultAccess};
use crate::{Error, Result};

/// Sessions are reused until this many seconds before they expire.
pub const REFRESH_MARGIN_SECS: i64 = 300;

/// Where a session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The vault's cache.
    Cache,
    /// STS GetSessionToken.
    GetSessionToken,
    /// STS AssumeRole.
    AssumeRole,
}

/// Credentials for a profile, and where they came from.
#[derive(Debug, Clone)]
pub struct Session {
    /// The profile.
    pub profile: String,
    /// The credentials.
    pub credentials: SessionCredentials,
    /// Cache or STS.
    pub source: Source,
}

/// The active vault account that holds the seed of `serial`.
pub(crate) fn account_for_serial<'v>(vault: &'v Vault, serial: &str) -> Option<&'v Account> {
    vault.account_for_device(serial).filter(|a| {
        a.aws
            .as_ref()
            .is_some_and(|l| l.status == AwsStatus::Active)
    })
}

/// The account whose code a session for `profile` sends, and the device's serial.
///
/// The profile's `mfa_serial` names the device. When the caller chose an account (the app's
/// dialog, the CLI's account option), it must hold that device's seed; a profile without
/// `mfa_serial` then uses the chosen account's device, since the user said which one. Without
/// a chosen account the profile must name its device: `credential_process` runs unattended and
/// must never guess.
pub fn device_for(
    vault: &Vault,
    profile: &Profile,
    account: Option<&str>,
) -> Result<(Account, String)> {
    match account {
        Some(name) => {
            let link = active_link(vault, name)?;
            let a = vault.find(name)?;
            let serial = profile.mfa_serial.clone().unwrap_or(link.serial.clone());
            if serial != link.serial {
                return Err(Error::ProfileDeviceMismatch {
                    profile: profile.name.clone(),
                    profile_serial: serial,
                    account: a.name.clone(),
                    account_serial: link.serial.clone(),
                });
            }
            Ok((a.clone(), serial))
        }
        None => {
            let serial = named_serial(profile)?;
            let a =
                account_for_serial(vault, &serial).ok_or_else(|| Error::NoAccountForDevice {
                    serial: serial.clone(),
                    profile: profile.name.clone(),
                })?;
            Ok((a.clone(), serial))
        }
    }
}

/// The device a profile names (`mfa_serial`), or [`Error::NoMfaSerial`].
fn named_serial(profile: &Profile) -> Result<String> {
    profile
        .mfa_serial
        .clone()
        .ok_or_else(|| Error::NoMfaSerial {
            profile: profile.name.clone(),
        })
}

/// Links a vault account to a profile's `mfa_serial` (an account added by hand or imported).
pub fn link(vault: &mut Vault, account: &str, profile: &Profile) -> Result<()> {
    let serial = named_serial(profile)?;
    let account_id = serial.split(':').nth(4).unwrap_or_default().to_string();
    let name = profile.name.clone();
    let key = vault.find(account)?.id.0.clone();
    vault.update(|d| {
        let a = d
            .accounts
            .iter_mut()
            .find(|a| a.id.0 == key)
            .ok_or_else(|| Error::NotFound(key.clone()))?;
        match &mut a.aws {
            Some(l) => {
                l.serial = serial.clone();
                l.profile = Some(name.clone());
            }
            None => {
                a.aws = Some(AwsLink {
                    account_id,
                    user_name: String::new(),
                    user_arn: String::new(),
                    serial: serial.clone(),
                    profile: Some(name.clone()),
                    status: AwsStatus::Active,
                })
            }
        }
        Ok(())
    })
}

/// What shapes a session for `profile` sending codes of `serial`: the STS endpoint
/// (`endpoint_url`, else the `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` variables, else the
/// profile's), the region (the profile's, else `AWS_REGION` / `AWS_DEFAULT_REGION`), the role,
/// its source profile and external id, and the device.
pub fn scope_for(profile: &Profile, serial: &str, endpoint_url: Option<&str>) -> SessionScope {
    let env = |v: &str| std::env::var(v).ok().filter(|s| !s.is_empty());
    SessionScope {
        endpoint: endpoint_url
            .map(str::to_string)
            .or_else(|| env("AWS_ENDPOINT_URL_STS"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| profile.endpoint_url.clone()),
        region: profile
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION")),
        role_arn: profile.role_arn.clone(),
        source_profile: profile
            .role_arn
            .as_ref()
            .and(profile.source_profile.clone()),
        external_id: profile.external_id.clone(),
        mfa_serial: serial.to_string(),
    }
}

/// A cached session for `profile` minted for `scope`, with more than [`REFRESH_MARGIN_SECS`]
/// left at `now`. Entries without a scope (cached by an older version) are never served.
pub fn cached(
    vault: &Vault,
    profile: &str,
    scope: &SessionScope,
    now: u64,
) -> Option<SessionCredentials> {
    vault
        .data()
        .sessions
        .iter()
        .find(|s| {
            s.profile == profile
                && s.scope.as_ref() == Some(scope)
                && s.expiration - now as i64 > REFRESH_MARGIN_SECS
        })
        .map(|s| SessionCredentials {
            access_key_id: s.access_key_id.clone(),
            secret_access_key: s.secret_access_key.clone(),
            session_token: s.session_token.clone(),
            expiration: s.expiration,
        })
}

/// Seconds until a window AWS has not seen a code from begins for `serial` (0: the current one
/// is fresh). `period` is the account's; the vault's clock offset applies.
pub fn wait_secs(vault: &Vault, period: u64, serial: &str, now: u64) -> u64 {
    let period = period.max(1);
    let shifted = crate::otp::apply_offset(now, vault.settings().clock_offset_secs);
    match vault.data().used_windows.get(serial) {
        Some(&last) if shifted / period <= last => last
            .saturating_add(1)
            .saturating_mul(period)
            .saturating_sub(shifted),
        _ => 0,
    }
}

/// Caches session credentials for `profile` minted for `scope` in the vault, dropping the
/// profile's older session of that scope, its sessions of no scope (an older version's) and
/// any expired session.
pub fn store_session(
    vault: &mut Vault,
    profile: &str,
    scope: &SessionScope,
    c: &SessionCredentials,
    now: u64,
) -> Result<()> {
    let cached = CachedSession {
        profile: profile.to_string(),
        access_key_id: c.access_key_id.clone(),
        secret_access_key: c.secret_access_key.clone(),
        session_token: c.session_token.clone(),
        expiration: c.expiration,
        scope: Some(scope.clone()),
    };
    let t = now as i64;
    vault.update(|d| {
        d.sessions.retain(|s| {
            let replaced =
                s.profile == cached.profile && (s.scope.is_none() || s.scope == cached.scope);
            !replaced && s.expiration > t
        });
        d.sessions.push(cached);
        Ok(())
    })
}

/// Takes a code for `serial` from `account` if AWS has not seen one of the current window:
/// records the window in the vault and returns the code, or returns the seconds until the next
/// window begins. One vault step, so two processes never take the same window.
pub fn take_fresh_code(
    vault: &mut Vault,
    account: &Account,
    serial: &str,
    now: u64,
) -> Result<std::result::Result<String, u64>> {
    vault.refresh()?;
    let period = account.otp.period.max(1);
    let wait = wait_secs(vault, period, serial, now);
    if wait > 0 {
        return Ok(Err(wait));
    }
    let window = crate::otp::apply_offset(now, vault.settings().clock_offset_secs) / period;
    let key = serial.to_string();
    let taken = vault.update(|d| {
        if d.used_windows.get(&key).is_some_and(|&p| p >= window) {
            return Ok(false);
        }
        d.used_windows.insert(key.clone(), window);
        Ok(true)
    })?;
    Ok(if taken {
        Ok(account.otp.code_for_counter(window))
    } else {
        // Another process took this window between the refresh and the write lock.
        Err(period - crate::otp::apply_offset(now, vault.settings().clock_offset_secs) % period)
    })
}

/// A code of `account` for `serial` from a window AWS has not seen, recorded as seen: the
/// current window's when it is fresh, else the next one's after waiting for it (the vault
/// released meanwhile). Gives up with [`Error::CodesBusy`] when other programs keep taking the
/// windows.
pub(crate) async fn fresh_code<V: VaultAccess>(
    vault: &V,
    account: &Account,
    serial: &str,
    progress: &mut SessionProgress<'_>,
    now: &(dyn Fn() -> u64 + Sync),
) -> Result<zeroize::Zeroizing<String>> {
    for _ in 0..WINDOW_TRIES {
        match vault.with_vault(|v| take_fresh_code(v, account, serial, now()))? {
            Ok(c) => return Ok(zeroize::Zeroizing::new(c)),
            Err(secs) => {
                progress(SessionStep::Waiting { secs });
                // A little past the boundary, so the new window has surely begun.
                tokio::time::sleep(std::time::Duration::from_millis(secs * 1000 + 300)).await;
            }
        }
    }
    Err(Error::CodesBusy(serial.to_string()))
}

/// What [`session`] should get.
#[derive(Debug, Clone, Default)]
pub struct SessionRequest {
    /// The AWS profile.
    pub profile: String,
    /// The vault account (name or id) the user chose to hold the device's seed; `None` finds
    /// it by the profile's `mfa_serial` (see [`device_for`]).
    pub account: Option<String>,
    /// The session's length; `None` takes the profile's `duration_seconds`, else AWS's default.
    pub duration_secs: Option<i32>,
    /// Overrides the STS endpoint (tests, VPC endpoints).
    pub endpoint_url: Option<String>,
}

/// What a session is doing, reported as it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum SessionStep {
    /// Reading the profile's credentials.
    Connecting,
    /// This window's code was already sent; waiting this many seconds for the next one.
    Waiting {
        /// Seconds to wait.
        secs: u64,
    },
    /// Calling STS.
    Requesting,
}

/// Reports a session's steps.
pub type SessionProgress<'a> = dyn FnMut(SessionStep) + Send + 'a;

/// Shortest session STS grants.
pub const MIN_DURATION_SECS: i32 = 900;
/// Longest GetSessionToken session for an IAM user.
pub const MAX_TOKEN_DURATION_SECS: i32 = 129_600;
/// Longest AssumeRole session (a role's own maximum may be lower; STS says so).
pub const MAX_ROLE_DURATION_SECS: i32 = 43_200;

/// The duration to ask for: the request's, else the profile's; refused outside STS's range.
pub fn duration_for(profile: &Profile, asked: Option<i32>) -> Result<Option<i32>> {
    let Some(secs) = asked.or(profile.duration_seconds) else {
        return Ok(None);
    };
    let max_secs = if profile.role_arn.is_some() {
        MAX_ROLE_DURATION_SECS
    } else {
        MAX_TOKEN_DURATION_SECS
    };
    if !(MIN_DURATION_SECS..=max_secs).contains(&secs) {
        return Err(Error::SessionDuration {
            secs,
            min_secs: MIN_DURATION_SECS,
            max_secs,
        });
    }
    Ok(Some(secs))
}

/// The profile whose credentials sign the STS call: the profile itself, or for a role its
/// `source_profile`; and the role to assume, if any.
pub fn signer_for(
    profile: &Profile,
    duration: Option<i32>,
) -> Result<(String, Option<RoleRequest>)> {
    match &profile.role_arn {
        None => Ok((profile.name.clone(), None)),
        Some(role_arn) => {
            let source =
                profile
                    .source_profile
                    .clone()
                    .ok_or_else(|| Error::ProfileIncomplete {
                        profile: profile.name.clone(),
                        problem: "has role_arn but no source_profile",
                    })?;
            Ok((
                source,
                Some(RoleRequest {
                    role_arn: role_arn.clone(),
                    session_name: profile.role_session_name.clone(),
                    external_id: profile.external_id.clone(),
                    duration_secs: duration,
                }),
            ))
        }
    }
}

/// How many fresh windows [`session`] waits for before it gives up.
const WINDOW_TRIES: usize = 4;

/// Gets a session for a profile (see the module doc): the cache while it has more than
/// [`REFRESH_MARGIN_SECS`] left, else a code from the vault account holding the profile's
/// device and STS, the session then cached. The vault is held only for its steps; a wait for
/// a fresh window sleeps with it released.
pub async fn session<V: VaultAccess>(
    vault: &V,
    req: &SessionRequest,
    progress: &mut SessionProgress<'_>,
) -> Result<Session> {
    let profile = profiles::find_profile(&req.profile)?;
    let (_, serial) = vault.read(|v| device_for(v, &profile, req.account.as_deref()))?;
    let scope = scope_for(&profile, &serial, req.endpoint_url.as_deref());
    if let Some(c) = vault.read(|v| Ok(cached(v, &req.profile, &scope, crate::unix_now())))? {
        return Ok(Session {
            profile: req.profile.clone(),
            credentials: c,
            source: Source::Cache,
        });
    }
    let duration = duration_for(&profile, req.duration_secs)?;
    let (signer, _) = signer_for(&profile, duration)?;
    progress(SessionStep::Connecting);
    let api = AwsClient::connect(&ConnectOptions {
        profile: Some(signer),
        region: profile.region.clone(),
        endpoint_url: req.endpoint_url.clone(),
        static_keys: None,
    })
    .await?;
    session_with(&api, vault, req, &profile, progress).await
}

/// [`session`] after the cache missed, with the profile read and its signer connected.
pub async fn session_with<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    req: &SessionRequest,
    profile: &Profile,
    progress: &mut SessionProgress<'_>,
) -> Result<Session> {
    session_at(api, vault, req, profile, progress, &crate::unix_now).await
}

/// [`session_with`] on the clock `now` (tests move it with Tokio's paused time).
async fn session_at<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    req: &SessionRequest,
    profile: &Profile,
    progress: &mut SessionProgress<'_>,
    now: &(dyn Fn() -> u64 + Sync),
) -> Result<Session> {
    let duration = duration_for(profile, req.duration_secs)?;
    let (_, role) = signer_for(profile, duration)?;
    let (account, serial) = vault.read(|v| device_for(v, profile, req.account.as_deref()))?;
    let code = fresh_code(vault, &account, &serial, progress, now).await?;
    progress(SessionStep::Requesting);
    let (credentials, source, op) = match &role {
        Some(role) => (
            api.assume_role(role, &serial, &code).await?,
            Source::AssumeRole,
            "AssumeRole",
        ),
        None => (
            api.get_session_token(&serial, &code, duration).await?,
            Source::GetSessionToken,
            "GetSessionToken",
        ),
    };
    // Before they are cached, written or printed: an endpoint may send anything.
    credentials.validate(op)?;
    let scope = scope_for(profile, &serial, req.endpoint_url.as_deref());
    vault.with_vault(|v| store_session(v, &req.profile, &scope, &credentials, now()))?;
    Ok(Session {
        profile: req.profile.clone(),
        credentials,
        source,
    })
}

/// Writes session credentials into the credentials file as profile `target`, editing in place.
/// A section holding long-term keys is never overwritten ([`Error::SessionTarget`]).
pub fn write_profile(target: &str, c: &SessionCredentials) -> Result<std::path::PathBuf> {
    let path = profiles::credentials_path();
    let mut doc = IniDoc::load(&path)?;
    if doc.has_long_term_keys(target) {
        return Err(Error::SessionTarget {
            target: target.to_string(),
            replaces_source: true,
        });
    }
    doc.set(
        target,
        &[
            ("aws_access_key_id", c.access_key_id.as_str()),
            ("aws_secret_access_key", c.secret_access_key.as_str()),
            ("aws_session_token", c.session_token.as_str()),
        ],
    )?;
    doc.save(&path)?;
    Ok(path)
}

/// The `credential_process` profile for `profile`: its name (`P-mfa`) and its settings, the
/// command being `<command> aws credential-process --profile P`, with P's region.
pub fn profile_settings(profile: &Profile, command: &str) -> (String, Vec<(&'static str, String)>) {
    let target = format!("{}-mfa", profile.name);
    let mut pairs = vec![(
        "credential_process",
        format!(
            "{command} aws credential-process --profile {}",
            profile.name
        ),
    )];
    if let Some(r) = &profile.region {
        pairs.push(("region", r.clone()));
    }
    (target, pairs)
}

/// [`profile_settings`] as the text of a config file section, to add by hand.
pub fn profile_block(profile: &Profile, command: &str) -> (String, String) {
    let (target, pairs) = profile_settings(profile, command);
    let mut block = format!("[profile {target}]\n");
    for (k, v) in pairs {
        block.push_str(&format!("{k} = {v}\n"));
    }
    (target, block)
}

/// Adds the [`profile_settings`] section to the config file, editing in place. The profile
/// must name its MFA device (`credential_process` runs unattended and never guesses).
pub fn setup_profile(profile: &Profile, command: &str) -> Result<(String, std::path::PathBuf)> {
    named_serial(profile)?;
    let (target, pairs) = profile_settings(profile, command);
    let path = profiles::config_path();
    let mut doc = IniDoc::load(&path)?;
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    doc.set(&format!("profile {target}"), &pairs)?;
    doc.save(&path)?;
    Ok((target, path))
}

/// Refuses a profile name to write session credentials under that is empty, not a plain
/// name, or the source profile itself (its long-term keys would be replaced). The CLI and the
/// app both call it before any code is spent; [`write_profile`] also refuses any section
/// holding long-term keys (a role's `source_profile`, say).
pub fn check_target(profile: &str, target: &str) -> Result<()> {
    if target.is_empty() || target.contains(['[', ']', '\n', '\r']) || target != target.trim() {
        return Err(Error::SessionTarget {
            target: target.to_string(),
            replaces_source: false,
        });
    }
    if target == profile || IniDoc::load(&profiles::credentials_path())?.has_long_term_keys(target)
    {
        return Err(Error::SessionTarget {
            target: target.to_string(),
            replaces_source: true,
        });
    }
    Ok(())
}

/// The link of account `id` (name or id), which must hold an enabled device's seed.
pub fn active_link(vault: &Vault, id: &str) -> Result<AwsLink> {
    let a = vault.find(id)?;
    match &a.aws {
        Some(l) if l.status == AwsStatus::Active => Ok(l.clone()),
        other => Err(Error::NotAwsDevice {
            account: a.name.clone(),
            pending: other.is_some(),
        }),
    }
}

/// The `credential_process` output (Version 1).
pub fn credential_process_json(c: &SessionCredentials) -> String {
    serde_json::json!({
        "Version": 1,
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key.as_str(),
        "SessionToken": c.session_token.as_str(),
        "Expiration": rfc3339(c.expiration),
    })
    .to_string()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (the SDK's own date type formats it).
pub fn rfc3339(secs: i64) -> String {
    aws_smithy_types::DateTime::from_secs(secs)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| secs.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::aws::enroll::{self, EnrollRequest};
    use crate::aws::fake::FakeIam;

    use crate::vault::temp_vault as vault;

    /// An enrolled device for `user`: its account's name and serial.
    async fn enrolled(api: &FakeIam, v: &Mutex<Vault>, user: &str) -> (String, String) {
        let req = EnrollRequest {
            device_name: Some(user.into()),
            ..EnrollRequest::default()
        };
        let done = enroll::enroll(api, v, &req, None, &mut |_| {})
            .await
            .unwrap();
        (done.name, done.serial)
    }

    fn profile(name: &str, serial: Option<&str>) -> Profile {
        Profile {
            name: name.into(),
            mfa_serial: serial.map(str::to_string),
            ..Profile::default()
        }
    }

    fn request(profile: &str, account: Option<&str>) -> SessionRequest {
        SessionRequest {
            profile: profile.into(),
            account: account.map(str::to_string),
            ..SessionRequest::default()
        }
    }

    #[tokio::test]
    async fn the_profile_names_the_device_unless_the_user_chose_an_account() {
        let api = FakeIam::with_user("alice");
        let (_dir, v) = vault();
        let (name, serial) = enrolled(&api, &v, "alice").await;
        let v = v.lock().unwrap();
        // mfa_serial finds the account holding the seed.
        let (a, s) = device_for(&v, &profile("work", Some(&serial)), None).unwrap();
        assert_eq!(
            (a.name.as_str(), s.as_str()),
            (name.as_str(), serial.as_str())
        );
        // No mfa_serial and no chosen account: credential_process must not guess.
        let e = device_for(&v, &profile("work", None), None).unwrap_err();
        assert!(matches!(e, Error::NoMfaSerial { .. }), "{e:?}");
        // No mfa_serial, but the user chose the account: its device is used.
        let (_, s) = device_for(&v, &profile("work", None), Some(&name)).unwrap();
        assert_eq!(s, serial);
        // A chosen account holding another device's seed is refused, naming both.
        let other = "arn:aws:iam::123456789012:mfa/other";
        let e = device_for(&v, &profile("work", Some(other)), Some(&name)).unwrap_err();
        assert!(matches!(e, Error::ProfileDeviceMismatch { .. }), "{e:?}");
        assert!(
            e.to_string().contains(other) && e.to_string().contains(&serial),
            "{e}"
        );
        // A profile whose device no account holds.
        let e = device_for(&v, &profile("work", Some(other)), None).unwrap_err();
        assert!(matches!(e, Error::NoAccountForDevice { .. }), "{e:?}");
        assert!(
            !e.to_string().contains("--"),
            "no CLI flag in core's message: {e}"
        );
    }

    #[test]
    fn the_duration_is_the_requests_else_the_profiles_within_what_sts_allows() {
        let mut p = profile("work", None);
        assert_eq!(duration_for(&p, None).unwrap(), None);
        p.duration_seconds = Some(7200);
        assert_eq!(duration_for(&p, None).unwrap(), Some(7200));
        assert_eq!(duration_for(&p, Some(900)).unwrap(), Some(900));
        assert_eq!(duration_for(&p, Some(129_600)).unwrap(), Some(129_600));
        assert!(matches!(
            duration_for(&p, Some(899)),
            Err(Error::SessionDuration { min_secs: 900, .. })
        ));
        p.role_arn = Some("arn:aws:iam::123456789012:role/admin".into());
        assert!(matches!(
            duration_for(&p, Some(43_201)),
            Err(Error::SessionDuration {
                max_secs: 43_200,
                ..
            })
        ));
        // A role needs the profile that signs for it.
        assert!(matches!(
            signer_for(&p, None),
            Err(Error::ProfileIncomplete { .. })
        ));
        p.source_profile = Some("base".into());
        let (signer, role) = signer_for(&p, Some(3600)).unwrap();
        assert_eq!(signer, "base");
        assert_eq!(role.unwrap().duration_secs, Some(3600));
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_window_is_waited_out_with_the_vault_released_then_cached() {
        let api = FakeIam::with_user("alice");
        // Wall time at the start, moved on by Tokio's paused clock as the flow sleeps.
        let base = crate::unix_now();
        let start = tokio::time::Instant::now();
        let clock: crate::aws::fake::Clock = Arc::new(move || base + start.elapsed().as_secs());
        api.set_clock(clock.clone());
        let (_dir, v) = vault();
        let (_, serial) = enrolled(&api, &v, "alice").await;
        // Enrolling used this window's code: the session has to wait for the next window.
        let mut steps = Vec::new();
        let p = profile("work", Some(&serial));
        let mut report = |s| {
            // Nothing holds the vault while the flow reports (or sleeps).
            assert!(v.try_lock().is_ok());
            steps.push(s);
        };
        let s = session_at(&api, &v, &request("work", None), &p, &mut report, &*clock)
            .await
            .unwrap();
        assert_eq!(s.source, Source::GetSessionToken);
        let SessionStep::Waiting { secs } = steps[0] else {
            panic!("{steps:?}")
        };
        assert!((1..=30).contains(&secs), "{secs}");
        assert_eq!(steps[1..], [SessionStep::Requesting]);
        assert_eq!(
            api.calls()
                .iter()
                .filter(|c| **c == "GetSessionToken")
                .count(),
            1
        );
        // The session is cached for the next call.
        let scope = scope_for(&p, &serial, None);
        let cached = cached(&v.lock().unwrap(), "work", &scope, clock()).unwrap();
        assert_eq!(cached.access_key_id, "ASIAFAKEFAKEFAKE");
    }

    #[tokio::test(start_paused = true)]
    async fn sessions_are_cached_per_endpoint_region_and_role_and_old_entries_are_not_served() {
        let api = FakeIam::with_user("alice");
        let base = crate::unix_now();
        let start = tokio::time::Instant::now();
        let clock: crate::aws::fake::Clock = Arc::new(move || base + start.elapsed().as_secs());
        api.set_clock(clock.clone());
        let (_dir, v) = vault();
        let (_, serial) = enrolled(&api, &v, "alice").await;
        let p = profile("work", Some(&serial));
        let at = |url: &str| SessionRequest {
            endpoint_url: Some(url.into()),
            ..request("work", None)
        };
        let (a, b) = (at("https://sts-a.example"), at("https://sts-b.example"));
        let scope_a = scope_for(&p, &serial, a.endpoint_url.as_deref());
        let scope_b = scope_for(&p, &serial, b.endpoint_url.as_deref());
        session_at(&api, &v, &a, &p, &mut |_| {}, &*clock)
            .await
            .unwrap();
        {
            let v = v.lock().unwrap();
            assert!(cached(&v, "work", &scope_a, clock()).is_some());
            assert!(
                cached(&v, "work", &scope_b, clock()).is_none(),
                "a session minted for another endpoint is not served"
            );
            // Nor one for another region, role or device.
            let mut other = p.clone();
            other.region = Some("eu-west-1".into());
            let s = scope_for(&other, &serial, a.endpoint_url.as_deref());
            assert!(cached(&v, "work", &s, clock()).is_none());
            other = p.clone();
            other.role_arn = Some("arn:aws:iam::123456789012:role/admin".into());
            other.source_profile = Some("base".into());
            let s = scope_for(&other, &serial, a.endpoint_url.as_deref());
            assert!(cached(&v, "work", &s, clock()).is_none());
            let s = scope_for(
                &p,
                "arn:aws:iam::123456789012:mfa/other",
                a.endpoint_url.as_deref(),
            );
            assert!(cached(&v, "work", &s, clock()).is_none());
        }
        // The second endpoint gets its own session; the first one's is kept beside it.
        let s = session_at(&api, &v, &b, &p, &mut |_| {}, &*clock)
            .await
            .unwrap();
        assert_eq!(s.source, Source::GetSessionToken);
        {
            let v = v.lock().unwrap();
            assert_eq!(v.data().sessions.len(), 2);
            assert!(cached(&v, "work", &scope_a, clock()).is_some());
            assert!(cached(&v, "work", &scope_b, clock()).is_some());
        }
        // An entry cached before sessions had a scope (the old format) is never served, and
        // the next session for its profile replaces it.
        let old = CachedSession {
            profile: "legacy".into(),
            access_key_id: "ASIAOLDOLDOLDOLD".into(),
            secret_access_key: zeroize::Zeroizing::new("s".into()),
            session_token: zeroize::Zeroizing::new("t".into()),
            expiration: clock() as i64 + 7200,
            scope: None,
        };
        let legacy = profile("legacy", Some(&serial));
        let scope = scope_for(&legacy, &serial, None);
        v.lock()
            .unwrap()
            .update(|d| {
                d.sessions.push(old);
                Ok(())
            })
            .unwrap();
        assert!(cached(&v.lock().unwrap(), "legacy", &scope, clock()).is_none());
        let s = session_at(
            &api,
            &v,
            &request("legacy", None),
            &legacy,
            &mut |_| {},
            &*clock,
        )
        .await
        .unwrap();
        assert_eq!(s.source, Source::GetSessionToken);
        let v = v.lock().unwrap();
        assert!(!v.data().sessions.iter().any(|s| s.scope.is_none()));
        assert_eq!(v.data().sessions.len(), 3);
    }

    #[test]
    fn an_old_cache_entry_without_a_scope_still_reads() {
        let json = r#"{"profile":"work","accessKeyId":"ASIA","secretAccessKey":"s","sessionToken":"t","expiration":1}"#;
        let s: CachedSession = serde_json::from_str(json).unwrap();
        assert_eq!(s.scope, None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_device_whose_codes_another_program_keeps_taking_gives_up() {
        let api = FakeIam::with_user("alice");
        let (_dir, v) = vault();
        let (name, serial) = enrolled(&api, &v, "alice").await;
        // The clock stands still, so the window never changes.
        let frozen = crate::unix_now();
        let mut waits = 0;
        let p = profile("work", Some(&serial));
        let e = session_at(
            &api,
            &v,
            &request("work", Some(&name)),
            &p,
            &mut |s| {
                if matches!(s, SessionStep::Waiting { .. }) {
                    waits += 1;
                }
            },
            &move || frozen,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::CodesBusy(_)), "{e:?}");
        assert_eq!(waits, WINDOW_TRIES);
        assert!(
            !api.calls().contains(&"GetSessionToken"),
            "a used window is never sent"
        );
    }

    #[test]
    fn the_credential_process_block_names_the_profile_and_its_region() {
        let mut p = profile("work", Some("arn:aws:iam::123456789012:mfa/alice"));
        p.region = Some("eu-west-1".into());
        let (target, block) = profile_block(&p, "/opt/twofold");
        assert_eq!(target, "work-mfa");
        assert_eq!(
            block,
            "[profile work-mfa]\ncredential_process = /opt/twofold aws credential-process --profile work\nregion = eu-west-1\n"
        );
    }

    #[test]
    fn session_targets_are_plain_names_other_than_the_source() {
        assert!(check_target("work", "work-mfa").is_ok());
        assert!(matches!(
            check_target("work", "work"),
            Err(Error::SessionTarget {
                replaces_source: true,
                ..
            })
        ));
        for bad in ["", "a]b", "x\ny", " padded"] {
            assert!(check_target("work", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
    }

    #[test]
    fn credential_process_output_has_version_1_fields() {
        let c = SessionCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: zeroize::Zeroizing::new("s".into()),
            session_token: zeroize::Zeroizing::new("t".into()),
            expiration: 1_700_000_000,
        };
        let v: serde_json::Value = serde_json::from_str(&credential_process_json(&c)).unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["Expiration"], "2023-11-14T22:13:20Z");
        assert_eq!(v["SessionToken"], "t");
    }
}
