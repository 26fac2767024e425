//! `twofold fido ...`: the real CLI binary against the simulated FIDO2 key
//! (`TWOFOLD_FIDO_SIMULATOR`), and once without it, against the real USB HID path with no key.

use std::process::{Command, Output, Stdio};

use twofold_core::fido::sim::{Touch, MAX_PIN_RETRIES, RESET_WINDOW_MS};
use twofold_e2e::fido_sim::{now_ms, SimKeyFile};
use twofold_e2e::harness;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    o
}

/// Fails with exit code 1 and `message` on stderr.
#[track_caller]
fn fails_with(o: Output, message: &str) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected exit 1\n--- stdout\n{}\n--- stderr\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(message),
        "stderr lacks {message:?}:\n{}",
        stderr(&o)
    );
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

fn key_with_pin(pin: &str) -> SimKeyFile {
    let key = SimKeyFile::new();
    ok(key.run(&["pin", "set"], None, Some(pin)));
    key
}

#[test]
fn no_key_without_the_simulator_says_so() {
    let run = |args: &[&str]| {
        Command::new(harness::cli_bin())
            .arg("fido")
            .args(args)
            .env_remove("TWOFOLD_FIDO_SIMULATOR")
            .stdin(Stdio::null())
            .output()
            .expect("run twofold")
    };
    let list = ok(run(&["list", "--json"]));
    if json(&list).as_array().is_some_and(|a| !a.is_empty()) {
        eprintln!("a real security key is plugged in: skipping the no-key checks");
        return;
    }
    let message = "no FIDO security key found: plug one in (and on Linux, check the udev rule for hidraw access)";
    assert!(stderr(&ok(run(&["list"]))).contains(message));
    fails_with(run(&["info"]), message);
    fails_with(run(&["test"]), message);
}

#[test]
fn list_and_info() {
    let key = SimKeyFile::new();
    let list = ok(key.run(&["list", "--json"], None, None));
    let list = json(&list);
    assert_eq!(list.as_array().map(|a| a.len()), Some(1));
    assert_eq!(list[0]["path"], "simulated");
    assert!(stdout(&ok(key.run(&["list"], None, None))).contains("simulated"));

    let info = json(&ok(key.run(&["info", "--json"], None, None)));
    assert_eq!(info["options"]["clientPin"], false);
    assert_eq!(info["pinRetries"], serde_json::Value::Null);
    assert!(info["versions"]
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x == "FIDO_2_1")));
    assert_eq!(info["device"]["path"], "simulated");
    assert!(!info["aaguid"].as_str().unwrap_or("").is_empty());

    ok(key.run(&["pin", "set"], None, Some("1234")));
    let info = json(&ok(key.run(&["info", "--json"], None, None)));
    assert_eq!(info["options"]["clientPin"], true);
    assert_eq!(info["pinRetries"], MAX_PIN_RETRIES);
    let text = stdout(&ok(key.run(&["info", "--device", "simulated"], None, None)));
    assert!(text.contains("set, 8 tries left"), "{text}");
    fails_with(
        key.run(&["info", "--device", "/dev/hidraw99"], None, None),
        "no FIDO security key at /dev/hidraw99",
    );
}

#[test]
fn pin_set_and_change() {
    let key = SimKeyFile::new();
    fails_with(
        key.run(&["pin", "change"], Some("1234"), Some("5678")),
        "the key has no PIN yet",
    );
    fails_with(
        key.run(&["pin", "set"], None, Some("123")),
        "at least 4 characters",
    );
    fails_with(
        key.run(&["pin", "set"], None, Some(&"7".repeat(64))),
        "at most 63 bytes",
    );
    fails_with(
        key.run(&["pin", "set"], None, None),
        "set TWOFOLD_FIDO_NEW_PIN",
    );
    assert!(
        key.state().pin_hash.is_none(),
        "nothing set by the failures"
    );
    ok(key.run(&["pin", "set"], None, Some("1234")));
    fails_with(
        key.run(&["pin", "set"], None, Some("5678")),
        "already has a PIN",
    );
    fails_with(
        key.run(&["pin", "change"], None, Some("5678")),
        "needs the key's PIN",
    );
    // A new PIN that breaks the rules costs no try.
    fails_with(
        key.run(&["pin", "change"], Some("9999"), Some("1")),
        "not accepted",
    );
    assert_eq!(key.state().pin_retries, MAX_PIN_RETRIES);
    fails_with(
        key.run(&["pin", "change"], Some("9999"), Some("5678")),
        "wrong PIN: 7 tries left before the key blocks its PIN",
    );
    ok(key.run(&["pin", "change"], Some("1234"), Some("5678")));
    assert_eq!(key.state().pin_retries, MAX_PIN_RETRIES);
    ok(key.run(&["test"], Some("5678"), None));
}

#[test]
fn a_pin_is_never_an_argument() {
    let key = SimKeyFile::new();
    let o = key.run(&["pin", "set", "1234"], None, None);
    assert_eq!(o.status.code(), Some(2), "clap rejects it: {}", stderr(&o));
    let o = key.run(&["test", "--pin", "1234"], None, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(key.state().pin_hash.is_none());
}

#[test]
fn wrong_pins_power_cycle_then_blocked() {
    let key = key_with_pin("1234");
    let wrong = |expect: &str| fails_with(key.run(&["test"], Some("0000"), None), expect);
    wrong("wrong PIN: 7 tries left");
    wrong("wrong PIN: 6 tries left");
    wrong("needs a power cycle (unplug it and plug it back in) before it accepts a PIN again; 5 tries left");
    // Even the right PIN waits for the power cycle.
    fails_with(
        key.run(&["test"], Some("1234"), None),
        "needs a power cycle",
    );
    key.power_cycle();
    wrong("wrong PIN: 4 tries left");
    wrong("wrong PIN: 3 tries left");
    wrong("2 tries left");
    key.power_cycle();
    wrong("wrong PIN: 1 tries left");
    wrong("PIN is blocked");
    key.power_cycle();
    fails_with(
        key.run(&["test"], Some("1234"), None),
        "only a reset makes the key usable again",
    );
    fails_with(
        key.run(&["pin", "change"], Some("1234"), Some("5678")),
        "PIN is blocked",
    );
    assert_eq!(key.state().pin_retries, 0);
}

#[test]
fn test_registers_and_verifies() {
    let key = SimKeyFile::new();
    let out = json(&ok(key.run(&["test", "--json"], None, None)));
    assert_eq!(out["rpId"], "twofold.test");
    assert_eq!(out["pinUsed"], false);
    assert_eq!(out["resident"], false);
    assert!(key.state().credentials.is_empty());

    ok(key.run(&["pin", "set"], None, Some("1234")));
    fails_with(key.run(&["test"], None, None), "needs the key's PIN");
    let text = stdout(&ok(key.run(&["test"], Some("1234"), None)));
    assert!(text.contains("the signature verified"), "{text}");
}

#[test]
fn touch_denied_timed_out_or_key_removed() {
    let key = key_with_pin("1234");
    key.set_touch(Touch::Deny);
    fails_with(
        key.run(&["test", "--resident"], Some("1234"), None),
        "the key refused the operation",
    );
    key.set_touch(Touch::Timeout);
    fails_with(
        key.run(&["test", "--resident"], Some("1234"), None),
        "the key was not touched in time",
    );
    key.set_touch(Touch::Unplug);
    fails_with(
        key.run(&["test", "--resident"], Some("1234"), None),
        "removed during the operation",
    );
    assert!(key.state().credentials.is_empty(), "nothing half-done");
    // Unplugged: the key is not listed and commands say there is none.
    assert_eq!(
        json(&ok(key.run(&["list", "--json"], None, None))),
        serde_json::json!([])
    );
    fails_with(key.run(&["info"], None, None), "no FIDO security key found");
    key.power_cycle();
    key.set_touch(Touch::Approve);
    ok(key.run(&["test", "--resident"], Some("1234"), None));
    assert_eq!(key.state().credentials.len(), 1);
}

#[test]
fn credentials_list_and_delete() {
    let key = SimKeyFile::new();
    fails_with(
        key.run(&["credentials"], None, None),
        "the key has no PIN yet",
    );
    ok(key.run(&["pin", "set"], None, Some("1234")));
    fails_with(key.run(&["credentials"], None, None), "needs the key's PIN");
    let empty = json(&ok(key.run(&["credentials", "--json"], Some("1234"), None)));
    assert_eq!(empty, serde_json::json!([]));

    let a = json(&ok(key.run(
        &["test", "--resident", "--json"],
        Some("1234"),
        None,
    )));
    let b = json(&ok(key.run(
        &["test", "--resident", "--json"],
        Some("1234"),
        None,
    )));
    let listed = json(&ok(key.run(&["credentials", "--json"], Some("1234"), None)));
    let ids: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    let a_id = a["credentialId"].as_str().expect("id");
    assert!(ids.contains(&a_id));
    assert_eq!(listed[0]["rpId"], "twofold.test");

    fails_with(
        key.run(&["credentials", "--delete", "AAAAAAAA"], Some("1234"), None),
        "no credential with id AAAAAAAA",
    );
    fails_with(
        key.run(&["credentials", "--delete", a_id], Some("0000"), None),
        "wrong PIN: 7 tries left",
    );
    let text = stdout(&ok(key.run(
        &["credentials", "--delete", a_id],
        Some("1234"),
        None,
    )));
    assert!(text.contains("deleted credential"), "{text}");
    let left = json(&ok(key.run(&["credentials", "--json"], Some("1234"), None)));
    assert_eq!(left.as_array().map(|a| a.len()), Some(1));
    assert_eq!(left[0]["id"], b["credentialId"]);
}

#[test]
fn credentials_unsupported_by_the_key() {
    let key = key_with_pin("1234");
    key.edit(|s| s.cred_mgmt = false);
    fails_with(
        key.run(&["credentials"], Some("1234"), None),
        "this key does not support credential management",
    );
}

#[test]
fn reset_confirmation_window_and_wipe() {
    let key = key_with_pin("1234");
    ok(key.run(&["test", "--resident"], Some("1234"), None));

    // Without a terminal and without the flag: refused, nothing touched.
    fails_with(key.run(&["reset"], None, None), "it was not confirmed");
    assert!(key.state().pin_hash.is_some());

    key.edit(|s| s.powered_up_at_ms = now_ms() - RESET_WINDOW_MS - 5_000);
    let o = key.run(&["reset", "--yes-erase-everything"], None, None);
    assert!(stderr(&o).contains("within 10 seconds of being plugged in"));
    fails_with(
        o,
        "only accepts a reset within 10 seconds of being plugged in",
    );
    assert_eq!(
        key.state().credentials.len(),
        1,
        "refused reset kept everything"
    );

    key.power_cycle();
    key.set_touch(Touch::Deny);
    fails_with(
        key.run(&["reset", "--yes-erase-everything"], None, None),
        "the key refused the operation",
    );
    assert!(key.state().pin_hash.is_some());

    key.set_touch(Touch::Approve);
    ok(key.run(&["reset", "--yes-erase-everything"], None, None));
    let s = key.state();
    assert!(s.pin_hash.is_none() && s.credentials.is_empty());
    assert_eq!(s.pin_retries, MAX_PIN_RETRIES);
    ok(key.run(&["pin", "set"], None, Some("4321")));
}

#[test]
fn a_blocked_pin_is_cured_by_reset_only() {
    let key = key_with_pin("1234");
    key.edit(|s| s.pin_retries = 1);
    fails_with(key.run(&["test"], Some("0000"), None), "PIN is blocked");
    key.power_cycle();
    ok(key.run(&["reset", "--yes-erase-everything"], None, None));
    ok(key.run(&["test"], None, None));
}

#[test]
fn wink() {
    let key = SimKeyFile::new();
    let o = ok(key.run(&["wink"], None, None));
    assert!(stdout(&o).contains("blinking"));
}
