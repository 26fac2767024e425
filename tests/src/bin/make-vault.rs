//! Builds a vault with N accounts in one write, for benchmarks.
//!
//! Usage: `make-vault PATH N [--keyring]`. The password slot (default Argon2id cost) is added
//! when `TWOFOLD_PASSWORD` is set; `--keyring` adds an OS keyring slot. Accounts are named
//! `acct-0` .. `acct-{N-1}` with distinct secrets.

use twofold_core::otp::{Otp, Secret};
use twofold_core::vault::{Account, AccountId, CreateOptions, KdfParams, KeyringStore, Vault};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: make-vault PATH N [--keyring]");
        std::process::exit(2);
    };
    let password = std::env::var("TWOFOLD_PASSWORD").ok();
    let keyring = args.iter().any(|a| a == "--keyring");
    let opts = CreateOptions {
        keyring: keyring.then_some(&KeyringStore as &dyn twofold_core::vault::KeyStore),
        password: password.as_deref(),
        kdf: KdfParams::default(),
    };
    let mut vault = Vault::create(std::path::Path::new(path), &opts).unwrap_or_else(|e| {
        eprintln!("make-vault: {e}");
        std::process::exit(1);
    });
    vault
        .update(|d| {
            for i in 0..n {
                let mut secret = format!("bench-secret-{i:07}").into_bytes();
                secret.resize(20, b'x');
                d.accounts.push(Account {
                    id: AccountId(format!("bench-{i}")),
                    name: format!("acct-{i}"),
                    issuer: format!("Issuer {}", i % 37),
                    account: format!("user{i}@example.com"),
                    otp: Otp::totp(Secret::from_bytes(secret)?),
                    tags: vec![],
                    created: 0,
                    last_used: None,
                    aws: None,
                    meta: Default::default(),
                });
            }
            Ok(())
        })
        .unwrap_or_else(|e| {
            eprintln!("make-vault: {e}");
            std::process::exit(1);
        });
}
