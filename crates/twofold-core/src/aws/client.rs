//! The IAM and STS calls Twofold makes, behind a small trait, and their aws-sdk implementation.
//!
//! [`IamApi`] is what the enrollment and lifecycle logic call; [`AwsClient`] implements it on
//! `aws-sdk-iam` + `aws-sdk-sts` with credentials and region from the standard AWS chain
//! (environment, profiles, SSO, credential_process) and endpoints from `--endpoint-url` or the
//! `AWS_ENDPOINT_URL*` variables. Every response's `Date` header is read to measure the clock
//! skew, because TOTP codes fail silently when the clock is off.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use zeroize::Zeroizing;

use super::error::{AwsError, AwsErrorKind};
use crate::otp::Secret;

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The 12-digit account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
    /// The unique id.
    pub user_id: String,
}

impl Identity {
    /// The IAM user name when the caller is an IAM user (not root, not an assumed role).
    pub fn user_name(&self) -> Option<String> {
        let (_, resource) = self.arn.split_once(":user/")?;
        resource.rsplit('/').next().map(str::to_string)
    }

    /// Whether the caller is the account's root user.
    pub fn is_root(&self) -> bool {
        self.arn.ends_with(":root")
    }
}

/// What kind of MFA device a serial number names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceKind {
    /// A virtual (TOTP app) device: `arn:aws:iam::ACCOUNT:mfa/NAME`.
    Virtual,
    /// A FIDO security key: `arn:aws:iam::ACCOUNT:u2f/...`.
    SecurityKey,
    /// A hardware TOTP token: a plain serial number.
    Hardware,
}

impl DeviceKind {
    /// Classifies a serial number.
    pub fn of(serial: &str) -> Self {
        if serial.contains(":mfa/") {
            DeviceKind::Virtual
        } else if serial.contains(":u2f/") {
            DeviceKind::SecurityKey
        } else {
            DeviceKind::Hardware
        }
    }
}

/// An MFA device as IAM lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaDevice {
    /// The serial number (an ARN for virtual devices and keys).
    pub serial: String,
    /// The user it is assigned to, if any.
    pub user: Option<String>,
    /// When it was enabled (Unix seconds), if assigned.
    pub enabled_at: Option<i64>,
    /// Virtual, security key or hardware.
    pub kind: DeviceKind,
}

/// A freshly created virtual device: its serial and its seed. The seed exists only here.
#[derive(Debug)]
pub struct CreatedDevice {
    /// The serial (ARN).
    pub serial: String,
    /// The TOTP seed.
    pub seed: Secret,
}

/// Temporary credentials from STS.
#[derive(Clone)]
pub struct SessionCredentials {
    /// Access key id (`ASIA...`).
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// Session token.
    pub session_token: Zeroizing<String>,
    /// Expiry, Unix seconds.
    pub expiration: i64,
}

impl std::fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("access_key_id", &mask_key(&self.access_key_id))
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}

/// Clock skew (seconds, either way) past which AWS starts refusing TOTP codes.
pub const SKEW_LIMIT_SECS: i64 = 15;

/// The measured skew when it is past [`SKEW_LIMIT_SECS`]: codes fail until the clock is fixed
/// (or the vault's clock offset makes up for it).
pub fn clock_off(skew: Option<i64>) -> Option<i64> {
    skew.filter(|s| s.abs() > SKEW_LIMIT_SECS)
}

/// An access key id as logs may show it: `AKIA****WXYZ`.
pub fn mask_key(id: &str) -> String {
    if id.len() <= 8 {
        return "****".into();
    }
    format!("{}****{}", &id[..4], &id[id.len() - 4..])
}

/// The AWS calls behind enrollment and the device lifecycle. Implemented by [`AwsClient`]
/// and, in unit tests, by a recording fake.
pub trait IamApi: Send + Sync {
    /// STS GetCallerIdentity.
    fn caller_identity(&self) -> impl Future<Output = Result<Identity, AwsError>> + Send;
    /// IAM GetUser; `None` means the caller. Returns (name, ARN).
    fn get_user(
        &self,
        user: Option<&str>,
    ) -> impl Future<Output = Result<(String, String), AwsError>> + Send;
    /// IAM ListMFADevices for a user.
    fn list_mfa_devices(
        &self,
        user: &str,
    ) -> impl Future<Output = Result<Vec<MfaDevice>, AwsError>> + Send;
    /// IAM ListVirtualMFADevices with AssignmentStatus=Unassigned.
    fn list_unassigned_virtual_devices(
        &self,
    ) -> impl Future<Output = Result<Vec<MfaDevice>, AwsError>> + Send;
    /// IAM CreateVirtualMFADevice.
    fn create_virtual_mfa_device(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<CreatedDevice, AwsError>> + Send;
    /// IAM EnableMFADevice with two consecutive codes.
    fn enable_mfa_device(
        &self,
        user: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// IAM ResyncMFADevice with two consecutive codes.
    fn resync_mfa_device(
        &self,
        user: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// IAM DeactivateMFADevice.
    fn deactivate_mfa_device(
        &self,
        user: &str,
        serial: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// IAM DeleteVirtualMFADevice.
    fn delete_virtual_mfa_device(
        &self,
        serial: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// STS GetSessionToken with an MFA code.
    fn get_session_token(
        &self,
        serial: &str,
        code: &str,
        duration_secs: Option<i32>,
    ) -> impl Future<Output = Result<SessionCredentials, AwsError>> + Send;
    /// STS AssumeRole with an MFA code.
    fn assume_role(
        &self,
        role: &RoleRequest,
        serial: &str,
        code: &str,
    ) -> impl Future<Output = Result<SessionCredentials, AwsError>> + Send;
    /// The last measured clock skew (server minus local, seconds).
    fn clock_skew(&self) -> Option<i64>;
}

/// What to assume.
#[derive(Debug, Clone, Default)]
pub struct RoleRequest {
    /// `role_arn`.
    pub role_arn: String,
    /// `role_session_name` (default: `twofold-<unix time>`).
    pub session_name: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `duration_seconds`.
    pub duration_secs: Option<i32>,
}

/// Where the credentials and endpoint come from.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// A profile of `~/.aws/config` / `~/.aws/credentials` (else the default chain).
    pub profile: Option<String>,
    /// The region (IAM is global; this is for signing and STS). Default: the chain's, else us-east-1.
    pub region: Option<String>,
    /// Send IAM and STS calls here instead of AWS (also `AWS_ENDPOINT_URL*`).
    pub endpoint_url: Option<String>,
    /// Keys pasted by the user, used instead of the chain.
    pub static_keys: Option<StaticKeys>,
}

/// Access keys typed or pasted by the user.
#[derive(Clone)]
pub struct StaticKeys {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// Session token, for temporary keys.
    pub session_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StaticKeys({})", mask_key(&self.access_key_id))
    }
}

/// Reads the `Date` header of each response into a shared skew value, and counts responses.
#[derive(Debug, Clone, Default)]
struct ClockProbe(Arc<Mutex<Option<i64>>>, Arc<std::sync::atomic::AtomicU32>);

impl Intercept for ClockProbe {
    fn name(&self) -> &'static str {
        "TwofoldClockProbe"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(date) = context.response().headers().get("date") {
            if let Ok(server) = aws_smithy_types::DateTime::from_str(
                date,
                aws_smithy_types::date_time::Format::HttpDate,
            ) {
                let local = crate::unix_now() as i64;
                *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(server.secs() - local);
            }
        }
        Ok(())
    }
}

/// IAM + STS clients on the AWS SDK.
#[derive(Debug, Clone)]
pub struct AwsClient {
    iam: aws_sdk_iam::Client,
    sts: aws_sdk_sts::Client,
    probe: ClockProbe,
    endpoint: Option<String>,
}

impl AwsClient {
    /// Loads credentials and region from the standard chain (or `opts`) and builds the clients.
    pub async fn connect(opts: &ConnectOptions) -> AwsClient {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(5))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_timeout(Duration::from_secs(60))
                    .build(),
            );
        if let Some(p) = &opts.profile {
            // A named profile wins over AWS_ACCESS_KEY_ID and friends, as `aws --profile` does;
            // the default chain would let environment keys sign instead.
            loader = loader.profile_name(p).credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(p)
                    .build(),
            );
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(k) = &opts.static_keys {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                k.access_key_id.clone(),
                k.secret_access_key.as_str(),
                k.session_token.as_ref().map(|t| t.as_str().to_string()),
                None,
                "twofold-pasted-keys",
            ));
        }
        let region = opts.region.clone();
        loader = loader.region(
            aws_config::meta::region::RegionProviderChain::first_try(region.map(Region::new))
                .or_default_provider()
                .or_else(Region::from_static("us-east-1")),
        );
        let conf = loader.load().await;
        let probe = ClockProbe::default();
        let iam = aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&conf)
                .interceptor(probe.clone())
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&conf)
                .interceptor(probe.clone())
                .build(),
        );
        let endpoint = opts
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_IAM").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
        AwsClient {
            iam,
            sts,
            probe,
            endpoint,
        }
    }

    /// HTTP requests answered so far (retries included).
    pub fn calls(&self) -> u32 {
        self.probe.1.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The IAM client, for the admin operations in [`super::admin`].
    pub(crate) fn iam(&self) -> &aws_sdk_iam::Client {
        &self.iam
    }

    pub(crate) fn fail<E>(
        &self,
        op: &'static str,
        resource: Option<String>,
        e: SdkError<E, HttpResponse>,
    ) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let skew = self.clock_skew();
        let (kind, code, message) = match &e {
            SdkError::ServiceError(s) if s.err().code().is_some() => {
                let err = s.err();
                let code = err.code().unwrap_or_default().to_string();
                let message = err.message().unwrap_or_default().to_string();
                // STS reports a wrong MFA code as a plain AccessDenied.
                let kind = if message.contains("MultiFactorAuthentication failed") {
                    AwsErrorKind::InvalidCode
                } else {
                    AwsError::kind_of(&code)
                };
                (kind, code, message)
            }
            SdkError::TimeoutError(_) => (AwsErrorKind::Network, String::new(), "timed out".into()),
            SdkError::DispatchFailure(d) => {
                // The SDK's chain of causes is for the log; the user reads one sentence.
                let detail = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
                tracing::warn!(op, detail = %crate::logging::redact(&detail), "AWS call not sent");
                if detail.contains("credential") || detail.contains("no providers in chain") {
                    (AwsErrorKind::NoCredentials, String::new(), String::new())
                } else if d.is_io() || d.is_timeout() {
                    let at = self
                        .endpoint
                        .as_deref()
                        .map(|u| format!(" to {u}"))
                        .unwrap_or_default();
                    (
                        AwsErrorKind::Network,
                        String::new(),
                        format!("the connection{at} failed"),
                    )
                } else {
                    (AwsErrorKind::Other, String::new(), String::new())
                }
            }
            _ => {
                let detail = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
                tracing::warn!(op, detail = %crate::logging::redact(&detail), "AWS call failed");
                let kind = if detail.contains("credential") {
                    AwsErrorKind::NoCredentials
                } else {
                    AwsErrorKind::Other
                };
                (kind, String::new(), String::new())
            }
        };
        AwsError {
            op,
            kind,
            code,
            message,
            resource,
            skew_secs: skew,
        }
    }
}

/// STS credentials out of a GetSessionToken or AssumeRole response.
fn session_credentials(
    op: &'static str,
    c: Option<&aws_sdk_sts::types::Credentials>,
) -> Result<SessionCredentials, AwsError> {
    let c = c.ok_or_else(|| AwsError {
        op,
        kind: AwsErrorKind::Other,
        code: String::new(),
        message: "the response has no credentials".into(),
        resource: None,
        skew_secs: None,
    })?;
    Ok(SessionCredentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Zeroizing::new(c.secret_access_key().to_string()),
        session_token: Zeroizing::new(c.session_token().to_string()),
        expiration: c.expiration().secs(),
    })
}

fn to_unix(d: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    d.map(|d| d.secs())
}

impl IamApi for AwsClient {
    async fn caller_identity(&self) -> Result<Identity, AwsError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| self.fail("GetCallerIdentity", None, e))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        })
    }

    async fn get_user(&self, user: Option<&str>) -> Result<(String, String), AwsError> {
        let out = self
            .iam
            .get_user()
            .set_user_name(user.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.fail("GetUser", user.map(str::to_string), e))?;
        let u = out.user();
        Ok(u.map(|u| (u.user_name().to_string(), u.arn().to_string()))
            .unwrap_or_default())
    }

    async fn list_mfa_devices(&self, user: &str) -> Result<Vec<MfaDevice>, AwsError> {
        let mut devices = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .iam
                .list_mfa_devices()
                .user_name(user)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| self.fail("ListMFADevices", Some(user.to_string()), e))?;
            devices.extend(out.mfa_devices().iter().map(|d| MfaDevice {
                serial: d.serial_number().to_string(),
                user: Some(d.user_name().to_string()),
                enabled_at: Some(d.enable_date().secs()),
                kind: DeviceKind::of(d.serial_number()),
            }));
            match (out.is_truncated(), out.marker()) {
                (true, Some(m)) => marker = Some(m.to_string()),
                _ => return Ok(devices),
            }
        }
    }

    async fn list_unassigned_virtual_devices(&self) -> Result<Vec<MfaDevice>, AwsError> {
        let mut devices = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .iam
                .list_virtual_mfa_devices()
                .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Unassigned)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| self.fail("ListVirtualMFADevices", None, e))?;
            devices.extend(out.virtual_mfa_devices().iter().map(|d| MfaDevice {
                serial: d.serial_number().to_string(),
                user: d.user().map(|u| u.user_name().to_string()),
                enabled_at: to_unix(d.enable_date()),
                kind: DeviceKind::Virtual,
            }));
            match (out.is_truncated(), out.marker()) {
                (true, Some(m)) => marker = Some(m.to_string()),
                _ => return Ok(devices),
            }
        }
    }

    async fn create_virtual_mfa_device(&self, name: &str) -> Result<CreatedDevice, AwsError> {
        let resource = Some(format!("mfa/{name}"));
        let out = self
            .iam
            .create_virtual_mfa_device()
            .virtual_mfa_device_name(name)
            .send()
            .await
            .map_err(|e| self.fail("CreateVirtualMFADevice", resource.clone(), e))?;
        let invalid = |m: &str| AwsError {
            op: "CreateVirtualMFADevice",
            kind: AwsErrorKind::Other,
            code: String::new(),
            message: m.into(),
            resource: resource.clone(),
            skew_secs: None,
        };
        let dev = out
            .virtual_mfa_device()
            .ok_or_else(|| invalid("the response has no device"))?;
        // The SDK base64-decodes the blob; what remains is the base32 text of the seed.
        let seed_b32 = dev
            .base32_string_seed()
            .ok_or_else(|| invalid("the response has no seed"))?;
        let seed_text = Zeroizing::new(String::from_utf8_lossy(seed_b32.as_ref()).into_owned());
        let seed = Secret::from_base32_lenient(&seed_text)
            .map_err(|e| invalid(&format!("the seed is not usable: {e}")))?;
        Ok(CreatedDevice {
            serial: dev.serial_number().to_string(),
            seed,
        })
    }

    async fn enable_mfa_device(
        &self,
        user: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> Result<(), AwsError> {
        self.iam
            .enable_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .authentication_code1(code1)
            .authentication_code2(code2)
            .send()
            .await
            .map_err(|e| self.fail("EnableMFADevice", Some(serial.to_string()), e))?;
        Ok(())
    }

    async fn resync_mfa_device(
        &self,
        user: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> Result<(), AwsError> {
        self.iam
            .resync_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .authentication_code1(code1)
            .authentication_code2(code2)
            .send()
            .await
            .map_err(|e| self.fail("ResyncMFADevice", Some(serial.to_string()), e))?;
        Ok(())
    }

    async fn deactivate_mfa_device(&self, user: &str, serial: &str) -> Result<(), AwsError> {
        self.iam
            .deactivate_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .send()
            .await
            .map_err(|e| self.fail("DeactivateMFADevice", Some(serial.to_string()), e))?;
        Ok(())
    }

    async fn delete_virtual_mfa_device(&self, serial: &str) -> Result<(), AwsError> {
        self.iam
            .delete_virtual_mfa_device()
            .serial_number(serial)
            .send()
            .await
            .map_err(|e| self.fail("DeleteVirtualMFADevice", Some(serial.to_string()), e))?;
        Ok(())
    }

    async fn get_session_token(
        &self,
        serial: &str,
        code: &str,
        duration_secs: Option<i32>,
    ) -> Result<SessionCredentials, AwsError> {
        let out = self
            .sts
            .get_session_token()
            .serial_number(serial)
            .token_code(code)
            .set_duration_seconds(duration_secs)
            .send()
            .await
            .map_err(|e| self.fail("GetSessionToken", Some(serial.to_string()), e))?;
        session_credentials("GetSessionToken", out.credentials())
    }

    async fn assume_role(
        &self,
        role: &RoleRequest,
        serial: &str,
        code: &str,
    ) -> Result<SessionCredentials, AwsError> {
        let name = role
            .session_name
            .clone()
            .unwrap_or_else(|| format!("twofold-{}", crate::unix_now()));
        let out = self
            .sts
            .assume_role()
            .role_arn(&role.role_arn)
            .role_session_name(name)
            .serial_number(serial)
            .token_code(code)
            .set_external_id(role.external_id.clone())
            .set_duration_seconds(role.duration_secs)
            .send()
            .await
            .map_err(|e| self.fail("AssumeRole", Some(role.role_arn.clone()), e))?;
        session_credentials("AssumeRole", out.credentials())
    }

    fn clock_skew(&self) -> Option<i64> {
        *self.probe.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_user_name() {
        let id = |arn: &str| Identity {
            account: "1".into(),
            arn: arn.into(),
            user_id: "x".into(),
        };
        assert_eq!(
            id("arn:aws:iam::123456789012:user/alice")
                .user_name()
                .as_deref(),
            Some("alice")
        );
        assert_eq!(
            id("arn:aws:iam::123456789012:user/team/ops/bob")
                .user_name()
                .as_deref(),
            Some("bob")
        );
        assert_eq!(id("arn:aws:iam::123456789012:root").user_name(), None);
        assert!(id("arn:aws:iam::123456789012:root").is_root());
        assert_eq!(
            id("arn:aws:sts::123456789012:assumed-role/Admin/s").user_name(),
            None
        );
    }

    #[test]
    fn device_kinds_and_masking() {
        assert_eq!(
            DeviceKind::of("arn:aws:iam::1:mfa/phone"),
            DeviceKind::Virtual
        );
        assert_eq!(
            DeviceKind::of("arn:aws:iam::1:u2f/user/alice/key-ABC"),
            DeviceKind::SecurityKey
        );
        assert_eq!(DeviceKind::of("GAHT12345678"), DeviceKind::Hardware);
        assert_eq!(mask_key("AKIAIOSFODNN7EXAMPLE"), "AKIA****MPLE");
        assert_eq!(mask_key("short"), "****");
    }
}
