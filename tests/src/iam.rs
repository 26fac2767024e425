//! The IAM/STS emulator (moto, hardened by `tests/iam_emulator`), started per test on 127.0.0.1.
//!
//! [`IamEmulator::start`] runs `python -m iam_emulator` from the venv that
//! `scripts/setup-python.sh` builds at `${TWOFOLD_VENV:-$HOME/.cache/twofold/venv}`, waits for its
//! `LISTENING <port>` line (no sleeps), and kills it on drop. Authentication is on: every call
//! must be signed, and [`IamEmulator::admin`] holds an access key allowed everything.
//!
//! What the emulator enforces beyond moto (MFA code checks, 8 devices per user, DeleteConflict,
//! a real QR PNG, ResyncMFADevice, GetSessionToken with MFA) is listed in
//! `tests/iam_emulator/hardening.py`. This module does not sign AWS requests; suites that need
//! them use the app, the CLI or the SDK under test, pointed here by [`IamEmulator::aws_env`].

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the emulator may take to print `LISTENING` (it takes about a second).
const START_DEADLINE: Duration = Duration::from_secs(60);

/// An access key for the emulator.
#[derive(Clone)]
pub struct Credentials {
    /// `AKIA...`.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The account the key belongs to (`123456789012`).
    pub account_id: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// A running emulator; stopped when dropped.
#[derive(Debug)]
pub struct IamEmulator {
    /// `http://127.0.0.1:<port>`, the endpoint for both IAM and STS.
    pub endpoint: String,
    /// The bootstrap admin (`twofold-admin`, inline policy `Allow * on *`).
    pub admin: Credentials,
    child: Child,
    // The emulator exits when this pipe closes, so it cannot outlive a crashed test process.
    stdin: Option<ChildStdin>,
}

/// The emulator's venv: `TWOFOLD_VENV`, else `$HOME/.cache/twofold/venv`.
pub fn venv_dir() -> PathBuf {
    match std::env::var_os("TWOFOLD_VENV").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME").expect("HOME is not set");
            PathBuf::from(home).join(".cache/twofold/venv")
        }
    }
}

/// The AWS CLI (v1, from PyPI) that scripts/setup-python.sh installs: `$TWOFOLD_AWSCLI_VENV`,
/// else `~/.cache/twofold/venv-awscli` of the real home (the test environment's HOME is a
/// throwaway).
pub fn awscli_bin() -> PathBuf {
    let venv = std::env::var_os("TWOFOLD_AWSCLI_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("TWOFOLD_REAL_HOME")
                .or_else(|| std::env::var_os("HOME"))
                .unwrap_or_default();
            PathBuf::from(home).join(".cache/twofold/venv-awscli")
        });
    venv.join("bin/aws")
}

/// The venv's python; panics with a hint when `scripts/setup-python.sh` has not been run.
#[track_caller]
pub fn venv_python() -> PathBuf {
    let python = venv_dir().join("bin").join("python");
    assert!(
        python.exists(),
        "{} does not exist: run `bash scripts/setup-python.sh` to create the IAM emulator's venv",
        python.display()
    );
    python
}

impl IamEmulator {
    /// Starts a fresh emulator (empty IAM state apart from the admin) on a free port.
    #[track_caller]
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// [`IamEmulator::start`] with extra `python -m iam_emulator` flags, e.g. `["--tolerance", "2"]`.
    #[track_caller]
    pub fn start_with(args: &[&str]) -> Self {
        let python = venv_python();
        let tests_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new(&python)
            .args(["-m", "iam_emulator"])
            .args(args)
            .current_dir(&tests_dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} -m iam_emulator: {e}", python.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");

        // A reader thread, so the wait below has a deadline; it keeps draining stdout afterwards.
        let (tx, rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Once start() has returned nobody listens; keep draining so the child never
                // blocks on a full pipe.
                let _ = tx.send(line);
            }
        });

        let deadline = Instant::now() + START_DEADLINE;
        let mut admin = None;
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(json) = line.strip_prefix("ADMIN ") {
                        admin = Some(parse_admin(json));
                    } else if let Some(port) = line.strip_prefix("LISTENING ") {
                        break port.trim().parse::<u16>().expect("LISTENING <port>");
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    panic!("the IAM emulator printed no LISTENING line within {START_DEADLINE:?}");
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().ok();
                    panic!("the IAM emulator exited before listening ({status:?}); see its stderr");
                }
            }
        };
        IamEmulator {
            endpoint: format!("http://127.0.0.1:{port}"),
            admin: admin.expect("the emulator prints ADMIN before LISTENING"),
            child,
            stdin,
        }
    }

    /// Makes the next `count` calls of `action` (e.g. `"CreateVirtualMFADevice"`) fail with
    /// `Throttling` 400 "Rate exceeded".
    #[track_caller]
    pub fn throttle(&self, action: &str, count: u32) {
        self.throttle_with(action, count, "Throttling", 400);
    }

    /// Like [`IamEmulator::throttle`] with another error code and HTTP status.
    #[track_caller]
    pub fn throttle_with(&self, action: &str, count: u32, code: &str, status: u16) {
        ureq::post(&format!("{}/_twofold/throttle", self.endpoint))
            .send_json(serde_json::json!({
                "action": action, "count": count, "code": code, "status": status
            }))
            .unwrap_or_else(|e| panic!("POST /_twofold/throttle: {e}"));
    }

    /// Makes calls of `action` wait inside the emulator until [`IamEmulator::release`].
    #[track_caller]
    pub fn hold(&self, action: &str) {
        ureq::post(&format!("{}/_twofold/hold", self.endpoint))
            .send_json(serde_json::json!({ "action": action }))
            .unwrap_or_else(|e| panic!("POST /_twofold/hold: {e}"));
    }

    /// How many calls of `action` are waiting on a hold now.
    #[track_caller]
    pub fn held(&self, action: &str) -> u64 {
        self.get_json("/_twofold/hold")[action]
            .as_u64()
            .unwrap_or(0)
    }

    /// Lets held calls of `action` through (or, with `drop`, fails them before they reach
    /// moto) and stops holding it.
    #[track_caller]
    pub fn release(&self, action: &str, drop: bool) {
        ureq::post(&format!("{}/_twofold/release", self.endpoint))
            .send_json(serde_json::json!({ "action": action, "drop": drop }))
            .unwrap_or_else(|e| panic!("POST /_twofold/release: {e}"));
    }

    /// Plays the AWS console's part of adding a security key (a WebAuthn ceremony in the
    /// browser, which IAM has no API for): assigns a FIDO key named `name` to `user`. Returns its
    /// serial, `arn:aws:iam::ACCOUNT:u2f/user/USER/NAME-<26 chars>`.
    #[track_caller]
    pub fn attach_security_key(&self, user: &str, name: &str) -> String {
        let added: serde_json::Value =
            ureq::post(&format!("{}/_twofold/security-key", self.endpoint))
                .send_json(serde_json::json!({ "user": user, "name": name }))
                .unwrap_or_else(|e| panic!("POST /_twofold/security-key: {e}"))
                .into_json()
                .unwrap_or_else(|e| panic!("POST /_twofold/security-key: not JSON: {e}"));
        added["serial"]
            .as_str()
            .unwrap_or_else(|| panic!("POST /_twofold/security-key: no serial in {added}"))
            .to_string()
    }

    /// Throttles not yet used up: `{action: {count, code, status, message}}`.
    #[track_caller]
    pub fn throttles(&self) -> serde_json::Value {
        self.get_json("/_twofold/throttle")
    }

    /// Every virtual MFA device by serial: `{accountId, user, enabled, enableDate, codesVerified,
    /// lastUsedWindow, seed}`.
    #[track_caller]
    pub fn devices(&self) -> serde_json::Map<String, serde_json::Value> {
        match self.get_json("/_twofold/devices") {
            serde_json::Value::Object(map) => map,
            other => panic!("GET /_twofold/devices: not an object: {other}"),
        }
    }

    /// One device from [`IamEmulator::devices`], if it exists.
    #[track_caller]
    pub fn device(&self, serial: &str) -> Option<serde_json::Value> {
        self.devices().remove(serial)
    }

    /// GetSessionToken credentials issued so far: `[{accessKeyId, userName, mfaSerial, expiration}]`.
    #[track_caller]
    pub fn sessions(&self) -> serde_json::Value {
        self.get_json("/_twofold/sessions")
    }

    /// Environment for a process (the app, the CLI) that should talk to this emulator with `creds`.
    pub fn aws_env(&self, creds: &Credentials) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL_IAM", self.endpoint.clone()),
            ("AWS_ENDPOINT_URL_STS", self.endpoint.clone()),
            ("AWS_ENDPOINT_URL_ORGANIZATIONS", self.endpoint.clone()),
            ("AWS_ENDPOINT_URL_CLOUDTRAIL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.clone()),
            ("AWS_REGION", "us-east-1".to_owned()),
        ]
    }

    /// Runs the real AWS CLI (the `venv-awscli` that scripts/setup-python.sh builds) against
    /// this emulator with `creds`; returns its JSON output, or the error text.
    pub fn aws(&self, creds: &Credentials, args: &[&str]) -> Result<serde_json::Value, String> {
        let venv = std::env::var_os("TWOFOLD_AWSCLI_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("TWOFOLD_REAL_HOME")
                    .or_else(|| std::env::var_os("HOME"))
                    .unwrap_or_default();
                PathBuf::from(home).join(".cache/twofold/venv-awscli")
            });
        let out = Command::new(venv.join("bin/aws"))
            .args(args)
            .args(["--output", "json"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(self.aws_env(creds))
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .map_err(|e| {
                format!(
                    "cannot run the aws CLI from {} ({e}); run scripts/setup-python.sh",
                    venv.display()
                )
            })?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| format!("aws {args:?}: not JSON ({e}): {text}"))
    }

    /// `aws` as the admin, panicking on failure (for test set-up).
    #[track_caller]
    pub fn admin_aws(&self, args: &[&str]) -> serde_json::Value {
        self.aws(&self.admin, args)
            .unwrap_or_else(|e| panic!("aws {args:?}: {e}"))
    }

    /// Creates IAM user `name` with an access key and, when `actions` is not empty, an inline
    /// policy allowing them on every resource. Returns the user's credentials.
    #[track_caller]
    /// A user with no keys; with a console password when `console`.
    pub fn create_plain_user(&self, name: &str, console: bool) {
        self.admin_aws(&["iam", "create-user", "--user-name", name]);
        if console {
            self.admin_aws(&[
                "iam",
                "create-login-profile",
                "--user-name",
                name,
                "--password",
                "Correct-Horse-9",
            ]);
        }
    }

    pub fn create_user(&self, name: &str, actions: &[&str]) -> Credentials {
        self.admin_aws(&["iam", "create-user", "--user-name", name]);
        if !actions.is_empty() {
            let doc = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{ "Effect": "Allow", "Action": actions, "Resource": "*" }]
            });
            self.admin_aws(&[
                "iam",
                "put-user-policy",
                "--user-name",
                name,
                "--policy-name",
                "test",
                "--policy-document",
                &doc.to_string(),
            ]);
        }
        let key = self.admin_aws(&["iam", "create-access-key", "--user-name", name]);
        let field = |f: &str| key["AccessKey"][f].as_str().unwrap_or_default().to_string();
        Credentials {
            access_key_id: field("AccessKeyId"),
            secret_access_key: field("SecretAccessKey"),
            account_id: self.admin.account_id.clone(),
        }
    }

    /// Runs a Python script with boto3 in the emulator's venv, with an `iam` client for the
    /// admin already made (for bulk set-up, e.g. a thousand users). Returns its stdout.
    #[track_caller]
    pub fn admin_python(&self, script: &str) -> String {
        let prelude = format!(
            "import boto3\niam = boto3.client('iam', endpoint_url={:?}, region_name='us-east-1', aws_access_key_id={:?}, aws_secret_access_key={:?})\n",
            self.endpoint, self.admin.access_key_id, self.admin.secret_access_key
        );
        let out = Command::new(venv_python())
            .args(["-c", &format!("{prelude}{script}")])
            .output()
            .unwrap_or_else(|e| panic!("cannot run the venv python: {e}"));
        assert!(
            out.status.success(),
            "python set-up failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// POSTs `body` to a control endpoint; returns its JSON answer.
    #[track_caller]
    pub fn control(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        ureq::post(&format!("{}{path}", self.endpoint))
            .send_json(body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
            .into_json()
            .unwrap_or_else(|e| panic!("POST {path}: not JSON: {e}"))
    }

    /// Makes the emulator's account the management account of an organisation with these
    /// member accounts: `(id, name, role)`, where `role` says whether the account has
    /// `OrganizationAccountAccessRole` for the management account to assume.
    #[track_caller]
    pub fn organization(&self, members: &[(&str, &str, bool)]) -> serde_json::Value {
        let accounts: Vec<serde_json::Value> = members
            .iter()
            .map(|(id, name, role)| {
                serde_json::json!({ "id": id, "name": name, "email": format!("{name}@example.com"), "role": role })
            })
            .collect();
        self.control("/_twofold/org", serde_json::json!({ "accounts": accounts }))
    }

    /// Creates users in `account` directly in the emulator: `(name, console, mfa)` where `mfa`
    /// is `None`, `Some("virtual")` or `Some("hardware")`.
    #[track_caller]
    pub fn bulk_users(&self, account: &str, users: &[(String, bool, Option<&str>)]) {
        let users: Vec<serde_json::Value> = users
            .iter()
            .map(|(name, console, mfa)| serde_json::json!({ "name": name, "console": console, "mfa": mfa }))
            .collect();
        self.control(
            "/_twofold/users",
            serde_json::json!({ "account": account, "users": users }),
        );
    }

    /// Sets whether the root user of `account` has MFA (GetAccountSummary's AccountMFAEnabled).
    #[track_caller]
    pub fn root_mfa(&self, account: &str, enabled: bool) {
        self.control(
            "/_twofold/root-mfa",
            serde_json::json!({ "account": account, "enabled": enabled }),
        );
    }

    /// Records a console sign-in in CloudTrail: `user` (`"root"` for the root user) of
    /// `account`, in `region`, at `time` (RFC 3339), with or without MFA.
    #[track_caller]
    pub fn console_login(&self, account: &str, region: &str, user: &str, mfa: bool, time: &str) {
        self.control(
            "/_twofold/console-login",
            serde_json::json!({ "account": account, "region": region, "user": user, "mfaUsed": mfa, "time": time }),
        );
    }

    /// Throttles every account to `per_second` calls (a token bucket of `burst`); 0 turns it off.
    #[track_caller]
    pub fn rate_limit(&self, per_second: u32, burst: u32) {
        self.control(
            "/_twofold/rate-limit",
            serde_json::json!({ "perSecond": per_second, "burst": burst }),
        );
    }

    /// Calls refused by [`IamEmulator::rate_limit`] since the emulator started.
    #[track_caller]
    pub fn throttled_calls(&self) -> u64 {
        self.get_json("/_twofold/rate-limit")["throttled"]
            .as_u64()
            .unwrap_or(0)
    }

    /// Adds `ms` of latency to every AWS call; 0 turns it off.
    #[track_caller]
    pub fn latency(&self, ms: u32) {
        self.control("/_twofold/latency", serde_json::json!({ "ms": ms }));
    }

    /// Registers a hardware TOTP token in the emulator's inventory; returns its base32 seed.
    #[track_caller]
    pub fn hardware_token(&self, serial: &str) -> String {
        let t = self.control(
            "/_twofold/hardware-token",
            serde_json::json!({ "serial": serial }),
        );
        t["seed"]
            .as_str()
            .unwrap_or_else(|| panic!("POST /_twofold/hardware-token: no seed in {t}"))
            .to_string()
    }

    #[track_caller]
    fn get_json(&self, path: &str) -> serde_json::Value {
        ureq::get(&format!("{}{path}", self.endpoint))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .into_json()
            .unwrap_or_else(|e| panic!("GET {path}: not JSON: {e}"))
    }
}

impl Drop for IamEmulator {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_admin(json: &str) -> Credentials {
    let v: serde_json::Value = serde_json::from_str(json).expect("ADMIN line is JSON");
    let field = |name: &str| {
        v[name]
            .as_str()
            .unwrap_or_else(|| panic!("ADMIN JSON lacks {name}"))
            .to_owned()
    };
    Credentials {
        access_key_id: field("accessKeyId"),
        secret_access_key: field("secretAccessKey"),
        account_id: field("accountId"),
    }
}
