//! A software FIDO2 authenticator, for tests only.
//!
//! It works at the logical level of CTAP2 (the [`Authenticator`] trait), not on CBOR bytes, and
//! enforces what a real key enforces:
//!
//! - PIN: at least 4 Unicode code points (or the key's minimum), at most 63 UTF-8 bytes; 8 tries,
//!   reset by a right PIN; 3 wrong PINs in a row make it refuse PINs until a power cycle
//!   ([`SimKey::power_cycle`]); 0 tries left blocks the PIN until a reset.
//! - A PIN is required for makeCredential/getAssertion once one is set, and for credential
//!   management always.
//! - Touch is simulated by [`Touch`]: approve, deny, time out (after
//!   [`SimState::touch_timeout_ms`], cancellable), or unplug the key mid-operation.
//! - Resident credentials are stored per relying party and can be listed and deleted;
//!   non-resident credential ids wrap their key (so they survive nothing but the key's secret).
//! - Reset is refused later than 10 seconds after power-up, and wipes the PIN, the credentials
//!   and the key's secret.
//!
//! Signatures are HMAC-SHA-256 with a per-credential secret standing in for the key pair
//! ([`PublicKeyKind::Simulated`]): enough to prove the register-then-verify flow, not
//! cryptographically meaningful.
//!
//! The state can live in a JSON file ([`SimKey::open_file`]): every operation reloads it and
//! writes it back. The `twofold` CLI uses that when `TWOFOLD_FIDO_SIMULATOR` names such a file,
//! so end-to-end tests can drive the real binary. Never point a real user at it.

use super::ops::check_pin_policy;
use crate::hex;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    choose_device, decode_credential_id, encode_credential_id, Assertion, Authenticator,
    AuthenticatorFinder, CancelToken, CredentialRequest, DeviceSummary, FidoError, FidoResult,
    KeyInfo, KeyOptions, Pin, PublicKeyKind, Registration, RelyingParty, ResidentCredential,
};

/// PIN attempts a fresh key has (CTAP2: 8).
pub const MAX_PIN_RETRIES: u32 = 8;
/// Wrong PINs in a row before a power cycle is needed (CTAP2: 3).
pub const WRONG_PINS_PER_POWER_CYCLE: u32 = 3;
/// How long after power-up a reset is accepted (CTAP2: 10 s).
pub const RESET_WINDOW_MS: u64 = 10_000;
/// The path the simulated key reports.
pub const SIM_PATH: &str = "simulated";

/// What the simulated user does when the key asks for a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Touch {
    /// Touches the key.
    #[default]
    Approve,
    /// Declines (CTAP2_ERR_OPERATION_DENIED).
    Deny,
    /// Does nothing: the key gives up after `touch_timeout_ms` (CTAP2_ERR_USER_ACTION_TIMEOUT).
    Timeout,
    /// Pulls the key out while it waits.
    Unplug,
}

/// One resident credential, as the simulator stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimCredential {
    /// The relying party id.
    pub rp_id: String,
    /// The credential id, base64url.
    pub id: String,
    /// The user handle, base64url.
    pub user_id: String,
    /// The user name.
    pub user_name: String,
}

/// The whole state of a simulated key (what its JSON file holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SimState {
    /// Whether the key is plugged in.
    pub plugged_in: bool,
    /// The product name it reports.
    pub product: String,
    /// SHA-256 of the PIN, hex; `None` when no PIN is set.
    pub pin_hash: Option<String>,
    /// PIN attempts left.
    pub pin_retries: u32,
    /// Wrong PINs since power-up or the last right PIN.
    pub consecutive_wrong: u32,
    /// When the key was last powered up (Unix milliseconds).
    pub powered_up_at_ms: u64,
    /// What the simulated user does when asked to touch.
    pub touch: Touch,
    /// How long [`Touch::Timeout`] waits before giving up.
    pub touch_timeout_ms: u64,
    /// Whether the key supports credential management.
    pub cred_mgmt: bool,
    /// The shortest PIN accepted, in code points.
    pub min_pin_length: u32,
    /// The key's secret (hex), from which credential secrets derive; a reset replaces it.
    pub secret: String,
    /// The signature counter.
    pub sign_count: u32,
    /// Resident credentials.
    pub credentials: Vec<SimCredential>,
}

impl Default for SimState {
    fn default() -> Self {
        SimState {
            plugged_in: true,
            product: "Twofold Simulated Key".into(),
            pin_hash: None,
            pin_retries: MAX_PIN_RETRIES,
            consecutive_wrong: 0,
            powered_up_at_ms: 0,
            touch: Touch::Approve,
            touch_timeout_ms: 0,
            cred_mgmt: true,
            min_pin_length: 4,
            secret: "00".repeat(32),
            sign_count: 0,
            credentials: Vec::new(),
        }
    }
}

impl SimState {
    /// A fresh key (no PIN, no credentials, a random secret) powered up at `now_ms`.
    pub fn fresh(now_ms: u64) -> Self {
        SimState {
            powered_up_at_ms: now_ms,
            secret: random_hex(32),
            ..Default::default()
        }
    }

    /// Reads a state file.
    pub fn load(path: &Path) -> FidoResult<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| FidoError::Simulator(format!("cannot read {}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            FidoError::Simulator(format!("{} is not a simulator state: {e}", path.display()))
        })
    }

    /// Writes a state file (through a temporary file and a rename).
    pub fn save(&self, path: &Path) -> FidoResult<()> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| FidoError::Simulator(e.to_string()))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| FidoError::Simulator(format!("cannot write {}: {e}", path.display())))
    }
}

type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The simulated key.
pub struct SimKey {
    state: Mutex<SimState>,
    file: Option<PathBuf>,
    clock: Clock,
    device: DeviceSummary,
}

impl std::fmt::Debug for SimKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimKey").field("file", &self.file).finish()
    }
}

fn system_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn device_for(state: &SimState) -> DeviceSummary {
    DeviceSummary {
        path: SIM_PATH.into(),
        vendor_id: 0xF1D0,
        product_id: 0x0001,
        product: state.product.clone(),
    }
}

impl SimKey {
    /// A key held in memory, with `clock` giving "now" in Unix milliseconds.
    pub fn new(state: SimState, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        SimKey {
            device: device_for(&state),
            state: Mutex::new(state),
            file: None,
            clock: Arc::new(clock),
        }
    }

    /// A key whose state lives in `path` (created fresh when missing), on the system clock.
    pub fn open_file(path: &Path) -> FidoResult<Self> {
        let state = if path.exists() {
            SimState::load(path)?
        } else {
            let s = SimState::fresh(system_ms());
            s.save(path)?;
            s
        };
        Ok(SimKey {
            device: device_for(&state),
            state: Mutex::new(state),
            file: Some(path.to_path_buf()),
            clock: Arc::new(system_ms),
        })
    }

    /// A copy of the current state.
    pub fn state(&self) -> SimState {
        self.lock().clone()
    }

    /// Unplugs and replugs the key: wrong-PIN streak cleared, reset window reopened.
    pub fn power_cycle(&self) -> FidoResult<()> {
        let now = (self.clock)();
        self.with(|s| {
            s.plugged_in = true;
            s.consecutive_wrong = 0;
            s.powered_up_at_ms = now;
            Ok(())
        })
    }

    /// Changes what the simulated user does on the next touch requests.
    pub fn set_touch(&self, touch: Touch, timeout_ms: u64) -> FidoResult<()> {
        self.with(|s| {
            s.touch = touch;
            s.touch_timeout_ms = timeout_ms;
            Ok(())
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SimState> {
        // A panic while holding the lock leaves a consistent-enough state for a simulator.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state (reloaded from the file first), then saves it, even when `f`
    /// fails: a wrong PIN uses up a try whatever happens next, as on a real key.
    fn with<T>(&self, f: impl FnOnce(&mut SimState) -> FidoResult<T>) -> FidoResult<T> {
        let mut guard = self.lock();
        if let Some(path) = &self.file {
            *guard = SimState::load(path)?;
        }
        let out = f(&mut guard);
        if let Some(path) = &self.file {
            guard.save(path)?;
        }
        out
    }

    fn touch(state: &mut SimState, cancel: &CancelToken) -> FidoResult<()> {
        cancel.check()?;
        match state.touch {
            Touch::Approve => Ok(()),
            Touch::Deny => Err(FidoError::OperationDenied),
            Touch::Unplug => {
                state.plugged_in = false;
                Err(FidoError::Disconnected)
            }
            Touch::Timeout => {
                let mut waited = 0;
                while waited < state.touch_timeout_ms {
                    cancel.check()?;
                    std::thread::sleep(Duration::from_millis(5));
                    waited += 5;
                }
                Err(FidoError::UserActionTimeout)
            }
        }
    }
}

fn plugged(s: &SimState) -> FidoResult<()> {
    if s.plugged_in {
        Ok(())
    } else {
        Err(FidoError::Disconnected)
    }
}

fn pin_hash(pin: &Pin) -> String {
    hex(&Sha256::digest(pin.as_str().as_bytes()))
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    // No OS randomness only makes the simulated ids predictable: fine for a test double.
    let _ = getrandom::getrandom(&mut v);
    v
}

fn random_hex(n: usize) -> String {
    hex(&random_bytes(n))
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return Vec::new();
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

fn check_pin(s: &mut SimState, pin: &Pin) -> FidoResult<()> {
    let Some(expected) = s.pin_hash.clone() else {
        return Err(FidoError::PinNotSet);
    };
    if s.pin_retries == 0 {
        return Err(FidoError::PinBlocked);
    }
    if s.consecutive_wrong >= WRONG_PINS_PER_POWER_CYCLE {
        return Err(FidoError::PinAuthBlocked {
            retries: Some(s.pin_retries),
        });
    }
    if pin_hash(pin) == expected {
        s.pin_retries = MAX_PIN_RETRIES;
        s.consecutive_wrong = 0;
        return Ok(());
    }
    s.pin_retries -= 1;
    s.consecutive_wrong += 1;
    if s.pin_retries == 0 {
        Err(FidoError::PinBlocked)
    } else if s.consecutive_wrong >= WRONG_PINS_PER_POWER_CYCLE {
        Err(FidoError::PinAuthBlocked {
            retries: Some(s.pin_retries),
        })
    } else {
        Err(FidoError::PinInvalid {
            retries: s.pin_retries,
        })
    }
}

/// makeCredential/getAssertion: a PIN is needed once one is set.
fn check_optional_pin(s: &mut SimState, pin: Option<&Pin>) -> FidoResult<bool> {
    match (s.pin_hash.is_some(), pin) {
        (true, None) => Err(FidoError::PinRequired),
        (false, Some(_)) => Err(FidoError::PinNotSet),
        (true, Some(p)) => check_pin(s, p).map(|_| true),
        (false, None) => Ok(false),
    }
}

fn secret_bytes(s: &SimState) -> Vec<u8> {
    (0..s.secret.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.secret.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// Credential id = nonce (16) || HMAC(secret, nonce || rp)[..16]: only this key, for this RP,
/// recognises it (the way real keys wrap non-resident credentials).
fn new_credential_id(s: &SimState, rp_id: &str) -> Vec<u8> {
    let nonce = random_bytes(16);
    let tag = hmac(&secret_bytes(s), &[&nonce, rp_id.as_bytes()]);
    let mut id = nonce;
    id.extend_from_slice(tag.get(..16).unwrap_or(&[]));
    id
}

fn credential_is_ours(s: &SimState, rp_id: &str, id: &[u8]) -> bool {
    id.len() == 32 && {
        let tag = hmac(&secret_bytes(s), &[&id[..16], rp_id.as_bytes()]);
        tag.get(..16) == Some(&id[16..])
    }
}

fn credential_secret(s: &SimState, id: &[u8]) -> Vec<u8> {
    hmac(&secret_bytes(s), &[b"credential", id])
}

fn signed_message(auth_data: &[u8], challenge: &[u8]) -> Vec<u8> {
    let mut m = auth_data.to_vec();
    m.extend_from_slice(&Sha256::digest(challenge));
    m
}

impl Authenticator for SimKey {
    fn device(&self) -> &DeviceSummary {
        &self.device
    }

    fn info(&self) -> FidoResult<KeyInfo> {
        self.with(|s| {
            plugged(s)?;
            Ok(KeyInfo {
                versions: vec!["FIDO_2_0".into(), "FIDO_2_1".into()],
                extensions: vec!["credProtect".into(), "hmac-secret".into()],
                aaguid: "7f1d0000000000000000000000000001".into(),
                options: KeyOptions {
                    client_pin: Some(s.pin_hash.is_some()),
                    rk: Some(true),
                    uv: None,
                    cred_mgmt: s.cred_mgmt.then_some(true),
                    bio_enroll: None,
                },
                min_pin_length: s.min_pin_length,
                pin_retries: None,
            })
        })
    }

    fn pin_retries(&self) -> FidoResult<u32> {
        self.with(|s| {
            plugged(s)?;
            Ok(s.pin_retries)
        })
    }

    fn set_pin(&self, new: &Pin) -> FidoResult<()> {
        self.with(|s| {
            plugged(s)?;
            if s.pin_hash.is_some() {
                return Err(FidoError::PinAlreadySet);
            }
            check_pin_policy(new, s.min_pin_length)?;
            s.pin_hash = Some(pin_hash(new));
            s.pin_retries = MAX_PIN_RETRIES;
            s.consecutive_wrong = 0;
            Ok(())
        })
    }

    fn change_pin(&self, current: &Pin, new: &Pin) -> FidoResult<()> {
        self.with(|s| {
            plugged(s)?;
            // The key checks the new PIN's form before it spends a try on the current one.
            check_pin_policy(new, s.min_pin_length)?;
            check_pin(s, current)?;
            s.pin_hash = Some(pin_hash(new));
            Ok(())
        })
    }

    fn make_credential(
        &self,
        request: &CredentialRequest,
        pin: Option<&Pin>,
        cancel: &CancelToken,
    ) -> FidoResult<Registration> {
        self.with(|s| {
            plugged(s)?;
            check_optional_pin(s, pin)?;
            Self::touch(s, cancel)?;
            let id = new_credential_id(s, &request.rp_id);
            if request.resident {
                let user_id = encode_credential_id(&request.user_id);
                // One resident credential per (RP, user), as CTAP2 requires.
                s.credentials
                    .retain(|c| !(c.rp_id == request.rp_id && c.user_id == user_id));
                s.credentials.push(SimCredential {
                    rp_id: request.rp_id.clone(),
                    id: encode_credential_id(&id),
                    user_id,
                    user_name: request.user_name.clone(),
                });
            }
            Ok(Registration {
                rp_id: request.rp_id.clone(),
                public_key: credential_secret(s, &id),
                credential_id: id,
                public_key_kind: PublicKeyKind::Simulated,
                attestation_format: "none".into(),
            })
        })
    }

    fn get_assertion(
        &self,
        rp_id: &str,
        challenge: &[u8],
        credential_id: &[u8],
        pin: Option<&Pin>,
        cancel: &CancelToken,
    ) -> FidoResult<Assertion> {
        self.with(|s| {
            plugged(s)?;
            let verified = check_optional_pin(s, pin)?;
            if !credential_is_ours(s, rp_id, credential_id) {
                return Err(FidoError::CredentialNotFound(encode_credential_id(
                    credential_id,
                )));
            }
            Self::touch(s, cancel)?;
            s.sign_count = s.sign_count.wrapping_add(1);
            let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
            auth_data.push(if verified { 0x05 } else { 0x01 });
            auth_data.extend_from_slice(&s.sign_count.to_be_bytes());
            let signature = hmac(
                &credential_secret(s, credential_id),
                &[&signed_message(&auth_data, challenge)],
            );
            Ok(Assertion {
                credential_id: credential_id.to_vec(),
                auth_data,
                signature,
                sign_count: s.sign_count,
            })
        })
    }

    fn verify(&self, registration: &Registration, challenge: &[u8], assertion: &Assertion) -> bool {
        registration.public_key_kind == PublicKeyKind::Simulated
            && assertion.credential_id == registration.credential_id
            && assertion.auth_data.get(..32)
                == Some(Sha256::digest(registration.rp_id.as_bytes()).as_slice())
            && hmac(
                &registration.public_key,
                &[&signed_message(&assertion.auth_data, challenge)],
            ) == assertion.signature
    }

    fn relying_parties(&self, pin: &Pin) -> FidoResult<Vec<RelyingParty>> {
        self.with(|s| {
            plugged(s)?;
            if !s.cred_mgmt {
                return Err(FidoError::Unsupported(
                    "credential management (credMgmt)".into(),
                ));
            }
            check_pin(s, pin)?;
            let mut rps: Vec<RelyingParty> = Vec::new();
            for c in &s.credentials {
                if !rps.iter().any(|r| r.id == c.rp_id) {
                    rps.push(RelyingParty {
                        id: c.rp_id.clone(),
                        name: String::new(),
                    });
                }
            }
            Ok(rps)
        })
    }

    fn credentials(&self, pin: &Pin, rp: &RelyingParty) -> FidoResult<Vec<ResidentCredential>> {
        self.with(|s| {
            plugged(s)?;
            if !s.cred_mgmt {
                return Err(FidoError::Unsupported(
                    "credential management (credMgmt)".into(),
                ));
            }
            check_pin(s, pin)?;
            Ok(s.credentials
                .iter()
                .filter(|c| c.rp_id == rp.id)
                .map(|c| ResidentCredential {
                    rp_id: c.rp_id.clone(),
                    id: c.id.clone(),
                    user_name: c.user_name.clone(),
                    user_display_name: String::new(),
                })
                .collect())
        })
    }

    fn delete_credential(&self, pin: &Pin, credential_id: &[u8]) -> FidoResult<()> {
        self.with(|s| {
            plugged(s)?;
            if !s.cred_mgmt {
                return Err(FidoError::Unsupported(
                    "credential management (credMgmt)".into(),
                ));
            }
            check_pin(s, pin)?;
            let id = encode_credential_id(credential_id);
            let before = s.credentials.len();
            s.credentials.retain(|c| c.id != id);
            if s.credentials.len() == before {
                return Err(FidoError::CredentialNotFound(id));
            }
            Ok(())
        })
    }

    fn reset(&self, cancel: &CancelToken) -> FidoResult<()> {
        let now = (self.clock)();
        self.with(|s| {
            plugged(s)?;
            if now.saturating_sub(s.powered_up_at_ms) > RESET_WINDOW_MS {
                return Err(FidoError::ResetWindowClosed);
            }
            Self::touch(s, cancel)?;
            let keep = SimState {
                plugged_in: true,
                product: s.product.clone(),
                powered_up_at_ms: s.powered_up_at_ms,
                touch: s.touch,
                touch_timeout_ms: s.touch_timeout_ms,
                cred_mgmt: s.cred_mgmt,
                min_pin_length: 4,
                secret: random_hex(32),
                ..Default::default()
            };
            *s = keep;
            Ok(())
        })
    }

    fn wink(&self) -> FidoResult<()> {
        self.with(|s| plugged(s))
    }
}

/// Finds the simulated key whose state lives in a file (see the module docs).
#[derive(Debug, Clone)]
pub struct SimFinder {
    /// The state file.
    pub path: PathBuf,
}

impl AuthenticatorFinder for SimFinder {
    fn list(&self) -> FidoResult<Vec<DeviceSummary>> {
        let key = SimKey::open_file(&self.path)?;
        let state = key.state();
        Ok(if state.plugged_in {
            vec![device_for(&state)]
        } else {
            Vec::new()
        })
    }

    fn open(&self, path: Option<&str>) -> FidoResult<Box<dyn Authenticator>> {
        choose_device(self.list()?, path)?;
        Ok(Box::new(SimKey::open_file(&self.path)?))
    }
}

/// Decodes a base64url credential id, for tests that poke at [`SimState::credentials`].
pub fn credential_id_bytes(id: &str) -> FidoResult<Vec<u8>> {
    decode_credential_id(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn key_with_clock() -> (SimKey, Arc<AtomicU64>) {
        let now = Arc::new(AtomicU64::new(1_000_000));
        let c = now.clone();
        let key = SimKey::new(SimState::fresh(1_000_000), move || c.load(Ordering::SeqCst));
        (key, now)
    }

    fn req(resident: bool) -> CredentialRequest {
        CredentialRequest {
            rp_id: "example.com".into(),
            user_id: vec![1, 2, 3],
            user_name: "alice".into(),
            resident,
            challenge: vec![9; 32],
        }
    }

    #[test]
    fn pin_policy_counts_code_points_and_bytes() {
        assert!(check_pin_policy(&Pin::new("123"), 4).is_err());
        assert!(check_pin_policy(&Pin::new("1234"), 4).is_ok());
        // 4 code points, 8 bytes: accepted (the rule is on code points, not bytes).
        assert!(check_pin_policy(&Pin::new("ééé é"), 4).is_ok());
        assert!(check_pin_policy(&Pin::new("a".repeat(63)), 4).is_ok());
        assert!(check_pin_policy(&Pin::new("a".repeat(64)), 4).is_err());
        // 32 code points but 64 bytes.
        assert!(check_pin_policy(&Pin::new("é".repeat(32)), 4).is_err());
        assert!(check_pin_policy(&Pin::new("12345"), 6).is_err());
    }

    #[test]
    fn wrong_pins_count_down_need_power_cycles_then_block() {
        let (key, _) = key_with_clock();
        key.set_pin(&Pin::new("1234")).unwrap();
        let bad = Pin::new("0000");
        let new = Pin::new("5678");
        assert_eq!(
            key.change_pin(&bad, &new),
            Err(FidoError::PinInvalid { retries: 7 })
        );
        assert_eq!(
            key.change_pin(&bad, &new),
            Err(FidoError::PinInvalid { retries: 6 })
        );
        assert_eq!(
            key.change_pin(&bad, &new),
            Err(FidoError::PinAuthBlocked { retries: Some(5) })
        );
        // Even the right PIN is refused until a power cycle, and it costs no try.
        assert_eq!(
            key.change_pin(&Pin::new("1234"), &new),
            Err(FidoError::PinAuthBlocked { retries: Some(5) })
        );
        assert_eq!(key.pin_retries(), Ok(5));
        key.power_cycle().unwrap();
        assert_eq!(key.pin_retries(), Ok(5));
        for expect in [4, 3] {
            assert_eq!(
                key.change_pin(&bad, &new),
                Err(FidoError::PinInvalid { retries: expect })
            );
        }
        assert_eq!(
            key.change_pin(&bad, &new),
            Err(FidoError::PinAuthBlocked { retries: Some(2) })
        );
        key.power_cycle().unwrap();
        assert_eq!(
            key.change_pin(&bad, &new),
            Err(FidoError::PinInvalid { retries: 1 })
        );
        assert_eq!(key.change_pin(&bad, &new), Err(FidoError::PinBlocked));
        key.power_cycle().unwrap();
        assert_eq!(
            key.change_pin(&Pin::new("1234"), &new),
            Err(FidoError::PinBlocked)
        );
    }

    #[test]
    fn a_right_pin_restores_the_tries() {
        let (key, _) = key_with_clock();
        key.set_pin(&Pin::new("1234")).unwrap();
        let _ = key.change_pin(&Pin::new("0000"), &Pin::new("5678"));
        assert_eq!(key.pin_retries(), Ok(7));
        key.change_pin(&Pin::new("1234"), &Pin::new("5678"))
            .unwrap();
        assert_eq!(key.pin_retries(), Ok(MAX_PIN_RETRIES));
    }

    #[test]
    fn touch_modes() {
        let (key, _) = key_with_clock();
        let c = CancelToken::new();
        key.set_touch(Touch::Deny, 0).unwrap();
        assert_eq!(
            key.make_credential(&req(false), None, &c),
            Err(FidoError::OperationDenied)
        );
        key.set_touch(Touch::Timeout, 10).unwrap();
        assert_eq!(
            key.make_credential(&req(false), None, &c),
            Err(FidoError::UserActionTimeout)
        );
        key.set_touch(Touch::Unplug, 0).unwrap();
        assert_eq!(
            key.make_credential(&req(true), None, &c),
            Err(FidoError::Disconnected)
        );
        assert!(key.state().credentials.is_empty(), "nothing half-stored");
        assert_eq!(key.info().map(|_| ()), Err(FidoError::Disconnected));
        key.power_cycle().unwrap();
        key.set_touch(Touch::Approve, 0).unwrap();
        assert!(key.make_credential(&req(false), None, &c).is_ok());
    }

    #[test]
    fn a_cancelled_touch_wait_stops() {
        let (key, _) = key_with_clock();
        key.set_touch(Touch::Timeout, 60_000).unwrap();
        let c = CancelToken::new();
        let c2 = c.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            c2.cancel();
        });
        let started = std::time::Instant::now();
        assert_eq!(
            key.make_credential(&req(false), None, &c),
            Err(FidoError::Cancelled)
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        t.join().unwrap();
    }

    #[test]
    fn pin_is_required_once_set() {
        let (key, _) = key_with_clock();
        let c = CancelToken::new();
        assert_eq!(
            key.make_credential(&req(false), Some(&Pin::new("1234")), &c),
            Err(FidoError::PinNotSet)
        );
        key.set_pin(&Pin::new("1234")).unwrap();
        assert_eq!(
            key.make_credential(&req(false), None, &c),
            Err(FidoError::PinRequired)
        );
        assert_eq!(
            key.set_pin(&Pin::new("9999")),
            Err(FidoError::PinAlreadySet)
        );
    }

    #[test]
    fn register_sign_verify_and_foreign_ids() {
        let (key, _) = key_with_clock();
        let c = CancelToken::new();
        let reg = key.make_credential(&req(false), None, &c).unwrap();
        let a = key
            .get_assertion("example.com", b"chal", &reg.credential_id, None, &c)
            .unwrap();
        assert!(key.verify(&reg, b"chal", &a));
        assert!(!key.verify(&reg, b"other challenge", &a));
        assert!(matches!(
            key.get_assertion("other.com", b"chal", &reg.credential_id, None, &c),
            Err(FidoError::CredentialNotFound(_))
        ));
    }

    #[test]
    fn resident_credentials_per_rp_and_delete() {
        let (key, _) = key_with_clock();
        let c = CancelToken::new();
        let pin = Pin::new("1234");
        key.set_pin(&pin).unwrap();
        key.make_credential(&req(true), Some(&pin), &c).unwrap();
        let mut other = req(true);
        other.rp_id = "other.org".into();
        key.make_credential(&other, Some(&pin), &c).unwrap();
        // Same RP + user replaces.
        key.make_credential(&req(true), Some(&pin), &c).unwrap();
        let rps = key.relying_parties(&pin).unwrap();
        assert_eq!(rps.len(), 2);
        let creds = key.credentials(&pin, &rps[0]).unwrap();
        assert_eq!(creds.len(), 1);
        let id = credential_id_bytes(&creds[0].id).unwrap();
        key.delete_credential(&pin, &id).unwrap();
        assert!(matches!(
            key.delete_credential(&pin, &id),
            Err(FidoError::CredentialNotFound(_))
        ));
        assert_eq!(key.relying_parties(&pin).unwrap().len(), 1);
    }

    #[test]
    fn reset_window_and_wipe() {
        let (key, now) = key_with_clock();
        let c = CancelToken::new();
        let pin = Pin::new("1234");
        key.set_pin(&pin).unwrap();
        let reg = key.make_credential(&req(true), Some(&pin), &c).unwrap();
        now.fetch_add(10_001, Ordering::SeqCst);
        assert_eq!(key.reset(&c), Err(FidoError::ResetWindowClosed));
        key.power_cycle().unwrap();
        now.fetch_add(9_000, Ordering::SeqCst);
        key.set_touch(Touch::Deny, 0).unwrap();
        assert_eq!(key.reset(&c), Err(FidoError::OperationDenied));
        assert!(
            key.state().pin_hash.is_some(),
            "a denied reset changes nothing"
        );
        key.set_touch(Touch::Approve, 0).unwrap();
        key.reset(&c).unwrap();
        let s = key.state();
        assert!(s.pin_hash.is_none() && s.credentials.is_empty());
        assert_eq!(s.pin_retries, MAX_PIN_RETRIES);
        // The old credential is gone with the old secret.
        assert!(key
            .get_assertion("example.com", b"x", &reg.credential_id, None, &c)
            .is_err());
    }

    #[test]
    fn state_file_round_trip_through_the_finder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.json");
        let finder = SimFinder { path: path.clone() };
        assert_eq!(finder.list().unwrap().len(), 1);
        let key = finder.open(None).unwrap();
        key.set_pin(&Pin::new("1234")).unwrap();
        let _ = key.change_pin(&Pin::new("0000"), &Pin::new("5678"));
        let reloaded = SimState::load(&path).unwrap();
        assert_eq!(reloaded.pin_retries, 7);
        assert!(reloaded.pin_hash.is_some());
        let mut unplugged = reloaded;
        unplugged.plugged_in = false;
        unplugged.save(&path).unwrap();
        assert!(finder.list().unwrap().is_empty());
        assert!(matches!(finder.open(None), Err(FidoError::NoDevice)));
    }
}
