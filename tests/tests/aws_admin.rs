//! `twofold aws audit` and `twofold aws enforce` against the hardened IAM emulator with
//! authentication on (policies, `${aws:username}` resources and the MFA condition evaluated).

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use twofold_e2e::harness;
use twofold_e2e::iam::{Credentials, IamEmulator};

fn twofold(emu: &IamEmulator, creds: &Credentials, dir: &Path, args: &[&str]) -> Output {
    Command::new(harness::cli_bin())
        .args(args)
        .envs(emu.aws_env(creds))
        .env("TWOFOLD_VAULT", dir.join("vault.json"))
        .env("TWOFOLD_PASSWORD", "pw")
        .env("TWOFOLD_NO_KEYRING", "1")
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap()
}

fn ok_json(out: Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn key_of(emu: &IamEmulator, user: &str) -> Credentials {
    let k = emu.admin_aws(&["iam", "create-access-key", "--user-name", user]);
    Credentials {
        access_key_id: k["AccessKey"]["AccessKeyId"].as_str().unwrap().into(),
        secret_access_key: k["AccessKey"]["SecretAccessKey"].as_str().unwrap().into(),
        account_id: emu.admin.account_id.clone(),
    }
}

fn find<'a>(audit: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    audit["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {audit}"))
}

#[test]
fn the_audit_flags_console_users_without_mfa_and_falls_back_without_the_report() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    emu.create_plain_user("carla", true); // console, no MFA
    emu.create_plain_user("vik", true); // console, virtual MFA
    emu.create_plain_user("bot", false); // programmatic only
    key_of(&emu, "bot");
    ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enroll", "--user", "vik", "--json"],
    ));

    let csv = dir.path().join("audit.csv");
    let audit = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "audit", "--json", "--csv", csv.to_str().unwrap()],
    ));
    assert_eq!(audit["source"], "credentialReport");
    assert_eq!(audit["rootMfa"], false);
    assert_eq!(
        audit["users"][0]["name"], "carla",
        "console users without MFA come first: {audit}"
    );
    assert_eq!(audit["flagged"], serde_json::json!(["carla"]));
    let vik = find(&audit, "vik");
    assert_eq!(vik["console"], true);
    assert_eq!(vik["mfa"][0]["kind"], "virtual");
    assert!(vik["mfa"][0]["enabledAt"].as_i64().unwrap() > 1_600_000_000);
    let bot = find(&audit, "bot");
    assert_eq!(bot["console"], false);
    assert_eq!(bot["accessKeys"][0]["active"], true);
    assert!(bot["mfa"].as_array().unwrap().is_empty());
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("carla,") && l.ends_with(",true")),
        "{csv}"
    );
    assert_eq!(
        csv.lines().count(),
        1 + audit["users"].as_array().unwrap().len()
    );

    // An auditor who may not generate the credential report gets the same answer another way.
    emu.create_plain_user("auditor", false);
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "iam:ListUsers", "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed",
        "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:GetAccountSummary"]}]});
    emu.admin_aws(&[
        "iam",
        "put-user-policy",
        "--user-name",
        "auditor",
        "--policy-name",
        "audit",
        "--policy-document",
        &policy.to_string(),
    ]);
    let auditor = key_of(&emu, "auditor");
    let again = ok_json(twofold(
        &emu,
        &auditor,
        dir.path(),
        &["aws", "audit", "--json"],
    ));
    assert_eq!(again["source"], "listApis");
    assert_eq!(again["flagged"], serde_json::json!(["carla"]));
    assert_eq!(
        find(&again, "vik")["mfa"][0]["serial"],
        vik["mfa"][0]["serial"]
    );
    assert_eq!(find(&again, "bot")["accessKeys"][0]["active"], true);
}

#[test]
fn enforce_denies_guarded_calls_until_the_user_enrolls_and_dry_run_changes_nothing() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    emu.admin_aws(&["iam", "create-group", "--group-name", "devs"]);
    emu.create_plain_user("nia", true);
    emu.admin_aws(&[
        "iam",
        "add-user-to-group",
        "--user-name",
        "nia",
        "--group-name",
        "devs",
    ]);
    let allow = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]});
    emu.admin_aws(&[
        "iam",
        "put-user-policy",
        "--user-name",
        "nia",
        "--policy-name",
        "work",
        "--policy-document",
        &allow.to_string(),
    ]);
    let nia = key_of(&emu, "nia");
    assert!(
        emu.aws(&nia, &["iam", "list-users"]).is_ok(),
        "before: the guarded call works"
    );

    let plan = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enforce", "--group", "devs", "--dry-run", "--json"],
    ));
    assert_eq!(plan["applied"], false);
    assert_eq!(plan["plan"]["createPolicy"], true);
    assert_eq!(plan["plan"]["attach"], true);
    assert_eq!(
        plan["plan"]["membersWithoutMfa"],
        serde_json::json!(["nia"])
    );
    assert!(
        emu.admin_aws(&[
            "iam",
            "list-attached-group-policies",
            "--group-name",
            "devs"
        ])["AttachedPolicies"]
            .as_array()
            .unwrap()
            .is_empty(),
        "dry run attached something"
    );
    assert!(
        emu.aws(
            &emu.admin,
            &[
                "iam",
                "get-policy",
                "--policy-arn",
                plan["plan"]["policyArn"].as_str().unwrap()
            ]
        )
        .is_err(),
        "dry run created the policy"
    );

    let applied = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enforce", "--group", "devs", "--json"],
    ));
    assert_eq!(applied["applied"], true);
    let err = emu.aws(&nia, &["iam", "list-users"]).unwrap_err();
    assert!(
        err.contains("AccessDenied"),
        "without MFA the guarded call is denied: {err}"
    );

    // The policy still lets nia enroll their own device, and an MFA session lifts the deny.
    std::fs::write(
        dir.path().join("credentials"),
        format!(
            "[nia]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            nia.access_key_id, nia.secret_access_key
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile nia]\nregion = us-east-1\n",
    )
    .unwrap();
    // --profile wins over the admin keys in the environment, as with the AWS CLI.
    let enrolled = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enroll", "--profile", "nia", "--json"],
    ));
    assert_eq!(enrolled["user"], "nia");
    let serial = enrolled["serial"].as_str().unwrap();
    assert_eq!(emu.device(serial).unwrap()["enabled"], true);
    std::fs::write(
        dir.path().join("config"),
        format!("[profile nia]\nregion = us-east-1\nmfa_serial = {serial}\n"),
    )
    .unwrap();
    let session = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "session", "--profile", "nia", "--json"],
    ));
    assert_eq!(session["profile"], "nia-mfa");
    let creds = std::fs::read_to_string(dir.path().join("credentials")).unwrap();
    let value = |k: &str| {
        creds
            .lines()
            .rfind(|l| l.starts_with(k))
            .unwrap()
            .split(" = ")
            .nth(1)
            .unwrap()
            .to_string()
    };
    let mut list = Command::new(twofold_e2e::iam::awscli_bin());
    list.args([
        "iam",
        "list-users",
        "--output",
        "json",
        "--region",
        "us-east-1",
    ])
    .env_clear()
    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
    .env("AWS_CONFIG_FILE", "/dev/null")
    .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    .env("AWS_ENDPOINT_URL", &emu.endpoint)
    .env("AWS_ACCESS_KEY_ID", value("aws_access_key_id"))
    .env("AWS_SECRET_ACCESS_KEY", value("aws_secret_access_key"))
    .env("AWS_SESSION_TOKEN", value("aws_session_token"));
    let out = list.output().unwrap();
    assert!(
        out.status.success(),
        "with an MFA session the guarded call works: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn enforce_refuses_to_lock_out_the_caller() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    emu.admin_aws(&["iam", "create-group", "--group-name", "ops"]);
    emu.admin_aws(&[
        "iam",
        "add-user-to-group",
        "--user-name",
        "twofold-admin",
        "--group-name",
        "ops",
    ]);
    let out = twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "enforce", "--group", "ops"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lock you out") && err.contains("twofold aws enroll"),
        "{err}"
    );
    assert!(
        emu.admin_aws(&["iam", "list-attached-group-policies", "--group-name", "ops"])
            ["AttachedPolicies"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let err = String::from_utf8_lossy(
        &twofold(
            &emu,
            &emu.admin,
            dir.path(),
            &["aws", "enforce", "--group", "nope"],
        )
        .stderr,
    )
    .into_owned();
    assert!(err.contains("no IAM group named \"nope\""), "{err}");
}

#[test]
fn a_thousand_users_audit_correctly() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let t0 = Instant::now();
    emu.admin_python(
        "for i in range(1000):\n    n = f'user{i:04d}'\n    iam.create_user(UserName=n)\n    if i % 2 == 0:\n        iam.create_login_profile(UserName=n, Password='Correct-Horse-9')\n",
    );
    let setup = t0.elapsed();
    let t1 = Instant::now();
    let audit = ok_json(twofold(
        &emu,
        &emu.admin,
        dir.path(),
        &["aws", "audit", "--json"],
    ));
    println!(
        "audit of {} users: {} ms in twofold ({} ms whole process; set-up took {} ms)",
        audit["users"].as_array().unwrap().len(),
        audit["elapsedMs"],
        t1.elapsed().as_millis(),
        setup.as_millis()
    );
    assert_eq!(
        audit["users"].as_array().unwrap().len(),
        1001,
        "1000 users and the admin"
    );
    assert_eq!(audit["flagged"].as_array().unwrap().len(), 500);
    assert!(audit["users"][499]["console"] == true && audit["users"][500]["console"] == false);
}

// See: issue 16: user names are the account admins' text, and IAM allows `=+-@` in them; the
// CSV was written with default permissions over any file of that name.
#[test]
fn issue16_the_audit_csv_is_private_neutralises_formulas_and_is_not_replaced_unasked() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    emu.create_plain_user("=1+2", true);
    emu.create_plain_user("@sum", false);
    let csv = dir.path().join("audit.csv");
    let audit = |extra: &[&str]| {
        let mut args = vec!["aws", "audit", "--json", "--csv", csv.to_str().unwrap()];
        args.extend_from_slice(extra);
        twofold(&emu, &emu.admin, dir.path(), &args)
    };
    ok_json(audit(&[]));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().any(|l| l.starts_with("'=1+2,")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("'@sum,")), "{text}");
    assert!(!text.lines().any(|l| l.starts_with(['=', '@'])), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&csv).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::write(&csv, "mine").unwrap();
    let out = audit(&[]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("exists") && e.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "mine");
    ok_json(audit(&["--force"]));
    assert!(std::fs::read_to_string(&csv).unwrap().contains("'=1+2,"));
}
