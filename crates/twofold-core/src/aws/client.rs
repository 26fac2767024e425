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

/// An access key id as logs may show it: `AKIA****WXYZ`. Counted in characters, so an id that
/// is not ASCII (no real one is, but a hostile endpoint may send one) is masked, not a panic.
pub fn mask_key(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "****".into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Longest access key id AWS documents.
const MAX_KEY_ID_CHARS: usize = 128;
/// Far more than any secret access key (40 characters).
const MAX_SECRET_CHARS: usize = 1024;
/// Far more than any session token AWS issues (a few KiB at most, even for large policies).
const MAX_TOKEN_CHARS: usize = 16_384;

/// What is wrong with a credential field, if anything: `allowed` says which ASCII
/// punctuation may appear beside letters and digits.
fn shape_problem(value: &str, min: usize, max: usize, allowed: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("is empty");
    }
    if value.chars().any(char::is_control) {
        return Some("holds a control character (a line break, say)");
    }
    if value.chars().any(char::is_whitespace) {
        return Some("holds a space");
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || allowed.contains(c))
    {
        return Some("holds characters AWS never uses in it");
    }
    if value.len() < min {
        return Some("is too short");
    }
    if value.len() > max {
        return Some("is too long");
    }
    None
}

impl SessionCredentials {
    /// Refuses credentials of a shape AWS never issues, before they are cached, written into
    /// a file or printed for a shell ([`crate::Error::UnsafeCredentials`]). `op` is the STS
    /// action they came from.
    pub fn validate(&self, op: &'static str) -> crate::Result<()> {
        let checks = [
            (
                "access key id",
                shape_problem(&self.access_key_id, 16, MAX_KEY_ID_CHARS, "_"),
            ),
            (
                "secret access key",
                shape_problem(&self.secret_access_key, 1, MAX_SECRET_CHARS, "+/=-_"),
            ),
            (
                "session token",
                shape_problem(&self.session_token, 1, MAX_TOKEN_CHARS, "+/=-_"),
            ),
        ];
        match checks.into_iter().find_map(|(f, p)| p.map(|p| (f, p))) {
            Some((field, problem)) => Err(crate::Error::UnsafeCredentials { op, field, problem }),
            None => Ok(()),
        }
    }
}

/// Refuses an endpoint that is not `https://`, except plain `http://` to this computer
/// (127.0.0.0/8, ::1, `localhost`: emulators and tests). `from` names where it was set.
pub fn check_endpoint(url: &str, from: &str) -> crate::Result<()> {
    let refuse = |problem| {
        Err(crate::Error::InsecureEndpoint {
            url: url.to_string(),
            from: from.to_string(),
            problem,
        })
    };
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refuse("it holds spaces or control characters");
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return refuse("only https:// endpoints are accepted");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // user:password@host is no part of an AWS endpoint; the host is after the last '@'.
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, _)) => h,
            None => return refuse("its address is malformed"),
        }
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return refuse("it names no host");
    }
    if lower.starts_with("https://") || is_loopback(host) {
        return Ok(());
    }
    refuse("plain http:// is accepted only for this computer (127.0.0.1, ::1, localhost); use https://")
}

/// 127.0.0.0/8, ::1 or `localhost`.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks every endpoint a client would use: `explicit` (the option), the `AWS_ENDPOINT_URL*`
/// variables the SDK reads, and the profile's `endpoint_url`.
pub fn check_endpoints(
    explicit: Option<&str>,
    profile_endpoint: Option<&str>,
) -> crate::Result<()> {
    if let Some(u) = explicit {
        check_endpoint(u, "the endpoint option")?;
    }
    for var in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_STS",
    ] {
        if let Some(u) = std::env::var(var).ok().filter(|u| !u.is_empty()) {
            check_endpoint(&u, var)?;
        }
    }
    if let Some(u) = profile_endpoint {
        check_endpoint(u, "the profile's endpoint_url")?;
    }
    Ok(())
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
    /// The loaded configuration: clients for other services, regions and credentials
    /// (Organizations, CloudTrail, an assumed role in a member account) are made from it.
    conf: aws_types::SdkConfig,
}

impl AwsClient {
    /// Loads credentials and region from the standard chain (or `opts`) and builds the clients.
    /// An endpoint that is not HTTPS (other than loopback) is refused before anything is sent
    /// ([`check_endpoints`]).
    pub async fn connect(opts: &ConnectOptions) -> crate::Result<AwsClient> {
        let profile_endpoint = match &opts.profile {
            Some(p) => super::profiles::find_profile(p)
                .ok()
                .and_then(|p| p.endpoint_url),
            None => None,
        };
        check_endpoints(opts.endpoint_url.as_deref(), profile_endpoint.as_deref())?;
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
        let endpoint = opts
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_IAM").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
        Ok(AwsClient::from_conf(conf, endpoint))
    }

    fn from_conf(conf: aws_types::SdkConfig, endpoint: Option<String>) -> AwsClient {
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
        AwsClient {
            iam,
            sts,
            probe,
            endpoint,
            conf,
        }
    }

    /// The same endpoints, region and retry settings, signed with `credentials` (a role
    /// assumed in another account). Nothing is loaded again.
    pub fn with_credentials(&self, credentials: &SessionCredentials) -> AwsClient {
        let provider = aws_credential_types::Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.as_str(),
            Some(credentials.session_token.as_str().to_string()),
            None,
            "twofold-assumed-role",
        );
        let conf = self
            .conf
            .to_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build();
        AwsClient::from_conf(conf, self.endpoint.clone())
    }

    /// The region calls are signed for.
    pub fn region(&self) -> Option<String> {
        self.conf.region().map(|r| r.to_string())
    }

    /// An Organizations client on the same configuration.
    pub(crate) fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&self.conf)
                .interceptor(self.probe.clone())
                .build(),
        )
    }

    /// A CloudTrail client for `region` (CloudTrail's events are kept per region).
    pub(crate) fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::from_conf(
            aws_sdk_cloudtrail::config::Builder::from(&self.conf)
                .region(Region::new(region.to_string()))
                .interceptor(self.probe.clone())
                .build(),
        )
    }

    /// STS AssumeRole without MFA (the caller's credentials already carry what the role's
    /// trust policy asks for): a role in another account of the organisation.
    pub async fn assume_role_plain(
        &self,
        role_arn: &str,
        session_name: &str,
    ) -> Result<SessionCredentials, AwsError> {
        let out = self
            .sts
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .send()
            .await
            .map_err(|e| self.fail("AssumeRole", Some(role_arn.to_string()), e))?;
        let c = session_credentials("AssumeRole", out.credentials())?;
        c.validate("AssumeRole").map_err(|e| AwsError {
            op: "AssumeRole",
            kind: AwsErrorKind::Other,
            code: String::new(),
            message: e.to_string(),
            resource: Some(role_arn.to_string()),
            skew_secs: None,
        })?;
        Ok(c)
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
pub(crate) fn session_credentials(
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

    #[test]
    fn masking_a_non_ascii_key_id_does_not_panic() {
        // Byte 4 and byte len-4 fall inside a character here.
        assert_eq!(mask_key("AKIé€€€€€€Aé€"), "AKIé****€Aé€");
        assert_eq!(mask_key("ééééééééé"), "éééé****éééé");
        assert_eq!(mask_key("€€€€"), "****");
    }

    fn creds(id: &str, secret: &str, token: &str) -> SessionCredentials {
        SessionCredentials {
            access_key_id: id.into(),
            secret_access_key: Zeroizing::new(secret.into()),
            session_token: Zeroizing::new(token.into()),
            expiration: 0,
        }
    }

    #[test]
    fn credentials_of_a_shape_aws_never_issues_are_refused() {
        let good = creds(
            "ASIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "FwoGZXIvYXdzEBYaDH+/abc==",
        );
        good.validate("GetSessionToken").unwrap();
        let field = |c: SessionCredentials| match c.validate("GetSessionToken") {
            Err(crate::Error::UnsafeCredentials { field, problem, .. }) => (field, problem),
            other => panic!("{other:?}"),
        };
        let token = "t\n[prod]\naws_access_key_id = EVIL";
        let (f, p) = field(creds("ASIAIOSFODNN7EXAMPLE", "s", token));
        assert_eq!(f, "session token");
        assert!(p.contains("control"), "{p}");
        let (f, _) = field(creds("ASIAIOSFODNN7EXAMPLE", "$(touch /tmp/x)", "t"));
        assert_eq!(f, "secret access key");
        let (f, _) = field(creds("ASIAIOSFODNN7EXAMPLE", "`id`", "t"));
        assert_eq!(f, "secret access key");
        assert_eq!(field(creds("", "s", "t")).1, "is empty");
        assert_eq!(field(creds("ASIA", "s", "t")).1, "is too short");
        assert_eq!(field(creds(&"A".repeat(129), "s", "t")).1, "is too long");
        assert_eq!(
            field(creds("ASIAIOSFODNN7EXAMPLé", "s", "t")).0,
            "access key id"
        );
        let (f, p) = field(creds("ASIAIOSFODNN7EXAMPLE", "s", &"a".repeat(16_385)));
        assert_eq!((f, p), ("session token", "is too long"));
        assert_eq!(
            field(creds("ASIAIOSFODNN7EXAMPLE", "s", "a b")).1,
            "holds a space"
        );
        // The message names the field, never the value.
        let e = creds("ASIAIOSFODNN7EXAMPLE", "$(touch /tmp/x)", "t")
            .validate("AssumeRole")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("AssumeRole returned unusable credentials"),
            "{e}"
        );
        assert!(!e.contains("touch"), "{e}");
    }

    #[test]
    fn plain_http_endpoints_are_accepted_for_loopback_only() {
        for ok in [
            "https://sts.eu-west-1.amazonaws.com",
            "https://vpce-1.sts.example.internal:8443/",
            "http://127.0.0.1:5000",
            "http://127.8.9.10/",
            "HTTP://LOCALHOST:4566",
            "http://[::1]:5000/path",
        ] {
            check_endpoint(ok, "test").unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "http://sts.amazonaws.com",
            "http://10.0.0.1:5000",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example",
            "http://127.0.0.1@evil.example/",
            "http://[::2]:80",
            "ftp://127.0.0.1",
            "127.0.0.1:5000",
            "http://",
            "https://sts.amazonaws.com\n",
        ] {
            match check_endpoint(bad, "test") {
                Err(crate::Error::InsecureEndpoint { url, .. }) => assert_eq!(url, bad),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let e = check_endpoint("http://10.0.0.1", "AWS_ENDPOINT_URL").unwrap_err();
        assert!(
            e.to_string().contains("AWS_ENDPOINT_URL") && e.to_string().contains("https://"),
            "{e}"
        );
    }
}
