//! AWS admins of many accounts, end to end against the hardened emulator with authentication
//! on: `twofold aws audit --org` across an organisation (roles assumed in member accounts),
//! `twofold aws sign-ins` from CloudTrail, `twofold aws mfa-code` as the code source of another
//! tool, and hardware tokens with `twofold aws assign-token`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use twofold_core::otp::{Otp, Secret};
use twofold_e2e::harness;
use twofold_e2e::iam::{Credentials, IamEmulator};

const PROD: &str = "222222222222";
const SANDBOX: &str = "333333333333";

fn twofold_cmd(emu: &IamEmulator, creds: &Credentials, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(harness::cli_bin());
    c.args(args)
        .envs(emu.aws_env(creds))
        .env("TWOFOLD_VAULT", dir.join("vault.json"))
        .env("TWOFOLD_PASSWORD", "pw")
        .env("TWOFOLD_NO_KEYRING", "1")
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env_remove("AWS_PROFILE");
    c
}

fn twofold(emu: &IamEmulator, creds: &Credentials, dir: &Path, args: &[&str]) -> Output {
    twofold_cmd(emu, creds, dir, args).output().unwrap()
}

fn ok_json(out: Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn users(
    batch: &[(&str, bool, Option<&'static str>)],
) -> Vec<(String, bool, Option<&'static str>)> {
    batch
        .iter()
        .map(|(n, c, m)| (n.to_string(), *c, *m))
        .collect()
}

/// The management account (the emulator's own) and two members: in the management account
/// and in prod a console user lacks MFA; sandbox has no role for the management account.
fn organization(emu: &IamEmulator) {
    emu.organization(&[(PROD, "prod", true), (SANDBOX, "sandbox", false)]);
    let mgmt = emu.admin.account_id.clone();
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
            ("hw", true, Some("hardware")),
        ]),
    );
    emu.bulk_users(SANDBOX, &users(&[("eve", true, None)]));
    emu.root_mfa(&mgmt, true);
    emu.root_mfa(PROD, false);
}

fn account<'a>(audit: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    audit["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {audit}"))
}

#[test]
fn the_org_audit_reports_each_accounts_users_and_a_missing_role_hides_no_other_account() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    organization(&emu);
    let mgmt = emu.admin.account_id.clone();
    // The enforce policy on one group of the management account, not on the other.
    emu.admin_aws(&["iam", "create-group", "--group-name", "devs"]);
    emu.admin_aws(&["iam", "create-group", "--group-name", "ops"]);
    ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enforce", "--group", "devs", "--json"],
    ));

    let csv = dir.path().join("org.csv");
    let audit = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &[
            "aws",
            "audit",
            "--org",
            "--json",
            "--csv",
            csv.to_str().unwrap(),
        ],
    ));
    assert_eq!(audit["managementAccount"], mgmt.as_str());
    assert_eq!(audit["totals"]["accounts"], 3);
    assert_eq!(audit["totals"]["audited"], 2);
    assert_eq!(audit["totals"]["failed"], 1);

    let m = account(&audit, &mgmt);
    assert_eq!(m["status"], "audited");
    assert_eq!(m["rootMfa"], true);
    assert_eq!(m["groupsWithEnforcement"], serde_json::json!(["devs"]));
    assert_eq!(m["groupsWithoutEnforcement"], serde_json::json!(["ops"]));
    let p = account(&audit, PROD);
    assert_eq!(p["status"], "audited");
    assert_eq!(p["rootMfa"], false);
    assert_eq!(p["summary"]["users"], 4);
    assert_eq!(p["summary"]["consoleWithoutMfa"], 1);
    assert_eq!(p["summary"]["withoutMfa"], 2);
    let s = account(&audit, SANDBOX);
    assert_eq!(s["status"], "failed");
    assert_eq!(s["error"]["step"], "AssumeRole");
    assert_eq!(s["error"]["kind"], "accessDenied");
    let msg = s["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!(
            "arn:aws:iam::{SANDBOX}:role/OrganizationAccountAccessRole"
        )),
        "{msg}"
    );

    // Exactly the console users without MFA of the two audited accounts; none from sandbox.
    let mut flagged: Vec<(String, String)> = audit["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["flagged"] == true)
        .map(|u| {
            (
                u["accountId"].as_str().unwrap().into(),
                u["user"].as_str().unwrap().into(),
            )
        })
        .collect();
    flagged.sort();
    assert_eq!(
        flagged,
        [
            (mgmt.clone(), "carla".to_string()),
            (PROD.into(), "bob".into())
        ],
        "{audit}"
    );
    assert!(audit["users"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["accountId"] != SANDBOX));
    let hw = audit["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user"] == "hw")
        .unwrap();
    assert_eq!(hw["mfaDevices"][0]["kind"], "hardware", "{hw}");

    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with(&format!("{PROD},prod,,false,bob,")) && l.ends_with(",true")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with(&format!("{SANDBOX},sandbox,\"cannot assume"))),
        "{text}"
    );

    // Without --org, the same command audits the caller's account alone, as before.
    let one = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "audit", "--json"],
    ));
    assert_eq!(one["account"], mgmt.as_str());
}

#[test]
fn the_org_audit_gets_through_throttling() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    organization(&emu);
    // Every account's calls beyond 3 a second are refused: the SDK's retries and the audit's
    // backoff have to get every account through.
    emu.rate_limit(3, 3);
    let audit = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "audit", "--org", "--json", "--concurrency", "4"],
    ));
    assert!(emu.throttled_calls() > 0, "the rate limit never bit");
    assert_eq!(audit["totals"]["audited"], 2, "{audit}");
    assert_eq!(account(&audit, SANDBOX)["error"]["step"], "AssumeRole");
}

#[test]
fn sign_ins_lists_console_sign_ins_without_mfa_only_root_first() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let mgmt = emu.admin.account_id.clone();

    // A new account: nothing in CloudTrail, and the command says where it looked.
    let out = twofold(&emu, &emu.admin, dir.path(), &["aws", "sign-ins"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no console sign-ins in us-east-1"),
        "{}",
        stderr(&out)
    );

    organization(&emu);
    let now = twofold_core::unix_now() as i64;
    let at = |ago: i64| twofold_core::aws::sessions::rfc3339(now - ago);
    emu.console_login(&mgmt, "us-east-1", "vik", true, &at(3_600));
    emu.console_login(&mgmt, "us-east-1", "carla", false, &at(7_200));
    emu.console_login(&mgmt, "us-east-1", "root", false, &at(86_400));
    emu.console_login(&mgmt, "eu-west-1", "carla", false, &at(600));
    // Older than asked for.
    emu.console_login(&mgmt, "us-east-1", "carla", false, &at(20 * 86_400));
    emu.console_login(PROD, "us-east-1", "bob", false, &at(300));
    emu.console_login(PROD, "us-east-1", "alice", true, &at(400));

    let listed = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "sign-ins", "--since", "7d", "--json"],
    ));
    let who: Vec<(&str, &str)> = listed["signIns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["user"].as_str().unwrap(),
                s["principal"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(who, [("root", "root"), ("carla", "iamUser")], "{listed}");
    assert!(listed["signIns"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["mfa"] == "notUsed"));
    assert_eq!(
        listed["total"], 3,
        "vik's sign-in with MFA is counted, not listed"
    );

    // The eu-west-1 sign-in endpoint records there.
    let listed = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &[
            "aws",
            "sign-ins",
            "--since",
            "7d",
            "--in-region",
            "eu-west-1",
            "--json",
        ],
    ));
    assert_eq!(listed["signIns"].as_array().unwrap().len(), 3, "{listed}");
    assert_eq!(listed["signIns"][1]["region"], "eu-west-1");

    // Across the organisation: prod's sign-in without MFA too; sandbox's role is missing.
    let org = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "sign-ins", "--since", "7d", "--org", "--json"],
    ));
    let mut who: Vec<(String, String)> = org["signIns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["account"].as_str().unwrap().into(),
                s["user"].as_str().unwrap().into(),
            )
        })
        .collect();
    who.sort();
    let mut want: Vec<(String, String)> = vec![
        (mgmt.clone(), "carla".into()),
        (mgmt.clone(), "root".into()),
        (PROD.into(), "bob".into()),
    ];
    want.sort();
    assert_eq!(who, want, "{org}");
    let sandbox = org["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == SANDBOX)
        .unwrap();
    assert_eq!(sandbox["status"], "failed", "{org}");

    // The text form names them, and says how many it left out.
    let out = twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "sign-ins", "--since", "7d"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ROOT") && text.contains("carla") && !text.contains("vik"),
        "{text}"
    );
    assert!(text.contains("1 sign-ins with MFA"), "{text}");
}

/// A script in the shape aws-vault's `mfa_process` and awsume's plugins use: it asks Twofold
/// for the code and gives it to STS through the real AWS CLI, printing credential_process JSON.
const HELPER: &str = r#"#!/bin/sh
set -e
code=$("$TWOFOLD" aws mfa-code --serial "$SERIAL")
aws sts get-session-token --serial-number "$SERIAL" --token-code "$code" \
  --endpoint-url "$AWS_ENDPOINT_URL_STS" --region us-east-1 --output json \
  --query '{Version: `1`, AccessKeyId: Credentials.AccessKeyId, SecretAccessKey: Credentials.SecretAccessKey, SessionToken: Credentials.SessionToken, Expiration: Credentials.Expiration}'
"#;

#[test]
fn mfa_code_feeds_another_tool_a_fresh_code_each_time_and_refuses_when_locked() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let enrolled = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enroll", "--json"],
    ));
    let serial = enrolled["serial"].as_str().unwrap().to_string();

    let script = dir.path().join("mfa-helper.sh");
    std::fs::write(&script, HELPER).unwrap();
    let awscli = twofold_e2e::iam::awscli_bin();
    let path = format!(
        "{}:{}",
        awscli.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let helper = || {
        let out = Command::new("sh")
            .arg(&script)
            .envs(emu.aws_env(&emu.admin))
            .env("TWOFOLD", harness::cli_bin())
            .env("SERIAL", &serial)
            .env("PATH", &path)
            .env("TWOFOLD_VAULT", dir.path().join("vault.json"))
            .env("TWOFOLD_PASSWORD", "pw")
            .env("TWOFOLD_NO_KEYRING", "1")
            .env("AWS_CONFIG_FILE", dir.path().join("config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("credentials"),
            )
            .output()
            .unwrap();
        let v = ok_json(out);
        assert_eq!(v["Version"], 1);
        assert!(v["AccessKeyId"].as_str().unwrap().len() >= 16, "{v}");
    };
    // The enrollment sent this window's codes: the first call waits for a fresh window, and
    // the second, right after, for the next; STS refuses a replayed code, so each call working
    // shows each code was fresh.
    helper();
    helper();
    let issued = emu.sessions();
    assert_eq!(issued.as_array().unwrap().len(), 2, "{issued}");

    // A locked vault (a password slot, no password given, no terminal): an error, no code.
    let out = twofold_cmd(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "mfa-code", "--serial", &serial],
    )
    .env_remove("TWOFOLD_PASSWORD")
    .stdin(Stdio::null())
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "a code was printed: {:?}",
        out.stdout
    );
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));

    // A device the vault does not hold: an error, no code.
    let other = format!("arn:aws:iam::{}:mfa/someone-else", emu.admin.account_id);
    let out = twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "mfa-code", "--serial", &other],
    );
    assert!(!out.status.success() && out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no account in the vault holds the seed"),
        "{}",
        stderr(&out)
    );

    // The same through a profile's mfa_serial.
    std::fs::write(
        dir.path().join("config"),
        format!("[profile work]\nmfa_serial = {serial}\n"),
    )
    .unwrap();
    let out = twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "mfa-code", "--profile", "work", "--json"],
    );
    let v = ok_json(out);
    assert_eq!(v["serial"], serial.as_str());
    assert_eq!(v["code"].as_str().unwrap().len(), 6);
}

fn codes(seed: &str, from_window: u64) -> (String, String) {
    let otp = Otp::totp(Secret::from_base32_lenient(seed).unwrap());
    (
        otp.code_for_counter(from_window),
        otp.code_for_counter(from_window + 1),
    )
}

fn assign(emu: &IamEmulator, dir: &Path, user: &str, serial: &str, c1: &str, c2: &str) -> Output {
    let mut child = twofold_cmd(
        emu,
        &emu.admin,
        dir,
        &[
            "aws",
            "assign-token",
            "--user",
            user,
            "--serial",
            serial,
            "--json",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{c1}\n{c2}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_hardware_token_is_assigned_with_two_codes_and_each_refusal_says_why() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    emu.create_plain_user("carla", true);
    emu.create_plain_user("bob", true);
    let seed = emu.hardware_token("GAHT10000001");
    let spare = emu.hardware_token("GAHT10000002");
    let now = twofold_core::unix_now() / 30;

    // Wrong codes, then codes that are not consecutive.
    let out = assign(
        &emu,
        dir.path(),
        "carla",
        "GAHT10000002",
        "123456",
        "654321",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("did not accept the two codes"),
        "{}",
        stderr(&out)
    );
    let (a, _) = codes(&spare, now);
    let (c, _) = codes(&spare, now + 2);
    let out = assign(&emu, dir.path(), "carla", "GAHT10000002", &a, &c);
    assert!(
        stderr(&out).contains("did not accept the two codes"),
        "{}",
        stderr(&out)
    );
    // The same code twice never reaches AWS.
    let out = assign(&emu, dir.path(), "carla", "GAHT10000002", &a, &a);
    assert!(
        stderr(&out).contains("the two codes are the same"),
        "{}",
        stderr(&out)
    );
    // A serial AWS does not know.
    let (c1, c2) = codes(&seed, now);
    let out = assign(&emu, dir.path(), "carla", "GAHT99999999", &c1, &c2);
    assert!(
        stderr(&out).contains("knows no hardware MFA token"),
        "{}",
        stderr(&out)
    );

    // The real thing: carla gets the token, and AWS lists it for her.
    let done = ok_json(assign(&emu, dir.path(), "carla", "GAHT10000001", &c1, &c2));
    assert_eq!(done["serial"], "GAHT10000001");
    assert_eq!(done["kind"], "hardware");
    let devices = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "devices", "--user", "carla", "--json"],
    ));
    assert_eq!(devices["devices"][0]["serial"], "GAHT10000001", "{devices}");
    // Twofold kept nothing: there is no seed to keep.
    let vault = dir.path().join("vault.json");
    assert!(!vault.exists(), "a vault was written for a hardware token");

    // The token is carla's: bob cannot have it.
    let (d1, d2) = codes(&seed, now + 2);
    let out = assign(&emu, dir.path(), "bob", "GAHT10000001", &d1, &d2);
    assert!(
        stderr(&out).contains("already assigned"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_profile_with_mfa_serial_runs_the_org_audit_with_an_mfa_session() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    organization(&emu);
    // ops may do anything, but is in a group that requires MFA (the enforce policy): without
    // an MFA session it cannot even list the accounts.
    let ops = emu.create_user("ops", &["*"]);
    emu.admin_aws(&["iam", "create-group", "--group-name", "admins"]);
    emu.admin_aws(&[
        "iam",
        "add-user-to-group",
        "--group-name",
        "admins",
        "--user-name",
        "ops",
    ]);
    ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enforce", "--group", "admins", "--json"],
    ));
    let enrolled = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enroll", "--user", "ops", "--json"],
    ));
    let serial = enrolled["serial"].as_str().unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        format!(
            "[ops]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            ops.access_key_id, ops.secret_access_key
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile ops]\nregion = us-east-1\n",
    )
    .unwrap();
    let run = || {
        let mut c = twofold_cmd(
            &emu,
            &emu.admin,
            dir.path(),
            &["aws", "audit", "--org", "--json", "--profile", "ops"],
        );
        c.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
        c.output().unwrap()
    };
    let out = run();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("ListAccounts"), "{}", stderr(&out));

    // With the profile's mfa_serial, Twofold gets an MFA session first, with a code from the
    // vault (waiting out the windows the enrollment used), and the audit goes through.
    std::fs::write(
        dir.path().join("config"),
        format!("[profile ops]\nregion = us-east-1\nmfa_serial = {serial}\n"),
    )
    .unwrap();
    let audit = ok_json(run());
    assert_eq!(audit["totals"]["audited"], 2, "{audit}");
    assert_eq!(
        audit["caller"],
        format!("arn:aws:iam::{}:user/ops", emu.admin.account_id)
    );
    let issued = emu.sessions();
    assert!(
        issued
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["userName"] == "ops" && s["mfaSerial"] == serial),
        "{issued}"
    );
}
