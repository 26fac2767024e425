//! `IpcError`: what the UI sees when a command fails, `{ kind, message }`.
//!
//! `kind` is a closed set the UI branches on; `message` is a sentence for the user. Errors that
//! are bugs or environment failures (`internal`) send a generic message and log the detail, so
//! file paths of temp files or OS error codes do not end up in the window.

use serde::Serialize;
use twofold_core::aws::{AwsError, AwsErrorKind};
use twofold_core::Error as CoreError;

/// The category of a failed command; `ui/src/ipc/errors.ts` switches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The user's input is wrong (bad secret, bad URI, duplicate name, wrong password).
    InvalidInput,
    /// The account does not exist (any more).
    NotFound,
    /// The OS keyring (Secret Service, Keychain, Credential Manager) is unavailable or locked.
    SecretStoreLocked,
    /// The vault is not open, or cannot be opened as it is.
    VaultLocked,
    /// Anything else; the detail is in the log.
    Internal,
    /// No AWS connection yet: the wizard has to check the credentials first (`aws_whoami`).
    AwsNotConnected,
    /// The AWS credentials lack a permission; the message names the action to grant.
    AwsAccessDenied,
    /// AWS kept throttling after the retries.
    AwsThrottled,
    /// AWS refused the two MFA codes; the enrollment stays pending and can be retried.
    AwsInvalidCode,
    /// A virtual MFA device with that name already exists.
    AwsAlreadyExists,
    /// The user already has the most MFA devices AWS allows.
    AwsDeviceLimit,
    /// AWS knows no hardware token with that serial number.
    AwsTokenUnknown,
    /// The hardware token is assigned to a user already.
    AwsTokenInUse,
    /// The credentials are missing, unknown or expired.
    AwsCredentials,
    /// Any other AWS failure (network, not found, conflict); the message says what to do.
    Aws,
    /// No QR code in the image, or one that is not an authenticator's (the message names its
    /// kind, never its content), or an image that cannot be read or is too large.
    QrCode,
    /// No webcam is connected.
    NoCamera,
    /// The system refused the webcam; the message says how to allow it.
    CameraDenied,
    /// The webcam failed otherwise.
    Camera,
    /// The screen could not be captured; the message says what to do instead.
    ScreenCapture,
    /// The clipboard could not be read or holds no image.
    Clipboard,
    /// The `twofold` command could not be put on `PATH`; the message says what to run instead.
    Install,
    /// The export file is encrypted: ask for its password and try again.
    ExportPasswordNeeded,
    /// The export file's password is wrong: let the user type it again.
    ExportWrongPassword,
    /// The file is no export Twofold recognises: let the user name its format.
    UnknownExport,
    /// The file is damaged, or not what its format needs; the message says what is wrong.
    UnreadableExport,
    /// The file to write exists; the user can choose another or allow replacing it.
    FileExists,
    /// The OS has to confirm it is the user first (after a lock, before a secret is shown),
    /// or it did not: a wrong password, a dismissed dialog, no authentication agent.
    NotVerified,
}

/// A failed command, serialized as `{ "kind": "...", "message": "..." }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[error("{message}")]
pub struct IpcError {
    /// What went wrong, for the UI to branch on.
    pub kind: ErrorKind,
    /// A sentence for the user. Never contains a secret.
    pub message: String,
}

/// `Result` for commands.
pub type Result<T, E = IpcError> = std::result::Result<T, E>;

const GENERIC: &str = "something went wrong; see the log for details";

impl IpcError {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        IpcError {
            kind,
            message: message.into(),
        }
    }

    /// An `internal` error: the detail goes to the log, the UI gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(detail = %twofold_core::logging::redact(&detail.to_string()), "internal error");
        IpcError::new(ErrorKind::Internal, GENERIC)
    }

    /// The vault is not open.
    pub fn locked() -> Self {
        IpcError::new(ErrorKind::VaultLocked, "the vault is locked")
    }
}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        let kind = match &e {
            CoreError::InvalidSecret(_)
            | CoreError::InvalidUri(_)
            | CoreError::Digits(_)
            | CoreError::Period(_)
            | CoreError::Algorithm(_)
            | CoreError::NotANumber { .. }
            | CoreError::EmptyName
            | CoreError::NoteTooLong(_)
            | CoreError::BadIcon(_)
            | CoreError::NotHotp(_)
            | CoreError::CounterExhausted(_)
            | CoreError::EmptyPassword
            | CoreError::NoKeySlot
            | CoreError::KeyringOnly
            | CoreError::PasswordNeeded
            | CoreError::RecoveryKeyMistyped
            | CoreError::WrongRecoveryKey
            | CoreError::DeviceName(_)
            | CoreError::QrEncode(_)
            | CoreError::AlreadyExists(_)
            | CoreError::WrongPassword
            | CoreError::NotIamUser { .. }
            | CoreError::DeviceEnabled { .. }
            | CoreError::NotAwsDevice { .. }
            | CoreError::NotTotp(_)
            | CoreError::BadCode { .. }
            | CoreError::SeedNotHeld(_)
            | CoreError::NoMfaSerial { .. }
            | CoreError::NoAccountForDevice { .. }
            | CoreError::NoAccountForSerial(_)
            | CoreError::TokenCodeFormat(_)
            | CoreError::ProfileDeviceMismatch { .. }
            | CoreError::ProfileIncomplete { .. }
            // The user fixes the file; the message names it and the line.
            | CoreError::ProfileFile { .. }
            | CoreError::SessionDuration { .. }
            | CoreError::SessionTarget { .. }
            | CoreError::UnsafeIniText { .. }
            | CoreError::InsecureEndpoint { .. }
            | CoreError::CodesBusy(_)
            | CoreError::BackupFolder { .. }
            | CoreError::BackupKeep(_)
            | CoreError::BackupsOff => ErrorKind::InvalidInput,
            // The seed could not be written: the vault is what the user has to fix.
            CoreError::SeedNotSaved { .. } => ErrorKind::VaultLocked,
            CoreError::NotFound(_) | CoreError::NoSuchProfile { .. } => ErrorKind::NotFound,
            CoreError::Keyring(_) => ErrorKind::SecretStoreLocked,
            CoreError::Aws(aws) => aws_kind(aws.kind),
            CoreError::CredentialReport(_) | CoreError::UnsafeCredentials { .. } => ErrorKind::Aws,
            CoreError::DeviceLimit { .. } => ErrorKind::AwsDeviceLimit,
            CoreError::TokenUnknown(_) => ErrorKind::AwsTokenUnknown,
            CoreError::TokenInUse(_) => ErrorKind::AwsTokenInUse,
            CoreError::TokenCodes(_) => ErrorKind::AwsInvalidCode,
            CoreError::QrNotFound
            | CoreError::NotAuthenticatorQr(_)
            | CoreError::InvalidMigration(_)
            | CoreError::Image { .. }
            | CoreError::ImageTooLarge { .. } => ErrorKind::QrCode,
            CoreError::NoCamera => ErrorKind::NoCamera,
            CoreError::CameraDenied(_) => ErrorKind::CameraDenied,
            CoreError::Camera(_) | CoreError::CameraUnsupported => ErrorKind::Camera,
            CoreError::ScreenCapture(_) => ErrorKind::ScreenCapture,
            CoreError::Clipboard(_) => ErrorKind::Clipboard,
            CoreError::Install(_) => ErrorKind::Install,
            CoreError::ExportPasswordNeeded(_) => ErrorKind::ExportPasswordNeeded,
            CoreError::ExportWrongPassword(_) => ErrorKind::ExportWrongPassword,
            CoreError::UnknownExport => ErrorKind::UnknownExport,
            CoreError::NotExport { .. } | CoreError::ExportAccountKey(_) => {
                ErrorKind::UnreadableExport
            }
            CoreError::ExportFileExists(_) => ErrorKind::FileExists,
            // Vault-file states the user has to act on: say exactly what is wrong.
            CoreError::Locked(_)
            | CoreError::KeyChanged
            | CoreError::VaultRolledBack { .. }
            | CoreError::VaultExists(_)
            | CoreError::VaultMissing(_)
            | CoreError::VaultUndecryptable(_)
            | CoreError::VaultCorrupt { .. }
            | CoreError::KdfTooCostly { .. }
            | CoreError::UnsupportedVersion { .. } => ErrorKind::VaultLocked,
            _ => return IpcError::internal(&e),
        };
        IpcError::new(kind, e.to_string())
    }
}

/// The IPC kind of an AWS failure.
fn aws_kind(kind: AwsErrorKind) -> ErrorKind {
    match kind {
        AwsErrorKind::AccessDenied => ErrorKind::AwsAccessDenied,
        AwsErrorKind::Throttled => ErrorKind::AwsThrottled,
        AwsErrorKind::InvalidCode => ErrorKind::AwsInvalidCode,
        AwsErrorKind::AlreadyExists => ErrorKind::AwsAlreadyExists,
        AwsErrorKind::LimitExceeded => ErrorKind::AwsDeviceLimit,
        AwsErrorKind::BadCredentials | AwsErrorKind::NoCredentials | AwsErrorKind::Expired => {
            ErrorKind::AwsCredentials
        }
        _ => ErrorKind::Aws,
    }
}

impl From<AwsError> for IpcError {
    fn from(e: AwsError) -> Self {
        IpcError::from(CoreError::Aws(e))
    }
}

impl From<tauri::Error> for IpcError {
    fn from(e: tauri::Error) -> Self {
        IpcError::internal(e)
    }
}

impl From<tauri_plugin_clipboard_manager::Error> for IpcError {
    fn from(e: tauri_plugin_clipboard_manager::Error) -> Self {
        IpcError::internal(format!("clipboard: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = IpcError::from(CoreError::NotFound("github".into()));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "kind": "notFound", "message": "no account named \"github\"" })
        );
    }

    #[test]
    fn kinds_are_camel_case() {
        let kinds = [
            (ErrorKind::InvalidInput, "invalidInput"),
            (ErrorKind::NotFound, "notFound"),
            (ErrorKind::SecretStoreLocked, "secretStoreLocked"),
            (ErrorKind::VaultLocked, "vaultLocked"),
            (ErrorKind::Internal, "internal"),
            (ErrorKind::AwsNotConnected, "awsNotConnected"),
            (ErrorKind::AwsAccessDenied, "awsAccessDenied"),
            (ErrorKind::AwsThrottled, "awsThrottled"),
            (ErrorKind::AwsInvalidCode, "awsInvalidCode"),
            (ErrorKind::AwsAlreadyExists, "awsAlreadyExists"),
            (ErrorKind::AwsDeviceLimit, "awsDeviceLimit"),
            (ErrorKind::AwsCredentials, "awsCredentials"),
            (ErrorKind::Aws, "aws"),
        ];
        for (kind, name) in kinds {
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(name));
        }
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let io = std::io::Error::other("disk on fire at /tmp/secret-path");
        let e = IpcError::from(CoreError::io("writing /tmp/secret-path", io));
        assert_eq!(e.kind, ErrorKind::Internal);
        assert!(!e.message.contains("secret-path"), "{}", e.message);
    }

    #[test]
    fn user_errors_keep_their_message() {
        let e = IpcError::from(CoreError::InvalidSecret("it is empty".into()));
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(e.message, "invalid secret: it is empty");
        assert_eq!(
            IpcError::from(CoreError::WrongPassword).message,
            "wrong password"
        );
        assert_eq!(
            IpcError::from(CoreError::Keyring("x".into())).kind,
            ErrorKind::SecretStoreLocked
        );
    }

    #[test]
    fn profile_errors_reach_the_ui_with_their_message() {
        let missing = IpcError::from(CoreError::NoSuchProfile {
            name: "work".into(),
            config: "/home/me/.aws/config".into(),
            credentials: "/home/me/.aws/credentials".into(),
        });
        assert_eq!(missing.kind, ErrorKind::NotFound);
        assert!(
            missing.message.contains("/home/me/.aws/config"),
            "{}",
            missing.message
        );
        let bad = IpcError::from(CoreError::ProfileFile {
            path: "/home/me/.aws/config".into(),
            reason: "line 1: expected a profile definition".into(),
        });
        assert_eq!(bad.kind, ErrorKind::InvalidInput);
        assert!(
            bad.message
                .ends_with("line 1: expected a profile definition"),
            "{}",
            bad.message
        );
    }

    fn aws(op: &'static str, code: &str) -> AwsError {
        AwsError {
            op,
            kind: AwsError::kind_of(code),
            code: code.into(),
            message: "msg".into(),
            resource: Some("arn:aws:iam::123456789012:mfa/alice".into()),
            skew_secs: Some(40),
        }
    }

    #[test]
    fn aws_errors_map_to_their_kinds_with_the_advice() {
        let cases = [
            ("AccessDenied", ErrorKind::AwsAccessDenied),
            ("Throttling", ErrorKind::AwsThrottled),
            ("InvalidAuthenticationCode", ErrorKind::AwsInvalidCode),
            ("EntityAlreadyExists", ErrorKind::AwsAlreadyExists),
            ("LimitExceeded", ErrorKind::AwsDeviceLimit),
            ("InvalidClientTokenId", ErrorKind::AwsCredentials),
            ("ExpiredToken", ErrorKind::AwsCredentials),
            ("NoSuchEntity", ErrorKind::Aws),
            ("DeleteConflict", ErrorKind::Aws),
            ("SomethingNew", ErrorKind::Aws),
        ];
        for (code, kind) in cases {
            let err = aws("CreateVirtualMFADevice", code);
            let advice = err.to_string();
            let e = IpcError::from(err);
            assert_eq!(e.kind, kind, "{code}");
            assert_eq!(e.message, advice, "{code}: the advice reaches the UI");
        }
        let denied = IpcError::from(aws("CreateVirtualMFADevice", "AccessDenied"));
        assert!(
            denied.message.contains("iam:CreateVirtualMFADevice"),
            "{}",
            denied.message
        );
        let code = IpcError::from(aws("EnableMFADevice", "InvalidAuthenticationCode"));
        assert!(code.message.contains("40 s behind"), "{}", code.message);
        let limit = IpcError::from(CoreError::DeviceLimit {
            user: "alice".into(),
            count: 8,
        });
        assert_eq!(limit.kind, ErrorKind::AwsDeviceLimit);
        assert!(
            limit.message.contains("alice already has 8"),
            "{}",
            limit.message
        );
    }

    #[test]
    fn import_and_export_errors_have_kinds_the_dialogs_branch_on() {
        let cases = [
            (
                CoreError::ExportPasswordNeeded("Aegis export"),
                ErrorKind::ExportPasswordNeeded,
            ),
            (
                CoreError::ExportWrongPassword("Aegis export"),
                ErrorKind::ExportWrongPassword,
            ),
            (CoreError::UnknownExport, ErrorKind::UnknownExport),
            (
                CoreError::NotExport {
                    format: "Aegis export",
                    reason: "it is not JSON".into(),
                },
                ErrorKind::UnreadableExport,
            ),
            (
                CoreError::ExportFileExists("/home/me/x.txt".into()),
                ErrorKind::FileExists,
            ),
        ];
        for (core, kind) in cases {
            let text = core.to_string();
            let e = IpcError::from(core);
            assert_eq!(e.kind, kind, "{text}");
            assert_eq!(e.message, text);
        }
        assert_eq!(
            serde_json::to_value(ErrorKind::ExportPasswordNeeded).unwrap(),
            serde_json::json!("exportPasswordNeeded")
        );
    }

    #[test]
    fn an_unreadable_credential_report_is_shown_as_an_aws_failure() {
        let e = IpcError::from(CoreError::CredentialReport("is empty".into()));
        assert_eq!(e.kind, ErrorKind::Aws);
        assert_eq!(e.message, "the IAM credential report is empty");
    }
}
