//! IPC DTOs of the Security keys screen and the "Add a security key to AWS" guide.
//!
//! PINs only travel inbound, as command arguments (`Zeroizing<String>`, wiped on drop); nothing
//! here carries one. Errors from a key travel as [`FidoIpcError`]: the usual `{ kind, message }`
//! plus the precise [`FidoReason`], so the screen can react to "wrong PIN" or "cancelled"
//! without reading message text.

use serde::Serialize;
use twofold_core::fido::{DeviceSummary, FidoError, KeyInfo, ResidentCredential};

use crate::error::{ErrorKind, IpcError};
use crate::models::MfaDeviceView;

/// A plugged-in key, as the device poll sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FidoDeviceView {
    /// The OS path (what every other command takes to name the key).
    pub path: String,
    /// USB vendor id, as 4 lowercase hex digits.
    pub vendor_id: String,
    /// USB product id, as 4 lowercase hex digits.
    pub product_id: String,
    /// The product name the key reports (may be empty).
    pub product: String,
}

impl From<&DeviceSummary> for FidoDeviceView {
    fn from(d: &DeviceSummary) -> Self {
        FidoDeviceView {
            path: d.path.clone(),
            vendor_id: format!("{:04x}", d.vendor_id),
            product_id: format!("{:04x}", d.product_id),
            product: d.product.clone(),
        }
    }
}

/// What the key reports about an option: absent (not supported), supported but off / not set
/// up, or on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum FidoOption {
    /// The key does not know the option.
    Unsupported,
    /// Supported, not enabled or not configured (e.g. no PIN set yet).
    Off,
    /// Supported and on.
    On,
}

impl From<Option<bool>> for FidoOption {
    fn from(o: Option<bool>) -> Self {
        match o {
            None => FidoOption::Unsupported,
            Some(false) => FidoOption::Off,
            Some(true) => FidoOption::On,
        }
    }
}

/// The options the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FidoOptionsView {
    /// `clientPin`: PIN support, and whether one is set.
    pub client_pin: FidoOption,
    /// `rk`: resident (discoverable) credentials.
    pub rk: FidoOption,
    /// `uv`: built-in user verification (fingerprint).
    pub uv: FidoOption,
    /// `credMgmt`: credential management.
    pub cred_mgmt: FidoOption,
    /// `bioEnroll`: fingerprint enrollment.
    pub bio_enroll: FidoOption,
}

/// One key with what it says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FidoKeyView {
    /// The key.
    pub device: FidoDeviceView,
    /// Protocol versions (`FIDO_2_0`, `FIDO_2_1`, `U2F_V2`...).
    pub versions: Vec<String>,
    /// Extensions (`credProtect`, `hmac-secret`...).
    pub extensions: Vec<String>,
    /// The AAGUID (model identifier), lowercase hex.
    pub aaguid: String,
    /// The options.
    pub options: FidoOptionsView,
    /// The shortest PIN the key accepts, in characters.
    pub min_pin_length: u32,
    /// PIN attempts left before the PIN blocks; `None` when no PIN is set.
    pub pin_retries: Option<u32>,
}

impl FidoKeyView {
    /// The view of `info` for `device`.
    pub fn new(device: &DeviceSummary, info: KeyInfo) -> Self {
        let o = &info.options;
        FidoKeyView {
            device: device.into(),
            options: FidoOptionsView {
                client_pin: o.client_pin.into(),
                rk: o.rk.into(),
                uv: o.uv.into(),
                cred_mgmt: o.cred_mgmt.into(),
                bio_enroll: o.bio_enroll.into(),
            },
            versions: info.versions,
            extensions: info.extensions,
            aaguid: info.aaguid,
            min_pin_length: info.min_pin_length,
            pin_retries: info.pin_retries,
        }
    }
}

/// The register-then-verify test passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FidoTestView {
    /// The relying party the test credential was made for.
    pub rp_id: String,
    /// The attestation format the key used.
    pub attestation_format: String,
    /// The signature counter after the assertion.
    pub sign_count: u32,
    /// Whether the PIN was used (user verification).
    pub pin_used: bool,
}

/// A resident credential on the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FidoCredentialView {
    /// The relying party id (a domain).
    pub rp_id: String,
    /// The credential id, base64url (what delete takes).
    pub id: String,
    /// The user name stored with it.
    pub user_name: String,
    /// The user's display name (may be empty).
    pub user_display_name: String,
}

impl From<ResidentCredential> for FidoCredentialView {
    fn from(c: ResidentCredential) -> Self {
        FidoCredentialView {
            rp_id: c.rp_id,
            id: c.id,
            user_name: c.user_name,
            user_display_name: c.user_display_name,
        }
    }
}

/// The resident credentials of one relying party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FidoRelyingPartyView {
    /// The relying party id.
    pub rp_id: String,
    /// Its credentials.
    pub credentials: Vec<FidoCredentialView>,
}

/// What "I've added it, check" found on the AWS side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SecurityKeyCheck {
    /// The IAM user checked.
    pub user_name: String,
    /// Security keys that were not there before the guide started (usually one).
    pub new_keys: Vec<MfaDeviceView>,
    /// How many MFA devices the user has now, of any kind.
    pub device_count: u32,
    /// The most MFA devices AWS allows per user.
    pub device_limit: u32,
}

/// Why a key operation failed, one-to-one with `twofold_core::fido::FidoError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum FidoReason {
    /// No key plugged in.
    NoDevice,
    /// Several keys and none chosen.
    MultipleDevices,
    /// No key at the chosen path (it was unplugged).
    DeviceNotFound,
    /// Wrong PIN; `retries` says how many tries are left.
    PinInvalid,
    /// Three wrong PINs in a row: unplug and replug.
    PinAuthBlocked,
    /// The PIN is blocked for good (only a reset helps).
    PinBlocked,
    /// The operation needs the PIN.
    PinRequired,
    /// The key has no PIN and the operation needs one.
    PinNotSet,
    /// The key already has a PIN.
    PinAlreadySet,
    /// The new PIN breaks the rules.
    PinPolicy,
    /// Nobody touched the key in time.
    UserActionTimeout,
    /// The key declined.
    OperationDenied,
    /// A reset later than 10 s after plug-in.
    ResetWindowClosed,
    /// A reset without the typed confirmation.
    ResetNotConfirmed,
    /// The key lacks the option or command.
    Unsupported,
    /// The key was removed during the operation.
    Disconnected,
    /// No such resident credential.
    CredentialNotFound,
    /// The signature did not verify.
    VerificationFailed,
    /// The user cancelled.
    Cancelled,
    /// Any other key or HID failure.
    Device,
}

/// A failed key command: `{ kind, message }` like every [`IpcError`], plus the exact reason and,
/// for a wrong PIN, the tries left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct FidoIpcError {
    /// The general category (`notFound` for a missing key, `invalidInput` for what the user can
    /// fix, `internal` otherwise).
    pub kind: ErrorKind,
    /// A sentence for the user, written for this window (no CLI flags). Never contains a PIN.
    pub message: String,
    /// The exact reason.
    pub reason: FidoReason,
    /// PIN tries left, when the key said.
    pub retries: Option<u32>,
}

impl From<FidoError> for FidoIpcError {
    fn from(e: FidoError) -> Self {
        use FidoError as F;
        use FidoReason as R;
        let (reason, retries) = match &e {
            F::NoDevice => (R::NoDevice, None),
            F::MultipleDevices(_) => (R::MultipleDevices, None),
            F::DeviceNotFound(_) => (R::DeviceNotFound, None),
            F::PinInvalid { retries } => (R::PinInvalid, Some(*retries)),
            F::PinAuthBlocked { retries } => (R::PinAuthBlocked, *retries),
            F::PinBlocked => (R::PinBlocked, Some(0)),
            F::PinRequired => (R::PinRequired, None),
            F::PinNotSet => (R::PinNotSet, None),
            F::PinAlreadySet => (R::PinAlreadySet, None),
            F::PinPolicy(_) => (R::PinPolicy, None),
            F::UserActionTimeout => (R::UserActionTimeout, None),
            F::OperationDenied => (R::OperationDenied, None),
            F::ResetWindowClosed => (R::ResetWindowClosed, None),
            F::ResetNotConfirmed => (R::ResetNotConfirmed, None),
            F::Unsupported(_) => (R::Unsupported, None),
            F::Disconnected => (R::Disconnected, None),
            F::CredentialNotFound(_) => (R::CredentialNotFound, None),
            F::VerificationFailed => (R::VerificationFailed, None),
            F::Cancelled => (R::Cancelled, None),
            F::Simulator(_) => return IpcError::internal(&e).into(),
            _ => (R::Device, None),
        };
        let kind = match reason {
            R::NoDevice | R::DeviceNotFound | R::Disconnected | R::CredentialNotFound => {
                ErrorKind::NotFound
            }
            _ => ErrorKind::InvalidInput,
        };
        FidoIpcError {
            kind,
            message: app_message(&e),
            reason,
            retries,
        }
    }
}

impl From<IpcError> for FidoIpcError {
    fn from(e: IpcError) -> Self {
        FidoIpcError {
            kind: e.kind,
            message: e.message,
            reason: FidoReason::Device,
            retries: None,
        }
    }
}

/// The error's text, with the CLI's advice (`--device`, `twofold fido ...`, environment
/// variables) replaced by what to do in this window.
fn app_message(e: &FidoError) -> String {
    use FidoError as F;
    match e {
        F::NoDevice => "no security key found: plug one in (on Linux, the udev rule for FIDO keys must give you access to hidraw devices)".into(),
        F::MultipleDevices(n) => format!("{n} security keys are plugged in: choose one in the list"),
        F::DeviceNotFound(_) => "the security key is not plugged in any more: plug it back in".into(),
        F::PinBlocked => "the key's PIN is blocked after too many wrong PINs: only a reset makes the key usable again, and a reset erases every credential on it".into(),
        F::PinRequired => "this key has a PIN: type it in the PIN field first".into(),
        F::PinNotSet => "the key has no PIN yet: set one first (PIN tab)".into(),
        F::PinAlreadySet => "the key already has a PIN: change it instead".into(),
        F::UserActionTimeout => "the key was not touched in time: nothing was changed. Try again and touch the key when it blinks".into(),
        F::ResetWindowClosed => "the key only accepts a reset within 10 seconds of being plugged in: unplug it, plug it back in and press Reset again right away (then touch it)".into(),
        F::ResetNotConfirmed => "type the word reset to confirm: a reset erases every credential and the PIN, and cannot be undone. Nothing was done".into(),
        F::CredentialNotFound(_) => "that credential is not on the key any more: refresh the list".into(),
        F::Cancelled => "cancelled: nothing was changed".into(),
        other => other.to_string(),
    }
}
