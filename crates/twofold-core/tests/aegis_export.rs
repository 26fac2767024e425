//! The encrypted Aegis export, opened by an independent implementation: `tests/py/aegis_decrypt.py`
//! decrypts it with Python's `cryptography` (scrypt, AES-GCM) the way Aegis documents, so a
//! mistake shared by our writer and our importer cannot hide. The script runs in the IAM
//! emulator's venv (`bash scripts/setup-python.sh`); without it this test fails, as the
//! emulator's tests do.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use twofold_core::otp::{Algorithm, Otp, OtpKind, Secret};
use twofold_core::transfer::export::{self, Format};
use twofold_core::vault::{Account, AccountId};

/// The emulator venv's python: `TWOFOLD_VENV`, else `~/.cache/twofold/venv` of the real home
/// (the test environment's HOME is a throwaway), as `tests/src/iam.rs` finds it.
#[track_caller]
fn venv_python() -> PathBuf {
    let venv = std::env::var_os("TWOFOLD_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("TWOFOLD_REAL_HOME")
                .or_else(|| std::env::var_os("HOME"))
                .expect("HOME is not set");
            PathBuf::from(home).join(".cache/twofold/venv")
        });
    let python = venv.join("bin").join("python");
    assert!(
        python.exists(),
        "{} does not exist: run `bash scripts/setup-python.sh` to create the venv whose \
         `cryptography` package checks the Aegis export",
        python.display()
    );
    python
}

fn account(name: &str, issuer: &str, user: &str, otp: Otp, tags: &[&str]) -> Account {
    Account {
        id: AccountId(format!("id-{name}")),
        name: name.into(),
        issuer: issuer.into(),
        account: user.into(),
        otp,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        created: 1,
        last_used: None,
        aws: None,
        meta: Default::default(),
    }
}

fn accounts() -> Vec<Account> {
    let secret = |s: &str| Secret::from_base32_lenient(s).unwrap();
    vec![
        account(
            "ACME:alice",
            "ACME",
            "alice@example.com",
            Otp::new(
                OtpKind::Totp,
                Algorithm::Sha256,
                8,
                60,
                0,
                secret("JBSWY3DPEHPK3PXP"),
            )
            .unwrap(),
            &["Work", "Ops"],
        ),
        account(
            "bob",
            "",
            "bob",
            Otp::new(
                OtpKind::Hotp,
                Algorithm::Sha512,
                7,
                30,
                42,
                secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            )
            .unwrap(),
            &["Work"],
        ),
        account(
            "Steam:gamer",
            "Steam",
            "gämer ✓",
            Otp::new(
                OtpKind::Steam,
                Algorithm::Sha1,
                5,
                30,
                0,
                secret("MFRGGZDFMZTWQ2LK"),
            )
            .unwrap(),
            &[],
        ),
    ]
}

/// Runs the script on `file` with `password` on its stdin.
fn decrypt(file: &Path, password: &str) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/py/aegis_decrypt.py");
    let mut child = Command::new(venv_python())
        .arg(&script)
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_independent_implementation_decrypts_the_aegis_export() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aegis-export.json");
    let password = "pässword with spaces";
    export::write(&file, &accounts(), Format::Aegis, Some(password)).unwrap();

    let out = decrypt(&file, password);
    assert!(
        out.status.success(),
        "aegis_decrypt.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        entries,
        json!([
            {"type": "totp", "name": "alice@example.com", "issuer": "ACME",
             "secret": "JBSWY3DPEHPK3PXP", "algo": "SHA256", "digits": 8, "period": 60,
             "counter": null, "groups": ["Work", "Ops"]},
            {"type": "hotp", "name": "bob", "issuer": "",
             "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "algo": "SHA512", "digits": 7,
             "period": null, "counter": 42, "groups": ["Work"]},
            {"type": "steam", "name": "gämer ✓", "issuer": "Steam",
             "secret": "MFRGGZDFMZTWQ2LK", "algo": "SHA1", "digits": 5, "period": 30,
             "counter": null, "groups": []},
        ])
    );

    // And the script is no pushover: the wrong password opens nothing.
    let out = decrypt(&file, "password with spaces");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}
