//! The test environment itself: a real Secret Service on a private session bus, an X display and
//! a WebDriver server. If these fail, every other end-to-end result is suspect.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::process::{Command, Stdio};

use twofold_e2e::{harness, webdriver};

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::UNIX_EPOCH
        .elapsed()
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{tag}-{}-{nanos}", std::process::id())
}

#[test]
fn secret_service_round_trip_with_secret_tool() {
    harness::require_secret_service();
    let account = unique("harness");
    let secret = unique("s3cret");

    let mut store = Command::new("secret-tool")
        .args([
            "store",
            "--label=twofold-e2e harness check",
            "service",
            "twofold-e2e",
        ])
        .args(["account", &account])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn secret-tool (apt: libsecret-tools)");
    store
        .stdin
        .take()
        .expect("stdin")
        .write_all(secret.as_bytes())
        .expect("write secret");
    let stored = store.wait_with_output().expect("secret-tool store");
    assert!(
        stored.status.success(),
        "secret-tool store failed: {}",
        String::from_utf8_lossy(&stored.stderr)
    );

    let lookup = harness::run_ok(Command::new("secret-tool").args([
        "lookup",
        "service",
        "twofold-e2e",
        "account",
        &account,
    ]));
    assert_eq!(String::from_utf8_lossy(&lookup.stdout).trim_end(), secret);

    harness::run_ok(Command::new("secret-tool").args([
        "clear",
        "service",
        "twofold-e2e",
        "account",
        &account,
    ]));
    let gone = Command::new("secret-tool")
        .args(["lookup", "service", "twofold-e2e", "account", &account])
        .output()
        .expect("secret-tool lookup");
    assert!(
        gone.stdout.is_empty(),
        "the item survived `secret-tool clear`"
    );
}

#[test]
fn home_is_private() {
    // The harness must never touch the developer's real keyring or vault.
    let home = harness::require_env("HOME");
    let real = harness::require_env("TWOFOLD_REAL_HOME");
    assert_ne!(home, real, "tests run with the real HOME");
}

#[test]
fn x_display_is_up() {
    let display = harness::display();
    let number = display
        .trim_start_matches(':')
        .split('.')
        .next()
        .unwrap_or("");
    let socket = std::path::Path::new("/tmp/.X11-unix").join(format!("X{number}"));
    assert!(
        socket.exists(),
        "DISPLAY={display} but {} is missing",
        socket.display()
    );
}

#[test]
fn webdriver_server_is_ready() {
    let status = webdriver::status(&harness::webdriver_url()).expect("GET /status");
    assert_eq!(
        status.get("ready").and_then(|v| v.as_bool()),
        Some(true),
        "status: {status}"
    );
}
