//! The core error type. Messages are lowercase, say what is wrong and never contain secrets.

use std::path::PathBuf;

/// Everything that can go wrong in `twofold-core`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A secret was not valid base32 (RFC 4648), or was empty or too short.
    #[error("invalid secret: {0}")]
    InvalidSecret(String),
    /// An `otpauth://` URI could not be parsed; the text says which part is wrong.
    #[error("invalid otpauth uri: {0}")]
    InvalidUri(String),
    /// A parameter is out of range (digits, period, algorithm, name...).
    #[error("invalid {field}: {reason}")]
    InvalidParameter {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// No account matched the name or id.
    #[error("no account named {0:?}")]
    NotFound(String),
    /// An account with that name already exists.
    #[error("an account named {0:?} already exists")]
    AlreadyExists(String),
    /// A vault file already exists where a new one was to be created.
    #[error("a vault already exists at {0}")]
    VaultExists(PathBuf),
    /// There is no vault file at the path.
    #[error("no vault at {0}")]
    VaultMissing(PathBuf),
    /// The vault file does not decrypt with the key: wrong key or tampered/corrupt file.
    #[error("the vault at {0} could not be decrypted (wrong key, or the file is damaged); it was left untouched")]
    VaultUndecryptable(PathBuf),
    /// The vault file is not a Twofold vault or is truncated.
    #[error(
        "the file at {path} is not a readable twofold vault ({reason}); it was left untouched"
    )]
    VaultCorrupt {
        /// The file.
        path: PathBuf,
        /// What did not parse.
        reason: String,
    },
    /// The vault was written by a newer Twofold.
    #[error("the vault at {path} has format version {version}, which this twofold does not know; upgrade twofold (the file was left untouched)")]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        version: u32,
    },
    /// The password did not unlock the password slot.
    #[error("wrong password")]
    WrongPassword,
    /// None of the vault's key slots could be opened with what was offered.
    #[error("the vault is locked: {0}")]
    Locked(String),
    /// The OS keyring (Keychain, Credential Manager, Secret Service) failed.
    #[error("os keyring: {0}")]
    Keyring(String),
    /// An AWS call failed; the message says what to do.
    #[error(transparent)]
    Aws(#[from] crate::aws::AwsError),
    /// The user already has the most MFA devices AWS allows.
    #[error("{user} already has {count} MFA devices, the most AWS allows; deactivate and delete one first (`twofold aws deactivate --serial ... --delete`)")]
    DeviceLimit {
        /// The IAM user.
        user: String,
        /// How many devices they have.
        count: usize,
    },
    /// No QR code could be read in the image(s).
    #[error("no QR code found in the image")]
    QrNotFound,
    /// A QR code was read but holds neither an `otpauth://` nor an `otpauth-migration://` URI;
    /// the text is what it held, truncated.
    #[error("not an authenticator QR code: it contains {0:?}")]
    NotAuthenticatorQr(String),
    /// A Google Authenticator export (`otpauth-migration://`) could not be read.
    #[error("invalid google authenticator export: {0}")]
    InvalidMigration(String),
    /// An image file could not be read or decoded.
    #[error("cannot read the image {path}: {reason}")]
    Image {
        /// The file.
        path: PathBuf,
        /// What went wrong (unknown format, truncated file...).
        reason: String,
    },
    /// No webcam is connected (or none is visible to this process).
    #[error("no camera found")]
    NoCamera,
    /// The webcam is there but could not be opened or read.
    #[error("camera: {0}")]
    Camera(String),
    /// The system refused this process access to the webcam; the text says how to allow it.
    #[error("camera access denied: {0}")]
    CameraDenied(String),
    /// This build of twofold has no camera support (the `camera` cargo feature is off).
    #[error("this twofold was built without camera support")]
    CameraUnsupported,
    /// The screen could not be captured; the text says why and what to do instead.
    #[error("screen capture: {0}")]
    ScreenCapture(String),
    /// The clipboard could not be read or holds no image.
    #[error("clipboard: {0}")]
    Clipboard(String),
    /// A FIDO2 security key operation failed; the text says why and what to do.
    #[error(transparent)]
    Fido(#[from] crate::fido::FidoError),
    /// The `twofold` command could not be put on `PATH`; the text says what to do instead.
    #[error("cannot put twofold on PATH: {0}")]
    Install(String),
    /// A file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with a description of what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

impl From<keyring::Error> for Error {
    fn from(e: keyring::Error) -> Self {
        // keyring's Display can include the service name but never the secret.
        Error::Keyring(e.to_string())
    }
}
