//! Enrollment of a virtual MFA device, as a sequence of steps, and the device lifecycle.
//!
//! ```text
//! Identify -> Create -> Persist -> Enable -> Verify -> Done
//! ```
//! The seed exists only in the CreateVirtualMFADevice response, so [`persist`] writes it into
//! the vault as a *pending* account (atomically) before any other call: if Twofold dies after
//! that, [`pending`] finds it and [`resume`] or [`abort`] finishes the job. The async steps take
//! the [`IamApi`] and never the vault; the vault steps are synchronous. A caller that keeps the
//! vault behind a mutex (the app) holds it only for the vault steps, and [`enroll`] runs them all
//! in order for the CLI.

use super::client::{CreatedDevice, IamApi, MfaDevice};
use super::error::{AwsError, AwsErrorKind};
use crate::otp::{Otp, OtpKind};
use crate::vault::{Account, AccountId, AwsLink, AwsStatus, Vault};
use crate::{Error, Result};

/// The most MFA devices (of any type) AWS allows per user.
pub const MAX_DEVICES_PER_USER: usize = 8;

/// The issuer AWS puts in its QR codes.
pub const AWS_ISSUER: &str = "Amazon Web Services";

/// The steps of an enrollment, reported as they start (the app shows them as progress).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// Who is calling, which user, how many devices they have.
    Identify,
    /// CreateVirtualMFADevice.
    Create,
    /// The seed goes into the vault as a pending account.
    Persist,
    /// EnableMFADevice with two consecutive codes.
    Enable,
    /// ListMFADevices shows the device.
    Verify,
    /// The account is active.
    Done,
}

/// The user a device is enrolled for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// The 12-digit account id.
    pub account_id: String,
    /// The IAM user.
    pub user_name: String,
    /// Its ARN.
    pub user_arn: String,
    /// The caller's ARN.
    pub caller_arn: String,
    /// Whether the caller enrolls for themselves.
    pub for_self: bool,
    /// The devices the user has now.
    pub devices: Vec<MfaDevice>,
}

/// A finished enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The vault account holding the seed.
    pub account: AccountId,
    /// The vault account's name.
    pub name: String,
    /// The device's serial ARN.
    pub serial: String,
    /// The user it is enabled for.
    pub user_name: String,
}

/// Finds the caller and the target user (`user`, else the caller) and refuses when the user
/// already has the most devices AWS allows.
pub async fn identify<A: IamApi>(api: &A, user: Option<&str>) -> Result<Target> {
    let me = api.caller_identity().await?;
    let user_name = match user {
        Some(u) => u.to_string(),
        None => me.user_name().ok_or_else(|| {
            Error::InvalidParameter {
                field: "user",
                reason: if me.is_root() {
                    "these are root credentials: name the IAM user to enroll with --user (the root user's own MFA is added in the AWS console; Twofold can read its QR code)".into()
                } else {
                    format!("{} is not an IAM user; name the IAM user to enroll with --user", me.arn)
                },
            }
        })?,
    };
    let (user_name, user_arn) = api.get_user(Some(&user_name)).await?;
    let devices = api.list_mfa_devices(&user_name).await?;
    if devices.len() >= MAX_DEVICES_PER_USER {
        return Err(Error::DeviceLimit {
            user: user_name,
            count: devices.len(),
        });
    }
    let for_self = me.arn == user_arn;
    Ok(Target {
        account_id: me.account,
        user_name,
        user_arn,
        caller_arn: me.arn,
        for_self,
        devices,
    })
}

/// Checks a device name the way IAM does (`[\w+=,.@-]+`, at most 226 characters).
pub fn check_device_name(name: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if name.is_empty() || name.len() > 226 || !name.chars().all(ok_char) {
        return Err(Error::InvalidParameter {
            field: "device name",
            reason: format!("{name:?} must be 1 to 226 letters, digits or _+=,.@- (no spaces)"),
        });
    }
    Ok(())
}

/// CreateVirtualMFADevice. The result holds the only copy of the seed: [`persist`] it next.
pub async fn create<A: IamApi>(
    api: &A,
    target: &Target,
    device_name: &str,
) -> Result<CreatedDevice> {
    check_device_name(device_name)?;
    api.create_virtual_mfa_device(device_name)
        .await
        .map_err(|mut e| {
            // Name the resource as IAM policies do, so an administrator can paste it.
            e.resource = Some(format!(
                "arn:aws:iam::{}:mfa/{device_name}",
                target.account_id
            ));
            Error::Aws(e)
        })
}

/// Writes the seed into the vault as a pending account linked to the device, before anything
/// else happens. Returns its id.
pub fn persist(
    vault: &mut Vault,
    target: &Target,
    device: &CreatedDevice,
    profile: Option<&str>,
    now: u64,
) -> Result<AccountId> {
    let label = format!("{}@{}", target.user_name, target.account_id);
    let device_name = device
        .serial
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let link = AwsLink {
        account_id: target.account_id.clone(),
        user_name: target.user_name.clone(),
        user_arn: target.user_arn.clone(),
        serial: device.serial.clone(),
        profile: profile.map(str::to_string),
        status: AwsStatus::Pending,
    };
    let otp = Otp::totp(device.seed.clone());
    vault.update(|d| {
        let taken = |n: &str| {
            d.accounts
                .iter()
                .any(|a| a.name.to_lowercase() == n.to_lowercase())
        };
        let mut name = label.clone();
        if taken(&name) {
            name = format!("{label} ({device_name})");
        }
        let mut n = 2;
        while taken(&name) {
            name = format!("{label} ({device_name} {n})");
            n += 1;
        }
        let id = AccountId(uuid::Uuid::new_v4().to_string());
        d.accounts.push(Account {
            id: id.clone(),
            name,
            issuer: AWS_ISSUER.into(),
            account: label.clone(),
            otp,
            tags: vec!["aws".into()],
            created: now,
            last_used: None,
            aws: Some(link),
        });
        Ok(id)
    })
}

/// Two consecutive codes from a held seed: the previous window's and the current one's, so
/// nobody waits for the next window (AWS accepts a recent pair).
pub fn consecutive_codes(otp: &Otp, now: u64) -> (String, String) {
    let step = now / otp.period;
    (
        otp.code_for_counter(step.saturating_sub(1)),
        otp.code_for_counter(step),
    )
}

/// The codes of two adjacent windows for console enrollment: (current, next), with the
/// seconds the current one has left.
pub fn console_codes(otp: &Otp, now: u64) -> (String, String, u64) {
    let step = now / otp.period;
    let left = (step + 1) * otp.period - now;
    (
        otp.code_for_counter(step),
        otp.code_for_counter(step + 1),
        left,
    )
}

/// EnableMFADevice with the given codes.
pub async fn enable<A: IamApi>(api: &A, link: &AwsLink, code1: &str, code2: &str) -> Result<()> {
    for c in [code1, code2] {
        if c.len() != 6 || !c.chars().all(|d| d.is_ascii_digit()) {
            return Err(Error::InvalidParameter {
                field: "code",
                reason: format!("{c:?} is not a six-digit code"),
            });
        }
    }
    if code1 == code2 {
        return Err(Error::InvalidParameter {
            field: "code",
            reason: "the two codes are the same; wait for the app to show the next code and enter that one second".into(),
        });
    }
    Ok(api
        .enable_mfa_device(&link.user_name, &link.serial, code1, code2)
        .await?)
}

/// Confirms with ListMFADevices that the device is assigned to the user.
pub async fn verify<A: IamApi>(api: &A, link: &AwsLink) -> Result<()> {
    let devices = api.list_mfa_devices(&link.user_name).await?;
    if devices.iter().any(|d| d.serial == link.serial) {
        Ok(())
    } else {
        Err(Error::Aws(AwsError {
            op: "ListMFADevices",
            kind: AwsErrorKind::NotFound,
            code: String::new(),
            message: format!(
                "{} is not among {}'s devices after EnableMFADevice",
                link.serial, link.user_name
            ),
            resource: Some(link.serial.clone()),
            skew_secs: api.clock_skew(),
        }))
    }
}

/// Marks a pending account active, and records the current TOTP window as used for its
/// device: EnableMFADevice has just consumed it, and AWS refuses a code twice, so the first
/// session waits for the next window instead of failing.
pub fn activate(vault: &mut Vault, id: &AccountId) -> Result<()> {
    let now = crate::unix_now();
    vault.update(|d| {
        let a = d
            .accounts
            .iter_mut()
            .find(|a| &a.id == id)
            .ok_or_else(|| Error::NotFound(id.0.clone()))?;
        let period = a.otp.period.max(1);
        let link = a
            .aws
            .as_mut()
            .ok_or_else(|| Error::NotFound(format!("{} (not an AWS device)", a.name)))?;
        link.status = AwsStatus::Active;
        let serial = link.serial.clone();
        let window = crate::otp::apply_offset(now, d.settings.clock_offset_secs) / period;
        let used = d.used_windows.entry(serial).or_insert(0);
        *used = (*used).max(window);
        Ok(())
    })
}

/// The enrollments that were persisted but not finished.
pub fn pending(vault: &Vault) -> Vec<(Account, AwsLink)> {
    vault
        .accounts()
        .iter()
        .filter_map(|a| match &a.aws {
            Some(l) if l.status == AwsStatus::Pending => Some((a.clone(), l.clone())),
            _ => None,
        })
        .collect()
}

/// The account and its link, for an id.
pub fn linked(vault: &Vault, id: &AccountId) -> Result<(Account, AwsLink)> {
    let a = vault.find(&id.0)?;
    let link = a
        .aws
        .clone()
        .ok_or_else(|| Error::NotFound(format!("{} (not an AWS device)", a.name)))?;
    Ok((a.clone(), link))
}

/// Finishes a pending enrollment: with typed codes, or codes computed from the held seed. If
/// the device turns out to be enabled already (Twofold died after EnableMFADevice), it is
/// only marked active.
pub async fn finish<A: IamApi>(
    api: &A,
    link: &AwsLink,
    otp: &Otp,
    typed: Option<(&str, &str)>,
    now: u64,
) -> Result<()> {
    let devices = api.list_mfa_devices(&link.user_name).await?;
    if devices.iter().any(|d| d.serial == link.serial) {
        return Ok(());
    }
    match typed {
        Some((c1, c2)) => enable(api, link, c1, c2).await?,
        None => {
            if otp.kind != OtpKind::Totp {
                return Err(Error::InvalidParameter {
                    field: "account",
                    reason: "not a TOTP account".into(),
                });
            }
            let (c1, c2) = consecutive_codes(otp, now);
            enable(api, link, &c1, &c2).await?;
        }
    }
    verify(api, link).await
}

/// Resumes a pending enrollment found in the vault (see [`finish`]) and marks it active.
pub async fn resume<A: IamApi>(
    api: &A,
    vault: &mut Vault,
    id: &AccountId,
    typed: Option<(&str, &str)>,
    now: u64,
) -> Result<Enrolled> {
    let (account, link) = linked(vault, id)?;
    finish(api, &link, &account.otp, typed, now).await?;
    activate(vault, id)?;
    Ok(Enrolled {
        account: id.clone(),
        name: account.name,
        serial: link.serial,
        user_name: link.user_name,
    })
}

/// The AWS half of abandoning a pending enrollment: deletes its virtual device (already gone is
/// fine). Refused when the device is enabled (that is a deactivation, not an abort). Takes no
/// vault, so a caller holding the vault behind a mutex need not hold it across the call.
pub async fn delete_pending_device<A: IamApi>(api: &A, link: &AwsLink) -> Result<()> {
    if link.status == AwsStatus::Active {
        return Err(Error::InvalidParameter {
            field: "enrollment",
            reason: "this device is enabled; deactivate it instead (`twofold aws deactivate`)"
                .into(),
        });
    }
    match api.delete_virtual_mfa_device(&link.serial).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind == AwsErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Abandons a pending enrollment: deletes the virtual device in AWS and then the vault account.
pub async fn abort<A: IamApi>(api: &A, vault: &mut Vault, id: &AccountId) -> Result<()> {
    let (_, link) = linked(vault, id)?;
    delete_pending_device(api, &link).await?;
    vault.remove(&id.0)?;
    Ok(())
}

/// Asks the user for two codes from their phone; shown the pending account (to draw its QR
/// code) and, on a retry, why the last codes were refused.
pub type AskCodes<'a> = dyn FnMut(&Account, Option<&Error>) -> Result<(String, String)> + 'a;

/// What [`enroll`] should do.
#[derive(Debug, Clone, Default)]
pub struct EnrollRequest {
    /// The IAM user (default: the caller).
    pub user: Option<String>,
    /// The device name (default: the user name).
    pub device_name: Option<String>,
    /// The AWS profile the device is for.
    pub profile: Option<String>,
}

/// Runs every step in order. `typed_codes` is asked for two codes when the user keeps the seed
/// on a phone (it is shown the pending account, to draw its QR code); `None` means Twofold
/// computes them. Wrong typed codes are asked for again up to three times; the account stays
/// pending on any failure after [`persist`].
pub async fn enroll<A: IamApi>(
    api: &A,
    vault: &mut Vault,
    req: &EnrollRequest,
    mut typed_codes: Option<&mut AskCodes<'_>>,
    progress: &mut dyn FnMut(Step),
    now: &dyn Fn() -> u64,
) -> Result<Enrolled> {
    progress(Step::Identify);
    let target = identify(api, req.user.as_deref()).await?;
    let device_name = req
        .device_name
        .clone()
        .unwrap_or_else(|| target.user_name.clone());
    check_device_name(&device_name)?;
    progress(Step::Create);
    let device = create(api, &target, &device_name).await?;
    progress(Step::Persist);
    let id = persist(vault, &target, &device, req.profile.as_deref(), now())?;
    let (account, link) = linked(vault, &id)?;
    drop(device);

    progress(Step::Enable);
    match typed_codes.as_mut() {
        None => {
            let (c1, c2) = consecutive_codes(&account.otp, now());
            enable(api, &link, &c1, &c2).await?;
        }
        Some(ask) => {
            let mut last_err: Option<Error> = None;
            for attempt in 0..3 {
                let (c1, c2) = ask(&account, last_err.as_ref())?;
                match enable(api, &link, &c1, &c2).await {
                    Ok(()) => {
                        last_err = None;
                        break;
                    }
                    Err(e @ Error::InvalidParameter { .. }) if attempt < 2 => last_err = Some(e),
                    Err(Error::Aws(e)) if e.kind == AwsErrorKind::InvalidCode && attempt < 2 => {
                        last_err = Some(Error::Aws(e))
                    }
                    Err(e) => return Err(e),
                }
            }
            if let Some(e) = last_err {
                return Err(e);
            }
        }
    }
    progress(Step::Verify);
    verify(api, &link).await?;
    activate(vault, &id)?;
    progress(Step::Done);
    Ok(Enrolled {
        account: id,
        name: account.name,
        serial: link.serial,
        user_name: link.user_name,
    })
}

/// Resynchronises a drifted device whose seed Twofold holds (two consecutive codes from it),
/// or with two typed codes.
pub async fn resync<A: IamApi>(
    api: &A,
    user: &str,
    serial: &str,
    otp: Option<&Otp>,
    typed: Option<(&str, &str)>,
    now: u64,
) -> Result<()> {
    let (c1, c2) = match (typed, otp) {
        (Some((a, b)), _) => (a.to_string(), b.to_string()),
        (None, Some(otp)) => consecutive_codes(otp, now),
        (None, None) => {
            return Err(Error::InvalidParameter {
                field: "codes",
                reason: "Twofold does not hold this device's seed; type two consecutive codes from the device".into(),
            })
        }
    };
    Ok(api.resync_mfa_device(user, serial, &c1, &c2).await?)
}

/// Deactivates a device (lost phone) and, with `delete`, deletes the virtual device too (IAM
/// refuses to delete an assigned device, so the order matters). Then call [`forget_device`].
pub async fn deactivate<A: IamApi>(api: &A, user: &str, serial: &str, delete: bool) -> Result<()> {
    api.deactivate_mfa_device(user, serial).await?;
    if delete {
        api.delete_virtual_mfa_device(serial).await?;
    }
    Ok(())
}

/// Removes the vault accounts that held the seed of a deleted device; returns how many.
pub fn forget_device(vault: &mut Vault, serial: &str) -> Result<usize> {
    let linked: Vec<String> = vault
        .accounts()
        .iter()
        .filter(|a| a.aws.as_ref().is_some_and(|l| l.serial == serial))
        .map(|a| a.id.0.clone())
        .collect();
    for id in &linked {
        vault.remove(id)?;
    }
    Ok(linked.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Secret;

    #[test]
    fn device_names_follow_iam_rules() {
        assert!(check_device_name("alice").is_ok());
        assert!(check_device_name("alice.backup+2@corp_x=y,z-1").is_ok());
        assert!(check_device_name("").is_err());
        assert!(check_device_name("has space").is_err());
        assert!(check_device_name(&"a".repeat(227)).is_err());
        assert!(check_device_name("ü").is_err());
    }

    #[test]
    fn codes_are_adjacent_windows() {
        let otp = Otp::totp(Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap());
        // RFC 6238 T=59 is step 1; the previous window is step 0.
        let (c1, c2) = consecutive_codes(&otp, 59);
        assert_eq!((c1.as_str(), c2.as_str()), ("755224", "287082"));
        let (now, next, left) = console_codes(&otp, 59);
        assert_eq!(
            (now.as_str(), next.as_str(), left),
            ("287082", otp.code_for_counter(2).as_str(), 1)
        );
    }
}
