//! The vault's keyring slot against a real Secret Service (gnome-keyring on the private
//! session bus that scripts/test.sh starts), through the `twofold` binary, one process per step.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use twofold_e2e::harness;

const URI: &str =
    "otpauth://totp/Example:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";

fn twofold(vault: &Path, password: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(harness::cli_bin());
    cmd.args(args)
        .env("TWOFOLD_VAULT", vault)
        .env_remove("TWOFOLD_NO_KEYRING");
    match password {
        Some(pw) => cmd.env("TWOFOLD_PASSWORD", pw),
        None => cmd.env_remove("TWOFOLD_PASSWORD"),
    };
    cmd.output().expect("run twofold")
}

fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "twofold failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn keyring_user(vault: &Path) -> String {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(vault).unwrap()).unwrap();
    let slot = v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == "keyring")
        .expect("a keyring slot");
    assert_eq!(slot["service"], "app.twofold.Twofold");
    slot["user"].as_str().unwrap().to_string()
}

fn secret_tool(args: &[&str]) -> Output {
    Command::new("secret-tool")
        .args(args)
        .output()
        .expect("secret-tool (apt: libsecret-tools)")
}

#[test]
fn keyring_slot_round_trips_through_the_real_secret_service() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");

    stdout_ok(&twofold(&vault, None, &["add", "--uri", URI]));
    let user = keyring_user(&vault);
    assert!(
        !std::fs::read_to_string(&vault)
            .unwrap()
            .contains("\"password\""),
        "keyring only"
    );

    // A second process finds the key in the Secret Service and reads the account.
    assert!(stdout_ok(&twofold(&vault, None, &["list"])).contains("Example:carol"));
    assert_eq!(
        stdout_ok(&twofold(
            &vault,
            None,
            &["code", "Example:carol", "--at", "59"]
        )),
        "287082\n"
    );

    // The master key is an item of the login keyring, and it is not in the vault file.
    let stored = secret_tool(&[
        "lookup",
        "service",
        "app.twofold.Twofold",
        "username",
        &user,
    ]);
    let key = String::from_utf8_lossy(&stored.stdout).trim().to_string();
    assert!(
        stored.status.success() && key.len() >= 43,
        "no keyring item for {user}: {stored:?}"
    );
    assert!(!std::fs::read_to_string(&vault).unwrap().contains(&key));

    // Without its keyring item the vault is locked, says so, and is not modified.
    let before = std::fs::read(&vault).unwrap();
    assert!(
        secret_tool(&["clear", "service", "app.twofold.Twofold", "username", &user])
            .status
            .success()
    );
    let out = twofold(&vault, None, &["add", "--uri", URI, "--name", "again"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keyring has no key for this vault"), "{err}");
    assert_eq!(std::fs::read(&vault).unwrap(), before);
}

#[test]
fn both_slots_keyring_first_password_as_fallback() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    stdout_ok(&twofold(
        &vault,
        Some("fallback pw"),
        &["add", "--uri", URI],
    ));
    let user = keyring_user(&vault);
    assert!(stdout_ok(&twofold(&vault, None, &["list"])).contains("Example:carol"));

    assert!(
        secret_tool(&["clear", "service", "app.twofold.Twofold", "username", &user])
            .status
            .success()
    );
    let out = twofold(&vault, None, &["list"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("TWOFOLD_PASSWORD"),
        "{out:?}"
    );
    assert!(stdout_ok(&twofold(&vault, Some("fallback pw"), &["list"])).contains("Example:carol"));
}

// See: issue "never lose a seed". Changing the password rotates the master key: the keyring
// item gets the new key (one key, not the rotation's pair), the old password stops working, and
// the generation is remembered in a second item beside the key.
#[test]
fn never_lose_a_seed_password_change_rewrites_the_keyring_item() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    stdout_ok(&twofold(&vault, Some("first pw"), &["add", "--uri", URI]));
    let user = keyring_user(&vault);
    let lookup = |u: &str| {
        let out = secret_tool(&["lookup", "service", "app.twofold.Twofold", "username", u]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let before = lookup(&user);
    let out = Command::new(harness::cli_bin())
        .args(["vault", "password"])
        .env("TWOFOLD_VAULT", &vault)
        .env_remove("TWOFOLD_NO_KEYRING")
        .env_remove("TWOFOLD_PASSWORD")
        .env("TWOFOLD_NEW_PASSWORD", "second pw")
        .output()
        .unwrap();
    stdout_ok(&out);
    let after = lookup(&user);
    assert!(
        !after.is_empty() && after != before,
        "the keyring item holds the new key"
    );
    assert_eq!(after.split_whitespace().count(), 1, "one key once rotated");
    assert!(stdout_ok(&twofold(&vault, None, &["list"])).contains("Example:carol"));
    assert!(stdout_ok(&twofold(&vault, Some("second pw"), &["list"])).contains("Example:carol"));
    let old = twofold(&vault, Some("first pw"), &["list"]);
    assert!(String::from_utf8_lossy(&old.stderr).contains("wrong password"));
    let generation = lookup(&format!("{user}.generation"));
    assert!(
        generation.parse::<u64>().is_ok_and(|g| g >= 1),
        "generation beside the key: {generation:?}"
    );
}
