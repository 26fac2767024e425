//! The security-key operations callers use, above the [`Authenticator`] interface.
//!
//! Each function reads the key's info first and refuses, with a clear [`FidoError`], what the
//! key would refuse or what would spend a PIN try for nothing (no PIN set, PIN already set, a new
//! PIN that breaks the rules, a blocked PIN, an option the key lacks). Operations that change the
//! key are one CTAP command each, except the test with `resident`: if its verification fails,
//! the credential it stored is deleted again, so nothing is left half-done.

use super::{
    decode_credential_id, encode_credential_id, Authenticator, CancelToken, CredentialRequest,
    FidoError, FidoResult, KeyInfo, Pin, ResidentCredential,
};

/// The relying party id the test credential is made for.
pub const TEST_RP_ID: &str = "twofold.test";

/// What the user must know before a reset (shown before asking to confirm).
pub const RESET_WARNING: &str =
    "A reset erases every credential on the key (every site that uses it \
as a security key loses it) and removes its PIN. It cannot be undone. Keys accept a reset only \
within 10 seconds of being plugged in, and ask for a touch: unplug the key, plug it back in, \
confirm and touch it.";

/// The PIN rules every key enforces (CTAP2 setPIN/changePIN): at least `min` Unicode code
/// points, at most 63 bytes of UTF-8.
pub fn check_pin_policy(pin: &Pin, min: u32) -> FidoResult<()> {
    let min = min.max(4);
    if (pin.as_str().chars().count() as u32) < min {
        return Err(FidoError::PinPolicy(format!(
            "it must be at least {min} characters long"
        )));
    }
    if pin.as_str().len() > 63 {
        return Err(FidoError::PinPolicy(
            "it must be at most 63 bytes long (UTF-8)".into(),
        ));
    }
    Ok(())
}

/// The key's info with its PIN retries filled in (when it has a PIN).
pub fn key_info(auth: &dyn Authenticator) -> FidoResult<KeyInfo> {
    let mut info = auth.info()?;
    if info.options.client_pin == Some(true) {
        info.pin_retries = Some(auth.pin_retries()?);
    }
    Ok(info)
}

/// Sets the first PIN of a key that has none.
pub fn set_pin(auth: &dyn Authenticator, new: &Pin, cancel: &CancelToken) -> FidoResult<()> {
    let info = auth.info()?;
    match info.options.client_pin {
        None => return Err(FidoError::Unsupported("a PIN (clientPin)".into())),
        Some(true) => return Err(FidoError::PinAlreadySet),
        Some(false) => {}
    }
    check_pin_policy(new, info.min_pin_length)?;
    cancel.check()?;
    auth.set_pin(new)
}

/// Changes the PIN. The new PIN is checked first, so a mistyped new PIN costs no try.
pub fn change_pin(
    auth: &dyn Authenticator,
    current: &Pin,
    new: &Pin,
    cancel: &CancelToken,
) -> FidoResult<()> {
    let info = auth.info()?;
    match info.options.client_pin {
        None => return Err(FidoError::Unsupported("a PIN (clientPin)".into())),
        Some(false) => return Err(FidoError::PinNotSet),
        Some(true) => {}
    }
    check_pin_policy(new, info.min_pin_length)?;
    ensure_pin_usable(auth)?;
    cancel.check()?;
    auth.change_pin(current, new)
}

/// Refuses up front when the PIN is already blocked (the key would say so, less clearly).
fn ensure_pin_usable(auth: &dyn Authenticator) -> FidoResult<()> {
    if auth.pin_retries()? == 0 {
        return Err(FidoError::PinBlocked);
    }
    Ok(())
}

/// What the register-then-verify test found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestOutcome {
    /// The relying party used ([`TEST_RP_ID`]).
    pub rp_id: String,
    /// The new credential's id (base64url).
    pub credential_id: String,
    /// Whether it was stored on the key.
    pub resident: bool,
    /// The attestation format the key used.
    pub attestation_format: String,
    /// The signature counter after the assertion.
    pub sign_count: u32,
    /// Whether the PIN was used (user verification).
    pub pin_used: bool,
}

/// Registers a credential for [`TEST_RP_ID`] (makeCredential, one touch) and verifies a fresh
/// challenge signed with it (getAssertion, a second touch). Without `resident` nothing is stored
/// on the key; with it, a failed verification deletes the stored credential again.
pub fn test_credential(
    auth: &dyn Authenticator,
    pin: Option<&Pin>,
    resident: bool,
    cancel: &CancelToken,
) -> FidoResult<TestOutcome> {
    let info = auth.info()?;
    let pin = match (info.options.client_pin, pin) {
        (Some(true), None) => return Err(FidoError::PinRequired),
        (Some(true), Some(p)) => Some(p),
        // A key without a PIN set must not be sent one.
        _ => None,
    };
    if resident && info.options.rk != Some(true) {
        return Err(FidoError::Unsupported("resident credentials (rk)".into()));
    }
    if pin.is_some() {
        ensure_pin_usable(auth)?;
    }
    cancel.check()?;
    let request = CredentialRequest {
        rp_id: TEST_RP_ID.into(),
        user_id: random(16),
        user_name: "twofold-test".into(),
        resident,
        challenge: random(32),
    };
    let registration = auth.make_credential(&request, pin, cancel)?;
    let verified = (|| {
        cancel.check()?;
        let challenge = random(32);
        let assertion = auth.get_assertion(
            TEST_RP_ID,
            &challenge,
            &registration.credential_id,
            pin,
            cancel,
        )?;
        if !auth.verify(&registration, &challenge, &assertion) {
            return Err(FidoError::VerificationFailed);
        }
        Ok(assertion)
    })();
    match verified {
        Ok(assertion) => Ok(TestOutcome {
            rp_id: TEST_RP_ID.into(),
            credential_id: encode_credential_id(&registration.credential_id),
            resident,
            attestation_format: registration.attestation_format,
            sign_count: assertion.sign_count,
            pin_used: pin.is_some(),
        }),
        Err(e) => {
            if resident {
                if let (Some(p), Some(true)) = (pin, info.options.cred_mgmt) {
                    // Best effort: the error the user sees is the one that stopped the test.
                    let _ = auth.delete_credential(p, &registration.credential_id);
                }
            }
            Err(e)
        }
    }
}

/// Every resident credential on the key, relying party by relying party.
pub fn list_credentials(
    auth: &dyn Authenticator,
    pin: Option<&Pin>,
    cancel: &CancelToken,
) -> FidoResult<Vec<ResidentCredential>> {
    let info = auth.info()?;
    if info.options.cred_mgmt != Some(true) {
        return Err(FidoError::Unsupported(
            "credential management (credMgmt), so its resident credentials cannot be listed".into(),
        ));
    }
    if info.options.client_pin != Some(true) {
        return Err(FidoError::PinNotSet);
    }
    let pin = pin.ok_or(FidoError::PinRequired)?;
    ensure_pin_usable(auth)?;
    let mut all = Vec::new();
    for rp in auth.relying_parties(pin)? {
        cancel.check()?;
        all.extend(auth.credentials(pin, &rp)?);
    }
    Ok(all)
}

/// Deletes one resident credential, by the id [`list_credentials`] shows. The id is looked up
/// first, so a mistyped id never reaches the key.
pub fn delete_credential(
    auth: &dyn Authenticator,
    pin: Option<&Pin>,
    id: &str,
    cancel: &CancelToken,
) -> FidoResult<ResidentCredential> {
    let id = id.trim();
    let found = list_credentials(auth, pin, cancel)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| FidoError::CredentialNotFound(id.to_string()))?;
    let raw = decode_credential_id(id)?;
    cancel.check()?;
    auth.delete_credential(pin.ok_or(FidoError::PinRequired)?, &raw)?;
    Ok(found)
}

/// Proof that the user explicitly confirmed a reset; [`reset`] takes nothing less.
#[derive(Debug)]
pub struct ResetConfirmation(());

impl ResetConfirmation {
    /// The word the user types to confirm.
    pub const WORD: &'static str = "reset";

    /// Accepts exactly [`ResetConfirmation::WORD`] (surrounding spaces ignored).
    pub fn from_typed(answer: &str) -> FidoResult<Self> {
        if answer.trim() == Self::WORD {
            Ok(ResetConfirmation(()))
        } else {
            Err(FidoError::ResetNotConfirmed)
        }
    }

    /// For a caller that confirmed by other means (a dialog, `--yes-erase-everything`), after
    /// showing [`RESET_WARNING`].
    pub fn confirmed_by_caller() -> Self {
        ResetConfirmation(())
    }
}

/// Resets the key: erases its credentials and PIN. Needs the touch, within 10 seconds of
/// plug-in ([`FidoError::ResetWindowClosed`] otherwise).
pub fn reset(
    auth: &dyn Authenticator,
    _confirmed: ResetConfirmation,
    cancel: &CancelToken,
) -> FidoResult<()> {
    cancel.check()?;
    auth.reset(cancel)
}

/// Makes the key blink, to tell which one it is.
pub fn wink(auth: &dyn Authenticator) -> FidoResult<()> {
    auth.wink()
}

fn random(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    // Challenges only need to be fresh for this self-test; a failing RNG still yields a valid test.
    let _ = getrandom::getrandom(&mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fido::sim::{SimKey, SimState, Touch};
    use crate::fido::task;
    use std::sync::Arc;

    fn fresh() -> SimKey {
        SimKey::new(SimState::fresh(0), || 0)
    }

    fn with_pin(pin: &str) -> SimKey {
        let k = fresh();
        k.set_pin(&Pin::new(pin)).unwrap();
        k
    }

    fn c() -> CancelToken {
        CancelToken::new()
    }

    #[test]
    fn info_has_retries_only_with_a_pin() {
        let k = fresh();
        let i = key_info(&k).unwrap();
        assert_eq!(i.options.client_pin, Some(false));
        assert_eq!(i.pin_retries, None);
        assert!(!i.aaguid.is_empty() && i.versions.contains(&"FIDO_2_1".to_string()));
        let k = with_pin("1234");
        assert_eq!(key_info(&k).unwrap().pin_retries, Some(8));
    }

    #[test]
    fn set_pin_rules() {
        let k = fresh();
        assert!(matches!(
            set_pin(&k, &Pin::new("12"), &c()),
            Err(FidoError::PinPolicy(_))
        ));
        assert!(matches!(
            set_pin(&k, &Pin::new("9".repeat(64)), &c()),
            Err(FidoError::PinPolicy(_))
        ));
        set_pin(&k, &Pin::new("1234"), &c()).unwrap();
        assert_eq!(
            set_pin(&k, &Pin::new("5678"), &c()),
            Err(FidoError::PinAlreadySet)
        );
    }

    #[test]
    fn change_pin_rules() {
        let k = fresh();
        assert_eq!(
            change_pin(&k, &Pin::new("1234"), &Pin::new("5678"), &c()),
            Err(FidoError::PinNotSet)
        );
        let k = with_pin("1234");
        // A bad new PIN is refused before the current one is tried: no try spent.
        assert!(matches!(
            change_pin(&k, &Pin::new("0000"), &Pin::new("1"), &c()),
            Err(FidoError::PinPolicy(_))
        ));
        assert_eq!(k.pin_retries(), Ok(8));
        assert_eq!(
            change_pin(&k, &Pin::new("0000"), &Pin::new("5678"), &c()),
            Err(FidoError::PinInvalid { retries: 7 })
        );
        change_pin(&k, &Pin::new("1234"), &Pin::new("5678"), &c()).unwrap();
        assert_eq!(k.pin_retries(), Ok(8));
        test_credential(&k, Some(&Pin::new("5678")), false, &c()).unwrap();
    }

    #[test]
    fn wrong_pins_lead_to_power_cycle_then_block() {
        let k = with_pin("1234");
        let bad = Pin::new("0000");
        let new = Pin::new("5678");
        let mut seen = Vec::new();
        for _ in 0..12 {
            let e = change_pin(&k, &bad, &new, &c()).unwrap_err();
            if matches!(e, FidoError::PinAuthBlocked { .. }) {
                k.power_cycle().unwrap();
            }
            seen.push(e);
        }
        assert_eq!(seen[0], FidoError::PinInvalid { retries: 7 });
        assert_eq!(seen[2], FidoError::PinAuthBlocked { retries: Some(5) });
        assert_eq!(seen[7], FidoError::PinBlocked);
        // Once blocked, ops refuse before talking PIN to the key.
        assert!(seen[8..].iter().all(|e| *e == FidoError::PinBlocked));
        assert_eq!(
            test_credential(&k, Some(&Pin::new("1234")), false, &c()),
            Err(FidoError::PinBlocked)
        );
        assert_eq!(
            list_credentials(&k, Some(&Pin::new("1234")), &c()),
            Err(FidoError::PinBlocked)
        );
    }

    #[test]
    fn test_credential_without_and_with_pin() {
        let k = fresh();
        let out = test_credential(&k, None, false, &c()).unwrap();
        assert_eq!(out.rp_id, TEST_RP_ID);
        assert!(!out.pin_used && !out.resident);
        assert!(
            k.state().credentials.is_empty(),
            "non-resident stores nothing"
        );

        let k = with_pin("1234");
        assert_eq!(
            test_credential(&k, None, false, &c()),
            Err(FidoError::PinRequired)
        );
        assert_eq!(
            test_credential(&k, Some(&Pin::new("9999")), false, &c()),
            Err(FidoError::PinInvalid { retries: 7 })
        );
        let out = test_credential(&k, Some(&Pin::new("1234")), true, &c()).unwrap();
        assert!(out.pin_used && out.resident && out.sign_count >= 1);
        assert_eq!(k.state().credentials.len(), 1);
    }

    #[test]
    fn test_credential_touch_failures_leave_nothing() {
        let k = with_pin("1234");
        let pin = Pin::new("1234");
        for (touch, expect) in [
            (Touch::Deny, FidoError::OperationDenied),
            (Touch::Timeout, FidoError::UserActionTimeout),
            (Touch::Unplug, FidoError::Disconnected),
        ] {
            k.power_cycle().unwrap();
            k.set_touch(touch, 5).unwrap();
            assert_eq!(test_credential(&k, Some(&pin), true, &c()), Err(expect));
            assert!(k.state().credentials.is_empty());
        }
    }

    #[test]
    fn credentials_list_and_delete() {
        let k = fresh();
        assert_eq!(list_credentials(&k, None, &c()), Err(FidoError::PinNotSet));
        let k = with_pin("1234");
        let pin = Pin::new("1234");
        assert_eq!(
            list_credentials(&k, None, &c()),
            Err(FidoError::PinRequired)
        );
        assert!(list_credentials(&k, Some(&pin), &c()).unwrap().is_empty());
        let made = test_credential(&k, Some(&pin), true, &c()).unwrap();
        let listed = list_credentials(&k, Some(&pin), &c()).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, made.credential_id);
        assert_eq!(listed[0].rp_id, TEST_RP_ID);
        assert!(matches!(
            delete_credential(&k, Some(&pin), "AAAA", &c()),
            Err(FidoError::CredentialNotFound(_))
        ));
        let gone = delete_credential(&k, Some(&pin), &made.credential_id, &c()).unwrap();
        assert_eq!(gone.id, made.credential_id);
        assert!(list_credentials(&k, Some(&pin), &c()).unwrap().is_empty());
    }

    #[test]
    fn credentials_unsupported_option() {
        let mut s = SimState::fresh(0);
        s.cred_mgmt = false;
        let k = SimKey::new(s, || 0);
        k.set_pin(&Pin::new("1234")).unwrap();
        assert!(matches!(
            list_credentials(&k, Some(&Pin::new("1234")), &c()),
            Err(FidoError::Unsupported(_))
        ));
    }

    #[test]
    fn reset_needs_confirmation_and_the_window() {
        assert!(matches!(
            ResetConfirmation::from_typed("yes"),
            Err(FidoError::ResetNotConfirmed)
        ));
        let now = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let n = now.clone();
        let k = SimKey::new(SimState::fresh(0), move || {
            n.load(std::sync::atomic::Ordering::SeqCst)
        });
        k.set_pin(&Pin::new("1234")).unwrap();
        now.store(11_000, std::sync::atomic::Ordering::SeqCst);
        let ok = || ResetConfirmation::from_typed(" reset ").unwrap();
        assert_eq!(reset(&k, ok(), &c()), Err(FidoError::ResetWindowClosed));
        k.power_cycle().unwrap();
        reset(&k, ok(), &c()).unwrap();
        assert_eq!(key_info(&k).unwrap().options.client_pin, Some(false));
    }

    #[test]
    fn wink_and_unplugged_key() {
        let k = fresh();
        wink(&k).unwrap();
        k.set_touch(Touch::Unplug, 0).unwrap();
        assert_eq!(
            test_credential(&k, None, false, &c()),
            Err(FidoError::Disconnected)
        );
        assert_eq!(wink(&k), Err(FidoError::Disconnected));
        assert_eq!(key_info(&k), Err(FidoError::Disconnected));
    }

    #[test]
    fn cancel_through_an_operation_handle() {
        let k = Arc::new(fresh());
        k.set_touch(Touch::Timeout, 60_000).unwrap();
        let k2 = k.clone();
        let op = task::spawn(move |cancel| test_credential(&*k2, None, false, cancel));
        let token = op.cancel_token();
        std::thread::sleep(std::time::Duration::from_millis(20));
        token.cancel();
        assert_eq!(op.wait(), Err(FidoError::Cancelled));
        // The worker stops too: the key is free again quickly.
        k.set_touch(Touch::Approve, 0).unwrap();
        assert!(test_credential(&*k, None, false, &c()).is_ok());
    }

    #[test]
    fn a_cancelled_token_sends_nothing() {
        let k = with_pin("1234");
        let t = c();
        t.cancel();
        assert_eq!(
            change_pin(&k, &Pin::new("0000"), &Pin::new("5678"), &t),
            Err(FidoError::Cancelled)
        );
        assert_eq!(k.pin_retries(), Ok(8), "no try spent");
    }
}
