//! The Security keys screen: list the plugged-in keys (the window polls this), read a key's
//! details, set or change its PIN, run the register-then-verify test, list and delete resident
//! credentials, reset; and the AWS guide's check that a new security key showed up.
//!
//! Every key call blocks (HID I/O, waiting for a touch), so each runs on a worker thread
//! (`twofold_core::fido::task`) awaited from `spawn_blocking`; the commands are `async` and the
//! window stays responsive. The operations that wait for a touch (test, reset) register their
//! cancel token in [`FidoState`], which `fido_cancel` trips. PINs arrive as `Zeroizing<String>`,
//! move into a [`Pin`] (wiped on drop) and are never logged or sent back.

use std::collections::HashSet;

use twofold_core::aws::enroll::{self, MAX_DEVICES_PER_USER};
use twofold_core::aws::IamApi;
use twofold_core::fido::ops::{self, ResetConfirmation};
use twofold_core::fido::{
    task, Authenticator, AuthenticatorFinder, CancelToken, FidoResult, Pin, ResidentCredential,
};
use zeroize::Zeroizing;

use crate::error::IpcError;
use crate::fido::{FidoState, FidoStateRef};
use crate::models::fido::{
    FidoDeviceView, FidoIpcError, FidoKeyView, FidoRelyingPartyView, FidoTestView, SecurityKeyCheck,
};
use crate::models::{MfaDeviceKind, MfaDeviceView};
use crate::state::AppStateRef;

/// `Result` of the key commands.
pub type Result<T, E = FidoIpcError> = std::result::Result<T, E>;

/// A PIN as typed, or `None` when the field was left empty.
fn pin_of(pin: Option<Zeroizing<String>>) -> Option<Pin> {
    pin.filter(|p| !p.is_empty()).map(required)
}

/// The typed PIN moved (not copied) into a [`Pin`].
fn required(mut pin: Zeroizing<String>) -> Pin {
    Pin::new(std::mem::take(&mut *pin))
}

/// Runs `work` on a worker thread and waits for it without blocking the async runtime. With
/// `cancellable`, the operation's token is the one `fido_cancel` trips (only one at a time, so
/// the device poll must not be cancellable).
async fn run<T, F>(fido: &FidoState, cancellable: bool, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn AuthenticatorFinder, &CancelToken) -> FidoResult<T> + Send + 'static,
{
    let finder = fido.finder();
    let op = task::spawn(move |cancel| work(&*finder, cancel));
    let id = cancellable.then(|| fido.start(op.cancel_token()));
    let result = tauri::async_runtime::spawn_blocking(move || op.wait()).await;
    if let Some(id) = id {
        fido.finish(id);
    }
    match result {
        Ok(r) => r.map_err(FidoIpcError::from),
        Err(e) => Err(IpcError::internal(format!("fido worker: {e}")).into()),
    }
}

/// [`run`] on the key at `path` (the only key plugged in when `None`).
async fn on_key<T, F>(
    fido: &FidoState,
    path: Option<String>,
    cancellable: bool,
    work: F,
) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Authenticator, &CancelToken) -> FidoResult<T> + Send + 'static,
{
    run(fido, cancellable, move |finder, cancel| {
        work(&*finder.open(path.as_deref())?, cancel)
    })
    .await
}

/// The key's details after an operation, so the screen shows fresh PIN retries.
fn details(key: &dyn Authenticator) -> FidoResult<FidoKeyView> {
    Ok(FidoKeyView::new(key.device(), ops::key_info(key)?))
}

/// Resident credentials grouped by relying party, in the order the key listed them.
pub fn group_by_rp(credentials: Vec<ResidentCredential>) -> Vec<FidoRelyingPartyView> {
    let mut groups: Vec<FidoRelyingPartyView> = Vec::new();
    for c in credentials {
        match groups.iter_mut().find(|g| g.rp_id == c.rp_id) {
            Some(g) => g.credentials.push(c.into()),
            None => groups.push(FidoRelyingPartyView {
                rp_id: c.rp_id.clone(),
                credentials: vec![c.into()],
            }),
        }
    }
    groups
}

/// The security keys in `after` whose serials are not in `before`.
pub fn new_security_keys(before: &[String], after: &[MfaDeviceView]) -> Vec<MfaDeviceView> {
    let known: HashSet<&str> = before.iter().map(String::as_str).collect();
    after
        .iter()
        .filter(|d| d.kind == MfaDeviceKind::SecurityKey && !known.contains(d.serial.as_str()))
        .cloned()
        .collect()
}

/// The keys plugged in now (possibly none). The window calls this every second or so.
#[tauri::command]
pub async fn fido_devices(fido: FidoStateRef<'_>) -> Result<Vec<FidoDeviceView>> {
    run(&fido, false, |finder, _| {
        Ok(finder.list()?.iter().map(FidoDeviceView::from).collect())
    })
    .await
}

/// A key's details: versions, extensions, AAGUID, options, PIN retries.
#[tauri::command]
pub async fn fido_info(fido: FidoStateRef<'_>, path: Option<String>) -> Result<FidoKeyView> {
    on_key(&fido, path, false, |key, _| details(key)).await
}

/// Sets the first PIN of a key that has none; returns the key's details.
#[tauri::command]
pub async fn fido_pin_set(
    fido: FidoStateRef<'_>,
    path: Option<String>,
    new_pin: Zeroizing<String>,
) -> Result<FidoKeyView> {
    let new = required(new_pin);
    on_key(&fido, path, false, move |key, cancel| {
        ops::set_pin(key, &new, cancel)?;
        details(key)
    })
    .await
}

/// Changes the PIN; returns the key's details. A wrong current PIN comes back as `pinInvalid`
/// with the tries left.
#[tauri::command]
pub async fn fido_pin_change(
    fido: FidoStateRef<'_>,
    path: Option<String>,
    current_pin: Zeroizing<String>,
    new_pin: Zeroizing<String>,
) -> Result<FidoKeyView> {
    let current = required(current_pin);
    let new = required(new_pin);
    on_key(&fido, path, false, move |key, cancel| {
        ops::change_pin(key, &current, &new, cancel)?;
        details(key)
    })
    .await
}

/// Registers a throw-away (non-resident) credential and verifies a signature made with it: the
/// key asks for a touch twice. Cancellable with `fido_cancel`.
#[tauri::command]
pub async fn fido_test(
    fido: FidoStateRef<'_>,
    path: Option<String>,
    pin: Option<Zeroizing<String>>,
) -> Result<FidoTestView> {
    let pin = pin_of(pin);
    on_key(&fido, path, true, move |key, cancel| {
        let out = ops::test_credential(key, pin.as_ref(), false, cancel)?;
        Ok(FidoTestView {
            rp_id: out.rp_id,
            attestation_format: out.attestation_format,
            sign_count: out.sign_count,
            pin_used: out.pin_used,
        })
    })
    .await
}

/// The resident credentials on the key, per relying party (needs the PIN).
#[tauri::command]
pub async fn fido_credentials(
    fido: FidoStateRef<'_>,
    path: Option<String>,
    pin: Option<Zeroizing<String>>,
) -> Result<Vec<FidoRelyingPartyView>> {
    let pin = pin_of(pin);
    on_key(&fido, path, false, move |key, cancel| {
        Ok(group_by_rp(ops::list_credentials(
            key,
            pin.as_ref(),
            cancel,
        )?))
    })
    .await
}

/// Deletes one resident credential; returns what is left on the key.
#[tauri::command]
pub async fn fido_credential_delete(
    fido: FidoStateRef<'_>,
    path: Option<String>,
    pin: Option<Zeroizing<String>>,
    id: String,
) -> Result<Vec<FidoRelyingPartyView>> {
    let pin = pin_of(pin);
    on_key(&fido, path, false, move |key, cancel| {
        ops::delete_credential(key, pin.as_ref(), &id, cancel)?;
        Ok(group_by_rp(ops::list_credentials(
            key,
            pin.as_ref(),
            cancel,
        )?))
    })
    .await
}

/// Erases the key (credentials and PIN) when `confirmation` is the word "reset". The key
/// accepts it only within 10 s of plug-in, and asks for a touch (cancellable).
#[tauri::command]
pub async fn fido_reset(
    fido: FidoStateRef<'_>,
    path: Option<String>,
    confirmation: String,
) -> Result<FidoKeyView> {
    let confirmed = ResetConfirmation::from_typed(&confirmation)?;
    on_key(&fido, path, true, move |key, cancel| {
        ops::reset(key, confirmed, cancel)?;
        details(key)
    })
    .await
}

/// Stops the operation waiting for a touch. Returns whether one was running.
#[tauri::command]
pub fn fido_cancel(fido: FidoStateRef<'_>) -> bool {
    fido.cancel()
}

/// Makes the key blink, to tell which one it is.
#[tauri::command]
pub async fn fido_wink(fido: FidoStateRef<'_>, path: Option<String>) -> Result<()> {
    on_key(&fido, path, false, |key, _| ops::wink(key)).await
}

/// The AWS guide's check: ListMFADevices for `user` (default: the caller) and the security
/// keys that are not among the serials `before` (what the user had when the guide started).
#[tauri::command]
pub async fn aws_security_key_check(
    state: AppStateRef<'_>,
    user: Option<String>,
    before: Vec<String>,
) -> crate::Result<SecurityKeyCheck> {
    let conn = state.aws()?;
    let user = user.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    let user_name = enroll::user_or_caller(&conn.client, user.as_deref()).await?;
    let devices: Vec<MfaDeviceView> = conn
        .client
        .list_mfa_devices(&user_name)
        .await?
        .into_iter()
        .map(|d| MfaDeviceView::new(d, None))
        .collect();
    Ok(SecurityKeyCheck {
        new_keys: new_security_keys(&before, &devices),
        device_count: devices.len() as u32,
        device_limit: MAX_DEVICES_PER_USER as u32,
        user_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(serial: &str, kind: MfaDeviceKind) -> MfaDeviceView {
        MfaDeviceView {
            serial: serial.into(),
            kind,
            enabled_at: Some(1),
            account_name: None,
        }
    }

    #[test]
    fn only_new_security_keys_count() {
        let before = vec!["arn:aws:iam::1:u2f/user/alice/old-AAA".to_string()];
        let after = [
            device(
                "arn:aws:iam::1:u2f/user/alice/old-AAA",
                MfaDeviceKind::SecurityKey,
            ),
            device("arn:aws:iam::1:mfa/alice", MfaDeviceKind::Virtual),
            device(
                "arn:aws:iam::1:u2f/user/alice/new-BBB",
                MfaDeviceKind::SecurityKey,
            ),
        ];
        let new = new_security_keys(&before, &after);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].serial, "arn:aws:iam::1:u2f/user/alice/new-BBB");
        assert!(new_security_keys(&before, &after[..2]).is_empty());
    }

    #[test]
    fn credentials_are_grouped_per_relying_party() {
        let c = |rp: &str, id: &str| ResidentCredential {
            rp_id: rp.into(),
            id: id.into(),
            user_name: "u".into(),
            user_display_name: String::new(),
        };
        let groups = group_by_rp(vec![c("a.com", "1"), c("b.com", "2"), c("a.com", "3")]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].rp_id, "a.com");
        assert_eq!(groups[0].credentials.len(), 2);
        assert_eq!(groups[1].credentials[0].id, "2");
    }

    /// The app on Tauri's mock runtime with a simulated key in a temp file.
    mod ipc {
        use serde_json::{json, Value};
        use twofold_core::fido::sim::{SimState, Touch};

        use crate::tests::{fixture, invoke_on, now_ms, Fixture};

        impl Fixture {
            /// Changes the simulated key's state between commands.
            fn edit(&self, f: impl FnOnce(&mut SimState)) {
                let path = self.dir.path().join("key.json");
                let mut s = SimState::load(&path).unwrap();
                f(&mut s);
                s.save(&path).unwrap();
            }
        }

        #[test]
        fn devices_follow_the_plug() {
            let f = fixture();
            f.edit(|s| s.plugged_in = false);
            assert_eq!(f.ok("fido_devices", json!({})), json!([]));
            let err = f.invoke("fido_info", json!({ "path": null })).unwrap_err();
            assert_eq!(err["reason"], "noDevice");
            assert_eq!(err["kind"], "notFound");
            f.edit(|s| s.plugged_in = true);
            let list = f.ok("fido_devices", json!({}));
            assert_eq!(list[0]["path"], "simulated");
            assert_eq!(list[0]["vendorId"], "f1d0");
            let info = f.ok("fido_info", json!({ "path": "simulated" }));
            assert_eq!(info["options"]["clientPin"], "off");
            assert_eq!(info["options"]["rk"], "on");
            assert_eq!(info["options"]["uv"], "unsupported");
            assert_eq!(info["pinRetries"], Value::Null);
        }

        #[test]
        fn pin_errors_carry_the_tries_left_and_never_the_pin() {
            let f = fixture();
            let info = f.ok("fido_pin_set", json!({ "path": null, "newPin": "4821" }));
            assert_eq!(info["options"]["clientPin"], "on");
            assert_eq!(info["pinRetries"], 8);
            let err = f
                .invoke(
                    "fido_pin_change",
                    json!({ "path": null, "currentPin": "9999", "newPin": "5555" }),
                )
                .unwrap_err();
            assert_eq!(err["reason"], "pinInvalid");
            assert_eq!(err["retries"], 7);
            assert_eq!(err["kind"], "invalidInput");
            let text = err.to_string();
            assert!(text.contains("7 tries left"), "{text}");
            assert!(!text.contains("9999") && !text.contains("4821"), "{text}");
            let err = f
                .invoke("fido_test", json!({ "path": null, "pin": "" }))
                .unwrap_err();
            assert_eq!(err["reason"], "pinRequired");
            let ok = f.ok("fido_test", json!({ "path": null, "pin": "4821" }));
            assert_eq!(ok["pinUsed"], true);
        }

        #[test]
        fn touch_failures_and_reset_rules() {
            let f = fixture();
            f.edit(|s| s.touch = Touch::Deny);
            let err = f.invoke("fido_test", json!({ "path": null })).unwrap_err();
            assert_eq!(err["reason"], "operationDenied");
            f.edit(|s| s.touch = Touch::Approve);
            let err = f
                .invoke("fido_reset", json!({ "path": null, "confirmation": "yes" }))
                .unwrap_err();
            assert_eq!(err["reason"], "resetNotConfirmed");
            f.edit(|s| s.powered_up_at_ms = now_ms() - 60_000);
            let err = f
                .invoke(
                    "fido_reset",
                    json!({ "path": null, "confirmation": "reset" }),
                )
                .unwrap_err();
            assert_eq!(err["reason"], "resetWindowClosed");
            assert!(err["message"].as_str().unwrap().contains("10 seconds"));
            f.edit(|s| s.powered_up_at_ms = now_ms());
            f.ok(
                "fido_reset",
                json!({ "path": null, "confirmation": "reset" }),
            );
        }

        #[test]
        fn credentials_are_listed_per_site_and_deleted() {
            let f = fixture();
            f.ok("fido_pin_set", json!({ "path": null, "newPin": "4821" }));
            f.edit(|s| {
                for (rp, id, user) in [
                    ("github.com", "AAAA", "alice"),
                    ("example.com", "BBBB", "bob"),
                ] {
                    s.credentials.push(twofold_core::fido::sim::SimCredential {
                        rp_id: rp.into(),
                        id: id.into(),
                        user_id: "AQ".into(),
                        user_name: user.into(),
                    });
                }
            });
            let list = f.ok("fido_credentials", json!({ "path": null, "pin": "4821" }));
            assert_eq!(list.as_array().unwrap().len(), 2);
            assert_eq!(list[0]["rpId"], "github.com");
            assert_eq!(list[0]["credentials"][0]["userName"], "alice");
            let left = f.ok(
                "fido_credential_delete",
                json!({ "path": null, "pin": "4821", "id": "AAAA" }),
            );
            assert_eq!(left.as_array().unwrap().len(), 1);
            assert_eq!(left[0]["rpId"], "example.com");
        }

        #[test]
        fn cancel_stops_the_touch_wait() {
            let f = fixture();
            f.edit(|s| {
                s.touch = Touch::Timeout;
                s.touch_timeout_ms = 60_000;
            });
            let window = f.window.clone();
            let started = std::time::Instant::now();
            let waiting = std::thread::spawn(move || {
                invoke_on(&window, "fido_test", json!({ "path": null }))
            });
            // Cancel until the operation has registered and stopped.
            while !waiting.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(50));
                f.ok("fido_cancel", json!({}));
                assert!(
                    started.elapsed().as_secs() < 20,
                    "cancel did not stop the wait"
                );
            }
            let err = waiting.join().unwrap().unwrap_err();
            assert_eq!(err["reason"], "cancelled");
        }
    }

    #[test]
    fn empty_pin_fields_mean_no_pin() {
        assert!(pin_of(Some(Zeroizing::new(String::new()))).is_none());
        assert!(pin_of(None).is_none());
        assert_eq!(
            pin_of(Some(Zeroizing::new("1234".into())))
                .unwrap()
                .as_str(),
            "1234"
        );
    }
}
