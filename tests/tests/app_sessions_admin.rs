//! The app's Account security view (audit, require MFA for a group) and "Start CLI session"
//! (MFA session credentials written into the credentials file), against the IAM emulator; the
//! installed `.deb`'s app setting up automatic sessions with its CLI, and its About box.
//! Screenshots go to `$TWOFOLD_ARTIFACTS`.
//!
//! The app inherits tauri-driver's environment, so the emulator is named in the forms'
//! Advanced > Endpoint URL, and the AWS files through the app's `--aws-config-dir`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use twofold_e2e::app::{run_with_aws_files, user_with_keys, AWS_WAIT};
use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

/// A session right after enrolling waits for a code window AWS has not seen (up to 60 s: the
/// enrollment used two).
const SESSION_WAIT: Duration = Duration::from_secs(120);

#[test]
fn security_view_audits_and_requires_mfa_for_a_group() {
    harness::require_secret_service();
    let emu = IamEmulator::start();
    emu.create_plain_user("carla", true); // console, no MFA: flagged
    emu.create_plain_user("bot", false);
    emu.admin_aws(&["iam", "create-access-key", "--user-name", "bot"]);
    emu.create_plain_user("dora", true);
    emu.admin_aws(&["iam", "create-group", "--group-name", "devs"]);
    for u in ["carla", "dora"] {
        emu.admin_aws(&[
            "iam",
            "add-user-to-group",
            "--group-name",
            "devs",
            "--user-name",
            u,
        ]);
    }
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);

    session.click_on("#security");
    session
        .wait_for("#aws-credentials", DEFAULT_WAIT)
        .expect("the credentials step");
    session.click_on("#aws-tab-keys");
    session.type_into("#aws-access-key-id", &emu.admin.access_key_id);
    session.type_into("#aws-secret-access-key", &emu.admin.secret_access_key);
    session.open_details("aws-advanced");
    session.type_into("#aws-endpoint-url", &emu.endpoint);
    session.type_into("#aws-region", "us-east-1");
    session.shot("security-01-connect.png");
    session.click_on("#aws-check");

    session
        .wait_for("#security-table .audit-row", AWS_WAIT)
        .expect("the audit table");
    session.shot("security-02-audit.png");
    let rows = session.find_all("#security-table .audit-row").unwrap();
    let first = &rows[0];
    assert_eq!(
        first.attribute("data-user").unwrap().as_deref(),
        Some("carla")
    );
    assert_eq!(
        first.attribute("data-flagged").unwrap().as_deref(),
        Some("true")
    );
    assert!(first.text().unwrap().contains("console without MFA"));
    let root = session.find("#security-root").unwrap();
    assert_eq!(
        root.attribute("data-state").unwrap().as_deref(),
        Some("off")
    );
    assert!(root.text().unwrap().contains("off"));
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.attribute("data-user").unwrap().unwrap())
        .collect();
    assert!(names.contains(&"bot".to_string()), "{names:?}");

    // Filters: console users only; then stale keys (bot's key was never used).
    session.click_on("#filter-console");
    let shown: Vec<String> = session
        .find_all("#security-table .audit-row")
        .unwrap()
        .iter()
        .map(|r| r.attribute("data-user").unwrap().unwrap())
        .collect();
    assert!(!shown.contains(&"bot".to_string()), "{shown:?}");
    assert!(shown.contains(&"carla".to_string()), "{shown:?}");
    session.click_on("#filter-console");
    session.click_on("#filter-stale");
    let shown: Vec<String> = session
        .find_all("#security-table .audit-row")
        .unwrap()
        .iter()
        .map(|r| r.attribute("data-user").unwrap().unwrap())
        .collect();
    assert!(shown.contains(&"bot".to_string()), "{shown:?}");
    session.shot("security-03-filter-stale.png");
    session.click_on("#filter-stale");

    // Export CSV: into Downloads (or home) and the path is shown.
    session.click_on("#security-export");
    let exported = session
        .wait_for_text("#security-export-path", ".csv", DEFAULT_WAIT)
        .expect("the export path");
    let path = exported.split(" to ").nth(1).unwrap().trim();
    let csv = std::fs::read_to_string(path).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("carla,") && l.ends_with(",true")),
        "{csv}"
    );

    // Require MFA for the group: preview, then confirm.
    session.click_on("#security-enforce");
    session.type_into("#enforce-group", "devs");
    session.click_on("#enforce-preview");
    session
        .wait_for("#enforce-actions", AWS_WAIT)
        .expect("the preview");
    let actions = session.text_of("#enforce-actions");
    assert!(
        actions.contains("TwofoldRequireMFA") && actions.contains("Attach it to the group devs"),
        "{actions}"
    );
    let members = session.text_of("#enforce-members");
    assert!(
        members.contains("carla") && members.contains("dora"),
        "{members}"
    );
    assert!(session.find_all("#enforce-lockout").unwrap().is_empty());
    assert!(session.find_all("#enforce-force").unwrap().is_empty());
    let before = emu.admin_aws(&[
        "iam",
        "list-attached-group-policies",
        "--group-name",
        "devs",
    ]);
    assert_eq!(
        before["AttachedPolicies"],
        serde_json::json!([]),
        "{before}"
    );
    session.open_details("enforce-policy-details");
    session.shot("security-04-enforce-preview.png");
    session.click_on("#enforce-confirm");
    session
        .wait_for_text("#enforce-done", "MFA is now required for devs", AWS_WAIT)
        .expect("applied");
    session.shot("security-05-enforce-done.png");
    let attached = emu.admin_aws(&[
        "iam",
        "list-attached-group-policies",
        "--group-name",
        "devs",
    ]);
    assert_eq!(
        attached["AttachedPolicies"][0]["PolicyName"], "TwofoldRequireMFA",
        "{attached}"
    );
    session.click_on("#enforce-close");

    // "Enroll MFA" opens the wizard preset to that user.
    session.click_on(".audit-row[data-user=\"carla\"] .audit-enroll");
    let device = session
        .wait_for("#aws-target-user", DEFAULT_WAIT)
        .expect("the wizard's target step");
    assert_eq!(
        device.property("value").unwrap(),
        serde_json::json!("carla")
    );
    session.shot("security-06-enroll-user.png");
}

/// User `name` with a key and self-service MFA rights, whose guarded call needs MFA.
/// Runs `program` (the installed `twofold`, or the AWS CLI) against the emulator with the AWS
/// files and the vault in `dir`.
fn run_in(program: &Path, emu: &IamEmulator, dir: &Path, args: &[&str]) -> String {
    let out = run_with_aws_files(program, emu, dir, args);
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The whole path of someone who installed the `.deb`: its CLI enrolls, its app starts a
/// session and sets up automatic sessions with the CLI installed beside it, and the AWS CLI then
/// gets MFA credentials through that `credential_process`.
#[test]
fn cli_session_from_the_app_right_after_enrolling() {
    harness::require_secret_service();
    let (_package, root) = harness::install_deb();
    let (app, twofold) = (
        root.join("usr/bin/twofold-app"),
        root.join("usr/bin/twofold"),
    );
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let d = dir.path();
    let sam = user_with_keys(&emu, "sam");
    std::fs::write(
        d.join("credentials"),
        format!(
            "# keep me\n[sam]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            sam.access_key_id, sam.secret_access_key
        ),
    )
    .unwrap();
    std::fs::write(d.join("config"), "[profile sam]\nregion = us-east-1\n").unwrap();

    // Enroll with the CLI into the vault the app opens (keyring slot in the test session).
    let out = run_in(
        &twofold,
        &emu,
        d,
        &["aws", "enroll", "--profile", "sam", "--json"],
    );
    let serial = serde_json::from_str::<serde_json::Value>(&out).unwrap()["serial"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        d.join("config"),
        format!("[profile sam]\nregion = us-east-1\nmfa_serial = {serial}\n"),
    )
    .unwrap();

    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &app,
        &[
            "--vault",
            d.join("vault.json").to_str().unwrap(),
            "--aws-config-dir",
            d.to_str().unwrap(),
        ],
    )
    .expect("start the installed app");
    session.through_first_run();
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .expect("the account list");
    let row = ".account-row[data-issuer=\"Amazon Web Services\"]";
    session.click_on(&format!("{row} .cli-session"));
    let profile = session
        .wait_for("#session-profile", DEFAULT_WAIT)
        .expect("the session form");
    assert_eq!(profile.property("value").unwrap(), serde_json::json!("sam"));
    assert_eq!(
        session
            .find("#session-target")
            .unwrap()
            .property("value")
            .unwrap(),
        serde_json::json!("sam-mfa")
    );
    assert_eq!(
        session
            .find("#session-duration")
            .unwrap()
            .property("value")
            .unwrap(),
        serde_json::json!("3600")
    );
    assert_eq!(session.text_of("#session-serial"), serial);
    session.open_details("session-advanced");
    session.type_into("#session-endpoint-url", &emu.endpoint);
    session.shot("session-01-form.png");
    session.click_on("#session-start");

    // The enrollment used this window's codes: the dialog says it waits, then carries on.
    let waiting = session.wait_until("the wait for a fresh code", AWS_WAIT, |s| {
        let status = s.find("#session-status")?;
        let step = status.attribute("data-step")?;
        Ok(match step.as_deref() {
            Some("waiting") => Some(Some(status.text()?)),
            Some("requesting" | "writing") => Some(None),
            _ => s.find_all("#session-done")?.first().map(|_| None),
        })
    });
    if let Ok(Some(msg)) = &waiting {
        assert!(msg.contains("for a fresh code"), "{msg}");
        session.shot("session-02-waiting.png");
    }
    session
        .wait_for("#session-done", SESSION_WAIT)
        .unwrap_or_else(|e| {
            session.shot("session-failed.png");
            panic!("no session: {e}")
        });
    session.shot("session-03-done.png");
    assert_eq!(session.text_of("#session-done-target"), "sam-mfa");
    let file = session.text_of("#session-done-file");
    assert_eq!(Path::new(&file), d.join("credentials"));
    let expiry = session.text_of("#session-expiry");
    assert!(expiry.contains("min"), "{expiry}");

    let creds = std::fs::read_to_string(d.join("credentials")).unwrap();
    assert!(creds.starts_with("# keep me\n[sam]\n"), "{creds}");
    let section = creds.split("[sam-mfa]").nth(1).expect("[sam-mfa] written");
    assert!(
        section.contains("aws_access_key_id = ASIA") && section.contains("aws_session_token = "),
        "{creds}"
    );
    let sessions = emu.sessions();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["mfaSerial"], serial.as_str());

    // A second session for the same profile reuses the cached one: no new STS call.
    session.click_on("#session-again");
    session.click_on("#session-start");
    session
        .wait_for_text("#session-done", "reused", AWS_WAIT)
        .expect("cached session");
    assert_eq!(emu.sessions().as_array().unwrap().len(), 1);

    // Set up automatic sessions: the CLI installed beside the app goes into credential_process
    // (by its full path: this root's /usr/bin is not on PATH).
    session.click_on("#session-again");
    session.click_on("#session-setup");
    let done = session
        .wait_for("#setup-done", DEFAULT_WAIT)
        .expect("the setup result");
    assert_eq!(
        done.attribute("data-written").unwrap().as_deref(),
        Some("true")
    );
    session.shot("session-04-setup.png");
    let block = session.text_of("#setup-block");
    assert!(block.starts_with("[profile sam-mfa]"), "{block}");
    let config = std::fs::read_to_string(d.join("config")).unwrap();
    let process = format!(
        "[profile sam-mfa]\ncredential_process = {} aws credential-process --profile sam\n",
        twofold.display()
    );
    assert!(config.contains(&process), "{config}");

    // The AWS CLI runs it: the session the app cached in the vault, no new STS call.
    let aws = twofold_e2e::iam::awscli_bin();
    let who = run_in(
        &aws,
        &emu,
        d,
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "sam-mfa",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
    );
    let who: serde_json::Value = serde_json::from_str(&who).unwrap();
    assert!(who["Arn"].as_str().unwrap().ends_with(":user/sam"), "{who}");
    assert_eq!(emu.sessions().as_array().unwrap().len(), 1);
}

#[test]
fn installed_apps_about_box_shows_the_build_and_puts_its_cli_on_path() {
    harness::require_secret_service();
    let (dir, root) = harness::install_deb();
    let cli = root.join("usr/bin/twofold");
    let cli_build = harness::build_of(
        &harness::stdout_of(&harness::run_ok(Command::new(&cli).arg("--version"))),
        "twofold",
    );
    // The app runs with tauri-driver's environment, whose HOME is this run's throwaway one.
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    let link = home.join(".local/bin/twofold");
    let _ = std::fs::remove_file(&link);

    let vault = dir.path().join("vault.json");
    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &root.join("usr/bin/twofold-app"),
        &["--vault", vault.to_str().unwrap()],
    )
    .expect("start the installed app");
    session.through_first_run();
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .expect("the account list");
    session.click_on("#about-open");
    let version = session
        .wait_for("#about-version[data-version]", DEFAULT_WAIT)
        .expect("the version");
    assert_eq!(
        version.attribute("data-version").unwrap(),
        Some(cli_build.clone())
    );
    assert_eq!(
        session.text_of("#about-version"),
        format!("Version {cli_build}")
    );
    assert_eq!(
        session.text_of("#about-cli-path"),
        cli.display().to_string()
    );
    let section = session.find("#about-cli").unwrap();
    assert_eq!(
        section.attribute("data-on-path").unwrap().as_deref(),
        Some("false")
    );
    session.shot("about-01-installed.png");

    session.click_on("#about-put-on-path");
    let result = session
        .wait_for_text("#about-path-result", "Linked", DEFAULT_WAIT)
        .expect("what was done");
    session.shot("about-02-on-path.png");
    assert!(result.contains(&link.display().to_string()), "{result}");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        cli.canonicalize().unwrap()
    );
    let via_link = harness::run_ok(Command::new(&link).arg("--version"));
    assert_eq!(
        harness::build_of(&harness::stdout_of(&via_link), "twofold"),
        cli_build
    );
    std::fs::remove_file(&link).unwrap();
}
