//! Steps the app suites share: starting the app on a vault of the test's own, the AWS wizard's
//! first screens, an IAM user with keys for a profile, and dropping a file on the window.

use base64::Engine as _;
use serde_json::json;

use crate::iam::{Credentials, IamEmulator};
use crate::webdriver::{Session, DEFAULT_WAIT};

/// Starts the app under the WebDriver server `server` with its vault (`vault.json`) and its
/// settings (`config/`) in `dir`, and `extra` arguments; returns at once.
#[track_caller]
pub fn launch(server: &str, dir: &std::path::Path, extra: &[&str]) -> Session {
    let vault = dir.join("vault.json");
    let config = dir.join("config");
    let mut args = vec![
        "--vault",
        vault.to_str().expect("a UTF-8 path"),
        "--config-dir",
        config.to_str().expect("a UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    Session::start_with_args(server, &crate::harness::app_bin(), &args)
        .expect("start the app under WebDriver")
}

/// [`launch`] under the test environment's server, then through the first run (a new vault)
/// to the account list.
#[track_caller]
pub fn start_in(dir: &std::path::Path, extra: &[&str]) -> Session {
    let session = launch(&crate::harness::webdriver_url(), dir, extra);
    session.through_first_run();
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .expect("the account list");
    session
}

/// How long an AWS step may take in the app (the emulator is local, the app is a release build).
pub const AWS_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// What a user needs to enroll and manage their own device.
pub const SELF_SERVICE: &[&str] = &[
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:ResyncMFADevice",
    "iam:DeactivateMFADevice",
    "iam:DeleteVirtualMFADevice",
];

/// The wizard's credentials step: pasted keys and the emulator's endpoint (the app inherits
/// tauri-driver's environment, so `AWS_ENDPOINT_URL_*` cannot name it); clicks Check.
pub fn fill_credentials(
    session: &Session,
    emu: &IamEmulator,
    creds: &Credentials,
    shot_name: Option<&str>,
) {
    session
        .wait_for("#aws-credentials", DEFAULT_WAIT)
        .expect("credentials step");
    session.click_on("#aws-tab-keys");
    session.type_into("#aws-access-key-id", &creds.access_key_id);
    session.type_into("#aws-secret-access-key", &creds.secret_access_key);
    // WebKitWebDriver's click does not toggle <details>; open it as a click on the summary would.
    session
        .execute("document.getElementById('aws-advanced').open = true;", &[])
        .expect("open Advanced");
    session.type_into("#aws-endpoint-url", &emu.endpoint);
    session.type_into("#aws-region", "us-east-1");
    if let Some(name) = shot_name {
        session.shot(name);
    }
    session.click_on("#aws-check");
}

/// The wizard's target (self) and device name; leaves it on the device step.
pub fn choose_self_and_name(session: &Session, user: &str, device: &str) {
    let arn = session
        .wait_for("#aws-arn", AWS_WAIT)
        .expect("whoami shows the caller")
        .text()
        .expect("the caller's ARN");
    assert!(arn.ends_with(&format!(":user/{user}")), "{arn}");
    session.click_on("#aws-target-next");
    let name = session
        .wait_for("#aws-device-name", DEFAULT_WAIT)
        .expect("device step");
    assert_eq!(
        name.property("value").expect("the device name"),
        json!(user),
        "the device name defaults to the user name"
    );
    session.type_into("#aws-device-name", device);
}

/// An IAM user with access keys, allowed to enroll its own device (for a profile's keys).
pub fn user_with_keys(emu: &IamEmulator, name: &str) -> Credentials {
    emu.admin_aws(&["iam", "create-user", "--user-name", name]);
    let allow = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListMFADevices", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListUsers"], "Resource": "*"}
    ]});
    emu.admin_aws(&[
        "iam",
        "put-user-policy",
        "--user-name",
        name,
        "--policy-name",
        "mfa",
        "--policy-document",
        &allow.to_string(),
    ]);
    let k = emu.admin_aws(&["iam", "create-access-key", "--user-name", name]);
    let field = |f: &str| {
        k["AccessKey"][f]
            .as_str()
            .unwrap_or_else(|| panic!("{f} in {k}"))
            .to_string()
    };
    Credentials {
        access_key_id: field("AccessKeyId"),
        secret_access_key: field("SecretAccessKey"),
        account_id: emu.admin.account_id.clone(),
    }
}

/// Runs `program` (a `twofold`, or the AWS CLI) against the emulator with the AWS files
/// (`config`, `credentials`) and the vault (`vault.json`, keyring slot) in `dir`.
pub fn run_with_aws_files(
    program: &std::path::Path,
    emu: &IamEmulator,
    dir: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    std::process::Command::new(program)
        .args(args)
        .env("TWOFOLD_VAULT", dir.join("vault.json"))
        .env_remove("TWOFOLD_NO_KEYRING")
        .env_remove("TWOFOLD_PASSWORD")
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_ENDPOINT_URL_IAM", &emu.endpoint)
        .env("AWS_ENDPOINT_URL_STS", &emu.endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", program.display()))
}

/// Drops a file on the element `css`, as a drag from the file manager does.
pub fn drop_file(session: &Session, css: &str, bytes: &[u8], name: &str, mime: &str) {
    session
        .execute(
            "const [css, b64, name, mime] = arguments;
             const bin = atob(b64);
             const bytes = new Uint8Array(bin.length);
             for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
             const dt = new DataTransfer();
             dt.items.add(new File([bytes], name, { type: mime }));
             const target = document.querySelector(css);
             target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
             target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));",
            &[
                json!(css),
                json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
                json!(name),
                json!(mime),
            ],
        )
        .unwrap_or_else(|e| panic!("drop {name}: {e}"));
}
