//! The AWS MFA wizard in the app, against the IAM emulator: enrollment with the seed kept in
//! Twofold, an app killed between CreateVirtualMFADevice and EnableMFADevice and resumed after a
//! restart, and phone mode (wrong codes refused, right codes accepted). Also the Devices screen
//! (delete) and the "Two consecutive codes" dialog. Screenshots go to `$TWOFOLD_ARTIFACTS`.
//!
//! The app inherits tauri-driver's environment, so the emulator cannot be named through
//! `AWS_ENDPOINT_URL_*`: the tests paste keys and fill the wizard's Advanced > Endpoint URL.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use twofold_core::aws::enroll::console_codes;
use twofold_core::otp::{Otp, Secret};
use twofold_e2e::app::{choose_self_and_name, fill_credentials, AWS_WAIT, SELF_SERVICE};
use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;
use twofold_e2e::webdriver::{unix_now, Session, DEFAULT_WAIT};

fn find_app_pid(app: &Path) -> Option<u32> {
    let want = std::fs::canonicalize(app).ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let exe: PathBuf = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
        (exe == want).then_some(pid)
    })
}

fn assert_enabled(emu: &IamEmulator, serial: &str, user: &str) {
    let device = emu
        .device(serial)
        .unwrap_or_else(|| panic!("no device {serial} in {:?}", emu.devices()));
    assert_eq!(device["enabled"], true, "{device}");
    assert_eq!(device["codesVerified"], true, "{device}");
    assert_eq!(device["user"], user, "{device}");
}

#[test]
fn wizard_enrolls_with_the_seed_kept_in_twofold() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    let creds = emu.create_user("alice", SELF_SERVICE);
    let dir = harness::temp_dir();
    let session = Session::start_app(&["--vault", dir.path().join("vault.json").to_str().unwrap()]);

    session.click_on("#aws-setup");
    fill_credentials(&session, &emu, &creds, Some("aws-01-credentials.png"));
    session
        .wait_for("#aws-identity", AWS_WAIT)
        .expect("identity");
    assert!(session.text_of("#aws-account").contains(&creds.account_id));
    assert!(
        session.find_all("#aws-skew-warning").unwrap().is_empty(),
        "no clock warning against a local emulator"
    );
    session.shot("aws-02-target.png");

    // The device name is checked as IAM does, before anything is sent.
    choose_self_and_name(&session, "alice", "has space");
    let err = session.text_of("#aws-device-name-error");
    assert!(err.contains("No spaces"), "{err}");
    assert_eq!(
        session
            .find("#aws-create")
            .unwrap()
            .property("disabled")
            .unwrap(),
        serde_json::json!(true)
    );
    session.shot("aws-03-device-invalid.png");
    session.type_into("#aws-device-name", "alice-laptop");
    session.shot("aws-04-device.png");
    session.click_on("#aws-create");

    session
        .wait_for("#aws-done", AWS_WAIT)
        .expect("done screen");
    session.shot("aws-05-done.png");
    let serial = session.text_of("#aws-done-serial");
    assert!(serial.ends_with(":mfa/alice-laptop"), "{serial}");
    assert_enabled(&emu, &serial, "alice");
    let done = session.text_of("#aws-done");
    assert!(done.contains("twofold aws session"), "{done}");

    // Devices: the new device is listed as held in Twofold; Delete removes it everywhere.
    session.click_on("#aws-show-devices");
    let row = format!(".device-row[data-serial=\"{serial}\"]");
    let listed = session
        .wait_for(&row, AWS_WAIT)
        .expect("the device is listed")
        .text()
        .unwrap();
    assert!(
        listed.contains("Virtual") && listed.contains("in Twofold"),
        "{listed}"
    );
    session.shot("aws-06-devices.png");

    session.click_on("#aws-close");
    // The account list shows the AWS account; its two consecutive codes match the seed.
    let acct_row = ".account-row[data-issuer=\"Amazon Web Services\"]";
    session
        .wait_for(acct_row, DEFAULT_WAIT)
        .expect("AWS account row");
    session.click_on(&format!("{acct_row} .pair-codes"));
    let code1 = session
        .wait_for("#pair-code1[data-code]", DEFAULT_WAIT)
        .expect("code pair");
    let c1 = code1.attribute("data-code").unwrap().unwrap();
    let c2 = session
        .find("#pair-code2")
        .unwrap()
        .attribute("data-code")
        .unwrap()
        .unwrap();
    let seed = emu.device(&serial).unwrap()["seed"]
        .as_str()
        .unwrap()
        .to_string();
    let otp = Otp::totp(Secret::from_base32_lenient(&seed).unwrap());
    let step = unix_now() / 30;
    let around: Vec<(String, String)> = [step - 1, step, step + 1]
        .iter()
        .map(|s| (otp.code_for_counter(*s), otp.code_for_counter(s + 1)))
        .collect();
    assert!(
        around.contains(&(c1.clone(), c2.clone())),
        "{c1} {c2} vs {around:?}"
    );
    assert!(session.text_of("#pair-left").contains("valid for"));
    session.shot("aws-07-code-pair.png");
    session.click_on("#pair-close");

    // Delete from the Devices screen (with confirmation).
    session.click_on("#aws-setup");
    fill_credentials(&session, &emu, &creds, None);
    session.click_on("#aws-show-devices");
    session.click_on(&format!("{row} .device-delete"));
    session
        .wait_for("#confirm-ok", DEFAULT_WAIT)
        .expect("confirmation");
    session.shot("aws-08-delete-confirm.png");
    session.click_on("#confirm-ok");
    session
        .wait_for_text("#aws-devices-heading", "no MFA devices", AWS_WAIT)
        .expect("the device is gone from the list");
    assert!(emu.device(&serial).is_none(), "deleted in AWS");
    session.click_on("#aws-close");
    harness::poll(DEFAULT_WAIT, Duration::from_millis(200), || {
        session.find_all(acct_row).ok().filter(|v| v.is_empty())
    })
    .expect("the vault account went with the device");
}

#[test]
fn app_killed_before_enable_resumes_after_restart() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    let creds = emu.create_user("carol", SELF_SERVICE);
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");

    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session.click_on("#aws-setup");
    fill_credentials(&session, &emu, &creds, None);
    choose_self_and_name(&session, "carol", "carol");
    emu.hold("EnableMFADevice");
    session.click_on("#aws-create");
    harness::poll(AWS_WAIT, Duration::from_millis(100), || {
        (emu.held("EnableMFADevice") >= 1).then_some(())
    })
    .expect("EnableMFADevice reached AWS and is held");
    session.shot("aws-10-progress-enable.png");

    // Kill the app the hard way, then let the held call fail.
    let app = harness::app_bin();
    let pid = find_app_pid(&app).expect("the app process");
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    harness::poll(Duration::from_secs(10), Duration::from_millis(100), || {
        (!Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| s.contains(") Z "))
                .unwrap_or(true))
        .then_some(())
    })
    .expect("the app died");
    drop(session);
    emu.release("EnableMFADevice", true);
    let devices = emu.devices();
    let (serial, device) = devices.iter().next().expect("the device was created");
    assert_eq!(device["enabled"], false, "{device}");
    let serial = serial.clone();

    // Restart on the same vault: the banner offers to finish.
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    let banner = session
        .wait_for("#aws-pending-banner:not([hidden])", DEFAULT_WAIT)
        .expect("the interrupted-enrollment banner")
        .text()
        .unwrap();
    assert!(
        banner.contains("An AWS MFA enrollment was interrupted"),
        "{banner}"
    );
    session.shot("aws-11-pending-banner.png");
    session.click_on("#aws-pending-resume");
    fill_credentials(
        &session,
        &emu,
        &creds,
        Some("aws-12-resume-credentials.png"),
    );
    session
        .wait_for("#aws-done", AWS_WAIT)
        .expect("resumed to done");
    assert_eq!(session.text_of("#aws-done-serial"), serial);
    assert_enabled(&emu, &serial, "carol");
    session.shot("aws-13-resumed.png");
    session.click_on("#aws-close");
    harness::poll(DEFAULT_WAIT, Duration::from_millis(200), || {
        session
            .find("#aws-pending-banner")
            .ok()
            .and_then(|b| b.attribute("hidden").ok().flatten())
    })
    .expect("the banner is gone");
}

#[test]
fn phone_mode_refuses_wrong_codes_then_accepts_right_ones() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    let creds = emu.create_user("bob", SELF_SERVICE);
    let dir = harness::temp_dir();
    let session = Session::start_app(&["--vault", dir.path().join("vault.json").to_str().unwrap()]);

    session.click_on("#aws-setup");
    fill_credentials(&session, &emu, &creds, None);
    choose_self_and_name(&session, "bob", "bob-phone");
    session.click_on("#aws-mode-phone");
    session.click_on("#aws-create");
    session
        .wait_for("#aws-qr svg", AWS_WAIT)
        .expect("the QR code");
    session.shot("aws-20-qr.png");
    let serial = emu
        .devices()
        .keys()
        .find(|s| s.ends_with(":mfa/bob-phone"))
        .expect("the device exists")
        .clone();
    let seed = emu.device(&serial).unwrap()["seed"]
        .as_str()
        .unwrap()
        .to_string();
    session
        .execute(
            "document.getElementById('aws-secret-details').open = true;",
            &[],
        )
        .unwrap();
    assert_eq!(
        session.text_of("#aws-secret"),
        seed,
        "the secret for typing in"
    );

    session.type_into("#aws-code1", "000000");
    session.type_into("#aws-code2", "111111");
    session.click_on("#aws-confirm");
    let err = session
        .wait_for("#aws-codes-error:not([hidden])", AWS_WAIT)
        .expect("wrong codes are refused");
    assert_eq!(
        err.attribute("data-kind").unwrap().as_deref(),
        Some("awsInvalidCode")
    );
    assert!(err.text().unwrap().contains("did not accept the two codes"));
    session.shot("aws-21-wrong-codes.png");
    assert_eq!(emu.device(&serial).unwrap()["enabled"], false);

    let otp = Otp::totp(Secret::from_base32_lenient(&seed).unwrap());
    // The code on the phone now and the next one: the pair stays valid for a whole window
    // either side, however long typing takes (the last-and-current pair goes stale when a
    // window turns between reading it and the emulator checking it).
    let (c1, c2, _) = console_codes(&otp, unix_now());
    session.type_into("#aws-code1", &c1);
    session.type_into("#aws-code2", &c2);
    session.click_on("#aws-confirm");
    session.wait_for("#aws-done", AWS_WAIT).expect("done");
    session.shot("aws-22-phone-done.png");
    assert_eq!(session.text_of("#aws-done-serial"), serial);
    assert_enabled(&emu, &serial, "bob");
}
