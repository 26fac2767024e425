//! The app's Security keys screen against the simulated FIDO2 key (`--fido-simulator`, since
//! the app under tauri-driver cannot be given environment variables), and the "Add a security
//! key to AWS" guide against the IAM emulator, whose `/_twofold/security-key` control plays the
//! console's WebAuthn step. Screenshots go to `$TWOFOLD_ARTIFACTS`.
//!
//! Between steps the test edits the key's state file (plug, touch behaviour, power-up time) the
//! way a user would handle the key; it does so only while the app is idle, because every key
//! operation reads and writes that file.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use twofold_core::fido::sim::Touch;
use twofold_e2e::app::fill_credentials;
use twofold_e2e::fido_sim::SimKeyFile;
use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

const AWS_WAIT: Duration = Duration::from_secs(60);
const PIN: &str = "4821";

fn start(key: &SimKeyFile) -> (tempfile::TempDir, Session) {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&[
        "--vault",
        vault.to_str().unwrap(),
        "--fido-simulator",
        key.path.to_str().unwrap(),
    ]);
    (dir, session)
}

/// Clicks "Test this key" and waits for the result; returns its text.
fn run_test(session: &Session, expect: &str) -> String {
    session.click_on("#fido-test-start");
    let sel = format!("#fido-test-result[{expect}]");
    session
        .wait_for(&sel, DEFAULT_WAIT)
        .unwrap_or_else(|e| panic!("{sel}: {e}"));
    session.text_of(&sel)
}

#[test]
fn security_keys_screen_detects_sets_pin_tests_lists_and_resets() {
    let key = SimKeyFile::new();
    key.unplug();
    let (_dir, session) = start(&key);

    // No key: said plainly, then picked up by the poll once it is plugged in.
    session.click_on("#security-keys-open");
    let empty = session
        .wait_for_text("#fido-no-key", "No security key found", DEFAULT_WAIT)
        .unwrap();
    assert!(empty.contains("Plug one in"), "{empty}");
    session.shot("fido-01-no-key.png");
    key.power_cycle();
    session
        .wait_for("#fido-details", DEFAULT_WAIT)
        .expect("the plugged-in key is detected by polling");
    assert_eq!(
        session.text_of("#fido-product"),
        "Twofold Simulated Key",
        "product"
    );
    assert!(session.text_of("#fido-d-ids").contains("f1d0"));
    assert!(session.text_of("#fido-d-versions").contains("FIDO_2_1"));
    assert!(session
        .text_of("#fido-d-extensions")
        .contains("hmac-secret"));
    assert_eq!(
        session.text_of("#fido-d-aaguid"),
        "7f1d0000000000000000000000000001"
    );
    assert!(session.text_of("#fido-d-options").contains("credMgmt"));
    assert_eq!(session.text_of("#fido-d-pin"), "not set");
    session.shot("fido-02-details.png");

    // Set a PIN: the tries left show up.
    session.click_on("#fido-tab-pin");
    session.type_into("#fido-new-pin", PIN);
    session.type_into("#fido-new-pin2", PIN);
    session.click_on("#fido-pin-save");
    session
        .wait_for("#fido-pin-done", DEFAULT_WAIT)
        .expect("PIN set");
    assert!(session
        .text_of("#fido-pin-retries")
        .contains("8 tries left"));
    assert!(key.state().pin_hash.is_some());
    session.shot("fido-03-pin-set.png");

    // A wrong current PIN on change: refused, with the tries left, and the PIN is unchanged.
    session.type_into("#fido-current-pin", "0000");
    session.type_into("#fido-new-pin", "5555");
    session.type_into("#fido-new-pin2", "5555");
    session.click_on("#fido-pin-save");
    let err = session
        .wait_for_text("#fido-pin-error", "7 tries left", DEFAULT_WAIT)
        .unwrap();
    assert!(err.contains("Wrong PIN"), "{err}");
    assert!(session
        .text_of("#fido-pin-retries")
        .contains("7 tries left"));
    assert_eq!(key.state().pin_retries, 7);
    session.shot("fido-04-pin-wrong.png");

    // Test this key: registered and verified.
    session.click_on("#fido-tab-test");
    session.type_into("#fido-test-pin", PIN);
    let ok = run_test(&session, "data-state=\"ok\"");
    assert!(ok.contains("signature verified"), "{ok}");
    assert!(
        key.state().credentials.is_empty(),
        "the test stores nothing"
    );
    session.shot("fido-05-test-ok.png");

    // The touch prompt, and Cancel while the key waits for the touch.
    key.edit(|s| {
        s.touch = Touch::Timeout;
        s.touch_timeout_ms = 60_000;
    });
    session.type_into("#fido-test-pin", PIN);
    session.click_on("#fido-test-start");
    session
        .wait_for("#fido-touch", DEFAULT_WAIT)
        .expect("touch prompt");
    session.shot("fido-06-touch-prompt.png");
    session.click_on("#fido-cancel");
    let cancelled = session
        .wait_for_text(
            "#fido-test-result[data-reason=\"cancelled\"]",
            "Cancelled",
            DEFAULT_WAIT,
        )
        .unwrap();
    assert!(cancelled.contains("nothing was changed"), "{cancelled}");
    // The worker saves the key's state as it stops: let it finish before editing the file.
    std::thread::sleep(Duration::from_millis(500));

    // Touch declined, then no touch in time: clear failures.
    key.set_touch(Touch::Deny);
    session.type_into("#fido-test-pin", PIN);
    let denied = run_test(&session, "data-reason=\"operationDenied\"");
    assert!(denied.contains("refused"), "{denied}");
    session.shot("fido-07-test-denied.png");
    key.set_touch(Touch::Timeout);
    session.type_into("#fido-test-pin", PIN);
    let late = run_test(&session, "data-reason=\"userActionTimeout\"");
    assert!(late.contains("not touched in time"), "{late}");
    key.set_touch(Touch::Approve);

    // Resident credentials, per relying party, and delete one.
    let gh = key.add_credential("github.com", "alice");
    key.add_credential("example.com", "bob");
    session.click_on("#fido-tab-credentials");
    session.type_into("#fido-cred-pin", PIN);
    session.click_on("#fido-cred-load");
    session
        .wait_for(".fido-rp[data-rp=\"github.com\"]", DEFAULT_WAIT)
        .expect("credentials listed");
    let listed = session.text_of("#fido-cred-list");
    assert!(
        listed.contains("alice") && listed.contains("example.com") && listed.contains("bob"),
        "{listed}"
    );
    session.shot("fido-08-credentials.png");
    session.click_on(&format!(".fido-cred[data-id=\"{gh}\"] .fido-cred-delete"));
    session.click_on("#confirm-ok");
    session
        .wait_for("#fido-cred-done", DEFAULT_WAIT)
        .expect("deleted");
    assert!(session
        .find_all(".fido-rp[data-rp=\"github.com\"]")
        .unwrap()
        .is_empty());
    let left = key.state().credentials;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].rp_id, "example.com");
    session.shot("fido-09-credential-deleted.png");

    // Reset: refused without the typed word, refused outside the 10 s window (explained),
    // done inside it.
    session.click_on("#fido-tab-reset");
    assert!(session
        .text_of("#fido-reset-warning")
        .contains("within 10 seconds"));
    key.close_reset_window();
    session.type_into("#fido-reset-word", "yes");
    session.click_on("#fido-reset-start");
    let refused = session
        .wait_for_text(
            "#fido-reset-error[data-reason=\"resetNotConfirmed\"]",
            "reset",
            DEFAULT_WAIT,
        )
        .unwrap();
    assert!(refused.contains("Nothing was done"), "{refused}");
    session.type_into("#fido-reset-word", "reset");
    session.click_on("#fido-reset-start");
    let window = session
        .wait_for_text(
            "#fido-reset-error[data-reason=\"resetWindowClosed\"]",
            "10 seconds",
            DEFAULT_WAIT,
        )
        .unwrap();
    assert!(window.contains("unplug it, plug it back in"), "{window}");
    assert!(key.state().pin_hash.is_some(), "not reset");
    session.shot("fido-10-reset-window-closed.png");
    key.power_cycle();
    session.click_on("#fido-reset-start");
    session
        .wait_for("#fido-reset-done", DEFAULT_WAIT)
        .expect("reset done");
    let s = key.state();
    assert!(s.pin_hash.is_none() && s.credentials.is_empty(), "{s:?}");
    session.shot("fido-11-reset-done.png");

    // The key pulled out mid-operation: a clear failure, then "no key" again.
    key.set_touch(Touch::Unplug);
    session.click_on("#fido-tab-test");
    session.click_on("#fido-test-start");
    let gone = session
        .wait_for_text("#fido-notice", "removed", DEFAULT_WAIT)
        .unwrap();
    assert!(gone.contains("plug it back in"), "{gone}");
    session
        .wait_for("#fido-no-key", DEFAULT_WAIT)
        .expect("the screen notices the key is gone");
    session.shot("fido-12-unplugged.png");
}

#[test]
fn aws_guide_finds_the_new_security_key() {
    let emu = IamEmulator::start();
    let creds = emu.create_user("alice", &["iam:GetUser", "iam:ListMFADevices"]);
    let key = SimKeyFile::new();
    let (_dir, session) = start(&key);

    session.click_on("#security-keys-open");
    session
        .wait_for("#fido-details", DEFAULT_WAIT)
        .expect("key details");
    session.click_on("#fido-aws-guide");
    fill_credentials(&session, &emu, &creds, None);

    session
        .wait_for("#fido-aws-steps", AWS_WAIT)
        .expect("the console steps");
    assert_eq!(session.text_of("#fido-aws-user"), "alice");
    assert_eq!(session.text_of("#fido-aws-account"), creds.account_id);
    assert_eq!(session.text_of("#fido-aws-count"), "0 of 8");
    assert!(session
        .text_of("#fido-aws-signin")
        .contains(&format!("{}.signin.aws.amazon.com", creds.account_id)));
    let steps = session.text_of("#fido-aws-steps");
    assert!(
        steps.contains("Assign MFA device") && steps.contains("Passkey or security key"),
        "{steps}"
    );
    session.shot("fido-20-aws-steps.png");

    // Checked before the console step: nothing new, and it says why that can be.
    session.click_on("#fido-aws-check");
    let nothing = session
        .wait_for_text("#fido-aws-nothing", "No new security key", AWS_WAIT)
        .unwrap();
    assert!(nothing.contains("alice"), "{nothing}");
    session.shot("fido-21-aws-nothing-yet.png");

    // The console step (WebAuthn in the browser), played by the emulator's control.
    let serial = emu.attach_security_key("alice", "MyKey");
    session.click_on("#fido-aws-check");
    session
        .wait_for("#fido-aws-done", AWS_WAIT)
        .expect("the new key is found");
    assert_eq!(session.text_of("#fido-aws-serial"), serial);
    assert!(serial.contains(":u2f/user/alice/MyKey-"), "{serial}");
    assert_ne!(session.text_of("#fido-aws-enabled"), "unknown");
    assert_eq!(session.text_of("#fido-aws-done-count"), "1 of 8");
    session.shot("fido-22-aws-done.png");
}

/// Without the simulator the app uses the real USB HID backend (ctap-hid-fido2 + hidapi); on a
/// machine with no key plugged in, it must say so plainly rather than fail or hang.
#[test]
fn without_a_key_the_real_hid_path_says_so() {
    harness::require_secret_service();
    let hidraw = std::fs::read_dir("/dev")
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("hidraw"))
        })
        .unwrap_or(false);
    if hidraw {
        eprintln!("HID devices are present (maybe a key); skipping the no-key check");
        return;
    }
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session.click_on("#security-keys-open");
    let empty = session
        .wait_for_text("#fido-no-key", "No security key found", DEFAULT_WAIT)
        .unwrap_or_else(|e| {
            session.shot("fido-real-hid-failed.png");
            panic!("the real HID path did not say there is no key: {e}")
        });
    assert!(empty.contains("Plug one in"), "{empty}");
    session.shot("fido-real-hid-no-key.png");
}
