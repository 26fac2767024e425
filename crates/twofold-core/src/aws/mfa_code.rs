//! The MFA code of an AWS device, for the tools people already use for sessions: aws-vault's
//! `mfa_process`, granted, awsume, scripts.
//!
//! The device is named by its serial (the ARN of a virtual device) or by a profile's
//! `mfa_serial`; the code comes from the active vault account linked to it. Such a tool sends
//! the code to AWS at once, and AWS refuses a code of a window it has already seen, so the
//! window is recorded as used, and a window already used (by `twofold aws session`, an
//! enrollment or an earlier call) is waited out: the code printed is always one AWS will take.

use super::profiles;
use super::sessions::{account_for_serial, fresh_code, SessionProgress};
use crate::vault::VaultAccess;
use crate::{Error, Result};

/// Which device.
#[derive(Debug, Clone)]
pub enum Device {
    /// Its serial number.
    Serial(String),
    /// The `mfa_serial` of this profile.
    Profile(String),
}

impl Device {
    /// The serial number.
    pub fn serial(&self) -> Result<String> {
        match self {
            Device::Serial(s) => Ok(s.clone()),
            Device::Profile(p) => profiles::find_profile(p)?
                .mfa_serial
                .ok_or_else(|| Error::NoMfaSerial { profile: p.clone() }),
        }
    }
}

/// A fresh code of `serial`'s device (see the module doc); `progress` hears of a wait.
pub async fn mfa_code<V: VaultAccess>(
    vault: &V,
    serial: &str,
    progress: &mut SessionProgress<'_>,
) -> Result<zeroize::Zeroizing<String>> {
    mfa_code_at(vault, serial, progress, &crate::unix_now).await
}

async fn mfa_code_at<V: VaultAccess>(
    vault: &V,
    serial: &str,
    progress: &mut SessionProgress<'_>,
    now: &(dyn Fn() -> u64 + Sync),
) -> Result<zeroize::Zeroizing<String>> {
    let account = vault.read(|v| {
        account_for_serial(v, serial)
            .cloned()
            .ok_or_else(|| Error::NoAccountForSerial(serial.to_string()))
    })?;
    fresh_code(vault, &account, serial, progress, now).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::enroll::{self, EnrollRequest};
    use crate::aws::fake::FakeIam;
    use crate::aws::sessions::SessionStep;
    use crate::vault::{temp_vault, AwsStatus};

    #[tokio::test(start_paused = true)]
    async fn a_code_is_given_once_per_window_and_a_used_window_is_waited_out() {
        let api = FakeIam::with_user("alice");
        let (_dir, v) = temp_vault();
        let done = enroll::enroll(&api, &v, &EnrollRequest::default(), None, &mut |_| {})
            .await
            .unwrap();
        let otp = api.otp(&done.serial);
        // An hour on, 5 s into a window: the enrollment's windows are long past.
        let t0 = (crate::unix_now() / 30 + 120) * 30 + 5;
        let start = tokio::time::Instant::now();
        let now = move || t0 + start.elapsed().as_secs();
        let mut steps = Vec::new();
        let first = mfa_code_at(&v, &done.serial, &mut |s| steps.push(s), &now)
            .await
            .unwrap();
        assert_eq!(*first, otp.code_for_counter(t0 / 30));
        assert!(steps.is_empty(), "{steps:?}");
        let second = mfa_code_at(&v, &done.serial, &mut |s| steps.push(s), &now)
            .await
            .unwrap();
        assert_eq!(
            *second,
            otp.code_for_counter(t0 / 30 + 1),
            "the next window's code, never the same window twice"
        );
        assert_eq!(steps, [SessionStep::Waiting { secs: 25 }]);
        assert!(start.elapsed().as_secs() >= 25);
    }

    #[tokio::test]
    async fn no_code_for_a_device_the_vault_does_not_hold_or_has_not_finished_enrolling() {
        let api = FakeIam::with_user("alice");
        let (_dir, v) = temp_vault();
        let done = enroll::enroll(&api, &v, &EnrollRequest::default(), None, &mut |_| {})
            .await
            .unwrap();
        let other = "arn:aws:iam::123456789012:mfa/bob";
        let e = mfa_code(&v, other, &mut |_| {}).await.unwrap_err();
        assert!(
            matches!(&e, Error::NoAccountForSerial(s) if s == other),
            "{e}"
        );
        v.lock()
            .unwrap()
            .update(|d| {
                for a in &mut d.accounts {
                    if let Some(link) = a.aws.as_mut() {
                        link.status = AwsStatus::Pending;
                    }
                }
                Ok(())
            })
            .unwrap();
        let e = mfa_code(&v, &done.serial, &mut |_| {}).await.unwrap_err();
        assert!(matches!(e, Error::NoAccountForSerial(_)), "{e}");
    }
}
