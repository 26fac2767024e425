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
use crate::vault::{Account, AccountId, AwsLink, AwsStatus, Vault, VaultAccess};
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
    /// The AWS profile recorded for it, if any.
    pub profile: Option<String>,
}

/// The IAM user an operation is for: `user` when given, else the caller, who must then be an
/// IAM user ([`Error::NotIamUser`] for root or a role).
pub async fn user_or_caller<A: IamApi>(api: &A, user: Option<&str>) -> Result<String> {
    if let Some(u) = user {
        return Ok(u.to_string());
    }
    let me = api.caller_identity().await?;
    me.user_name().ok_or_else(|| Error::NotIamUser {
        root: me.is_root(),
        arn: me.arn.clone(),
    })
}

/// Finds the caller and the target user (`user`, else the caller) and refuses when the user
/// already has the most devices AWS allows.
pub async fn identify<A: IamApi>(api: &A, user: Option<&str>) -> Result<Target> {
    let me = api.caller_identity().await?;
    let user_name = match user {
        Some(u) => u.to_string(),
        None => me.user_name().ok_or_else(|| Error::NotIamUser {
            root: me.is_root(),
            arn: me.arn.clone(),
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
        return Err(Error::DeviceName(name.to_string()));
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
            meta: Default::default(),
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
    // The last window of u64 time ends at u64::MAX (and has no next one).
    let until = step
        .checked_add(1)
        .and_then(|s| s.checked_mul(otp.period))
        .unwrap_or(u64::MAX);
    (
        otp.code_for_counter(step),
        otp.code_for_counter(step.saturating_add(1)),
        until - now,
    )
}

/// Refuses what cannot be two consecutive six-digit codes, before AWS is asked.
pub fn check_codes(code1: &str, code2: &str) -> Result<()> {
    for c in [code1, code2] {
        if c.len() != 6 || !c.chars().all(|d| d.is_ascii_digit()) {
            return Err(Error::BadCode {
                code: c.to_string(),
                same: false,
            });
        }
    }
    if code1 == code2 {
        return Err(Error::BadCode {
            code: code1.to_string(),
            same: true,
        });
    }
    Ok(())
}

/// EnableMFADevice with the given codes.
pub async fn enable<A: IamApi>(api: &A, link: &AwsLink, code1: &str, code2: &str) -> Result<()> {
    check_codes(code1, code2)?;
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
        let link = a.aws.as_mut().ok_or_else(|| Error::NotAwsDevice {
            account: a.name.clone(),
            pending: false,
        })?;
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
    let link = a.aws.clone().ok_or_else(|| Error::NotAwsDevice {
        account: a.name.clone(),
        pending: false,
    })?;
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
                return Err(Error::NotTotp(link.serial.clone()));
            }
            let (c1, c2) = consecutive_codes(otp, now);
            enable(api, link, &c1, &c2).await?;
        }
    }
    verify(api, link).await
}

/// What [`start`] did: the pending account holding the seed (to draw its QR code in phone
/// mode) and its link to the device.
#[derive(Debug, Clone)]
pub struct Started {
    /// The pending vault account.
    pub account: Account,
    /// Its device.
    pub link: AwsLink,
}

/// What [`start`] should do.
#[derive(Debug, Clone, Default)]
pub struct EnrollRequest {
    /// The IAM user (default: the caller).
    pub user: Option<String>,
    /// The device name (default: the user name).
    pub device_name: Option<String>,
    /// The AWS profile the device is for.
    pub profile: Option<String>,
}

/// Reports the steps as they start.
pub type Progress<'a> = dyn FnMut(Step) + Send + 'a;

/// The vault's time: Unix seconds with its clock offset applied, as its codes use it.
fn vault_now(v: &Vault) -> u64 {
    crate::otp::apply_offset(crate::unix_now(), v.settings().clock_offset_secs)
}

/// Identify, CreateVirtualMFADevice, and the seed into the vault as a pending account, before
/// anything else. When the seed cannot be saved the device is useless, so it is deleted again
/// ([`Error::SeedNotSaved`] says whether that worked). Nothing is created when the vault is
/// not open.
pub async fn start<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    req: &EnrollRequest,
    progress: &mut Progress<'_>,
) -> Result<Started> {
    vault.with_vault(|_| Ok(()))?;
    if let Some(name) = &req.device_name {
        check_device_name(name)?;
    }
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
    let saved = vault.with_vault(|v| {
        let id = persist(
            v,
            &target,
            &device,
            req.profile.as_deref(),
            crate::unix_now(),
        )?;
        linked(v, &id)
    });
    match saved {
        Ok((account, link)) => Ok(Started { account, link }),
        Err(cause) => {
            let device_deleted = api.delete_virtual_mfa_device(&device.serial).await.is_ok();
            Err(Error::SeedNotSaved {
                serial: device.serial.clone(),
                cause: Box::new(cause),
                device_deleted,
            })
        }
    }
}

fn enrolled(account: &Account, link: &AwsLink) -> Enrolled {
    Enrolled {
        account: account.id.clone(),
        name: account.name.clone(),
        serial: link.serial.clone(),
        user_name: link.user_name.clone(),
        profile: link.profile.clone(),
    }
}

/// Finishes a pending enrollment (see [`finish`]): EnableMFADevice with `typed` codes (from a
/// phone) or two codes from the held seed, ListMFADevices, and the account becomes active. A
/// device already enabled (Twofold died after EnableMFADevice) is only marked active; an
/// account that is active already is left as it is. Wrong codes leave it pending, so the
/// user can try again.
pub async fn confirm<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    id: &AccountId,
    typed: Option<(&str, &str)>,
    progress: &mut Progress<'_>,
) -> Result<Enrolled> {
    complete(api, vault, id, typed, progress, false).await
}

/// [`confirm`]; `interrupted` first asks AWS whether the device is enabled already (a resume
/// after Twofold died), which a confirmation right after [`start`] need not.
async fn complete<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    id: &AccountId,
    typed: Option<(&str, &str)>,
    progress: &mut Progress<'_>,
    interrupted: bool,
) -> Result<Enrolled> {
    let (account, link, now) = vault.read(|v| {
        let (account, link) = linked(v, id)?;
        Ok((account, link, vault_now(v)))
    })?;
    if link.status == AwsStatus::Pending {
        if let Some((c1, c2)) = typed {
            check_codes(c1, c2)?;
        }
        progress(Step::Enable);
        if interrupted {
            finish(api, &link, &account.otp, typed, now).await?;
            progress(Step::Verify);
        } else {
            let (c1, c2) = match typed {
                Some((a, b)) => (a.to_string(), b.to_string()),
                None => consecutive_codes(&account.otp, now),
            };
            enable(api, &link, &c1, &c2).await?;
            progress(Step::Verify);
            verify(api, &link).await?;
        }
        vault.with_vault(|v| activate(v, id))?;
    }
    progress(Step::Done);
    Ok(enrolled(&account, &link))
}

/// Resumes an interrupted enrollment with codes from the held seed: [`confirm`] without typed
/// codes.
pub async fn resume<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    id: &AccountId,
    progress: &mut Progress<'_>,
) -> Result<Enrolled> {
    complete(api, vault, id, None, progress, true).await
}

/// The AWS half of abandoning a pending enrollment: deletes its virtual device (already gone is
/// fine). Refused when the device is enabled (that is a deactivation, not an abort).
pub async fn delete_pending_device<A: IamApi>(api: &A, link: &AwsLink) -> Result<()> {
    if link.status == AwsStatus::Active {
        return Err(Error::DeviceEnabled {
            serial: link.serial.clone(),
        });
    }
    match api.delete_virtual_mfa_device(&link.serial).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind == AwsErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Abandons a pending enrollment: deletes the virtual device in AWS and then the vault
/// account. When AWS refuses, the account stays, so the seed is not lost.
pub async fn abort<A: IamApi, V: VaultAccess>(api: &A, vault: &V, id: &AccountId) -> Result<()> {
    let (_, link) = vault.read(|v| linked(v, id))?;
    delete_pending_device(api, &link).await?;
    vault.with_vault(|v| v.remove(&id.0).map(drop))
}

/// Asks the user for two codes from their phone; shown the pending account (to draw its QR
/// code) and, on a retry, why the last codes were refused.
pub type AskCodes<'a> = dyn FnMut(&Account, Option<&Error>) -> Result<(String, String)> + Send + 'a;

/// How many times [`enroll`] asks for typed codes before it gives up (the enrollment stays
/// pending).
pub const CODE_ATTEMPTS: usize = 3;

/// Runs every step in order: [`start`], then [`confirm`]. `typed_codes` is asked for two codes
/// when the user keeps the seed on a phone; `None` means Twofold computes them. Wrong or
/// malformed typed codes are asked for again, up to [`CODE_ATTEMPTS`] times; the account stays
/// pending on any failure after the seed was saved.
pub async fn enroll<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: &V,
    req: &EnrollRequest,
    mut typed_codes: Option<&mut AskCodes<'_>>,
    progress: &mut Progress<'_>,
) -> Result<Enrolled> {
    let started = start(api, vault, req, progress).await?;
    let id = started.account.id.clone();
    let Some(ask) = typed_codes.as_mut() else {
        return confirm(api, vault, &id, None, progress).await;
    };
    let mut last_err: Option<Error> = None;
    for attempt in 1..=CODE_ATTEMPTS {
        let (c1, c2) = ask(&started.account, last_err.as_ref())?;
        match confirm(api, vault, &id, Some((&c1, &c2)), progress).await {
            Ok(done) => return Ok(done),
            Err(e) if attempt < CODE_ATTEMPTS && is_wrong_code(&e) => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| Error::NotFound(id.0.clone())))
}

/// Whether `e` means the typed codes were wrong (so asking again makes sense).
pub fn is_wrong_code(e: &Error) -> bool {
    match e {
        Error::BadCode { .. } => true,
        Error::Aws(a) => a.kind == AwsErrorKind::InvalidCode,
        _ => false,
    }
}

/// The vault account holding the seed of `serial` (pending or active) with its link.
fn held(vault: &Vault, serial: &str) -> Option<(Account, AwsLink)> {
    let a = vault.account_for_device(serial)?;
    Some((a.clone(), a.aws.clone()?))
}

/// Resynchronises a drifted device: with two codes from the held seed when the vault holds it,
/// else with two `typed` codes. The user is `user`, else the one the vault recorded for the
/// device, else the caller. Returns the user.
pub async fn resync<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: Option<&V>,
    serial: &str,
    user: Option<&str>,
    typed: Option<(&str, &str)>,
) -> Result<String> {
    let found = match vault {
        Some(v) => v.read(|v| Ok(held(v, serial).map(|h| (h, vault_now(v)))))?,
        None => None,
    };
    let (c1, c2) = match (typed, &found) {
        (Some((a, b)), _) => {
            check_codes(a, b)?;
            (a.to_string(), b.to_string())
        }
        (None, Some(((account, _), now))) => consecutive_codes(&account.otp, *now),
        (None, None) => return Err(Error::SeedNotHeld(serial.to_string())),
    };
    let recorded = found
        .as_ref()
        .map(|((_, l), _)| l.user_name.as_str())
        .filter(|u| !u.is_empty());
    let user = user_or_caller(api, user.or(recorded)).await?;
    api.resync_mfa_device(&user, serial, &c1, &c2).await?;
    Ok(user)
}

/// Deactivates a device (lost phone) and, with `delete`, deletes the virtual device too (IAM
/// refuses to delete an assigned device, so the order matters) and then the vault accounts
/// that held its seed. The user is `user`, else the one the vault recorded, else the caller.
/// Returns the user and how many vault accounts were removed.
pub async fn deactivate<A: IamApi, V: VaultAccess>(
    api: &A,
    vault: Option<&V>,
    serial: &str,
    user: Option<&str>,
    delete: bool,
) -> Result<(String, usize)> {
    let recorded = match vault {
        Some(v) => v.read(|v| Ok(held(v, serial).map(|(_, l)| l.user_name)))?,
        None => None,
    };
    let user = user_or_caller(api, user.or(recorded.as_deref().filter(|u| !u.is_empty()))).await?;
    api.deactivate_mfa_device(&user, serial).await?;
    if !delete {
        return Ok((user, 0));
    }
    api.delete_virtual_mfa_device(serial).await?;
    let forgotten = match vault {
        Some(v) => v.with_vault(|v| forget_device(v, serial))?,
        None => 0,
    };
    Ok((user, forgotten))
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
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use super::*;
    use crate::aws::fake::{FakeIam, ACCOUNT};
    use crate::otp::Secret;

    use crate::vault::temp_vault as vault;

    /// A vault whose `fail_at`-th step fails, as a vault that cannot be written would.
    struct FailingStep {
        vault: Mutex<Vault>,
        fail_at: usize,
        steps: AtomicUsize,
    }

    impl VaultAccess for FailingStep {
        fn with_vault<T>(&self, step: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
            if self.steps.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_at {
                return Err(Error::io(
                    "writing the vault",
                    std::io::Error::other("disk full"),
                ));
            }
            self.vault.with_vault(step)
        }
    }

    fn quiet() -> impl FnMut(Step) + Send {
        |_| {}
    }

    fn request(user: Option<&str>, device: &str) -> EnrollRequest {
        EnrollRequest {
            user: user.map(str::to_string),
            device_name: Some(device.into()),
            profile: Some("work".into()),
        }
    }

    #[tokio::test]
    async fn enroll_saves_the_seed_before_enabling_and_activates_it() {
        let api = FakeIam::with_user("alice");
        let (_dir, v) = vault();
        let mut steps = Vec::new();
        let done = enroll(&api, &v, &request(None, "alice"), None, &mut |s| {
            steps.push(s)
        })
        .await
        .unwrap();
        let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/alice");
        assert_eq!(done.serial, serial);
        assert_eq!(done.profile.as_deref(), Some("work"));
        assert_eq!(api.assigned(&serial).as_deref(), Some("alice"));
        assert_eq!(
            steps,
            [
                Step::Identify,
                Step::Create,
                Step::Persist,
                Step::Enable,
                Step::Verify,
                Step::Done
            ]
        );
        let calls = api.calls();
        let create = calls
            .iter()
            .position(|c| *c == "CreateVirtualMFADevice")
            .unwrap();
        let enable = calls.iter().position(|c| *c == "EnableMFADevice").unwrap();
        assert!(create < enable, "{calls:?}");
        let v = v.lock().unwrap();
        let a = v.find(&done.account.0).unwrap();
        assert_eq!(a.aws.as_ref().unwrap().status, AwsStatus::Active);
        assert_eq!(
            a.otp.code_at(crate::unix_now()),
            api.otp(&serial).code_at(crate::unix_now())
        );
        // EnableMFADevice used the current window: a session must wait for the next one.
        let window = crate::unix_now() / 30;
        assert!(v.data().used_windows[&serial] >= window);
    }

    #[tokio::test]
    async fn a_seed_that_cannot_be_saved_deletes_the_device_again() {
        let api = FakeIam::with_user("alice");
        let (_dir, inner) = vault();
        // Step 1 checks the vault is open; step 2 saves the seed.
        let v = FailingStep {
            vault: inner,
            fail_at: 2,
            steps: AtomicUsize::new(0),
        };
        let e = enroll(&api, &v, &request(None, "alice"), None, &mut quiet())
            .await
            .unwrap_err();
        match &e {
            Error::SeedNotSaved {
                device_deleted,
                serial,
                ..
            } => {
                assert!(device_deleted);
                assert!(serial.ends_with(":mfa/alice"));
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("disk full"), "{e}");
        assert!(api.serials().is_empty(), "no orphan is left");
        assert!(v.vault.lock().unwrap().accounts().is_empty());
    }

    #[tokio::test]
    async fn a_failed_rollback_says_the_device_is_left_unassigned() {
        let api = FakeIam::with_user("alice");
        api.fail_next("DeleteVirtualMFADevice", AwsErrorKind::Throttled);
        let (_dir, inner) = vault();
        let v = FailingStep {
            vault: inner,
            fail_at: 2,
            steps: AtomicUsize::new(0),
        };
        let e = enroll(&api, &v, &request(None, "alice"), None, &mut quiet())
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::SeedNotSaved {
                    device_deleted: false,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("orphaned"), "{e}");
        assert_eq!(api.serials().len(), 1);
    }

    #[tokio::test]
    async fn nothing_is_created_without_an_open_vault() {
        let api = FakeIam::with_user("alice");
        let (_dir, inner) = vault();
        let v = FailingStep {
            vault: inner,
            fail_at: 1,
            steps: AtomicUsize::new(0),
        };
        assert!(
            enroll(&api, &v, &request(None, "alice"), None, &mut quiet())
                .await
                .is_err()
        );
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn root_credentials_must_name_the_user() {
        let api = FakeIam::root();
        let (_dir, v) = vault();
        let e = enroll(&api, &v, &EnrollRequest::default(), None, &mut quiet())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotIamUser { root: true, .. }), "{e:?}");
        assert!(
            !e.to_string().contains("--"),
            "no CLI flag in core's message: {e}"
        );
        assert!(api.serials().is_empty());
    }

    #[tokio::test]
    async fn wrong_typed_codes_are_asked_again_until_right() {
        let api = FakeIam::with_user("bob");
        let (_dir, v) = vault();
        let mut asked = Vec::new();
        let fake = &api;
        let mut ask = |a: &Account, last: Option<&Error>| -> Result<(String, String)> {
            asked.push(last.map(is_wrong_code));
            Ok(match asked.len() {
                1 => ("000000".into(), "111111".into()),
                2 => ("12345".into(), "111111".into()),
                _ => {
                    let (c1, c2, _) = console_codes(
                        &fake.otp(&a.aws.as_ref().unwrap().serial),
                        crate::unix_now(),
                    );
                    (c1, c2)
                }
            })
        };
        let done = enroll(
            &api,
            &v,
            &request(None, "bob"),
            Some(&mut ask),
            &mut quiet(),
        )
        .await
        .unwrap();
        assert_eq!(asked, [None, Some(true), Some(true)]);
        assert_eq!(api.assigned(&done.serial).as_deref(), Some("bob"));
    }

    #[tokio::test]
    async fn after_three_wrong_pairs_the_enrollment_stays_pending() {
        let api = FakeIam::with_user("bob");
        let (_dir, v) = vault();
        let mut ask = |_: &Account, _: Option<&Error>| Ok(("000000".into(), "111111".into()));
        let e = enroll(
            &api,
            &v,
            &request(None, "bob"),
            Some(&mut ask),
            &mut quiet(),
        )
        .await
        .unwrap_err();
        assert!(is_wrong_code(&e), "{e:?}");
        let pending = pending(&v.lock().unwrap());
        assert_eq!(pending.len(), 1);
        assert_eq!(
            api.calls()
                .iter()
                .filter(|c| **c == "EnableMFADevice")
                .count(),
            3
        );
        // And it can be finished later from the held seed.
        let id = pending[0].0.id.clone();
        let done = resume(&api, &v, &id, &mut quiet()).await.unwrap();
        assert_eq!(api.assigned(&done.serial).as_deref(), Some("bob"));
    }

    #[tokio::test]
    async fn resume_after_enable_only_marks_the_account_active() {
        let api = FakeIam::with_user("carol");
        let (_dir, v) = vault();
        let started = start(&api, &v, &request(None, "carol"), &mut quiet())
            .await
            .unwrap();
        // Twofold died right after EnableMFADevice succeeded.
        api.assign(&started.link.serial, "carol");
        let done = resume(&api, &v, &started.account.id, &mut quiet())
            .await
            .unwrap();
        assert_eq!(done.serial, started.link.serial);
        assert!(!api.calls().contains(&"EnableMFADevice"));
        assert!(pending(&v.lock().unwrap()).is_empty());
        // Confirming an active account again changes nothing and calls nothing.
        let before = api.calls().len();
        confirm(&api, &v, &started.account.id, None, &mut quiet())
            .await
            .unwrap();
        assert_eq!(api.calls().len(), before);
    }

    #[tokio::test]
    async fn abort_deletes_the_device_then_the_account() {
        let api = FakeIam::with_user("dave");
        let (_dir, v) = vault();
        let started = start(&api, &v, &request(None, "dave"), &mut quiet())
            .await
            .unwrap();
        api.fail_next("DeleteVirtualMFADevice", AwsErrorKind::AccessDenied);
        let e = abort(&api, &v, &started.account.id).await.unwrap_err();
        assert!(
            matches!(e, Error::Aws(ref a) if a.kind == AwsErrorKind::AccessDenied),
            "{e:?}"
        );
        assert_eq!(
            pending(&v.lock().unwrap()).len(),
            1,
            "the seed is kept when AWS refuses"
        );
        abort(&api, &v, &started.account.id).await.unwrap();
        assert!(api.serials().is_empty());
        assert!(v.lock().unwrap().accounts().is_empty());
    }

    #[tokio::test]
    async fn an_enabled_device_is_not_aborted() {
        let api = FakeIam::with_user("erin");
        let (_dir, v) = vault();
        let done = enroll(&api, &v, &request(None, "erin"), None, &mut quiet())
            .await
            .unwrap();
        let e = abort(&api, &v, &done.account).await.unwrap_err();
        assert!(matches!(e, Error::DeviceEnabled { .. }), "{e:?}");
        assert_eq!(api.assigned(&done.serial).as_deref(), Some("erin"));
        assert_eq!(v.lock().unwrap().accounts().len(), 1);
    }

    #[tokio::test]
    async fn deactivate_and_delete_forgets_the_seed_and_resync_uses_it() {
        let api = FakeIam::with_user("frank");
        let (_dir, v) = vault();
        let done = enroll(&api, &v, &request(None, "frank"), None, &mut quiet())
            .await
            .unwrap();
        // No typed codes and no user: the held seed and the recorded user are used.
        let e = resync(&api, Some(&v), &done.serial, None, None)
            .await
            .unwrap_err();
        // Enable just used the current window pair, which IAM refuses to see again.
        assert!(is_wrong_code(&e), "{e:?}");
        let no_vault: Option<&Mutex<Vault>> = None;
        assert!(matches!(
            resync(&api, no_vault, &done.serial, None, None)
                .await
                .unwrap_err(),
            Error::SeedNotHeld(_)
        ));
        let (user, forgotten) = deactivate(&api, Some(&v), &done.serial, None, true)
            .await
            .unwrap();
        assert_eq!((user.as_str(), forgotten), ("frank", 1));
        assert!(api.serials().is_empty());
        assert!(v.lock().unwrap().accounts().is_empty());
    }

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

    // See: issue 16: the window's end overflowed for a time near u64::MAX.
    #[test]
    fn issue16_console_codes_at_the_end_of_time_do_not_overflow() {
        let otp =
            Otp::totp(Secret::from_base32_lenient("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap());
        let (now, next, left) = console_codes(&otp, u64::MAX);
        assert_eq!((now.len(), next.len()), (6, 6));
        assert_eq!(left, 0);
        let (_, _, left) = console_codes(&otp, u64::MAX - 40);
        assert!(left <= 30, "{left}");
    }
}
