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
use crate::vault::{Account, AwsLink, AwsStatus, CachedSession, Vault};
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

/// The vault account that holds the seed of `serial`: the one enrolled (or linked) for it.
pub fn account_for_serial<'v>(
    vault: &'v Vault,
    serial: &str,
    profile: &str,
) -> Result<&'v Account> {
    let accounts = vault.accounts();
    accounts
        .iter()
        .find(|a| a.aws.as_ref().is_some_and(|l| l.serial == serial && l.status == AwsStatus::Active))
        .or_else(|| accounts.iter().find(|a| a.aws.as_ref().is_some_and(|l| l.profile.as_deref() == Some(profile))))
        .ok_or_else(|| Error::InvalidParameter {
            field: "profile",
            reason: format!(
                "no account in the vault is linked to {serial} (mfa_serial of profile {profile:?}); link the one that holds its seed with `twofold aws link --profile {profile} --account NAME`"
            ),
        })
}

/// Links a vault account to a profile's `mfa_serial` (an account added by hand or imported).
pub fn link(vault: &mut Vault, account: &str, profile: &Profile) -> Result<()> {
    let serial = profile
        .mfa_serial
        .clone()
        .ok_or_else(|| Error::InvalidParameter {
            field: "profile",
            reason: format!("profile {:?} has no mfa_serial", profile.name),
        })?;
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

/// A cached session for `profile` with more than [`REFRESH_MARGIN_SECS`] left at `now`.
pub fn cached(vault: &Vault, profile: &str, now: u64) -> Option<SessionCredentials> {
    vault
        .data()
        .sessions
        .iter()
        .find(|s| s.profile == profile && s.expiration - now as i64 > REFRESH_MARGIN_SECS)
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
        Some(&last) if shifted / period <= last => ((last + 1) * period).saturating_sub(shifted),
        _ => 0,
    }
}

/// Caches session credentials for `profile` in the vault, dropping its older and any expired
/// sessions.
pub fn store_session(
    vault: &mut Vault,
    profile: &str,
    c: &SessionCredentials,
    now: u64,
) -> Result<()> {
    let cached = CachedSession {
        profile: profile.to_string(),
        access_key_id: c.access_key_id.clone(),
        secret_access_key: c.secret_access_key.clone(),
        session_token: c.session_token.clone(),
        expiration: c.expiration,
    };
    let t = now as i64;
    vault.update(|d| {
        d.sessions
            .retain(|s| s.profile != cached.profile && s.expiration > t);
        d.sessions.push(cached);
        Ok(())
    })
}

/// Takes a code for `serial` from `account` that AWS has not seen: if the current window was
/// already sent, `wait` is called with the seconds until the next one (and must wait them).
/// The window is recorded in the vault before the code is returned.
pub fn take_code(
    vault: &mut Vault,
    account: &Account,
    serial: &str,
    now: &dyn Fn() -> u64,
    wait: &mut dyn FnMut(u64),
) -> Result<String> {
    let period = account.otp.period;
    let offset = vault.settings().clock_offset_secs;
    let window = |t: u64| crate::otp::apply_offset(t, offset) / period;
    let wait_for = wait_secs(vault, period, serial, now());
    if wait_for > 0 {
        wait(wait_for);
    }
    let w = window(now());
    let serial_key = serial.to_string();
    vault.update(|d| {
        let prev = d.used_windows.get(&serial_key).copied();
        if prev.is_some_and(|p| p >= w) {
            return Err(Error::InvalidParameter {
                field: "code",
                reason: "another process just used this window's code; try again in a few seconds"
                    .into(),
            });
        }
        d.used_windows.insert(serial_key.clone(), w);
        Ok(())
    })?;
    Ok(account.otp.code_for_counter(w))
}

/// Gets a session for `profile_name` (see the module doc). `endpoint_url` overrides the STS
/// endpoint (tests, VPC endpoints).
pub async fn session(
    vault: &mut Vault,
    profile_name: &str,
    duration_secs: Option<i32>,
    endpoint_url: Option<String>,
    now: &dyn Fn() -> u64,
    wait: &mut dyn FnMut(u64),
) -> Result<Session> {
    if let Some(c) = cached(vault, profile_name, now()) {
        return Ok(Session {
            profile: profile_name.to_string(),
            credentials: c,
            source: Source::Cache,
        });
    }
    let profile = profiles::find_profile(profile_name)?;
    let serial = profile.mfa_serial.clone().ok_or_else(|| Error::InvalidParameter {
        field: "profile",
        reason: format!("profile {profile_name:?} has no mfa_serial; add `mfa_serial = arn:aws:iam::ACCOUNT:mfa/DEVICE` to it"),
    })?;
    let account = account_for_serial(vault, &serial, profile_name)?.clone();
    let duration = duration_secs.or(profile.duration_seconds);

    let (credentials, source) = match &profile.role_arn {
        Some(role_arn) => {
            let source_profile =
                profile
                    .source_profile
                    .clone()
                    .ok_or_else(|| Error::InvalidParameter {
                        field: "profile",
                        reason: format!(
                            "profile {profile_name:?} has role_arn but no source_profile"
                        ),
                    })?;
            let api = AwsClient::connect(&ConnectOptions {
                profile: Some(source_profile),
                region: profile.region.clone(),
                endpoint_url,
                static_keys: None,
            })
            .await;
            let code = take_code(vault, &account, &serial, now, wait)?;
            let role = RoleRequest {
                role_arn: role_arn.clone(),
                session_name: profile.role_session_name.clone(),
                external_id: profile.external_id.clone(),
                duration_secs: duration,
            };
            (
                api.assume_role(&role, &serial, &code).await?,
                Source::AssumeRole,
            )
        }
        None => {
            let api = AwsClient::connect(&ConnectOptions {
                profile: Some(profile_name.to_string()),
                region: profile.region.clone(),
                endpoint_url,
                static_keys: None,
            })
            .await;
            let code = take_code(vault, &account, &serial, now, wait)?;
            (
                api.get_session_token(&serial, &code, duration).await?,
                Source::GetSessionToken,
            )
        }
    };
    store_session(vault, profile_name, &credentials, now())?;
    Ok(Session {
        profile: profile_name.to_string(),
        credentials,
        source,
    })
}

/// Writes session credentials into the credentials file as profile `target`, editing in place.
pub fn write_profile(target: &str, c: &SessionCredentials) -> Result<std::path::PathBuf> {
    let path = profiles::credentials_path();
    let mut doc = IniDoc::load(&path)?;
    doc.set(
        target,
        &[
            ("aws_access_key_id", c.access_key_id.as_str()),
            ("aws_secret_access_key", c.secret_access_key.as_str()),
            ("aws_session_token", c.session_token.as_str()),
        ],
    );
    doc.save(&path)?;
    Ok(path)
}

/// Adds `[profile <P>-mfa]` with `credential_process = <command> aws credential-process
/// --profile P` to the config file (and P's region), editing in place.
pub fn setup_profile(profile: &Profile, command: &str) -> Result<(String, std::path::PathBuf)> {
    let target = format!("{}-mfa", profile.name);
    let path = profiles::config_path();
    let mut doc = IniDoc::load(&path)?;
    let process = format!(
        "{command} aws credential-process --profile {}",
        profile.name
    );
    let mut pairs = vec![("credential_process", process.as_str())];
    if let Some(r) = &profile.region {
        pairs.push(("region", r.as_str()));
    }
    doc.set(&format!("profile {target}"), &pairs);
    doc.save(&path)?;
    Ok((target, path))
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

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (civil-from-days, H. Hinnant).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
