//! Benchmark: `twofold aws audit --org` over an organisation of 50 accounts × 100 users in the
//! local IAM emulator, with 50 ms added to every AWS call and every account throttled to a
//! token bucket; at concurrency 1 and at the default. Prints both times and the speed-up.
//!
//!     org-bench [--accounts 50] [--users 100] [--latency-ms 50] [--rate 10] [--burst 5]

use std::process::Command;
use std::time::Instant;

use twofold_e2e::harness;
use twofold_e2e::iam::IamEmulator;

fn arg(name: &str, default: u32) -> u32 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} {v}: not a number"))
        })
        .unwrap_or(default)
}

fn main() {
    let accounts = arg("--accounts", 50);
    let users = arg("--users", 100);
    let latency = arg("--latency-ms", 50);
    let rate = arg("--rate", 10);
    let burst = arg("--burst", 5);
    let emu = IamEmulator::start();
    let dir = harness::temp_dir();

    let t0 = Instant::now();
    let mgmt = emu.admin.account_id.clone();
    let members: Vec<(String, String)> = (1..accounts)
        .map(|i| {
            (
                format!("{:012}", 200_000_000_000u64 + u64::from(i)),
                format!("member-{i:02}"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, bool)> = members
        .iter()
        .map(|(id, n)| (id.as_str(), n.as_str(), true))
        .collect();
    emu.organization(&refs);
    for id in std::iter::once(&mgmt).chain(members.iter().map(|(id, _)| id)) {
        // Every fourth user without MFA, every other one with a console password.
        let batch: Vec<(String, bool, Option<&str>)> = (0..users)
            .map(|u| {
                (
                    format!("user-{u:03}"),
                    u % 2 == 0,
                    (u % 4 != 0).then_some("virtual"),
                )
            })
            .collect();
        emu.bulk_users(id, &batch);
    }
    println!(
        "== audit --org: {accounts} accounts × {users} users (made in {:.1} s); {latency} ms per call, every account throttled to {rate} calls/s (burst {burst})",
        t0.elapsed().as_secs_f64()
    );
    emu.latency(latency);
    emu.rate_limit(rate, burst);

    let run = |concurrency: &str| {
        let refused = emu.throttled_calls();
        let t = Instant::now();
        // The CLI's own CPU time beside the wall time: the emulator (moto, one Python
        // process) shares the machine's cores.
        let out = Command::new("/usr/bin/time")
            .args(["-f", "cli-cpu %U %S"])
            .arg(harness::cli_bin())
            .args([
                "aws",
                "audit",
                "--org",
                "--json",
                "--concurrency",
                concurrency,
            ])
            .envs(emu.aws_env(&emu.admin))
            .env("TWOFOLD_VAULT", dir.path().join("vault.json"))
            .env("TWOFOLD_NO_KEYRING", "1")
            .output()
            .expect("run twofold");
        let secs = t.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let cpu: f64 = String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter_map(|l| l.strip_prefix("cli-cpu "))
            .flat_map(|l| {
                l.split(' ')
                    .filter_map(|x| x.parse::<f64>().ok())
                    .collect::<Vec<_>>()
            })
            .sum();
        let t = &v["totals"];
        println!(
            "   concurrency {concurrency:>2}: {secs:7.1} s, CLI CPU {cpu:.1} s  ({} accounts audited, {} failed, {} users; {} calls throttled by the emulator, {} accounts run again after a backoff)",
            t["audited"], t["failed"], t["users"], emu.throttled_calls() - refused, v["throttledRetries"]
        );
        assert_eq!(t["audited"].as_u64(), Some(u64::from(accounts)), "{v}");
        secs
    };
    let parallel = run("8");
    let serial = run("1");
    println!("   speed-up at concurrency 8: {:.1}×", serial / parallel);
}
