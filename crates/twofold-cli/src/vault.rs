//! `twofold vault`: which key slots the vault has, its password and its recovery key.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use twofold_core::vault::KdfParams;

use crate::Ctx;

/// `twofold vault ...`
#[derive(Args)]
pub struct VaultArgs {
    #[command(subcommand)]
    command: VaultCommand,
}

#[derive(Subcommand)]
enum VaultCommand {
    /// Show the vault's path, generation and which ways in (key slots) it has.
    Status {
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Set, change or remove the vault's password (read from TWOFOLD_NEW_PASSWORD or a prompt).
    /// The master key is replaced: old copies of the vault no longer open with the old password.
    Password {
        /// Remove the password slot.
        #[arg(long)]
        remove: bool,
    },
    /// Make a new recovery key (replacing any earlier one) and print it once; or remove it.
    /// Replacing or removing one gives the vault a new master key, which needs the vault's
    /// password when it has one (TWOFOLD_PASSWORD or a prompt).
    RecoveryKey {
        /// Remove the recovery key.
        #[arg(long, conflicts_with = "output")]
        remove: bool,
        /// Write the key to FILE (readable by you only) instead of printing it.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    path: PathBuf,
    generation: u64,
    accounts: usize,
    keyring: bool,
    password: bool,
    recovery_key: bool,
    keyring_only: bool,
}

pub(crate) fn run(ctx: &Ctx, args: VaultArgs) -> Result<()> {
    match args.command {
        VaultCommand::Status { json } => status(ctx, json),
        VaultCommand::Password { remove } => password(ctx, remove),
        VaultCommand::RecoveryKey { remove, output } => recovery_key(ctx, remove, output),
    }
}

fn status(ctx: &Ctx, json: bool) -> Result<()> {
    let vault = ctx.open()?;
    let slots = vault.slots();
    let st = Status {
        path: vault.path().to_path_buf(),
        generation: vault.data().generation,
        accounts: vault.accounts().len(),
        keyring: slots.keyring,
        password: slots.password,
        recovery_key: slots.recovery,
        keyring_only: slots.keyring_only(),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&st)?);
        return Ok(());
    }
    let yes = |b: bool| if b { "yes" } else { "no" };
    println!("path          {}", st.path.display());
    println!("generation    {}", st.generation);
    println!("accounts      {}", st.accounts);
    println!("os keyring    {}", yes(st.keyring));
    println!("password      {}", yes(st.password));
    println!("recovery key  {}", yes(st.recovery_key));
    if st.keyring_only {
        eprintln!("twofold: warning: the OS keyring is the only way in; a lost keyring loses the vault. Add one with `twofold vault recovery-key` or `twofold vault password`.");
    }
    Ok(())
}

/// `twofold vault password [--remove]` (and the old `twofold password`).
pub(crate) fn password(ctx: &Ctx, remove: bool) -> Result<()> {
    let mut vault = ctx.open()?;
    let keyring = ctx.keyring_for(&vault);
    if remove {
        vault.set_password(None, KdfParams::default(), keyring)?;
        println!("password removed; the vault has a new master key");
    } else {
        let pw = crate::new_password()?;
        vault.set_password(Some(&pw), KdfParams::default(), keyring)?;
        println!("password set; the vault has a new master key, so old copies do not open with it");
    }
    Ok(())
}

fn recovery_key(ctx: &Ctx, remove: bool, output: Option<PathBuf>) -> Result<()> {
    if let Some(path) = &output {
        if path.exists() {
            bail!(
                "{} already exists; choose another file (nothing was changed)",
                path.display()
            );
        }
    }
    let mut vault = ctx.open()?;
    let slots = vault.slots();
    // A replaced or removed key rotates the master key, which re-wraps the password slot.
    let password = if slots.recovery && slots.password {
        Some(current_password()?)
    } else {
        None
    };
    let password = password.as_deref().map(|p| p.as_str());
    let keyring = ctx.keyring_for(&vault);
    if remove {
        vault.remove_recovery_key(password, keyring)?;
        println!("recovery key removed; the vault has a new master key, so the old recovery key opens no copy of it");
        return Ok(());
    }
    let had = slots.recovery;
    let key = vault.set_recovery_key(password, keyring)?;
    let shown = key.display();
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "twofold: this is the vault's recovery key. It is shown only this once: keep it somewhere \
         safe, away from this computer (printed, or in a password manager). With it and a copy of \
         the vault anyone can read every secret."
    )?;
    if had {
        writeln!(
            err,
            "twofold: the previous recovery key no longer opens the vault, nor any earlier copy of it (the vault has a new master key)."
        )?;
    }
    match output {
        Some(path) => {
            let text = zeroize::Zeroizing::new(format!(
                "Twofold recovery key for the vault at {}\n{}\n",
                vault.path().display(),
                shown.as_str()
            ));
            twofold_core::vault::write_private_file(&path, text.as_bytes())?;
            writeln!(err, "twofold: wrote the recovery key to {}", path.display())?;
        }
        None => println!("{}", shown.as_str()),
    }
    Ok(())
}

/// The vault's current password, for a change that re-wraps it: TWOFOLD_PASSWORD, else a
/// prompt on a terminal.
fn current_password() -> Result<zeroize::Zeroizing<String>> {
    if let Some(pw) = crate::env_password("TWOFOLD_PASSWORD") {
        return Ok(pw);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        bail!("the vault has a password, which this change needs (it gives the vault a new key): set TWOFOLD_PASSWORD or run in a terminal");
    }
    Ok(zeroize::Zeroizing::new(rpassword::prompt_password(
        "Vault password (the vault gets a new key): ",
    )?))
}
