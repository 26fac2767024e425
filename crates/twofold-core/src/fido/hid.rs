//! Real security keys over USB HID, through `ctap-hid-fido2` (feature `fido`).
//!
//! `ctap-hid-fido2` has no authenticatorReset, so [`HidKey::reset`] speaks CTAPHID itself over
//! `hidapi` (the library's own HID layer): INIT, then CBOR `0x07`, reading keep-alives with a
//! short timeout so a cancel can send CTAPHID_CANCEL.
//!
//! Cancellation: every other command is one blocking `ctap-hid-fido2` call that holds the
//! device until the key answers; the [`CancelToken`] is checked before it starts, not during.
//! A key waiting for a touch gives up by itself (CTAP2_ERR_USER_ACTION_TIMEOUT, about 30 s).
//!
//! On Linux the keys are `/dev/hidraw*`, which need a udev rule (the `70-u2f.rules` of
//! libfido2/libu2f-udev) for a normal user to open them.

use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use ctap_hid_fido2::fidokey::get_assertion::get_assertion_params::Assertion as CtapAssertion;
use ctap_hid_fido2::public_key::{PublicKey, PublicKeyType};
use ctap_hid_fido2::public_key_credential_descriptor::PublicKeyCredentialDescriptor;
use ctap_hid_fido2::public_key_credential_user_entity::PublicKeyCredentialUserEntity;
use ctap_hid_fido2::{verifier, FidoKeyHid, HidParam, LibCfg};
use sha2::{Digest, Sha256};

use super::{
    choose_device, encode_credential_id, Assertion, Authenticator, AuthenticatorFinder,
    CancelToken, CredentialRequest, DeviceSummary, FidoError, FidoResult, KeyInfo, KeyOptions, Pin,
    PublicKeyKind, Registration, RelyingParty, ResidentCredential,
};
use crate::hex;

/// Finds keys on USB HID (usage page 0xF1D0).
#[derive(Debug, Clone, Copy, Default)]
pub struct HidFinder;

/// `ctap-hid-fido2` panics (rather than erring) when the HID subsystem cannot start; turn that
/// into an error the user can act on.
fn guarded<T>(f: impl FnOnce() -> FidoResult<T>) -> FidoResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(FidoError::Device(
            "the USB HID subsystem could not be opened (on Linux: is udev running?)".into(),
        ))
    })
}

impl AuthenticatorFinder for HidFinder {
    fn list(&self) -> FidoResult<Vec<DeviceSummary>> {
        guarded(|| {
            let mut out: Vec<DeviceSummary> = Vec::new();
            for d in ctap_hid_fido2::get_fidokey_devices() {
                let path = match &d.param {
                    HidParam::Path(p) => p.clone(),
                    HidParam::VidPid { vid, pid } => format!("{vid:04x}:{pid:04x}"),
                };
                // hidapi can list one interface more than once (per usage); keep one.
                if !out.iter().any(|o| o.path == path) {
                    out.push(DeviceSummary {
                        path,
                        vendor_id: d.vid,
                        product_id: d.pid,
                        product: d.product_string.clone(),
                    });
                }
            }
            Ok(out)
        })
    }

    fn open(&self, path: Option<&str>) -> FidoResult<Box<dyn Authenticator>> {
        let device = choose_device(self.list()?, path)?;
        guarded(|| {
            let mut cfg = LibCfg::init();
            // The caller prompts for the touch itself; the library would print to stdout.
            cfg.enable_keep_alive_msg = false;
            let mut key = FidoKeyHid::new(&[HidParam::Path(device.path.clone())], &cfg)
                .map_err(|_| FidoError::Disconnected)?;
            if let Ok(info) = key.get_info() {
                // FIDO 2.1 keys take credentialManagement 0x0A; 2.1-PRE ones only 0x41.
                key.use_pre_credential_management =
                    !info.options.iter().any(|(k, v)| k == "credMgmt" && *v);
                key.use_pre_bio_enrollment = !info.options.iter().any(|(k, _)| k == "bioEnroll");
            }
            Ok(Box::new(HidKey { key, device }) as Box<dyn Authenticator>)
        })
    }
}

/// One key, opened over HID.
pub struct HidKey {
    key: FidoKeyHid,
    device: DeviceSummary,
}

impl std::fmt::Debug for HidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HidKey")
            .field("device", &self.device)
            .finish()
    }
}

/// Reads the CTAP status byte out of a `ctap-hid-fido2` error text
/// (`"response_status err = 0x31 CTAP2_ERR_PIN_INVALID ..."`).
fn ctap_status(msg: &str) -> Option<u8> {
    let i = msg.find("err = 0x")? + "err = 0x".len();
    u8::from_str_radix(msg.get(i..i + 2)?, 16).ok()
}

impl HidKey {
    fn map(&self, e: impl std::fmt::Display) -> FidoError {
        let msg = format!("{e:#}");
        if msg.contains("read err") || msg.contains("write error") || msg.contains("read error") {
            return FidoError::Disconnected;
        }
        match ctap_status(&msg) {
            Some(status) => {
                let retries = if matches!(status, 0x31 | 0x34) {
                    self.key
                        .get_pin_retries()
                        .ok()
                        .map(|r| u32::try_from(r).unwrap_or(0))
                } else {
                    None
                };
                FidoError::from_ctap_status(status, retries)
            }
            None => FidoError::Device(msg),
        }
    }

    /// Runs one library call; its (anyhow) error is read through `Display` only, so core does
    /// not depend on anyhow.
    fn call<T, E: std::fmt::Display>(
        &self,
        f: impl FnOnce(&FidoKeyHid) -> Result<T, E>,
    ) -> FidoResult<T> {
        guarded(|| f(&self.key).map_err(|e| self.map(e)))
    }
}

fn option(options: &[(String, bool)], names: &[&str]) -> Option<bool> {
    let mut found = None;
    for (k, v) in options {
        if names.contains(&k.as_str()) {
            found = Some(found.unwrap_or(false) || *v);
        }
    }
    found
}

impl Authenticator for HidKey {
    fn device(&self) -> &DeviceSummary {
        &self.device
    }

    fn info(&self) -> FidoResult<KeyInfo> {
        let info = self.call(|k| k.get_info())?;
        let o = &info.options;
        Ok(KeyInfo {
            versions: info.versions.clone(),
            extensions: info.extensions.clone(),
            aaguid: hex(&info.aaguid),
            options: KeyOptions {
                client_pin: option(o, &["clientPin"]),
                rk: option(o, &["rk"]),
                uv: option(o, &["uv"]),
                cred_mgmt: option(o, &["credMgmt", "credentialMgmtPreview"]),
                bio_enroll: option(o, &["bioEnroll", "userVerificationMgmtPreview"]),
            },
            min_pin_length: info.min_pin_length.max(4),
            pin_retries: None,
        })
    }

    fn pin_retries(&self) -> FidoResult<u32> {
        let r = self.call(|k| k.get_pin_retries())?;
        Ok(u32::try_from(r).unwrap_or(0))
    }

    fn set_pin(&self, new: &Pin) -> FidoResult<()> {
        self.call(|k| k.set_new_pin(new.as_str()))
    }

    fn change_pin(&self, current: &Pin, new: &Pin) -> FidoResult<()> {
        self.call(|k| k.change_pin(current.as_str(), new.as_str()))
    }

    fn make_credential(
        &self,
        request: &CredentialRequest,
        pin: Option<&Pin>,
        cancel: &CancelToken,
    ) -> FidoResult<Registration> {
        cancel.check()?;
        let pin = pin.map(|p| p.as_str());
        let att = if request.resident {
            let user = PublicKeyCredentialUserEntity::new(
                Some(&request.user_id),
                Some(&request.user_name),
                Some(&request.user_name),
            );
            self.call(|k| k.make_credential_rk(&request.rp_id, &request.challenge, pin, &user))?
        } else {
            self.call(|k| k.make_credential(&request.rp_id, &request.challenge, pin))?
        };
        let kind = match att.credential_publickey.key_type {
            PublicKeyType::Ecdsa256 => PublicKeyKind::Es256,
            PublicKeyType::Ed25519 => PublicKeyKind::Ed25519,
            PublicKeyType::Unknown => PublicKeyKind::Unknown,
        };
        Ok(Registration {
            rp_id: request.rp_id.clone(),
            credential_id: att.credential_descriptor.id.clone(),
            public_key: att.credential_publickey.der.clone(),
            public_key_kind: kind,
            attestation_format: att.fmt.clone(),
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
        cancel.check()?;
        let ids = [credential_id.to_vec()];
        let a = self.call(|k| k.get_assertion(rp_id, challenge, &ids, pin.map(|p| p.as_str())))?;
        Ok(Assertion {
            credential_id: if a.credential_id.is_empty() {
                credential_id.to_vec()
            } else {
                a.credential_id.clone()
            },
            auth_data: a.auth_data.clone(),
            signature: a.signature.clone(),
            sign_count: a.sign_count,
        })
    }

    fn verify(&self, registration: &Registration, challenge: &[u8], assertion: &Assertion) -> bool {
        let key_type = match registration.public_key_kind {
            PublicKeyKind::Es256 => PublicKeyType::Ecdsa256,
            PublicKeyKind::Ed25519 => PublicKeyType::Ed25519,
            PublicKeyKind::Simulated | PublicKeyKind::Unknown => return false,
        };
        let pk = PublicKey::with_der(&registration.public_key, key_type);
        let ctap = CtapAssertion {
            rpid_hash: assertion.auth_data.get(..32).unwrap_or(&[]).to_vec(),
            auth_data: assertion.auth_data.clone(),
            signature: assertion.signature.clone(),
            sign_count: assertion.sign_count,
            credential_id: assertion.credential_id.clone(),
            ..Default::default()
        };
        catch_unwind(AssertUnwindSafe(|| {
            verifier::verify_assertion(&registration.rp_id, &pk, challenge, &ctap)
        }))
        .unwrap_or(false)
    }

    fn relying_parties(&self, pin: &Pin) -> FidoResult<Vec<RelyingParty>> {
        let rps = self.call(|k| k.credential_management_enumerate_rps(Some(pin.as_str())))?;
        Ok(rps
            .into_iter()
            .map(|rp| RelyingParty {
                id: rp.public_key_credential_rp_entity.id,
                name: rp.public_key_credential_rp_entity.name,
            })
            .collect())
    }

    fn credentials(&self, pin: &Pin, rp: &RelyingParty) -> FidoResult<Vec<ResidentCredential>> {
        let hash = Sha256::digest(rp.id.as_bytes()).to_vec();
        let creds = self
            .call(|k| k.credential_management_enumerate_credentials(Some(pin.as_str()), &hash))?;
        Ok(creds
            .into_iter()
            // The library pushes the Begin answer even when there is none.
            .filter(|c| !c.public_key_credential_descriptor.id.is_empty())
            .map(|c| ResidentCredential {
                rp_id: rp.id.clone(),
                id: encode_credential_id(&c.public_key_credential_descriptor.id),
                user_name: c.public_key_credential_user_entity.name,
                user_display_name: c.public_key_credential_user_entity.display_name,
            })
            .collect())
    }

    fn delete_credential(&self, pin: &Pin, credential_id: &[u8]) -> FidoResult<()> {
        let pkcd = PublicKeyCredentialDescriptor {
            id: credential_id.to_vec(),
            ctype: "public-key".into(),
        };
        self.call(|k| k.credential_management_delete_credential(Some(pin.as_str()), pkcd))
    }

    fn reset(&self, cancel: &CancelToken) -> FidoResult<()> {
        cancel.check()?;
        guarded(|| raw_reset(&self.device.path, cancel))
    }

    fn wink(&self) -> FidoResult<()> {
        self.call(|k| k.wink())
    }
}

const CTAPHID_INIT: u8 = 0x86;
const CTAPHID_CBOR: u8 = 0x90;
const CTAPHID_CANCEL: u8 = 0x91;
const CTAPHID_KEEPALIVE: u8 = 0xBB;
const CTAPHID_ERROR: u8 = 0xBF;
const AUTHENTICATOR_RESET: u8 = 0x07;
/// Longer than any key waits for a touch, so the key's own timeout is what the user sees.
const RESET_GIVE_UP: Duration = Duration::from_secs(45);

fn write_packet(dev: &hidapi::HidDevice, cid: [u8; 4], cmd: u8, data: &[u8]) -> FidoResult<()> {
    // Report id 0, then one initialisation packet (all our payloads fit in it).
    let mut buf = [0u8; 65];
    buf[1..5].copy_from_slice(&cid);
    buf[5] = cmd;
    let len = data.len().min(57);
    buf[6] = 0;
    buf[7] = len as u8;
    buf[8..8 + len].copy_from_slice(&data[..len]);
    dev.write(&buf).map_err(|_| FidoError::Disconnected)?;
    Ok(())
}

fn read_packet(dev: &hidapi::HidDevice, timeout_ms: i32) -> FidoResult<Option<[u8; 64]>> {
    let mut buf = [0u8; 64];
    match dev.read_timeout(&mut buf, timeout_ms) {
        Ok(0) => Ok(None),
        Ok(_) => Ok(Some(buf)),
        Err(_) => Err(FidoError::Disconnected),
    }
}

fn raw_reset(path: &str, cancel: &CancelToken) -> FidoResult<()> {
    let api = hidapi::HidApi::new().map_err(|e| FidoError::Device(e.to_string()))?;
    let cpath = CString::new(path).map_err(|_| FidoError::DeviceNotFound(path.into()))?;
    let dev = api.open_path(&cpath).map_err(|_| FidoError::Disconnected)?;

    let mut nonce = [0u8; 8];
    getrandom::getrandom(&mut nonce).map_err(|e| FidoError::Device(e.to_string()))?;
    write_packet(&dev, [0xFF; 4], CTAPHID_INIT, &nonce)?;
    let started = Instant::now();
    let cid = loop {
        if started.elapsed() > Duration::from_secs(3) {
            return Err(FidoError::Device(
                "the key did not answer CTAPHID_INIT".into(),
            ));
        }
        if let Some(p) = read_packet(&dev, 200)? {
            if p[..4] == [0xFF; 4] && p[4] == CTAPHID_INIT && p[7..15] == nonce {
                break [p[15], p[16], p[17], p[18]];
            }
        }
    };

    write_packet(&dev, cid, CTAPHID_CBOR, &[AUTHENTICATOR_RESET])?;
    let started = Instant::now();
    let mut cancel_sent = false;
    loop {
        if cancel.is_cancelled() && !cancel_sent {
            write_packet(&dev, cid, CTAPHID_CANCEL, &[])?;
            cancel_sent = true;
        }
        if started.elapsed() > RESET_GIVE_UP {
            return Err(FidoError::UserActionTimeout);
        }
        let Some(p) = read_packet(&dev, 100)? else {
            continue;
        };
        if p[..4] != cid {
            continue;
        }
        match p[4] {
            CTAPHID_KEEPALIVE => continue,
            CTAPHID_CBOR => {
                return match p[7] {
                    0x00 => Ok(()),
                    // CTAP2_ERR_NOT_ALLOWED: outside the 10 s after power-up.
                    0x30 => Err(FidoError::ResetWindowClosed),
                    0x2D => Err(FidoError::Cancelled),
                    s => Err(FidoError::from_ctap_status(s, None)),
                };
            }
            CTAPHID_ERROR => {
                return Err(FidoError::Device(format!("CTAPHID error 0x{:02X}", p[7])));
            }
            _ => continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ctap_status_from_library_errors() {
        assert_eq!(
            ctap_status("response_status err = 0x31 CTAP2_ERR_PIN_INVALID   PIN Invalid."),
            Some(0x31)
        );
        assert_eq!(ctap_status("FIDO device not found."), None);
    }

    #[test]
    fn options_merge_preview_names() {
        let o = vec![
            ("credentialMgmtPreview".to_string(), true),
            ("clientPin".to_string(), false),
        ];
        assert_eq!(
            option(&o, &["credMgmt", "credentialMgmtPreview"]),
            Some(true)
        );
        assert_eq!(option(&o, &["clientPin"]), Some(false));
        assert_eq!(option(&o, &["bioEnroll"]), None);
    }

    /// Needs no hardware: with no key plugged in, listing is empty and opening says so.
    #[test]
    fn no_key_plugged_in() {
        let finder = HidFinder;
        match finder.list() {
            Ok(list) if list.is_empty() => {
                assert!(matches!(finder.open(None), Err(FidoError::NoDevice)));
            }
            // A developer machine with a key, or no HID subsystem at all: nothing to assert.
            _ => {}
        }
    }

    /// Runs against a real key: `cargo test -p twofold-core --features fido -- --ignored`.
    #[test]
    #[ignore = "needs a FIDO2 key plugged in (and touched)"]
    fn real_key_info_and_test() {
        let key = HidFinder.open(None).unwrap();
        let info = super::super::ops::key_info(&*key).unwrap();
        assert!(!info.versions.is_empty());
        if info.options.client_pin != Some(true) {
            super::super::ops::test_credential(&*key, None, false, &CancelToken::new()).unwrap();
        }
    }
}
