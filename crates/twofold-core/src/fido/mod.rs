//! FIDO2 security keys: list them, read what they support, set or change their PIN, register
//! and verify a test credential, list and delete resident credentials, reset, wink.
//!
//! The module is split along one interface, [`Authenticator`] (one key) and
//! [`AuthenticatorFinder`] (the keys that are plugged in):
//!
//! - [`ops`] is the logic above the interface: PIN policy checked before the key sees it, the
//!   register-then-verify test, per-relying-party credential listing, the reset confirmation.
//!   It is what callers use, and what the tests exercise.
//! - [`hid`] (feature `fido`) talks to real keys over USB HID through `ctap-hid-fido2`.
//! - [`sim`] is a software CTAP2 authenticator at the logical level (not CBOR): it enforces the
//!   PIN rules, simulated touch, resident-credential storage and the reset window. It exists for
//!   tests only, behind the non-default `simulator` feature; the CLI and the app reach it only
//!   when built with their `test-hooks` feature, which release builds never have.
//! - [`task`] runs a blocking operation on a worker thread with a [`task::CancelToken`].
//!
//! It does not own any prompt: PINs come in as [`Pin`] values and confirmations as
//! [`ops::ResetConfirmation`]. Every failure is a [`FidoError`] with text meant for the user.

mod error;
#[cfg(feature = "fido")]
pub mod hid;
pub mod ops;
#[cfg(any(test, feature = "simulator"))]
pub mod sim;
pub mod task;

pub use error::FidoError;
pub use task::CancelToken;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// `Result` with [`FidoError`].
pub type FidoResult<T> = std::result::Result<T, FidoError>;

/// A key's PIN (or a new PIN). Wiped from memory on drop; its `Debug` prints `<redacted>`.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Wraps a PIN as typed (no trimming: spaces are part of a PIN).
    pub fn new(pin: impl Into<String>) -> Self {
        Pin(Zeroizing::new(pin.into()))
    }

    /// The PIN's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A plugged-in key, as enumeration sees it (before it is opened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSummary {
    /// The OS path to open it with (`/dev/hidraw3`, `\\?\hid#...`, `IOService:/...`).
    pub path: String,
    /// USB vendor id.
    pub vendor_id: u16,
    /// USB product id.
    pub product_id: u16,
    /// The product name the key reports (may be empty).
    pub product: String,
}

/// The options a key reports in getInfo. `None`: the key does not know the option at all;
/// `Some(false)`: supported but not enabled/configured (e.g. `client_pin: Some(false)` means
/// "PIN supported, none set yet").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyOptions {
    /// `clientPin`: PIN support, and whether one is set.
    pub client_pin: Option<bool>,
    /// `rk`: resident (discoverable) credentials.
    pub rk: Option<bool>,
    /// `uv`: built-in user verification (fingerprint...), and whether it is configured.
    pub uv: Option<bool>,
    /// `credMgmt`: credential management (list/delete resident credentials).
    pub cred_mgmt: Option<bool>,
    /// `bioEnroll`: fingerprint enrollment, and whether a finger is enrolled.
    pub bio_enroll: Option<bool>,
}

/// What a key says about itself (authenticatorGetInfo), plus its PIN retries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// Protocol versions (`FIDO_2_0`, `FIDO_2_1`, `U2F_V2`...).
    pub versions: Vec<String>,
    /// Extensions (`credProtect`, `hmac-secret`...).
    pub extensions: Vec<String>,
    /// The AAGUID (model identifier), lowercase hex.
    pub aaguid: String,
    /// The options that matter to Twofold.
    pub options: KeyOptions,
    /// The shortest PIN the key accepts, in Unicode code points (4 unless the key says more).
    pub min_pin_length: u32,
    /// PIN attempts left before the PIN blocks; `None` when the key has no PIN set.
    pub pin_retries: Option<u32>,
}

/// What to register for the test (or a resident credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRequest {
    /// The relying party id (a domain).
    pub rp_id: String,
    /// The user handle (opaque bytes, at most 64).
    pub user_id: Vec<u8>,
    /// The user name stored with a resident credential.
    pub user_name: String,
    /// Store the credential on the key (discoverable) instead of wrapping it in its id.
    pub resident: bool,
    /// The challenge (32 random bytes).
    pub challenge: Vec<u8>,
}

/// How a credential's public key is encoded in [`Registration::public_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PublicKeyKind {
    /// ECDSA P-256, SubjectPublicKeyInfo DER.
    Es256,
    /// Ed25519, SubjectPublicKeyInfo DER.
    Ed25519,
    /// The simulator's symmetric stand-in (tests only).
    Simulated,
    /// Something else; assertions cannot be verified.
    Unknown,
}

/// A credential the key just created (makeCredential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The relying party it belongs to.
    pub rp_id: String,
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// The public key, see [`Registration::public_key_kind`].
    pub public_key: Vec<u8>,
    /// How `public_key` is encoded.
    pub public_key_kind: PublicKeyKind,
    /// The attestation format (`packed`, `fido-u2f`, `none`...).
    pub attestation_format: String,
}

/// A signature from the key over a challenge (getAssertion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// The credential that signed.
    pub credential_id: Vec<u8>,
    /// The authenticator data that was signed (with the challenge's hash).
    pub auth_data: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
    /// The signature counter.
    pub sign_count: u32,
}

/// A relying party with resident credentials on the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelyingParty {
    /// Its id (a domain).
    pub id: String,
    /// Its display name (may be empty).
    pub name: String,
}

/// A resident (discoverable) credential stored on the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResidentCredential {
    /// The relying party id.
    pub rp_id: String,
    /// The credential id, base64url without padding (what `--delete` takes).
    pub id: String,
    /// The user name stored with it.
    pub user_name: String,
    /// The user's display name (may be empty).
    pub user_display_name: String,
}

/// One security key, opened. Implementations block (HID I/O, waiting for a touch); run them
/// through [`task::spawn`] to keep a caller's thread free. Methods that wait for a touch take a
/// [`CancelToken`]; what a backend can interrupt is documented on the backend.
///
/// The methods map one-to-one to CTAP2 commands and report the key's answer as a
/// [`FidoError`]; the policy (what to check first, what to refuse) lives in [`ops`].
pub trait Authenticator: Send + Sync {
    /// The key this is.
    fn device(&self) -> &DeviceSummary;
    /// authenticatorGetInfo (without the PIN retries).
    fn info(&self) -> FidoResult<KeyInfo>;
    /// clientPIN getPinRetries: attempts left before the PIN blocks.
    fn pin_retries(&self) -> FidoResult<u32>;
    /// clientPIN setPIN, on a key without a PIN.
    fn set_pin(&self, new: &Pin) -> FidoResult<()>;
    /// clientPIN changePIN.
    fn change_pin(&self, current: &Pin, new: &Pin) -> FidoResult<()>;
    /// authenticatorMakeCredential; waits for a touch.
    fn make_credential(
        &self,
        request: &CredentialRequest,
        pin: Option<&Pin>,
        cancel: &CancelToken,
    ) -> FidoResult<Registration>;
    /// authenticatorGetAssertion for one credential; waits for a touch.
    fn get_assertion(
        &self,
        rp_id: &str,
        challenge: &[u8],
        credential_id: &[u8],
        pin: Option<&Pin>,
        cancel: &CancelToken,
    ) -> FidoResult<Assertion>;
    /// Checks an assertion's signature against a registration's public key.
    fn verify(&self, registration: &Registration, challenge: &[u8], assertion: &Assertion) -> bool;
    /// credentialManagement enumerateRPs.
    fn relying_parties(&self, pin: &Pin) -> FidoResult<Vec<RelyingParty>>;
    /// credentialManagement enumerateCredentials for one relying party.
    fn credentials(&self, pin: &Pin, rp: &RelyingParty) -> FidoResult<Vec<ResidentCredential>>;
    /// credentialManagement deleteCredential (id as raw bytes).
    fn delete_credential(&self, pin: &Pin, credential_id: &[u8]) -> FidoResult<()>;
    /// authenticatorReset; waits for a touch, and keys refuse it later than 10 s after power-up.
    fn reset(&self, cancel: &CancelToken) -> FidoResult<()>;
    /// Makes the key blink (CTAPHID_WINK); `Unsupported` when it cannot.
    fn wink(&self) -> FidoResult<()>;
}

/// Finds and opens keys.
pub trait AuthenticatorFinder {
    /// The keys plugged in now (possibly none).
    fn list(&self) -> FidoResult<Vec<DeviceSummary>>;
    /// Opens the key at `path`, or the only key when `path` is `None`
    /// ([`FidoError::NoDevice`] with none, [`FidoError::MultipleDevices`] with several).
    fn open(&self, path: Option<&str>) -> FidoResult<Box<dyn Authenticator>>;
}

/// Picks the one device to open: the one at `path`, or the only one.
pub fn choose_device(devices: Vec<DeviceSummary>, path: Option<&str>) -> FidoResult<DeviceSummary> {
    match path {
        Some(p) => devices
            .into_iter()
            .find(|d| d.path == p)
            .ok_or_else(|| FidoError::DeviceNotFound(p.to_string())),
        None => {
            let n = devices.len();
            let mut it = devices.into_iter();
            match (it.next(), n) {
                (None, _) => Err(FidoError::NoDevice),
                (Some(d), 1) => Ok(d),
                (Some(_), n) => Err(FidoError::MultipleDevices(n)),
            }
        }
    }
}

/// Encodes a credential id the way the CLI and app show it (base64url, no padding).
pub fn encode_credential_id(id: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

/// Decodes a credential id shown by [`encode_credential_id`].
pub fn decode_credential_id(id: &str) -> FidoResult<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id.trim())
        .map_err(|_| FidoError::CredentialNotFound(id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(path: &str) -> DeviceSummary {
        DeviceSummary {
            path: path.into(),
            vendor_id: 1,
            product_id: 2,
            product: "k".into(),
        }
    }

    #[test]
    fn choose_device_rules() {
        assert!(matches!(
            choose_device(vec![], None),
            Err(FidoError::NoDevice)
        ));
        assert_eq!(choose_device(vec![dev("a")], None).unwrap().path, "a");
        assert!(matches!(
            choose_device(vec![dev("a"), dev("b")], None),
            Err(FidoError::MultipleDevices(2))
        ));
        assert_eq!(
            choose_device(vec![dev("a"), dev("b")], Some("b"))
                .unwrap()
                .path,
            "b"
        );
        assert!(matches!(
            choose_device(vec![dev("a")], Some("z")),
            Err(FidoError::DeviceNotFound(_))
        ));
    }

    #[test]
    fn pin_debug_is_redacted() {
        assert_eq!(format!("{:?}", Pin::new("123456")), "<redacted>");
    }

    #[test]
    fn credential_id_round_trip() {
        let id = vec![0u8, 255, 17, 42];
        assert_eq!(
            decode_credential_id(&encode_credential_id(&id)).unwrap(),
            id
        );
        assert!(decode_credential_id("not base64!").is_err());
    }
}
