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
    /// A code length outside what Twofold (and RFC 4226) supports.
    #[error("invalid digits: {0} is not between 6 and 10")]
    Digits(u32),
    /// A code period outside one second to one day.
    #[error("invalid period: {0} seconds is not between 1 and 86400")]
    Period(u64),
    /// An HMAC algorithm other than SHA1, SHA256 and SHA512.
    #[error("invalid algorithm: {0:?} is not one of SHA1, SHA256, SHA512")]
    Algorithm(String),
    /// A number field (digits, period, counter) holds something else.
    #[error("invalid {field}: {text:?} is not a whole number")]
    NotANumber {
        /// Which field.
        field: &'static str,
        /// What it held.
        text: String,
    },
    /// An account name is empty.
    #[error("an account needs a name")]
    EmptyName,
    /// A note is longer than the vault keeps.
    #[error("a note can be at most {0} characters long")]
    NoteTooLong(usize),
    /// An icon choice that is neither automatic, the letter nor an icon's slug.
    #[error("{0:?} is not an icon name (lowercase letters, digits and dashes, at most 64)")]
    BadIcon(String),
    /// The operation needs a counter-based (HOTP) account.
    #[error("{0:?} is time-based, not a counter (HOTP) account")]
    NotHotp(String),
    /// An HOTP account's counter is at its largest value: no next code can be taken.
    #[error("the counter of {0:?} is at its largest value, so no further code can be taken; set the account up again with a new secret")]
    CounterExhausted(String),
    /// A vault password is empty.
    #[error("the password is empty")]
    EmptyPassword,
    /// The change would leave the vault with no key slot: nothing could unlock it.
    #[error("the vault needs the keyring, a password or a recovery key: without one it could never be unlocked")]
    NoKeySlot,
    /// Password-slot (Argon2id) parameters outside the accepted range, or rejected by Argon2.
    #[error("invalid password slot parameters: {0}")]
    KdfParams(String),
    /// A password slot asks for more Argon2id work than Twofold runs (see
    /// `KdfParams::MAX`): its cost is read from the unauthenticated header, so the file was
    /// tampered with or not written by Twofold. Refused before deriving anything.
    #[error("the password slot asks for Argon2id with {m_kib} KiB, {t} passes and {p} lanes, more than twofold runs (at most {} MiB, {} passes, {} lanes, and {} MiB times passes in all); the vault file may have been tampered with", crate::vault::KdfParams::MAX.m_kib / 1024, crate::vault::KdfParams::MAX.t, crate::vault::KdfParams::MAX.p, crate::vault::KdfParams::MAX_WORK_KIB / 1024)]
    KdfTooCostly {
        /// Memory asked for, in KiB.
        m_kib: u32,
        /// Passes asked for.
        t: u32,
        /// Lanes asked for.
        p: u32,
    },
    /// A virtual MFA device name AWS would refuse.
    #[error("invalid device name {0:?}: use 1 to 226 letters, digits or _+=,.@- (no spaces)")]
    DeviceName(String),
    /// A text too long (or otherwise unfit) to draw as a QR code.
    #[error("cannot draw a QR code: {0}")]
    QrEncode(String),
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
    /// A recovery key that is not well formed: wrong length, a character outside base32, or a
    /// failed checksum. A typo, not a wrong key.
    #[error(
        "mistyped recovery key: check each group of four characters against the one you saved"
    )]
    RecoveryKeyMistyped,
    /// A well-formed recovery key that is not this vault's.
    #[error("wrong recovery key: it is not the recovery key of this vault")]
    WrongRecoveryKey,
    /// The vault file is an older generation than the newest this machine has seen: an old copy
    /// was put in its place. Opening it anyway needs an explicit confirmation.
    #[error("the vault is generation {found}, older than generation {seen} seen here before: an old copy may have replaced it (rolled back); open it only if you restored it on purpose")]
    VaultRolledBack {
        /// The newest generation remembered on this machine.
        seen: u64,
        /// The generation in the file.
        found: u64,
    },
    /// Another process replaced the vault's master key (a password change) while it was open.
    #[error("the vault's key was changed by another twofold; unlock it again")]
    KeyChanged,
    /// A change that gives the vault a new master key needs its password, to wrap the new key
    /// under it again.
    #[error("the vault has a password; it is needed to give the vault a new key")]
    PasswordNeeded,
    /// The change would leave the OS keyring as the vault's only way in.
    #[error("that would leave the os keyring as the vault's only way in; add a recovery key or a password first")]
    KeyringOnly,
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
    #[error("{user} already has {count} MFA devices, the most AWS allows; deactivate and delete one of them first")]
    DeviceLimit {
        /// The IAM user.
        user: String,
        /// How many devices they have.
        count: usize,
    },
    /// The credentials are not an IAM user's (root, or an assumed role), and no user was named.
    #[error("{arn} is not an IAM user; name the IAM user to enroll{}", root_hint(.root))]
    NotIamUser {
        /// The caller's ARN.
        arn: String,
        /// Whether these are the account's root credentials.
        root: bool,
    },
    /// A new device's seed could not be written to the vault, so the enrollment stopped.
    #[error("the seed of {serial} could not be saved ({cause}); {}", rollback_outcome(.device_deleted))]
    SeedNotSaved {
        /// The device that was created.
        serial: String,
        /// Why the vault write failed.
        cause: Box<Error>,
        /// Whether the device was deleted again.
        device_deleted: bool,
    },
    /// An enrollment that is already enabled in AWS cannot be abandoned (that is a
    /// deactivation).
    #[error("the MFA device {serial} is enabled; deactivate it instead of abandoning its setup")]
    DeviceEnabled {
        /// The device.
        serial: String,
    },
    /// The account holds no AWS MFA device's seed, or its setup is not finished.
    #[error("{account} is {}", link_state(.pending))]
    NotAwsDevice {
        /// The account's name.
        account: String,
        /// Linked, but the enrollment is still pending.
        pending: bool,
    },
    /// Twofold does not hold the seed of a device, so its codes must be typed.
    #[error("Twofold does not hold the seed of {0}; type two consecutive codes from the device")]
    SeedNotHeld(String),
    /// The operation needs a time-based (TOTP) account.
    #[error("{0} is not a time-based (TOTP) account")]
    NotTotp(String),
    /// A typed MFA code is not six digits, or the two codes are the same.
    #[error("{}", bad_code(.code, .same))]
    BadCode {
        /// What was typed.
        code: String,
        /// Both codes were the same.
        same: bool,
    },
    /// A profile names no MFA device and no vault account is linked to it.
    #[error("profile {profile:?} has no mfa_serial and no account in the vault is linked to it; add mfa_serial = arn:aws:iam::ACCOUNT:mfa/DEVICE to the profile")]
    NoMfaSerial {
        /// The profile.
        profile: String,
    },
    /// No vault account holds the seed of a profile's MFA device.
    #[error("no account in the vault holds the seed of {serial} (the mfa_serial of profile {profile:?}); link the account that does to the profile")]
    NoAccountForDevice {
        /// The device.
        serial: String,
        /// The profile naming it.
        profile: String,
    },
    /// No active vault account holds the seed of an MFA device named by its serial.
    #[error("no account in the vault holds the seed of the MFA device {0}; enroll it with `twofold aws enroll`, or link the account that holds it with `twofold aws link`")]
    NoAccountForSerial(String),
    /// AWS knows no hardware MFA token with this serial number.
    #[error("AWS knows no hardware MFA token with the serial number {0:?}; check the serial printed on the back of the token (AWS registers a token when it is bought from AWS's listed vendors)")]
    TokenUnknown(String),
    /// The hardware token is already assigned to an IAM user or root user.
    #[error("the hardware token {0} is already assigned to a user; deactivate it there first (`twofold aws deactivate --serial {0} --user ...`), or use another token")]
    TokenInUse(String),
    /// AWS did not accept the two codes typed from a hardware token.
    #[error("AWS did not accept the two codes from the token {0}: type two codes the token shows one after the other (press its button, type the code, press again and type the next), without waiting in between")]
    TokenCodes(String),
    /// The two codes typed from a token are not two six-digit codes, or are the same code.
    #[error("{0}")]
    TokenCodeFormat(&'static str),
    /// The account chosen for a session holds another device's seed than the profile names.
    #[error("profile {profile:?} uses the MFA device {profile_serial}, but {account} holds the seed of {account_serial}; choose the profile whose mfa_serial is this device")]
    ProfileDeviceMismatch {
        /// The profile.
        profile: String,
        /// Its mfa_serial.
        profile_serial: String,
        /// The account's name.
        account: String,
        /// The device whose seed it holds.
        account_serial: String,
    },
    /// An AWS profile is incomplete for the request (a role without a source profile...).
    #[error("profile {profile:?} {problem}")]
    ProfileIncomplete {
        /// The profile.
        profile: String,
        /// What it lacks.
        problem: &'static str,
    },
    /// Neither the AWS config file nor the credentials file has a profile of that name.
    #[error("no AWS profile {name:?} in {} or {}", .config.display(), .credentials.display())]
    NoSuchProfile {
        /// The profile asked for.
        name: String,
        /// The config file that was read.
        config: PathBuf,
        /// The credentials file that was read.
        credentials: PathBuf,
    },
    /// An AWS config or credentials file does not parse the way the AWS SDK reads it.
    #[error("cannot parse the AWS profile file {}: {reason}", .path.display())]
    ProfileFile {
        /// The file.
        path: PathBuf,
        /// Where and what (`line 3: expected an '=' sign defining a property`).
        reason: String,
    },
    /// A session duration outside what STS allows for the call.
    #[error(
        "a session lasts {min_secs} to {max_secs} seconds for this profile; {secs} is outside that"
    )]
    SessionDuration {
        /// Asked for.
        secs: i32,
        /// The shortest allowed.
        min_secs: i32,
        /// The longest allowed.
        max_secs: i32,
    },
    /// Session credentials cannot be written under that profile name.
    #[error("{}", session_target(.target, .replaces_source))]
    SessionTarget {
        /// The name asked for.
        target: String,
        /// It is the source profile, whose long-term keys it would replace.
        replaces_source: bool,
    },
    /// STS answered with credentials of a shape AWS never issues (control characters, empty or
    /// absurdly long values, characters outside what AWS uses): they are used nowhere.
    #[error(
        "{op} returned unusable credentials: the {field} {problem}; nothing was written or cached"
    )]
    UnsafeCredentials {
        /// The STS action.
        op: &'static str,
        /// Which field (`access key id`, `secret access key`, `session token`).
        field: &'static str,
        /// What is wrong with it (never the value).
        problem: &'static str,
    },
    /// A value (or key, or section name) that would change the structure of an AWS config or
    /// credentials file if written: the file is left as it was.
    #[error("cannot write {what} {name:?} to the AWS file: it {problem}")]
    UnsafeIniText {
        /// `section`, `key` or `the value of key`.
        what: &'static str,
        /// The section or key name (a value itself is never shown).
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An IAM/STS endpoint Twofold will not send credentials to.
    #[error("refusing the AWS endpoint {url:?} (from {from}): {problem}")]
    InsecureEndpoint {
        /// The URL as given.
        url: String,
        /// Where it was set (`--endpoint-url`, `AWS_ENDPOINT_URL`, a profile's `endpoint_url`).
        from: String,
        /// Why.
        problem: &'static str,
    },
    /// The enforce-MFA policy would lock the caller out, and that was not accepted.
    #[error("you are a member of {group} and have no MFA device: the policy would lock you out of everything but enrolling; enroll first, or apply it knowing that")]
    LocksOutCaller {
        /// The group.
        group: String,
    },
    /// Another program kept taking this device's codes, so no fresh window came up.
    #[error("another program keeps using the codes of {0}; try again in a minute")]
    CodesBusy(String),
    /// The IAM credential report AWS returned could not be read; the text says what is wrong
    /// with it (empty, not CSV, a column missing).
    #[error("the IAM credential report {0}")]
    CredentialReport(String),
    /// No QR code could be read in the image(s).
    #[error("no QR code found in the image")]
    QrNotFound,
    /// A QR code was read but holds neither an `otpauth://` nor an `otpauth-migration://` URI;
    /// says what kind of code it looks like, never what it held (it may be a Wi-Fi password).
    #[error("not an authenticator QR code: it holds {0}")]
    NotAuthenticatorQr(crate::qr::payload::QrContent),
    /// A Google Authenticator export (`otpauth-migration://`) could not be read.
    #[error("invalid google authenticator export: {0}")]
    InvalidMigration(String),
    /// A file is not an export of any app Twofold reads.
    #[error("this file is not an export Twofold can read")]
    UnknownExport,
    /// A file is not what its format needs (truncated, damaged, or another app's file).
    #[error("not a readable {format}: {reason}")]
    NotExport {
        /// The format, as users call it.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// An encrypted export needs its password.
    #[error("the {0} is encrypted; its password is needed")]
    ExportPasswordNeeded(&'static str),
    /// The password does not open an encrypted export.
    #[error("wrong password for the {0}")]
    ExportWrongPassword(&'static str),
    /// An export sealed with the user's account key ("account restricted"), which only the
    /// source app can open.
    #[error("the {0} is encrypted with the account's own key, which only that app can open; export again and choose the \"password protected\" file type")]
    ExportAccountKey(&'static str),
    /// Automatic backups cannot be written into a folder (missing, not a folder, not writable).
    #[error("cannot write backups into {}: {reason}", .path.display())]
    BackupFolder {
        /// The folder.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Automatic backups were asked to keep no file at all.
    #[error("automatic backups keep at least one file; {0} is too few")]
    BackupKeep(u32),
    /// An automatic backup was asked for while automatic backups are off.
    #[error("automatic backups are off; turn them on first")]
    BackupsOff,
    /// The file an export would write exists, and replacing it was not asked for.
    #[error("{} exists; choose another file or allow replacing it", .0.display())]
    ExportFileExists(PathBuf),
    /// An image file could not be read or decoded.
    #[error("cannot read the image {path}: {reason}")]
    Image {
        /// The file.
        path: PathBuf,
        /// What went wrong (unknown format, truncated file...).
        reason: String,
    },
    /// An image is larger than Twofold decodes (see `qr::source::MAX_IMAGE_SIDE` and
    /// `MAX_IMAGE_PIXELS`); refused from its header, before its pixels are allocated.
    #[error("the image {origin} is too large ({width}x{height} pixels; twofold reads up to {} pixels a side and {} megapixels): crop it to the QR code", crate::qr::source::MAX_IMAGE_SIDE, crate::qr::source::MAX_IMAGE_PIXELS / 1_000_000)]
    ImageTooLarge {
        /// Where it came from: a file name, "clipboard", "screen 1", "camera".
        origin: String,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
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

fn root_hint(root: &bool) -> &'static str {
    if *root {
        " (the root user's own MFA is added in the AWS console, whose QR code Twofold can read)"
    } else {
        ""
    }
}

fn rollback_outcome(deleted: &bool) -> &'static str {
    if *deleted {
        "the device was deleted in AWS, so nothing is left behind"
    } else {
        "deleting the device in AWS failed too: it is left unassigned, among the orphaned devices"
    }
}

fn link_state(pending: &bool) -> &'static str {
    if *pending {
        "an MFA device whose setup is not finished yet"
    } else {
        "not linked to an AWS MFA device"
    }
}

fn bad_code(code: &str, same: &bool) -> String {
    if *same {
        "the two codes are the same: the second must be the next code the device shows".into()
    } else {
        format!("{code:?} is not a six-digit code")
    }
}

fn session_target(target: &str, replaces_source: &bool) -> String {
    if *replaces_source {
        format!("the session cannot be written as {target:?}: that would replace the profile's long-term keys; choose another name")
    } else {
        format!("{target:?} is not a profile name to write the session under (like work-mfa)")
    }
}

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
