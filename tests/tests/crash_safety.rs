//! Crash safety of the vault write: a writer process is SIGKILLed at random moments, at
//! least 200 times, and after every kill the vault must open and hold either the last
//! generation the writer confirmed or the one after it, whole; `vault.json.bak` must open too.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use twofold_core::otp::{Otp, Secret};
use twofold_core::vault::{Unlock, Vault};

const KILLS: usize = 220;
const PASSWORD: &str = "crash test";

/// A small deterministic generator, so a failing run can be replayed (fixed seed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn expected_code(g: u64) -> String {
    let mut bytes = g.to_be_bytes().to_vec();
    bytes.extend_from_slice(b"twofold-crash");
    Otp::totp(Secret::from_bytes(bytes).unwrap())
        .code_at(59)
        .code
}

fn check_generation(v: &Vault, what: &str) -> u64 {
    let g = v.data().generation;
    if g == 0 {
        assert!(
            v.accounts().is_empty(),
            "{what}: generation 0 must be empty"
        );
        return 0;
    }
    assert_eq!(v.accounts().len(), 1, "{what}: generation {g} is not whole");
    let a = &v.accounts()[0];
    assert_eq!(
        a.name,
        format!("acct-{g}"),
        "{what}: name does not belong to generation {g}"
    );
    assert_eq!(
        a.otp.code_at(59).code,
        expected_code(g),
        "{what}: secret does not belong to generation {g}"
    );
    g
}

#[test]
fn vault_survives_sigkill_at_random_moments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    let bak = dir.path().join("vault.json.bak");
    let mut rng = Lcg(0x0002_f01d);
    let mut confirmed = 0u64;
    let mut torn_temporaries = 0usize;
    let mut writes = 0u64;
    let started = Instant::now();

    for kill in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vault-writer"))
            .arg(&path)
            .arg(PASSWORD)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // Kill somewhere in the first 40 ms of its life: during start-up, the key derivation,
        // or (mostly) in the middle of one of its writes.
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        if let Some(last) = out
            .lines()
            .filter_map(|l| l.parse::<u64>().ok())
            .next_back()
        {
            writes += last - confirmed;
            confirmed = last;
        }
        if !path.exists() {
            assert_eq!(
                confirmed, 0,
                "kill {kill}: the vault vanished after generation {confirmed}"
            );
            continue;
        }
        torn_temporaries += std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();

        let v = Vault::open(&path, &Unlock::Password(PASSWORD))
            .unwrap_or_else(|e| panic!("kill {kill}: the vault does not open: {e}"));
        let g = check_generation(&v, &format!("kill {kill}"));
        assert!(
            g == confirmed || g == confirmed + 1,
            "kill {kill}: on disk is generation {g}, the writer had confirmed {confirmed}"
        );
        confirmed = g;
        if bak.exists() {
            let b = Vault::open(&bak, &Unlock::Password(PASSWORD))
                .unwrap_or_else(|e| panic!("kill {kill}: vault.json.bak does not open: {e}"));
            let bg = check_generation(&b, &format!("kill {kill} (bak)"));
            assert!(
                bg + 1 == g || bg == g,
                "kill {kill}: bak is generation {bg}, vault is {g}"
            );
        }
    }
    println!(
        "crash safety: {KILLS} kills, {writes} confirmed writes, final generation {confirmed}, \
         {torn_temporaries} kills left a half-written temporary behind, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        confirmed > KILLS as u64,
        "the writer made too little progress to prove anything"
    );
}
