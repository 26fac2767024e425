//! The app as an admin of many accounts uses it, against the IAM emulator: Account security's
//! organisation view (every account through a role assumed in each, a failed account shown
//! beside the others, filters, drill-down, CSV), console sign-ins without MFA, and adding a
//! hardware token on the Devices screen. Screenshots go to `$TWOFOLD_ARTIFACTS`.

#![allow(clippy::unwrap_used)]

use twofold_core::otp::{Otp, Secret};
use twofold_e2e::app::{fill_credentials, AWS_WAIT};
use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

const PROD: &str = "222222222222";
const SANDBOX: &str = "333333333333";

fn attr(session: &Session, selector: &str, name: &str) -> Vec<String> {
    session
        .find_all(selector)
        .unwrap()
        .iter()
        .map(|e| e.attribute(name).unwrap().unwrap_or_default())
        .collect()
}

#[test]
fn the_organisation_view_shows_every_account_and_the_sign_ins_without_mfa() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    let mgmt = emu.admin.account_id.clone();
    emu.organization(&[(PROD, "prod", true), (SANDBOX, "sandbox", false)]);
    let users =
        |list: &[(&str, bool, Option<&'static str>)]| -> Vec<(String, bool, Option<&'static str>)> {
            list.iter()
                .map(|(n, c, m)| (n.to_string(), *c, *m))
                .collect()
        };
    emu.bulk_users(
        &mgmt,
        &users(&[("carla", true, None), ("vik", true, Some("virtual"))]),
    );
    emu.bulk_users(
        PROD,
        &users(&[
            ("alice", true, Some("virtual")),
            ("bob", true, None),
            ("ci-bot", false, None),
        ]),
    );
    emu.root_mfa(&mgmt, true);
    emu.root_mfa(PROD, false);
    let now = twofold_core::unix_now() as i64;
    let at = |ago: i64| twofold_core::aws::sessions::rfc3339(now - ago);
    emu.console_login(&mgmt, "us-east-1", "carla", false, &at(7_200));
    emu.console_login(&mgmt, "us-east-1", "vik", true, &at(3_600));
    emu.console_login(PROD, "us-east-1", "root", false, &at(600));

    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session.click_on("#security");
    fill_credentials(&session, &emu, &emu.admin, None);
    session
        .wait_for("#security-table .audit-row", AWS_WAIT)
        .expect("the account's audit");

    session.click_on("#security-org");
    session
        .wait_for("#org-role", DEFAULT_WAIT)
        .expect("the role field");
    session.shot("org-01-setup.png");
    session.click_on("#org-run");
    session
        .wait_for("#org-table .org-row", AWS_WAIT)
        .expect("the organisation table");
    session.shot("org-02-accounts.png");
    assert_eq!(
        attr(&session, "#org-table .org-row", "data-account"),
        [mgmt.as_str(), PROD, SANDBOX]
    );
    let failed = session
        .find(&format!("#org-table .org-row[data-account='{SANDBOX}']"))
        .unwrap();
    assert_eq!(
        failed.attribute("data-failed").unwrap().as_deref(),
        Some("true")
    );
    let text = failed.text().unwrap();
    assert!(
        text.contains("not audited") && text.contains("OrganizationAccountAccessRole"),
        "{text}"
    );
    let prod = session.text_of(&format!("#org-table .org-row[data-account='{PROD}']"));
    assert!(prod.contains("2 without MFA"), "{prod}");
    let summary = session.text_of("#org-summary");
    assert!(
        summary.contains("3 accounts")
            && summary.contains("1 failed")
            && summary.contains("2 console users without MFA"),
        "{summary}"
    );

    // Root without MFA: prod, and the failed account (nobody knows it is fine).
    session.click_on("#org-filter-root");
    assert_eq!(
        attr(&session, "#org-table .org-row", "data-account"),
        [PROD, SANDBOX]
    );
    session.shot("org-03-filter-root.png");
    session.click_on("#org-filter-root");

    // Drill down into prod: its users, bob flagged.
    session.click_on(&format!(
        "#org-table .org-row[data-account='{PROD}'] .org-drill"
    ));
    session
        .wait_for("#org-users .audit-row", DEFAULT_WAIT)
        .expect("prod's users");
    assert_eq!(
        attr(&session, "#org-users .audit-row", "data-user"),
        ["bob", "ci-bot", "alice"]
    );
    assert_eq!(
        attr(&session, "#org-users .audit-row", "data-flagged")[0],
        "true"
    );
    assert!(
        session
            .find_all("#org-users .audit-enroll")
            .unwrap()
            .is_empty(),
        "no enrolling with the management account's keys"
    );
    session.shot("org-04-prod-users.png");
    session.click_on("#org-accounts");

    // Export: one row per user per account, the failed account with its reason.
    session
        .wait_for("#org-export", DEFAULT_WAIT)
        .expect("the accounts again");
    session.click_on("#org-export");
    let exported = session
        .wait_for_text("#org-export-path", ".csv", DEFAULT_WAIT)
        .expect("the export path");
    let path = exported.split(" to ").nth(1).unwrap().trim().to_string();
    let csv = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{PROD},prod,,false,bob,"))),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{SANDBOX},sandbox,"))),
        "{csv}"
    );

    // Sign-ins without MFA across the organisation: prod's root first, then carla; not vik.
    session.click_on("#org-signins");
    session
        .wait_for("#signins-list .signin-row", AWS_WAIT)
        .expect("the sign-ins");
    assert_eq!(
        attr(&session, "#signins-list .signin-row", "data-user"),
        ["root", "carla"]
    );
    assert_eq!(
        attr(&session, "#signins-list .signin-row", "data-account"),
        [PROD, mgmt.as_str()]
    );
    let failed = session.find_all("#signins-list .signin-failed").unwrap();
    assert_eq!(failed.len(), 1, "sandbox could not be read");
    assert!(session
        .text_of("#signins-status")
        .contains("2 console sign-ins without MFA"));
    session.shot("org-05-sign-ins.png");
}

#[test]
fn a_hardware_token_is_added_from_the_devices_screen() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    emu.create_plain_user("carla", true);
    let seed = emu.hardware_token("GAHT20000001");
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);

    session.click_on("#aws-setup");
    fill_credentials(&session, &emu, &emu.admin, None);
    session
        .wait_for("#aws-target-other", AWS_WAIT)
        .expect("the target step");
    session.click_on("#aws-target-other");
    session.type_into("#aws-target-user", "carla");
    session.click_on("#aws-show-devices");
    session
        .wait_for_text("#aws-devices-heading", "no MFA devices", AWS_WAIT)
        .expect("carla's devices");
    session.click_on("#aws-add-token");
    session
        .wait_for("#token-serial", DEFAULT_WAIT)
        .expect("the token form");

    // Codes that are not the token's: refused, with the reason.
    session.type_into("#token-serial", "GAHT20000001");
    session.type_into("#token-code1", "123456");
    session.type_into("#token-code2", "654321");
    session.click_on("#token-submit");
    let err = session
        .wait_for_text("#token-error", "did not accept", AWS_WAIT)
        .expect("the codes are refused");
    assert!(err.contains("GAHT20000001"), "{err}");
    session.shot("token-01-wrong-codes.png");

    let otp = Otp::totp(Secret::from_base32_lenient(&seed).unwrap());
    let w = twofold_core::unix_now() / 30;
    session.type_into("#token-code1", &otp.code_for_counter(w));
    session.type_into("#token-code2", &otp.code_for_counter(w + 1));
    session.shot("token-02-codes.png");
    session.click_on("#token-submit");
    session
        .wait_for(".device-row[data-serial='GAHT20000001']", AWS_WAIT)
        .expect("the token in carla's devices");
    assert!(session.text_of("#aws-devices").contains("Hardware token"));
    session.shot("token-03-enabled.png");
    assert!(
        !vault.exists()
            || !std::fs::read_to_string(&vault)
                .unwrap()
                .contains("GAHT20000001")
    );
}
