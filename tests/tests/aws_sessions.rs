//! MFA sessions for the AWS CLI, against the hardened IAM emulator (authentication on, MFA codes
//! checked, `aws:MultiFactorAuthPresent` evaluated), with the real AWS CLI from PyPI.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;

fn awscli() -> PathBuf {
    let aws = twofold_e2e::iam::awscli_bin();
    assert!(
        aws.exists(),
        "{} is missing: run scripts/setup-python.sh (scripts/test.sh does)",
        aws.display()
    );
    aws
}

/// A throwaway AWS CLI world: config + credentials files and a vault, all in `dir`.
struct World<'a> {
    emu: &'a IamEmulator,
    dir: PathBuf,
}

impl World<'_> {
    fn env(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("AWS_CONFIG_FILE", self.dir.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.dir.join("credentials"))
            .env("AWS_ENDPOINT_URL", &self.emu.endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("TWOFOLD_VAULT", self.dir.join("vault.json"))
            .env("TWOFOLD_PASSWORD", "pw")
            .env("TWOFOLD_NO_KEYRING", "1");
    }

    fn twofold(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(harness::cli_bin());
        cmd.args(args);
        self.env(&mut cmd);
        cmd.output().unwrap()
    }

    fn twofold_ok(&self, args: &[&str]) -> String {
        let out = self.twofold(args);
        assert!(
            out.status.success(),
            "twofold {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn aws(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(awscli());
        cmd.args(args)
            .args(["--region", "us-east-1", "--output", "json"]);
        self.env(&mut cmd);
        cmd.output().unwrap()
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir.join(name), text).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap()
    }
}

/// Creates user `name` with self-service MFA rights, a key, and a policy that denies
/// iam:ListUsers unless MFA is present (the enforce-MFA pattern).
fn user_with_keys(emu: &IamEmulator, w: &World<'_>, name: &str) -> (String, String) {
    let admin_env = |cmd: &mut Command| {
        w.env(cmd);
        cmd.env("AWS_ACCESS_KEY_ID", &emu.admin.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &emu.admin.secret_access_key);
    };
    let run = |args: &[&str]| -> serde_json::Value {
        let mut cmd = Command::new(awscli());
        cmd.args(args)
            .args(["--region", "us-east-1", "--output", "json"]);
        admin_env(&mut cmd);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    };
    run(&["iam", "create-user", "--user-name", name]);
    let allow = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListMFADevices", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListUsers", "sts:AssumeRole"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    ]});
    run(&[
        "iam",
        "put-user-policy",
        "--user-name",
        name,
        "--policy-name",
        "mfa",
        "--policy-document",
        &allow.to_string(),
    ]);
    let key = run(&["iam", "create-access-key", "--user-name", name]);
    (
        key["AccessKey"]["AccessKeyId"]
            .as_str()
            .unwrap()
            .to_string(),
        key["AccessKey"]["SecretAccessKey"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

const CREDENTIALS: &str = "# Team credentials. Keep this comment.\n[default]\naws_access_key_id=AKIADEFAULTEXAMPLE\naws_secret_access_key = default-secret\n\n   ; an indented comment\n[unrelated]\naws_access_key_id   =   AKIAUNRELATEDXXXX\naws_secret_access_key=  odd spacing  \n";

fn setup<'a>(emu: &'a IamEmulator, dir: &Path) -> (World<'a>, String) {
    let w = World {
        emu,
        dir: dir.to_path_buf(),
    };
    let (ak, sk) = user_with_keys(emu, &w, "sam");
    w.write(
        "credentials",
        &format!("{CREDENTIALS}\n[sam]\naws_access_key_id = {ak}\naws_secret_access_key = {sk}\n"),
    );
    w.write(
        "config",
        "[default]\nregion = us-east-1\n\n# sam's profile\n[profile sam]\nregion = us-east-1\n",
    );
    let out = w.twofold_ok(&["aws", "enroll", "--profile", "sam", "--json"]);
    let serial = serde_json::from_str::<serde_json::Value>(&out).unwrap()["serial"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        dir.join("config"),
        format!("{}mfa_serial = {serial}\n", w.read("config")),
    )
    .unwrap();
    (w, serial)
}

#[test]
fn the_aws_cli_gets_mfa_sessions_through_credential_process() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let (w, serial) = setup(&emu, dir.path());

    // Long-term keys alone are denied what the enforce-MFA policy guards.
    let denied = w.aws(&["iam", "list-users", "--profile", "sam"]);
    assert!(
        !denied.status.success(),
        "list-users without MFA must be denied"
    );

    w.twofold_ok(&["aws", "setup-profile", "--profile", "sam"]);
    let config = w.read("config");
    assert!(
        config.contains("[profile sam-mfa]\ncredential_process = "),
        "{config}"
    );
    assert!(
        config.contains("aws credential-process --profile sam"),
        "{config}"
    );
    assert!(
        config.starts_with("[default]\nregion = us-east-1\n\n# sam's profile\n[profile sam]\n"),
        "{config}"
    );

    let who = w.aws(&["sts", "get-caller-identity", "--profile", "sam-mfa"]);
    assert!(
        who.status.success(),
        "{}",
        String::from_utf8_lossy(&who.stderr)
    );
    let who: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    assert!(who["Arn"].as_str().unwrap().ends_with(":user/sam"), "{who}");
    let listed = w.aws(&["iam", "list-users", "--profile", "sam-mfa"]);
    assert!(
        listed.status.success(),
        "with MFA the guarded call works: {}",
        String::from_utf8_lossy(&listed.stderr)
    );

    // One STS call: the second AWS CLI run reused the session cached in the vault.
    let sessions = emu.sessions();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["mfaSerial"], serial.as_str());
    let json: serde_json::Value =
        serde_json::from_str(&w.twofold_ok(&["aws", "credential-process", "--profile", "sam"]))
            .unwrap();
    assert_eq!(json["Version"], 1);
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
    assert_eq!(emu.sessions().as_array().unwrap().len(), 1);
}

#[test]
fn a_wrong_or_missing_code_fails_with_twofolds_message() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let (w, _serial) = setup(&emu, dir.path());
    w.twofold_ok(&["aws", "setup-profile", "--profile", "sam"]);

    // Wrong code: the vault's clock offset makes it compute another window's code.
    w.twofold_ok(&["clock-offset", "600"]);
    let out = w.aws(&["sts", "get-caller-identity", "--profile", "sam-mfa"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("GetSessionToken failed") && err.contains("did not accept"),
        "{err}"
    );
    w.twofold_ok(&["clock-offset", "0"]);

    // Missing code: no vault account holds the seed of the profile's device.
    std::fs::write(
        dir.path().join("config"),
        format!(
            "{}\n[profile other]\nmfa_serial = arn:aws:iam::123456789012:mfa/nobody\n",
            w.read("config")
        ),
    )
    .unwrap();
    let mut creds = w.read("credentials");
    creds.push_str("[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n");
    w.write("credentials", &creds);
    w.twofold_ok(&["aws", "setup-profile", "--profile", "other"]);
    let out = w.aws(&["sts", "get-caller-identity", "--profile", "other-mfa"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(
            "no account in the vault holds the seed of arn:aws:iam::123456789012:mfa/nobody"
        ),
        "{err}"
    );
    // The CLI, not core, names the command that fixes it.
    assert!(
        err.contains("twofold aws link --profile other --account NAME"),
        "{err}"
    );
}

#[test]
fn session_writes_one_profile_and_leaves_the_rest_of_the_file_alone() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let (w, _serial) = setup(&emu, dir.path());
    let before = w.read("credentials");

    let out: serde_json::Value = serde_json::from_str(&w.twofold_ok(&[
        "aws",
        "session",
        "--profile",
        "sam",
        "--duration",
        "900",
        "--json",
    ]))
    .unwrap();
    assert_eq!(out["profile"], "sam-mfa");
    assert_eq!(out["source"], "getSessionToken");
    let after = w.read("credentials");
    assert!(
        after.starts_with(&before),
        "only a new section may be added:\n{after}"
    );
    let added = &after[before.len()..];
    assert!(
        added.starts_with("\n[sam-mfa]\naws_access_key_id = ASIA"),
        "{added}"
    );
    assert!(added.contains("aws_session_token = "), "{added}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(dir.path().join("credentials"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let listed = w.aws(&["iam", "list-users", "--profile", "sam-mfa"]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );

    // Again: cached, and the section is replaced in place, not duplicated.
    let again: serde_json::Value =
        serde_json::from_str(&w.twofold_ok(&["aws", "session", "--profile", "sam", "--json"]))
            .unwrap();
    assert_eq!(again["source"], "cache");
    assert_eq!(w.read("credentials").matches("[sam-mfa]").count(), 1);

    let env = w.twofold_ok(&["aws", "session", "--profile", "sam", "--env"]);
    assert!(
        env.contains("export AWS_ACCESS_KEY_ID='ASIA")
            && env.contains("export AWS_SESSION_TOKEN='"),
        "{env}"
    );
}

#[test]
fn a_role_profile_assumes_the_role_with_mfa() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let (w, serial) = setup(&emu, dir.path());
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:user/sam", emu.admin.account_id)}, "Action": "sts:AssumeRole"}]});
    let mut cmd = Command::new(awscli());
    cmd.args([
        "iam",
        "create-role",
        "--role-name",
        "Ops",
        "--assume-role-policy-document",
        &trust.to_string(),
        "--region",
        "us-east-1",
    ]);
    w.env(&mut cmd);
    cmd.env("AWS_ACCESS_KEY_ID", &emu.admin.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &emu.admin.secret_access_key);
    let created = cmd.output().unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    std::fs::write(
        dir.path().join("config"),
        format!("{}\n[profile ops]\nrole_arn = arn:aws:iam::{}:role/Ops\nsource_profile = sam\nmfa_serial = {serial}\n", w.read("config"), emu.admin.account_id),
    )
    .unwrap();
    let out: serde_json::Value =
        serde_json::from_str(&w.twofold_ok(&["aws", "session", "--profile", "ops", "--json"]))
            .unwrap();
    assert_eq!(out["source"], "assumeRole");
    let who = w.aws(&["sts", "get-caller-identity", "--profile", "ops-mfa"]);
    assert!(
        who.status.success(),
        "{}",
        String::from_utf8_lossy(&who.stderr)
    );
    let who: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    assert!(
        who["Arn"].as_str().unwrap().contains(":assumed-role/Ops/"),
        "{who}"
    );
}
