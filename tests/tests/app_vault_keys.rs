//! The vault's recovery key and password in the app under WebDriver (issue "never lose a seed"):
//! the first run makes a recovery key (shown once, saved as a file), Settings → Vault adds a
//! password (the master key rotates: the CLI opens the vault with the new password and with the
//! recovery key), and after the keyring item is deleted the recovery key unlocks the app.
//! Screenshots go to `$TWOFOLD_ARTIFACTS`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use twofold_e2e::harness;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

const URI: &str =
    "otpauth://totp/Example:dana@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";
const ROW: &str = ".account-row[data-name=\"Example:dana@example.com\"]";
const PASSWORD: &str = "a long new password";

/// The CLI on the app's vault, without the keyring: only what is in `env` opens it.
fn cli(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(harness::cli_bin());
    cmd.args(args)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_NO_KEYRING", "1")
        .env_remove("TWOFOLD_PASSWORD")
        .env_remove("TWOFOLD_RECOVERY_KEY")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run twofold")
}

fn keyring_user(vault: &Path) -> String {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(vault).unwrap()).unwrap();
    v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == "keyring")
        .expect("a keyring slot")["user"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn never_lose_a_seed_recovery_key_first_run_password_and_lost_keyring() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &harness::app_bin(),
        &["--vault", vault.to_str().unwrap()],
    )
    .expect("start the app under WebDriver");

    // 1. First run: nothing is created until the user chooses.
    session
        .wait_for("#first-run", DEFAULT_WAIT)
        .expect("the first-run screen");
    assert!(!vault.exists(), "no vault before the user chose");
    session.shot("vault-keys-01-first-run.png");
    session.click_on("#create-choose-recovery");

    // 2. The key, shown once in groups of four; Continue waits for "I have saved it".
    let shown = session
        .wait_for("#recovery-key-text", DEFAULT_WAIT)
        .expect("the recovery key");
    let key = shown.attribute("data-key").unwrap().unwrap();
    let groups: Vec<&str> = key.split('-').collect();
    assert_eq!(groups.len(), 14, "{key}");
    assert!(groups.iter().all(|g| g.len() == 4), "{key}");
    assert_eq!(
        session
            .find_all("#recovery-key-text .recovery-group")
            .unwrap()
            .len(),
        14
    );
    assert_eq!(
        session
            .find("#recovery-continue")
            .unwrap()
            .property("disabled")
            .unwrap(),
        serde_json::json!(true)
    );
    // Print: the system dialog cannot be driven here, so window.print records what the page
    // holds at that moment; the print view is the key alone.
    session
        .execute(
            "window.print = () => { window.__printed = { text: document.getElementById('recovery-print-view')?.textContent ?? '', printing: document.body.classList.contains('printing-recovery') }; };",
            &[],
        )
        .unwrap();
    session.click_on("#recovery-print");
    let printed = session.execute("return window.__printed;", &[]).unwrap();
    assert_eq!(printed["printing"], true, "{printed}");
    let printed = printed["text"].as_str().unwrap();
    assert!(printed.contains("Twofold recovery key"), "{printed}");
    assert!(groups.iter().all(|g| printed.contains(g)), "{printed}");
    let file = dir.path().join("my recovery key.txt");
    session.type_into("#recovery-save-path", file.to_str().unwrap());
    session.click_on("#recovery-save");
    session
        .wait_for_text("#recovery-save-status", "Saved to", DEFAULT_WAIT)
        .expect("saved");
    session.shot("vault-keys-02-key-shown.png");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&key), "the file holds the key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the user only");
    }
    session.click_on("#recovery-saved");
    session.click_on("#recovery-continue");
    session
        .wait_for("#empty-state", DEFAULT_WAIT)
        .expect("the account list");
    let status: serde_json::Value = serde_json::from_slice(
        &cli(
            &vault,
            &["vault", "status", "--json"],
            &[("TWOFOLD_RECOVERY_KEY", &key)],
        )
        .stdout,
    )
    .expect("vault status opens with the recovery key");
    assert_eq!(status["keyring"], true);
    assert_eq!(status["recoveryKey"], true);
    assert_eq!(status["password"], false);
    assert!(
        !session
            .find("#keyring-only-banner")
            .unwrap()
            .is_displayed()
            .unwrap(),
        "no keyring-only banner: the vault has a recovery key"
    );

    // 3. An account.
    session.click_on("#add-account");
    session.type_into("#uri-input", URI);
    session.click_on("#add-submit");
    session
        .wait_for(&format!("{ROW} .account-code[data-code]"), DEFAULT_WAIT)
        .expect("the new account");

    // 4. Settings → Vault: set a password. The master key rotates.
    let before = cli(
        &vault,
        &["vault", "status", "--json"],
        &[("TWOFOLD_RECOVERY_KEY", &key)],
    );
    let gen_before: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let old_copy = dir.path().join("old-copy.json");
    std::fs::copy(&vault, &old_copy).unwrap();
    session.click_on("#settings-open");
    session.click_on("#vault-settings-open");
    session
        .wait_for("#slot-recovery[data-present=yes]", DEFAULT_WAIT)
        .expect("the recovery key listed");
    assert!(session.find("#slot-password[data-present=no]").is_ok());
    session.shot("vault-keys-03-settings-vault.png");
    session.type_into("#vault-password-new", PASSWORD);
    session.type_into("#vault-password-repeat", PASSWORD);
    session.click_on("#vault-password-save");
    session
        .wait_for("#slot-password[data-present=yes]", DEFAULT_WAIT)
        .expect("the password listed");
    session.shot("vault-keys-04-settings-password-set.png");

    let listed = cli(&vault, &["list"], &[("TWOFOLD_PASSWORD", PASSWORD)]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("Example:dana@example.com"),
        "the new password opens it: {}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let with_key = cli(
        &vault,
        &["vault", "status", "--json"],
        &[("TWOFOLD_RECOVERY_KEY", &key)],
    );
    let after: serde_json::Value = serde_json::from_slice(&with_key.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&with_key.stderr)));
    assert_eq!(after["password"], true);
    assert_eq!(
        after["generation"].as_u64().unwrap(),
        gen_before["generation"].as_u64().unwrap() + 1
    );
    // The copy from before the rotation is a different key: the recovery key opens the copy,
    // but the key it gives does not open the vault as it is now.
    let vault_text = std::fs::read_to_string(&vault).unwrap();
    let copy_text = std::fs::read_to_string(&old_copy).unwrap();
    let field = |t: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(t).unwrap();
        v["ciphertext"].as_str().unwrap().to_string()
    };
    assert_ne!(field(&vault_text), field(&copy_text));

    // A new recovery key gives the vault a new master key too, re-wrapped under the password:
    // the dialog asks for it, and the old key opens nothing afterwards.
    session.type_into("#vault-recovery-password", "not the password");
    session.click_on("#vault-recovery-new");
    session
        .wait_for_text("#vault-settings-error", "rong password", DEFAULT_WAIT)
        .expect("a wrong vault password is refused");
    session.type_into("#vault-recovery-password", PASSWORD);
    session.click_on("#vault-recovery-new");
    let new_key = session
        .wait_for("#recovery-key-text", DEFAULT_WAIT)
        .expect("the new recovery key")
        .attribute("data-key")
        .unwrap()
        .unwrap();
    assert_ne!(new_key, key);
    session.shot("vault-keys-04b-new-recovery-key.png");
    session.click_on("#recovery-saved");
    session.click_on("#recovery-continue");
    session
        .wait_for("#slot-recovery[data-present=yes]", DEFAULT_WAIT)
        .expect("the recovery key listed");
    let old = cli(&vault, &["list"], &[("TWOFOLD_RECOVERY_KEY", &key)]);
    assert!(
        String::from_utf8_lossy(&old.stderr).contains("wrong recovery key"),
        "the replaced key opens nothing: {}",
        String::from_utf8_lossy(&old.stderr)
    );
    let key = new_key;
    session.click_on("#vault-settings-close");

    // 5. The keyring loses the vault's key; the recovery key opens the app.
    session.click_on("#lock-vault");
    session
        .wait_for("#vault-screen", DEFAULT_WAIT)
        .expect("the unlock screen");
    let user = keyring_user(&vault);
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", "app.twofold.Twofold", "username", &user])
        .status()
        .expect("secret-tool (apt: libsecret-tools)");
    assert!(cleared.success());
    session.click_on("#unlock-system");
    session
        .wait_for_text("#vault-error", "keyring has no key", DEFAULT_WAIT)
        .expect("the keyring no longer opens it");
    session.click_on("#use-recovery-key");
    session.type_into("#unlock-recovery-input", &key.to_lowercase());
    session.shot("vault-keys-05-unlock-with-recovery-key.png");
    session.click_on("#unlock-recovery-submit");
    session
        .wait_for(&format!("{ROW} .account-code[data-code]"), DEFAULT_WAIT)
        .expect("the recovery key opened the vault");
    session.shot("vault-keys-06-unlocked-by-recovery-key.png");
}

/// The CLI with the keyring, as the user runs it beside the app.
fn cli_keyring(vault: &Path, args: &[&str]) -> Output {
    Command::new(harness::cli_bin())
        .args(args)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_PASSWORD", "cli password")
        .env_remove("TWOFOLD_NO_KEYRING")
        .env_remove("TWOFOLD_RECOVERY_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run twofold")
}

// An old copy of the vault put in its place is not opened silently: the app names both
// generations and opens it only when the user confirms.
#[test]
fn never_lose_a_seed_a_rolled_back_vault_is_confirmed_in_the_app() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let ok = |out: Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(cli_keyring(
        &vault,
        &["add", "--uri", URI, "--name", "first"],
    ));
    let old = dir.path().join("old.json");
    std::fs::copy(&vault, &old).unwrap();
    ok(cli_keyring(
        &vault,
        &["add", "--uri", URI, "--name", "second"],
    ));
    ok(cli_keyring(
        &vault,
        &["add", "--uri", URI, "--name", "third"],
    ));
    std::fs::copy(&old, &vault).unwrap();

    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &harness::app_bin(),
        &["--vault", vault.to_str().unwrap()],
    )
    .expect("start the app under WebDriver");
    let warning = session
        .wait_for_text("#rollback-warning", "older copy", DEFAULT_WAIT)
        .expect("the rollback warning");
    assert!(
        warning.contains("generation 1") && warning.contains("generation 3"),
        "{warning}"
    );
    assert!(session.find_all(".accounts-view").unwrap().is_empty());
    session.shot("vault-keys-07-rollback-warning.png");
    session.click_on("#rollback-accept");
    session
        .wait_for(".account-row[data-name=\"first\"]", DEFAULT_WAIT)
        .expect("the old copy, opened on purpose");
    assert!(session
        .find_all(".account-row[data-name=\"second\"]")
        .unwrap()
        .is_empty());
    // Confirmed once: the CLI opens it from now on without --accept-rollback.
    ok(cli_keyring(&vault, &["list"]));
}

// A vault made before this change (keyring only) gets a banner until it has a second way in;
// the banner leads to Settings → Vault, where a recovery key is made and shown once.
#[test]
fn never_lose_a_seed_keyring_only_vault_banner_leads_to_a_recovery_key() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let out = Command::new(harness::cli_bin())
        .args(["add", "--uri", URI])
        .env("TWOFOLD_VAULT", &vault)
        .env_remove("TWOFOLD_PASSWORD")
        .env_remove("TWOFOLD_NO_KEYRING")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("OS keyring only"),
        "the CLI says so"
    );

    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session
        .wait_until("the keyring-only banner", DEFAULT_WAIT, |s| {
            Ok(s.find("#keyring-only-banner")?
                .is_displayed()?
                .then_some(()))
        })
        .expect("the banner");
    session.shot("vault-keys-08-keyring-only-banner.png");
    session.click_on("#keyring-only-fix");
    session
        .wait_for("#vault-settings-warning", DEFAULT_WAIT)
        .expect("the settings say the keyring is the only way in");
    session.click_on("#vault-recovery-new");
    let key = session
        .wait_for("#recovery-key-text", DEFAULT_WAIT)
        .expect("the new recovery key")
        .attribute("data-key")
        .unwrap()
        .unwrap();
    session.click_on("#recovery-saved");
    session.click_on("#recovery-continue");
    session
        .wait_for("#slot-recovery[data-present=yes]", DEFAULT_WAIT)
        .expect("the recovery key listed");
    session.click_on("#vault-settings-close");
    session
        .wait_until("the banner to go", DEFAULT_WAIT, |s| {
            Ok((!s.find("#keyring-only-banner")?.is_displayed()?).then_some(()))
        })
        .expect("no banner once a recovery key exists");
    let listed = cli(&vault, &["list"], &[("TWOFOLD_RECOVERY_KEY", &key)]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("Example:dana@example.com"),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
}
