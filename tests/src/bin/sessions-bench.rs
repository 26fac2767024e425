//! Benchmark: `twofold aws credential-process` with a cached session and with an STS call to the
//! local emulator, and `aws sts get-session-token` from the AWS CLI as the reference.
//!
//! Runs inside `scripts/test-env.sh` (the vault's key is in the real Secret Service, as on a
//! desktop). AWS refuses a code twice, so every STS sample uses its own user and device, on a
//! window none of them has used: the set-up enrolls them all, then waits for the next window.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;

const STS_SAMPLES: usize = 8;
const CACHED_SAMPLES: usize = 40;

fn median_ms(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "median {:.1} ms (min {:.1}, max {:.1}, n={})",
        ms(v[v.len() / 2]),
        ms(v[0]),
        ms(v[v.len() - 1]),
        v.len()
    )
}

fn twofold(dir: &Path, emu: &IamEmulator, args: &[&str]) -> std::process::Output {
    Command::new(harness::cli_bin())
        .args(args)
        .env_remove("TWOFOLD_PASSWORD")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("TWOFOLD_VAULT", dir.join("vault.json"))
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_ENDPOINT_URL", &emu.endpoint)
        .output()
        .expect("run twofold")
}

fn main() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let d = dir.path();
    let mut config = String::new();
    let mut credentials = String::new();
    let users: Vec<String> = (0..2 * STS_SAMPLES).map(|i| format!("bench{i}")).collect();
    for u in &users {
        // What a user needs to enroll their own device (the profile's keys sign the enrollment).
        let c = emu.create_user(
            u,
            &[
                "iam:GetUser",
                "iam:ListMFADevices",
                "iam:CreateVirtualMFADevice",
                "iam:EnableMFADevice",
            ],
        );
        credentials.push_str(&format!(
            "[{u}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            c.access_key_id, c.secret_access_key
        ));
    }
    std::fs::write(d.join("credentials"), &credentials).expect("write credentials");
    for u in &users {
        config.push_str(&format!("[profile {u}]\nregion = us-east-1\n"));
    }
    std::fs::write(d.join("config"), &config).expect("write config");
    let mut serials = Vec::new();
    for u in &users {
        let out = twofold(d, &emu, &["aws", "enroll", "--profile", u, "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        serials.push(v["serial"].as_str().unwrap_or_default().to_string());
    }
    config.clear();
    for (u, s) in users.iter().zip(&serials) {
        config.push_str(&format!(
            "[profile {u}]\nregion = us-east-1\nmfa_serial = {s}\n"
        ));
    }
    std::fs::write(d.join("config"), &config).expect("write config");
    // Every device used the current window to enable; wait for the next one.
    let now = twofold_core::unix_now();
    std::thread::sleep(Duration::from_secs(30 - now % 30) + Duration::from_millis(200));

    let mut sts = Vec::new();
    for u in &users[..STS_SAMPLES] {
        let t = Instant::now();
        let out = twofold(d, &emu, &["aws", "credential-process", "--profile", u]);
        sts.push(t.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut cached = Vec::new();
    for i in 0..CACHED_SAMPLES {
        let t = Instant::now();
        let out = twofold(
            d,
            &emu,
            &[
                "aws",
                "credential-process",
                "--profile",
                &users[i % STS_SAMPLES],
            ],
        );
        cached.push(t.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The reference: the AWS CLI asking STS itself, with a code computed beforehand.
    let aws = twofold_e2e::iam::awscli_bin();
    let mut reference = Vec::new();
    for (u, serial) in users[STS_SAMPLES..].iter().zip(&serials[STS_SAMPLES..]) {
        let name = format!("{u}@{}", emu.admin.account_id);
        let code = twofold(d, &emu, &["code", &name]);
        let code = String::from_utf8_lossy(&code.stdout).trim().to_string();
        let t = Instant::now();
        let out = Command::new(&aws)
            .args([
                "sts",
                "get-session-token",
                "--serial-number",
                serial,
                "--token-code",
                &code,
                "--profile",
                u,
                "--output",
                "json",
            ])
            .env("AWS_CONFIG_FILE", d.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", d.join("credentials"))
            .env("AWS_ENDPOINT_URL", &emu.endpoint)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .output()
            .expect("run aws");
        reference.push(t.elapsed());
        assert!(
            out.status.success(),
            "aws: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!(
        "   twofold aws credential-process, cached session (target: median < 20 ms): {}",
        median_ms(cached)
    );
    println!(
        "   twofold aws credential-process, GetSessionToken to the emulator:         {}",
        median_ms(sts)
    );
    println!(
        "   aws sts get-session-token (AWS CLI 1.46, reference):                     {}",
        median_ms(reference)
    );
}
