//! A scripted fake of [`IamApi`] for core's unit tests: an account with IAM users and
//! virtual devices in memory, codes checked the way IAM checks them (two consecutive windows
//! within one window of now for EnableMFADevice and ResyncMFADevice, one fresh window for STS),
//! and failures a test queues per operation. The end-to-end suites run the same flows against
//! the moto-based emulator; this fake makes retries, rollback, resume, abort and the
//! code-window wait fast to test.
//!
//! `fake/admin.rs` extends it to [`super::admin::AdminApi`]: console passwords, access keys,
//! groups, managed policies, the root user's MFA and the credential report.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::sync::Mutex;

use super::client::{CreatedDevice, IamApi, Identity, MfaDevice, RoleRequest, SessionCredentials};
use super::error::{AwsError, AwsErrorKind};
use crate::otp::{Otp, Secret};

mod admin;

/// The fake account's id.
pub const ACCOUNT: &str = "123456789012";

#[derive(Debug, Default)]
struct Device {
    seed: Vec<u8>,
    user: Option<String>,
    last_window: Option<u64>,
}

/// The fake's clock, Unix seconds.
pub type Clock = std::sync::Arc<dyn Fn() -> u64 + Send + Sync>;

#[derive(Default)]
struct State {
    clock: Option<Clock>,
    caller: String,
    users: Vec<String>,
    devices: BTreeMap<String, Device>,
    failures: HashMap<&'static str, VecDeque<AwsErrorKind>>,
    calls: Vec<&'static str>,
    admin: admin::AdminState,
    /// CloudTrail's ConsoleLogin records: (region, CloudTrailEvent JSON).
    trail: Vec<(String, String)>,
}

/// The fake; see the module doc.
#[derive(Default)]
pub struct FakeIam {
    state: Mutex<State>,
}

fn err(op: &'static str, kind: AwsErrorKind, message: &str) -> AwsError {
    AwsError {
        op,
        kind,
        code: format!("{kind:?}"),
        message: message.into(),
        resource: None,
        skew_secs: None,
    }
}

impl FakeIam {
    /// An account whose caller is IAM user `caller`.
    pub fn with_user(caller: &str) -> Self {
        let fake = FakeIam::default();
        {
            let mut s = fake.lock();
            s.caller = format!("arn:aws:iam::{ACCOUNT}:user/{caller}");
            s.users.push(caller.into());
        }
        fake
    }

    /// The account's root user as the caller.
    pub fn root() -> Self {
        let fake = FakeIam::default();
        fake.lock().caller = format!("arn:aws:iam::{ACCOUNT}:root");
        fake
    }

    /// Checks codes against `clock` instead of the system clock.
    pub fn set_clock(&self, clock: Clock) {
        self.lock().clock = Some(clock);
    }

    fn now_window(s: &State) -> u64 {
        s.clock.as_ref().map_or_else(crate::unix_now, |c| c()) / 30
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the next call of `op` (an IAM/STS action name) fail with `kind`.
    pub fn fail_next(&self, op: &'static str, kind: AwsErrorKind) {
        self.lock().failures.entry(op).or_default().push_back(kind);
    }

    /// The actions called so far, in order.
    pub fn calls(&self) -> Vec<&'static str> {
        self.lock().calls.clone()
    }

    /// The serials of the virtual devices that exist.
    pub fn serials(&self) -> Vec<String> {
        self.lock().devices.keys().cloned().collect()
    }

    /// The user a device is enabled for, if any.
    pub fn assigned(&self, serial: &str) -> Option<String> {
        self.lock().devices.get(serial).and_then(|d| d.user.clone())
    }

    /// The OTP of a device (what a phone that scanned it computes).
    pub fn otp(&self, serial: &str) -> Otp {
        let seed = self.lock().devices[serial].seed.clone();
        Otp::totp(Secret::from_bytes(seed).expect("a 20-byte seed"))
    }

    /// Enables a device as if EnableMFADevice had succeeded earlier.
    pub fn assign(&self, serial: &str, user: &str) {
        if let Some(d) = self.lock().devices.get_mut(serial) {
            d.user = Some(user.into());
        }
    }

    /// Records the call; returns the queued failure, if any.
    fn enter(&self, op: &'static str) -> Result<(), AwsError> {
        let mut s = self.lock();
        s.calls.push(op);
        match s.failures.get_mut(op).and_then(VecDeque::pop_front) {
            Some(kind) => Err(err(op, kind, "scripted failure")),
            None => Ok(()),
        }
    }

    fn check_pair(
        &self,
        op: &'static str,
        serial: &str,
        c1: &str,
        c2: &str,
    ) -> Result<(), AwsError> {
        let mut s = self.lock();
        let now = FakeIam::now_window(&s);
        let d = s
            .devices
            .get_mut(serial)
            .ok_or_else(|| err(op, AwsErrorKind::NotFound, "no such device"))?;
        let otp = Otp::totp(Secret::from_bytes(d.seed.clone()).expect("a seed"));
        let ok = (now.saturating_sub(1)..=now + 1).find(|&w| {
            d.last_window.is_none_or(|l| w > l)
                && otp.code_for_counter(w) == c1
                && otp.code_for_counter(w + 1) == c2
        });
        match ok {
            Some(w) => {
                d.last_window = Some(w + 1);
                Ok(())
            }
            None => Err(err(
                op,
                AwsErrorKind::InvalidCode,
                "authentication code not valid",
            )),
        }
    }

    fn check_single(&self, op: &'static str, serial: &str, code: &str) -> Result<(), AwsError> {
        let mut s = self.lock();
        let now = FakeIam::now_window(&s);
        let d = s.devices.get_mut(serial).ok_or_else(|| {
            err(
                op,
                AwsErrorKind::AccessDenied,
                "MultiFactorAuthentication failed",
            )
        })?;
        let otp = Otp::totp(Secret::from_bytes(d.seed.clone()).expect("a seed"));
        let ok = (now.saturating_sub(1)..=now + 1)
            .find(|&w| d.last_window.is_none_or(|l| w > l) && otp.code_for_counter(w) == code);
        match ok {
            Some(w) => {
                d.last_window = Some(w);
                Ok(())
            }
            None => Err(err(
                op,
                AwsErrorKind::AccessDenied,
                "MultiFactorAuthentication failed with invalid MFA one time pass code",
            )),
        }
    }

    fn credentials() -> SessionCredentials {
        SessionCredentials {
            access_key_id: "ASIAFAKEFAKEFAKE".into(),
            secret_access_key: zeroize::Zeroizing::new("secret".into()),
            session_token: zeroize::Zeroizing::new("token".into()),
            expiration: crate::unix_now() as i64 + 3600,
        }
    }
}

impl IamApi for FakeIam {
    fn caller_identity(&self) -> impl Future<Output = Result<Identity, AwsError>> + Send {
        let r = self.enter("GetCallerIdentity").map(|()| Identity {
            account: ACCOUNT.into(),
            arn: self.lock().caller.clone(),
            user_id: "AIDAFAKE".into(),
        });
        async move { r }
    }

    fn get_user(
        &self,
        user: Option<&str>,
    ) -> impl Future<Output = Result<(String, String), AwsError>> + Send {
        let r = self.enter("GetUser").and_then(|()| {
            let s = self.lock();
            let name = match user {
                Some(u) => u.to_string(),
                None => s.caller.rsplit('/').next().unwrap_or_default().to_string(),
            };
            if s.users.contains(&name) {
                Ok((name.clone(), format!("arn:aws:iam::{ACCOUNT}:user/{name}")))
            } else {
                Err(err("GetUser", AwsErrorKind::NotFound, "no such user"))
            }
        });
        async move { r }
    }

    fn list_mfa_devices(
        &self,
        user: &str,
    ) -> impl Future<Output = Result<Vec<MfaDevice>, AwsError>> + Send {
        let r = self.enter("ListMFADevices").map(|()| {
            self.lock()
                .devices
                .iter()
                .filter(|(_, d)| d.user.as_deref() == Some(user))
                .map(|(serial, _)| MfaDevice {
                    serial: serial.clone(),
                    user: Some(user.to_string()),
                    enabled_at: Some(0),
                    kind: super::client::DeviceKind::of(serial),
                })
                .collect()
        });
        async move { r }
    }

    fn list_unassigned_virtual_devices(
        &self,
    ) -> impl Future<Output = Result<Vec<MfaDevice>, AwsError>> + Send {
        let r = self.enter("ListVirtualMFADevices").map(|()| {
            self.lock()
                .devices
                .iter()
                .filter(|(_, d)| d.user.is_none())
                .map(|(serial, _)| MfaDevice {
                    serial: serial.clone(),
                    user: None,
                    enabled_at: None,
                    kind: super::client::DeviceKind::Virtual,
                })
                .collect()
        });
        async move { r }
    }

    fn create_virtual_mfa_device(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<CreatedDevice, AwsError>> + Send {
        let r = self.enter("CreateVirtualMFADevice").and_then(|()| {
            let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/{name}");
            let mut s = self.lock();
            if s.devices.contains_key(&serial) {
                return Err(err(
                    "CreateVirtualMFADevice",
                    AwsErrorKind::AlreadyExists,
                    "exists",
                ));
            }
            let seed: Vec<u8> = (0..20u8)
                .map(|i| i.wrapping_mul(37).wrapping_add(name.len() as u8))
                .collect();
            s.devices.insert(
                serial.clone(),
                Device {
                    seed: seed.clone(),
                    ..Device::default()
                },
            );
            Ok(CreatedDevice {
                serial,
                seed: Secret::from_bytes(seed).expect("a seed"),
            })
        });
        async move { r }
    }

    fn enable_mfa_device(
        &self,
        user: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self
            .enter("EnableMFADevice")
            .and_then(|()| self.check_pair("EnableMFADevice", serial, code1, code2))
            .map(|()| self.assign(serial, user));
        async move { r }
    }

    fn resync_mfa_device(
        &self,
        _user: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self
            .enter("ResyncMFADevice")
            .and_then(|()| self.check_pair("ResyncMFADevice", serial, code1, code2));
        async move { r }
    }

    fn deactivate_mfa_device(
        &self,
        user: &str,
        serial: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self.enter("DeactivateMFADevice").and_then(|()| {
            let mut s = self.lock();
            match s.devices.get_mut(serial) {
                Some(d) if d.user.as_deref() == Some(user) => {
                    d.user = None;
                    Ok(())
                }
                _ => Err(err(
                    "DeactivateMFADevice",
                    AwsErrorKind::NotFound,
                    "not assigned",
                )),
            }
        });
        async move { r }
    }

    fn delete_virtual_mfa_device(
        &self,
        serial: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self.enter("DeleteVirtualMFADevice").and_then(|()| {
            let mut s = self.lock();
            match s.devices.get(serial) {
                None => Err(err(
                    "DeleteVirtualMFADevice",
                    AwsErrorKind::NotFound,
                    "no such device",
                )),
                Some(d) if d.user.is_some() => Err(err(
                    "DeleteVirtualMFADevice",
                    AwsErrorKind::DeleteConflict,
                    "assigned",
                )),
                Some(_) => {
                    s.devices.remove(serial);
                    Ok(())
                }
            }
        });
        async move { r }
    }

    fn get_session_token(
        &self,
        serial: &str,
        code: &str,
        _duration_secs: Option<i32>,
    ) -> impl Future<Output = Result<SessionCredentials, AwsError>> + Send {
        let r = self
            .enter("GetSessionToken")
            .and_then(|()| self.check_single("GetSessionToken", serial, code))
            .map(|()| FakeIam::credentials());
        async move { r }
    }

    fn assume_role(
        &self,
        _role: &RoleRequest,
        serial: &str,
        code: &str,
    ) -> impl Future<Output = Result<SessionCredentials, AwsError>> + Send {
        let r = self
            .enter("AssumeRole")
            .and_then(|()| self.check_single("AssumeRole", serial, code))
            .map(|()| FakeIam::credentials());
        async move { r }
    }

    fn clock_skew(&self) -> Option<i64> {
        None
    }
}

impl FakeIam {
    /// Records a `ConsoleLogin` event (its CloudTrailEvent JSON) in `region`.
    pub fn add_console_login(&self, region: &str, json: &str) {
        self.lock().trail.push((region.into(), json.into()));
    }
}

impl super::signins::SignInApi for FakeIam {
    fn console_logins(
        &self,
        region: &str,
        _start: i64,
        _end: i64,
    ) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send {
        let r = self.enter("LookupEvents").map(|()| {
            self.lock()
                .trail
                .iter()
                .filter(|(r, _)| r == region)
                .map(|(_, e)| e.clone())
                .collect()
        });
        async move { r }
    }
}
