//! The same scenario through the CLI and through the app gives the same outcome: both faces
//! call one flow in core. Each test runs a scenario once with `twofold` and once with the app
//! (driven through its window), against the IAM emulator, and compares what AWS and the vault
//! end up with:
//!
//! - an enrollment whose seed cannot be saved deletes the new device again, in both;
//! - a session for a profile without `mfa_serial` uses the account the user chose, in both
//!   (and the CLI, asked without an account, refuses instead of guessing);
//! - one picture holding both codes of a Google Authenticator export adds every account of both
//!   codes, in both.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use twofold_e2e::app::{
    drop_file, fill_credentials, run_with_aws_files, user_with_keys, AWS_WAIT, SELF_SERVICE,
};
use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

/// Makes the vault impossible to write: the file becomes a directory (root ignores file modes,
/// so a read-only file would not do). Returns the real file's new place.
fn break_vault(vault: &Path) -> std::path::PathBuf {
    let aside = vault.with_extension("aside");
    std::fs::rename(vault, &aside).unwrap();
    std::fs::create_dir(vault).unwrap();
    aside
}

fn mend_vault(vault: &Path, aside: &Path) {
    std::fs::remove_dir(vault).unwrap();
    std::fs::rename(aside, vault).unwrap();
}

fn virtual_devices(emu: &IamEmulator) -> Vec<String> {
    emu.devices().keys().cloned().collect()
}

/// Waits until a CreateVirtualMFADevice call is held by the emulator.
fn wait_held(emu: &IamEmulator) {
    harness::poll(AWS_WAIT, Duration::from_millis(100), || {
        (emu.held("CreateVirtualMFADevice") > 0).then_some(())
    })
    .expect("CreateVirtualMFADevice is called");
}

#[test]
fn a_seed_that_cannot_be_saved_leaves_no_device_in_either_face() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();

    // The CLI: the vault breaks while CreateVirtualMFADevice is in flight.
    let cli_user = emu.create_user("cli-user", SELF_SERVICE);
    let cli_vault = dir.path().join("cli-vault.json");
    let mut create = Command::new(harness::cli_bin());
    create
        .args(["add", "--uri", "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP"])
        .env("TWOFOLD_VAULT", &cli_vault)
        .env("TWOFOLD_PASSWORD", "pw")
        .env("TWOFOLD_NO_KEYRING", "1");
    harness::run_ok(&mut create);
    emu.hold("CreateVirtualMFADevice");
    let mut enroll = Command::new(harness::cli_bin());
    enroll
        .args(["aws", "enroll"])
        .envs(emu.aws_env(&cli_user))
        .env("TWOFOLD_VAULT", &cli_vault)
        .env("TWOFOLD_PASSWORD", "pw")
        .env("TWOFOLD_NO_KEYRING", "1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    let running = std::thread::spawn(move || enroll.output().unwrap());
    wait_held(&emu);
    let aside = break_vault(&cli_vault);
    emu.release("CreateVirtualMFADevice", false);
    let out = running.join().unwrap();
    let (status, stderr) = (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    mend_vault(&cli_vault, &aside);
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains("could not be saved") && stderr.contains("the device was deleted in AWS"),
        "{stderr}"
    );
    assert!(
        virtual_devices(&emu).is_empty(),
        "the CLI left {:?}",
        emu.devices()
    );

    // The app: the same break at the same moment.
    let app_user = emu.create_user("app-user", SELF_SERVICE);
    let app_vault = dir.path().join("app-vault.json");
    let session = Session::start_app(&["--vault", app_vault.to_str().unwrap()]);
    session.click_on("#aws-setup");
    fill_credentials(&session, &emu, &app_user, None);
    session.wait_for("#aws-arn", AWS_WAIT).expect("whoami");
    session.click_on("#aws-target-next");
    session
        .wait_for("#aws-device-name", DEFAULT_WAIT)
        .expect("device step");
    emu.hold("CreateVirtualMFADevice");
    session.click_on("#aws-create");
    wait_held(&emu);
    let aside = break_vault(&app_vault);
    emu.release("CreateVirtualMFADevice", false);
    let err = session
        .wait_for("#aws-progress-error:not([hidden])", AWS_WAIT)
        .expect("the app reports the failure");
    let text = err.text().unwrap();
    session.shot("parity-seed-not-saved.png");
    mend_vault(&app_vault, &aside);
    assert!(
        text.contains("could not be saved") && text.contains("the device was deleted in AWS"),
        "{text}"
    );
    assert!(
        virtual_devices(&emu).is_empty(),
        "the app left {:?}",
        emu.devices()
    );
}

/// Runs `twofold` with the AWS files and the vault in `dir`; returns (success, stdout, stderr).
fn twofold_in(emu: &IamEmulator, dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = run_with_aws_files(&harness::cli_bin(), emu, dir, args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_profile_without_mfa_serial_uses_the_chosen_account_in_both_faces() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let d = dir.path();
    let sam = user_with_keys(&emu, "sam");
    std::fs::write(
        d.join("credentials"),
        format!(
            "[sam]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            sam.access_key_id, sam.secret_access_key
        ),
    )
    .unwrap();
    // No mfa_serial: the profile does not say which device signs its sessions.
    std::fs::write(d.join("config"), "[profile sam]\nregion = us-east-1\n").unwrap();
    let (ok, out, err) = twofold_in(&emu, d, &["aws", "enroll", "--profile", "sam", "--json"]);
    assert!(ok, "{err}");
    let enrolled: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (serial, name) = (
        enrolled["serial"].as_str().unwrap().to_string(),
        enrolled["name"].as_str().unwrap().to_string(),
    );

    // The CLI without an account refuses rather than guess (credential_process runs alone)...
    let (ok, _, err) = twofold_in(&emu, d, &["aws", "session", "--profile", "sam"]);
    assert!(!ok);
    assert!(err.contains("has no mfa_serial"), "{err}");
    assert!(
        err.contains("--account NAME"),
        "the CLI names its option: {err}"
    );
    assert!(emu.sessions().as_array().unwrap().is_empty());
    // ...and with the account the user chose, it uses that account's device.
    let (ok, _, err) = twofold_in(
        &emu,
        d,
        &[
            "aws",
            "session",
            "--profile",
            "sam",
            "--account",
            &name,
            "--target-profile",
            "cli-mfa",
        ],
    );
    assert!(ok, "{err}");

    // The app's dialog always has the account the user clicked: the same device is used.
    let session = Session::start_app(&[
        "--vault",
        d.join("vault.json").to_str().unwrap(),
        "--aws-config-dir",
        d.to_str().unwrap(),
    ]);
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .expect("the account list");
    session.click_on(".account-row[data-issuer=\"Amazon Web Services\"] .cli-session");
    session
        .wait_for("#session-profile", DEFAULT_WAIT)
        .expect("the session form");
    session.type_into("#session-target", "app-mfa");
    session.open_details("session-advanced");
    session.type_into("#session-endpoint-url", &emu.endpoint);
    session.click_on("#session-start");
    session
        .wait_for("#session-done", Duration::from_secs(120))
        .unwrap_or_else(|e| {
            session.shot("parity-session-failed.png");
            panic!("no session: {e}")
        });
    // The CLI's session is cached for the profile, so the app reuses it: one STS call in all,
    // for the chosen account's device, and both target profiles hold credentials.
    let sessions = emu.sessions();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["mfaSerial"], serial.as_str());
    let creds = std::fs::read_to_string(d.join("credentials")).unwrap();
    for target in ["[cli-mfa]", "[app-mfa]"] {
        let section = creds
            .split(target)
            .nth(1)
            .unwrap_or_else(|| panic!("{target} in {creds}"));
        assert!(section.contains("aws_session_token = "), "{creds}");
    }
}

/// Both QR codes of a two-code Google Authenticator export, side by side in one picture.
fn both_export_codes(path: &Path) {
    let a = image::open(harness::fixture("qr/google-export-1of2.png"))
        .unwrap()
        .to_luma8();
    let b = image::open(harness::fixture("qr/google-export-2of2.png"))
        .unwrap()
        .to_luma8();
    let mut both = image::GrayImage::from_pixel(
        a.width() + b.width(),
        a.height().max(b.height()),
        image::Luma([255]),
    );
    image::imageops::replace(&mut both, &a, 0, 0);
    image::imageops::replace(&mut both, &b, i64::from(a.width()), 0);
    both.save(path).unwrap();
}

fn names_in(list: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn one_picture_of_a_two_code_export_adds_both_codes_in_both_faces() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let picture = dir.path().join("export-both.png");
    both_export_codes(&picture);

    let cli_vault = dir.path().join("cli-vault.json");
    let cli = |args: &[&str]| {
        let mut cmd = Command::new(harness::cli_bin());
        cmd.args(args)
            .env("TWOFOLD_VAULT", &cli_vault)
            .env("TWOFOLD_PASSWORD", "pw")
            .env("TWOFOLD_NO_KEYRING", "1");
        harness::stdout_of(&harness::run_ok(&mut cmd))
    };
    cli(&["add", "--scan", picture.to_str().unwrap()]);
    let from_cli = names_in(&serde_json::from_str(&cli(&["list", "--json"])).unwrap());
    assert_eq!(
        from_cli.len(),
        3,
        "two accounts in code 1, one in code 2: {from_cli:?}"
    );

    let app_vault = dir.path().join("app-vault.json");
    let session = Session::start_app(&["--vault", app_vault.to_str().unwrap()]);
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .expect("the account list");
    session.click_on("#scan-qr");
    let bytes = std::fs::read(&picture).unwrap();
    drop_file(
        &session,
        "#scan-stage",
        &bytes,
        "export-both.png",
        "image/png",
    );
    let summary = session
        .wait_for_text("#scan-summary", "3 accounts", DEFAULT_WAIT)
        .expect("both codes' accounts");
    assert!(summary.contains("codes 1 and 2 of 2"), "{summary}");
    session.shot("parity-export-both.png");
    session.click_on("#scan-save");
    let rows = harness::poll(DEFAULT_WAIT, Duration::from_millis(200), || {
        let rows = session.find_all(".account-row").ok()?;
        (rows.len() == 3).then_some(rows.len())
    });
    assert_eq!(rows, Some(3), "three accounts in the list");
    let mut from_app: Vec<String> = session
        .find_all(".account-row")
        .unwrap()
        .iter()
        .map(|r| r.attribute("data-name").unwrap().unwrap_or_default())
        .collect();
    from_app.sort();
    assert_eq!(from_app, from_cli);
}
