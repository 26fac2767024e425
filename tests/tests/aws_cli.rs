//! `twofold aws ...` against the hardened IAM emulator (moto with code validation, device
//! limits, DeleteConflict, authentication on). The emulator, not Twofold, says whether a device
//! was enabled with valid codes.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use twofold_core::otp::{Otp, Secret};
use twofold_e2e::app::SELF_SERVICE;
use twofold_e2e::harness;
use twofold_e2e::iam::{Credentials, IamEmulator};

struct Cli<'a> {
    emu: &'a IamEmulator,
    creds: Credentials,
    vault: PathBuf,
}

impl Cli<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(harness::cli_bin());
        cmd.args(args)
            .envs(self.emu.aws_env(&self.creds))
            .env("TWOFOLD_VAULT", &self.vault)
            .env("TWOFOLD_PASSWORD", "pw")
            .env("TWOFOLD_NO_KEYRING", "1")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().unwrap()
    }

    fn ok_json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "twofold {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "twofold {args:?} unexpectedly succeeded: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

fn cli<'a>(emu: &'a IamEmulator, creds: &Credentials, dir: &Path) -> Cli<'a> {
    Cli {
        emu,
        creds: creds.clone(),
        vault: dir.join("vault.json"),
    }
}

fn assert_enabled_with_valid_codes(emu: &IamEmulator, serial: &str, user: &str) {
    let dev = emu
        .device(serial)
        .unwrap_or_else(|| panic!("the emulator has no device {serial}"));
    assert_eq!(dev["enabled"], true, "{dev}");
    assert_eq!(dev["user"], user, "{dev}");
    assert_eq!(dev["codesVerified"], true, "{dev}");
}

fn seed_otp(emu: &IamEmulator, serial: &str) -> Otp {
    let dev = emu.device(serial).expect("device");
    Otp::totp(Secret::from_base32_lenient(dev["seed"].as_str().expect("seed")).unwrap())
}

#[test]
fn a_user_enrolls_their_own_device_and_twofold_holds_the_seed() {
    let emu = IamEmulator::start();
    let alice = emu.create_user("alice", SELF_SERVICE);
    let dir = harness::temp_dir();
    let c = cli(&emu, &alice, dir.path());

    let who = c.ok_json(&["aws", "whoami", "--json"]);
    assert_eq!(who["userName"], "alice");
    assert!(who["clockSkewSecs"].as_i64().unwrap().abs() <= 2, "{who}");

    let started = Instant::now();
    let out = c.ok_json(&["aws", "enroll", "--json"]);
    let serial = out["serial"].as_str().unwrap().to_string();
    println!(
        "enrollment (CLI process, seed held): {} ms, {} API calls",
        started.elapsed().as_millis(),
        out["apiCalls"]
    );
    // GetCallerIdentity, GetUser, ListMFADevices, CreateVirtualMFADevice, EnableMFADevice,
    // ListMFADevices.
    assert_eq!(out["apiCalls"], 6, "{out}");
    assert_eq!(
        serial,
        format!("arn:aws:iam::{}:mfa/alice", alice.account_id)
    );
    assert_enabled_with_valid_codes(&emu, &serial, "alice");

    // The vault's code is the device's code.
    let name = out["name"].as_str().unwrap();
    let now = twofold_core::unix_now();
    let code = c.ok_json(&["code", name, "--at", &now.to_string(), "--json"]);
    assert_eq!(
        code["code"].as_str().unwrap(),
        seed_otp(&emu, &serial).code_at(now).code
    );
    assert_eq!(code["name"], name);
    // `list --json` carries the device link, as the app's account list does.
    let list = c.ok_json(&["list", "--json"]);
    let link = &list[0]["aws"];
    assert_eq!(link["serial"], serial.as_str(), "{list}");
    assert_eq!(link["userName"], "alice");
    assert_eq!(link["awsAccount"], alice.account_id.as_str());
    assert_eq!(link["active"], true);

    let devices = c.ok_json(&["aws", "devices", "--json"]);
    assert_eq!(devices["devices"][0]["serial"], serial.as_str());
    assert_eq!(devices["devices"][0]["kind"], "virtual");
    assert!(c.ok_json(&["aws", "pending", "--json"])["pending"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn an_admin_enrolls_another_user_then_deactivates_and_deletes_the_device() {
    let emu = IamEmulator::start();
    emu.create_user("bob", &[]);
    let dir = harness::temp_dir();
    let admin = cli(&emu, &emu.admin.clone(), dir.path());
    let out = admin.ok_json(&[
        "aws",
        "enroll",
        "--user",
        "bob",
        "--device-name",
        "bob-phone",
        "--json",
    ]);
    let serial = out["serial"].as_str().unwrap().to_string();
    assert!(serial.ends_with(":mfa/bob-phone"));
    assert_enabled_with_valid_codes(&emu, &serial, "bob");
    assert_eq!(out["user"], "bob");

    // Deleting an assigned device is refused by IAM (DeleteConflict): Twofold deactivates first.
    admin.ok_json(&[
        "aws",
        "deactivate",
        "--serial",
        &serial,
        "--delete",
        "--json",
    ]);
    assert!(emu.device(&serial).is_none(), "the device still exists");
    assert!(
        admin.ok_json(&["aws", "devices", "--user", "bob", "--json"])["devices"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let list = Command::new(harness::cli_bin())
        .args(["list", "--json"])
        .env("TWOFOLD_VAULT", &admin.vault)
        .env("TWOFOLD_PASSWORD", "pw")
        .env("TWOFOLD_NO_KEYRING", "1")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).trim(),
        "[]",
        "the vault account of a deleted device is removed"
    );
}

#[test]
fn phone_mode_refuses_wrong_codes_and_accepts_a_retry() {
    let emu = IamEmulator::start();
    let carol = emu.create_user("carol", SELF_SERVICE);
    let dir = harness::temp_dir();
    let c = cli(&emu, &carol, dir.path());
    let mut child = c
        .command(&["aws", "enroll", "--phone", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"123456\n654321\n").unwrap();
    stdin.flush().unwrap();
    // The phone reads the QR; the test reads the seed from the emulator once the device exists.
    let serial = wait_for(Duration::from_secs(20), || {
        emu.devices().keys().next().cloned()
    });
    // Current and next: valid a whole window either side, so a turning window between reading
    // and the emulator's check cannot fail the test.
    let (c1, c2, _) = twofold_core::aws::enroll::console_codes(
        &seed_otp(&emu, &serial),
        twofold_core::unix_now(),
    );
    writeln!(stdin, "{c1}\n{c2}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Scan this"),
        "the QR code is shown: {stderr}"
    );
    assert!(
        stderr.contains("did not accept the two codes"),
        "the wrong codes are explained: {stderr}"
    );
    assert_enabled_with_valid_codes(&emu, &serial, "carol");
}

fn wait_for<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts an enrollment, holds its EnableMFADevice call in the emulator and SIGKILLs the CLI
/// there: the device exists, the seed is only in the vault.
fn killed_before_enable(emu: &IamEmulator, c: &Cli<'_>) {
    emu.hold("EnableMFADevice");
    let mut child = c
        .command(&["aws", "enroll", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(Duration::from_secs(30), || {
        (emu.held("EnableMFADevice") >= 1).then_some(())
    });
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn killed_between_create_and_enable_the_next_run_resumes() {
    let emu = IamEmulator::start();
    let dan = emu.create_user("dan", SELF_SERVICE);
    let dir = harness::temp_dir();
    let c = cli(&emu, &dan, dir.path());
    killed_before_enable(&emu, &c);
    emu.release("EnableMFADevice", true);

    let pending = c.ok_json(&["aws", "pending", "--json"]);
    let item = &pending["pending"][0];
    let serial = item["serial"].as_str().unwrap().to_string();
    assert_eq!(emu.device(&serial).unwrap()["enabled"], false);
    let resumed = c.ok_json(&[
        "aws",
        "pending",
        "--resume",
        item["name"].as_str().unwrap(),
        "--json",
    ]);
    assert_eq!(resumed["serial"], serial.as_str());
    assert_enabled_with_valid_codes(&emu, &serial, "dan");
    assert!(c.ok_json(&["aws", "pending", "--json"])["pending"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn killed_after_enable_reached_aws_the_resume_only_marks_it_active() {
    let emu = IamEmulator::start();
    let erin = emu.create_user("erin", SELF_SERVICE);
    let dir = harness::temp_dir();
    let c = cli(&emu, &erin, dir.path());
    killed_before_enable(&emu, &c);
    // The call the dead process sent goes through: AWS enabled it, Twofold never heard back.
    emu.release("EnableMFADevice", false);
    let serial = wait_for(Duration::from_secs(20), || {
        emu.devices()
            .into_iter()
            .find(|(_, d)| d["enabled"] == true)
            .map(|(s, _)| s)
    });
    let item = c.ok_json(&["aws", "pending", "--json"])["pending"][0].clone();
    c.ok_json(&[
        "aws",
        "pending",
        "--resume",
        item["name"].as_str().unwrap(),
        "--json",
    ]);
    assert_enabled_with_valid_codes(&emu, &serial, "erin");
    assert!(c.ok_json(&["aws", "pending", "--json"])["pending"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn an_aborted_enrollment_deletes_the_device_and_orphans_are_found() {
    let emu = IamEmulator::start();
    let fay = emu.create_user("fay", SELF_SERVICE);
    let dir = harness::temp_dir();
    let c = cli(&emu, &fay, dir.path());
    killed_before_enable(&emu, &c);
    emu.release("EnableMFADevice", true);
    let item = c.ok_json(&["aws", "pending", "--json"])["pending"][0].clone();
    c.ok_json(&[
        "aws",
        "pending",
        "--abort",
        item["name"].as_str().unwrap(),
        "--json",
    ]);
    assert!(emu.devices().is_empty(), "the abandoned device was deleted");
    assert!(c.ok_json(&["aws", "pending", "--json"])["pending"]
        .as_array()
        .unwrap()
        .is_empty());

    // A device left by a process that died, seen from another machine (another vault).
    killed_before_enable(&emu, &c);
    emu.release("EnableMFADevice", true);
    let other = harness::temp_dir();
    let admin = cli(&emu, &emu.admin.clone(), other.path());
    let orphans = admin.ok_json(&["aws", "orphans", "--json"]);
    assert_eq!(orphans["orphans"].as_array().unwrap().len(), 1, "{orphans}");
    // The vault that holds the pending seed does not call it an orphan.
    let admin_on_fays_vault = Cli {
        emu: &emu,
        creds: emu.admin.clone(),
        vault: c.vault.clone(),
    };
    assert!(
        admin_on_fays_vault.ok_json(&["aws", "orphans", "--json"])["orphans"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    admin.ok_json(&["aws", "orphans", "--delete", "--json"]);
    assert!(emu.devices().is_empty());
}

#[test]
fn aws_errors_say_what_to_do_and_leave_nothing_pending() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();

    // Allowed to look, not to create.
    let gus = emu.create_user("gus", &["iam:GetUser", "iam:ListMFADevices"]);
    let c = cli(&emu, &gus, dir.path());
    let err = c.fails(&["aws", "enroll"]);
    assert!(err.contains("iam:CreateVirtualMFADevice"), "{err}");
    assert!(
        err.contains(&format!("arn:aws:iam::{}:mfa/gus", gus.account_id)),
        "{err}"
    );

    // The name is taken.
    let admin = cli(&emu, &emu.admin.clone(), dir.path());
    emu.create_user("hal", &[]);
    admin.ok_json(&[
        "aws",
        "enroll",
        "--user",
        "hal",
        "--device-name",
        "shared-name",
        "--json",
    ]);
    let err = admin.fails(&[
        "aws",
        "enroll",
        "--user",
        "hal",
        "--device-name",
        "shared-name",
    ]);
    assert!(err.contains("\"shared-name-2\""), "{err}");
    assert!(admin.ok_json(&["aws", "pending", "--json"])["pending"]
        .as_array()
        .unwrap()
        .is_empty());

    // No network.
    let err = admin.fails(&["aws", "whoami", "--endpoint-url", "http://127.0.0.1:9"]);
    assert!(err.contains("could not be reached"), "{err}");

    // Unknown key.
    let bogus = Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: "x".into(),
        account_id: String::new(),
    };
    let err = cli(&emu, &bogus, dir.path()).fails(&["aws", "whoami"]);
    assert!(
        err.contains("does not recognise these credentials"),
        "{err}"
    );

    // A bad device name never reaches AWS.
    let err = admin.fails(&[
        "aws",
        "enroll",
        "--user",
        "hal",
        "--device-name",
        "has space",
    ]);
    assert!(err.contains("no spaces"), "{err}");
}

#[test]
fn throttling_is_retried_and_reported_when_it_persists() {
    let emu = IamEmulator::start();
    emu.create_user("ida", &[]);
    let dir = harness::temp_dir();
    let admin = cli(&emu, &emu.admin.clone(), dir.path());
    emu.throttle("CreateVirtualMFADevice", 2);
    let out = admin.ok_json(&["aws", "enroll", "--user", "ida", "--json"]);
    assert_enabled_with_valid_codes(&emu, out["serial"].as_str().unwrap(), "ida");
    assert!(
        emu.throttles().as_object().unwrap().is_empty(),
        "both throttles were used up by retries"
    );

    emu.throttle("ListMFADevices", 50);
    let err = admin.fails(&["aws", "devices", "--user", "ida"]);
    assert!(err.contains("throttling"), "{err}");
}

#[test]
fn the_eight_device_limit_is_refused_before_anything_is_created() {
    let emu = IamEmulator::start();
    emu.create_user("jo", &[]);
    let dir = harness::temp_dir();
    let admin = cli(&emu, &emu.admin.clone(), dir.path());
    for i in 0..8 {
        admin.ok_json(&[
            "aws",
            "enroll",
            "--user",
            "jo",
            "--device-name",
            &format!("jo-{i}"),
            "--json",
        ]);
    }
    let err = admin.fails(&["aws", "enroll", "--user", "jo", "--device-name", "jo-8"]);
    assert!(err.contains("already has 8 MFA devices"), "{err}");
    assert_eq!(emu.devices().len(), 8, "no ninth device was created");
}

#[test]
fn a_drifted_device_is_resynced_with_codes_from_the_vault() {
    let emu = IamEmulator::start();
    let kim = emu.create_user("kim", SELF_SERVICE);
    let dir = harness::temp_dir();
    let c = cli(&emu, &kim, dir.path());
    let serial = c.ok_json(&["aws", "enroll", "--json"])["serial"]
        .as_str()
        .unwrap()
        .to_string();
    // AWS refuses codes from windows already used, so a resync right after the enrollment must
    // wait until two fresh windows have begun (the clock decides, up to 60 s).
    let used = emu.device(&serial).unwrap()["lastUsedWindow"]
        .as_u64()
        .unwrap();
    wait_for(Duration::from_secs(70), || {
        (twofold_core::unix_now() / 30 >= used + 2).then_some(())
    });
    let out = c.ok_json(&["aws", "resync", "--serial", &serial, "--json"]);
    assert_eq!(out["resynced"], true);
    assert!(
        emu.device(&serial).unwrap()["lastUsedWindow"]
            .as_u64()
            .unwrap()
            > used
    );
}
