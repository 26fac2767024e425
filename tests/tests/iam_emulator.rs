//! The IAM emulator's harness side: it starts, hands out an admin key, exposes its controls and
//! stops with its handle. What it enforces on AWS calls is tested by
//! `tests/iam_emulator/test_emulator.py` (boto3); the app's and CLI's suites use it through
//! [`twofold_e2e::iam::IamEmulator`].
//!
//! Needs the venv from `bash scripts/setup-python.sh`; nothing else from the test environment.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::net::TcpStream;
use std::time::{Duration, Instant};

use twofold_e2e::iam::IamEmulator;

#[test]
fn starts_on_a_free_port_with_an_admin_and_stops_on_drop() {
    let started = Instant::now();
    let emu = IamEmulator::start();
    let other = IamEmulator::start();
    eprintln!("two emulators ready in {:?}", started.elapsed());

    assert!(emu.endpoint.starts_with("http://127.0.0.1:"));
    assert_ne!(emu.endpoint, other.endpoint);
    assert!(emu.admin.access_key_id.starts_with("AKIA"));
    assert_eq!(emu.admin.account_id, "123456789012");
    assert!(!format!("{:?}", emu.admin).contains(&emu.admin.secret_access_key));

    let health: serde_json::Value = ureq::get(&format!("{}/_twofold/health", emu.endpoint))
        .call()
        .expect("health")
        .into_json()
        .expect("json");
    assert_eq!(health["ok"], true);
    assert!(emu.devices().is_empty());

    let addr = emu.endpoint.trim_start_matches("http://").to_owned();
    drop(emu);
    // kill + wait in Drop: the port is closed once drop returns.
    assert!(
        TcpStream::connect_timeout(&addr.parse().expect("addr"), Duration::from_secs(1)).is_err()
    );
}

#[test]
fn throttles_are_armed_and_listed() {
    let emu = IamEmulator::start();
    emu.throttle("CreateVirtualMFADevice", 2);
    emu.throttle_with("GetSessionToken", 1, "Throttling", 400);
    let armed = emu.throttles();
    assert_eq!(armed["CreateVirtualMFADevice"]["count"], 2);
    assert_eq!(armed["GetSessionToken"]["code"], "Throttling");
}

#[test]
fn unsigned_calls_are_refused_like_aws() {
    let emu = IamEmulator::start();
    let err = ureq::post(&emu.endpoint)
        .send_form(&[("Action", "ListUsers"), ("Version", "2010-05-08")])
        .expect_err("unsigned call must fail");
    let ureq::Error::Status(status, response) = err else {
        panic!("transport error: {err}")
    };
    assert_eq!(status, 403);
    let body = response.into_string().expect("body");
    assert!(
        body.contains("<Code>MissingAuthenticationToken</Code>"),
        "{body}"
    );
}
