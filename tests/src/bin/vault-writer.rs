//! A process that writes a vault generation after generation, for the crash-safety test.
//!
//! Usage: `vault-writer PATH PASSWORD`. Opens (or creates) the vault and loops forever: each
//! generation `g` holds exactly one account named `acct-g` whose secret is derived from `g`,
//! and after each write returns it prints `g` on stdout. The test kills it with SIGKILL at
//! random moments and checks what is on disk.

use std::io::Write;

use twofold_core::otp::{Otp, Secret};
use twofold_core::vault::{Account, AccountId, CreateOptions, KdfParams, Unlock, Vault};

/// The secret generation `g` must hold; the test recomputes it.
fn secret_for(g: u64) -> Secret {
    let mut bytes = g.to_be_bytes().to_vec();
    bytes.extend_from_slice(b"twofold-crash");
    Secret::from_bytes(bytes).expect("21 bytes is a valid secret")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(pw)) = (args.next(), args.next()) else {
        eprintln!("usage: vault-writer PATH PASSWORD");
        std::process::exit(2);
    };
    let path = std::path::PathBuf::from(path);
    let mut vault = if Vault::exists(&path) {
        Vault::open(&path, &Unlock::Password(&pw)).expect("open")
    } else {
        let opts = CreateOptions {
            keyring: None,
            password: Some(&pw),
            kdf: KdfParams::MIN,
        };
        Vault::create(&path, &opts).expect("create")
    };
    let mut out = std::io::stdout().lock();
    loop {
        let g = vault
            .update(|d| {
                let g = d.generation + 1;
                d.accounts = vec![Account {
                    id: AccountId(format!("id-{g}")),
                    name: format!("acct-{g}"),
                    issuer: "Crash".into(),
                    account: format!("gen {g}"),
                    otp: Otp::totp(secret_for(g)),
                    tags: vec![],
                    created: g,
                    last_used: None,
                    aws: None,
                    meta: Default::default(),
                }];
                Ok(g)
            })
            .expect("write");
        writeln!(out, "{g}").expect("stdout");
        out.flush().expect("stdout");
    }
}
