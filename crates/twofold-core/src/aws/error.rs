//! AWS failures, classified, each with a message that says what to do about it.

use std::fmt;

/// What kind of failure an AWS call had; the UI and CLI branch on this, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum AwsErrorKind {
    /// The credentials lack a permission.
    AccessDenied,
    /// A device (or other entity) with that name exists.
    AlreadyExists,
    /// The user already has the most MFA devices AWS allows.
    LimitExceeded,
    /// AWS refused the MFA codes.
    InvalidCode,
    /// AWS kept throttling after the SDK's retries.
    Throttled,
    /// The session credentials have expired.
    Expired,
    /// The access key is unknown or the signature is wrong.
    BadCredentials,
    /// No credentials were found in the AWS chain.
    NoCredentials,
    /// The user or device does not exist.
    NotFound,
    /// The device is still assigned to a user.
    DeleteConflict,
    /// AWS rejected a parameter.
    Invalid,
    /// AWS could not be reached.
    Network,
    /// Anything else.
    Other,
}

/// One failed AWS call.
#[derive(Debug, Clone)]
pub struct AwsError {
    /// The API action, e.g. `CreateVirtualMFADevice`.
    pub op: &'static str,
    /// The classification.
    pub kind: AwsErrorKind,
    /// AWS's error code (`AccessDenied`, ...), or empty for transport failures.
    pub code: String,
    /// AWS's message, or the transport's.
    pub message: String,
    /// The resource the call was about (an ARN or name), to name it in the advice.
    pub resource: Option<String>,
    /// Measured clock skew (server minus local, seconds), for code failures.
    pub skew_secs: Option<i64>,
}

impl AwsError {
    /// Classifies an AWS error code.
    pub fn kind_of(code: &str) -> AwsErrorKind {
        match code {
            "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
                AwsErrorKind::AccessDenied
            }
            "EntityAlreadyExists" => AwsErrorKind::AlreadyExists,
            "LimitExceeded" => AwsErrorKind::LimitExceeded,
            "InvalidAuthenticationCode" => AwsErrorKind::InvalidCode,
            "Throttling"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "TooManyRequestsException" => AwsErrorKind::Throttled,
            "ExpiredToken"
            | "ExpiredTokenException"
            | "RequestExpired"
            | "TokenRefreshRequired" => AwsErrorKind::Expired,
            "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "UnrecognizedClientException"
            | "IncompleteSignature" => AwsErrorKind::BadCredentials,
            "NoSuchEntity" => AwsErrorKind::NotFound,
            "DeleteConflict" => AwsErrorKind::DeleteConflict,
            "ValidationError" | "InvalidInput" | "MalformedPolicyDocument" => AwsErrorKind::Invalid,
            _ => AwsErrorKind::Other,
        }
    }

    /// The IAM/STS action name with its service prefix, e.g. `iam:CreateVirtualMFADevice`.
    pub fn action(&self) -> String {
        let service = match self.op {
            "GetCallerIdentity" | "GetSessionToken" | "AssumeRole" => "sts",
            "ListAccounts" => "organizations",
            "LookupEvents" => "cloudtrail",
            _ => "iam",
        };
        format!("{service}:{}", self.op)
    }

    /// The advice part of the message.
    pub fn advice(&self) -> String {
        let on = self
            .resource
            .as_deref()
            .map(|r| format!(" on {r}"))
            .unwrap_or_default();
        match self.kind {
            AwsErrorKind::AccessDenied => format!(
                "these credentials are not allowed to call {}{on}; ask an administrator to grant {} (or use a profile that has it)",
                self.op,
                self.action()
            ),
            AwsErrorKind::AlreadyExists => {
                let name = self.resource.as_deref().and_then(|r| r.rsplit('/').next()).unwrap_or("the device");
                format!("a virtual MFA device named {name:?} already exists; choose another name, for example \"{name}-2\"")
            }
            AwsErrorKind::LimitExceeded => "the user already has 8 MFA devices, the most AWS allows; deactivate and delete one of them first".into(),
            AwsErrorKind::InvalidCode => {
                let clock = match self.skew_secs {
                    Some(s) if super::client::clock_off(Some(s)).is_some() => format!(
                        "this computer's clock is {} s {} AWS's, which makes codes wrong: fix the clock, or apply a {s:+} s offset",
                        s.abs(),
                        if s > 0 { "behind" } else { "ahead of" }
                    ),
                    Some(s) => format!("the clock agrees with AWS (skew {s:+} s), so the codes themselves were wrong or already used"),
                    None => "check that this computer's clock is right".into(),
                };
                format!("AWS did not accept the two codes; {clock}. Try again with two fresh consecutive codes")
            }
            AwsErrorKind::Throttled => "AWS is throttling requests and the retries ran out; wait a minute and try again".into(),
            AwsErrorKind::Expired => "the session credentials have expired; refresh them (for example `aws sso login`, or a new session) and try again".into(),
            AwsErrorKind::BadCredentials => "AWS does not recognise these credentials (wrong or deleted access key, or a wrong secret key)".into(),
            AwsErrorKind::NoCredentials => "no AWS credentials were found; choose a profile, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`".into(),
            AwsErrorKind::NotFound => format!("AWS has no such entity{on}"),
            AwsErrorKind::DeleteConflict => "the device is still assigned to a user; deactivate it first".into(),
            AwsErrorKind::Invalid => "AWS rejected a parameter".into(),
            AwsErrorKind::Network => "AWS could not be reached; check the network connection (and any endpoint or proxy setting)".into(),
            AwsErrorKind::Other => "the call failed (the log has the details)".into(),
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.op, self.advice())?;
        if !self.message.is_empty() {
            let code = if self.code.is_empty() {
                String::new()
            } else {
                format!("{}: ", self.code)
            };
            write!(f, " (AWS said: {code}{})", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(op: &'static str, code: &str, resource: Option<&str>) -> AwsError {
        AwsError {
            op,
            kind: AwsError::kind_of(code),
            code: code.into(),
            message: "msg".into(),
            resource: resource.map(Into::into),
            skew_secs: None,
        }
    }

    #[test]
    fn access_denied_names_the_action_and_resource() {
        let e = err(
            "CreateVirtualMFADevice",
            "AccessDenied",
            Some("arn:aws:iam::123456789012:mfa/alice"),
        );
        let s = e.to_string();
        assert!(s.contains("iam:CreateVirtualMFADevice"), "{s}");
        assert!(s.contains("arn:aws:iam::123456789012:mfa/alice"), "{s}");
        assert!(err("GetSessionToken", "AccessDenied", None)
            .to_string()
            .contains("sts:GetSessionToken"));
        assert!(err("ListAccounts", "AccessDeniedException", None)
            .to_string()
            .contains("organizations:ListAccounts"));
        assert!(err("LookupEvents", "AccessDeniedException", None)
            .to_string()
            .contains("cloudtrail:LookupEvents"));
    }

    #[test]
    fn advice_for_each_kind() {
        assert!(err(
            "CreateVirtualMFADevice",
            "EntityAlreadyExists",
            Some("arn:aws:iam::1:mfa/dev")
        )
        .to_string()
        .contains("\"dev-2\""));
        assert!(err("EnableMFADevice", "LimitExceeded", None)
            .to_string()
            .contains("8 MFA devices"));
        let mut code = err("EnableMFADevice", "InvalidAuthenticationCode", None);
        code.skew_secs = Some(42);
        assert!(code.to_string().contains("42 s behind"), "{code}");
        code.skew_secs = Some(-3);
        assert!(code.to_string().contains("already used"), "{code}");
        assert_eq!(AwsError::kind_of("Throttling"), AwsErrorKind::Throttled);
        assert_eq!(AwsError::kind_of("ExpiredToken"), AwsErrorKind::Expired);
        assert_eq!(AwsError::kind_of("SomethingNew"), AwsErrorKind::Other);
    }
}
