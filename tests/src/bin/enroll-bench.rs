//! Benchmark: `twofold aws enroll` from start to verified against the local IAM emulator,
//! with the seed held by Twofold; whole-process wall time and the API calls it made.

use std::process::Command;
use std::time::Instant;

use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;

const RUNS: usize = 10;

fn main() {
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();
    let mut times = Vec::new();
    let mut calls = 0;
    let mut inner = Vec::new();
    for i in 0..RUNS {
        let t0 = Instant::now();
        // The admin enrolls devices for itself: user twofold-admin, a new device name each run
        // (at most 8 per user, so a fresh user every 8 runs is not needed for 10 with deletes).
        let out = Command::new(harness::cli_bin())
            .args([
                "aws",
                "enroll",
                "--device-name",
                &format!("bench-{i}"),
                "--json",
            ])
            .envs(emu.aws_env(&emu.admin))
            .env("TWOFOLD_VAULT", dir.path().join("vault.json"))
            .env("TWOFOLD_PASSWORD", "bench")
            .env("TWOFOLD_NO_KEYRING", "1")
            .output()
            .expect("run twofold");
        times.push(t0.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        calls = v["apiCalls"].as_u64().unwrap_or(0);
        inner.push(v["elapsedMs"].as_u64().unwrap_or(0));
        // Make room under the 8-device limit for the next run.
        let serial = v["serial"].as_str().unwrap_or_default().to_string();
        let del = Command::new(harness::cli_bin())
            .args([
                "aws",
                "deactivate",
                "--serial",
                &serial,
                "--delete",
                "--json",
            ])
            .envs(emu.aws_env(&emu.admin))
            .env("TWOFOLD_VAULT", dir.path().join("vault.json"))
            .env("TWOFOLD_PASSWORD", "bench")
            .env("TWOFOLD_NO_KEYRING", "1")
            .output()
            .expect("run twofold");
        assert!(
            del.status.success(),
            "{}",
            String::from_utf8_lossy(&del.stderr)
        );
    }
    times.sort();
    inner.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!(
        "   whole process (incl. vault unlock, Argon2id password slot): median {:.0} ms (min {:.0}, max {:.0}, n={RUNS}); start to verified inside: median {} ms; {calls} API calls",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1]),
        inner[RUNS / 2]
    );
}
