//! `twofold export --format FORMAT -o FILE`: every account of the vault into a file, for a
//! backup or another app. Core renders and writes the file (`transfer::export`); this module
//! finds the password, refuses to overwrite by accident, and warns when the file is plain.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use twofold_core::transfer::export::{self, Format};
use zeroize::Zeroizing;

use crate::Ctx;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// twofold (an encrypted backup that `twofold import` restores), aegis (encrypted, for
    /// Aegis, Ente, 2FAS, GNOME Authenticator), aegis-plain, uri-list, or html (a printable
    /// page with a QR code per account, for a paper backup).
    #[arg(long, value_name = "FORMAT", value_parser = format_named, default_value = "twofold")]
    format: Format,
    /// The file to write (readable by you only).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Read the export's password from the first line of standard input (encrypted formats).
    #[arg(long)]
    password_stdin: bool,
    /// Replace FILE when it exists.
    #[arg(long)]
    force: bool,
}

fn format_named(name: &str) -> std::result::Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "not a format Twofold writes; use one of {}",
            names.join(", ")
        )
    })
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let format = args.format;
    if !format.encrypted() && args.password_stdin {
        bail!(
            "the {} is not encrypted, so it takes no password",
            format.title()
        );
    }
    // Asked before the password prompt; core checks again as it writes.
    if args.output.exists() && !args.force {
        bail!(
            "{} exists; choose another file or pass --force to replace it",
            args.output.display()
        );
    }
    let vault = ctx.open()?;
    let password = if format.encrypted() {
        Some(password(&args)?)
    } else {
        None
    };
    let accounts = vault.accounts();
    export::write_new(
        &args.output,
        accounts,
        format,
        password.as_deref().map(|p| p.as_str()),
        args.force,
    )?;
    if !format.encrypted() {
        eprintln!(
            "twofold: warning: {} is NOT encrypted and holds the secret of every account: \
             anyone who reads it can make your codes; delete it once it has served",
            args.output.display()
        );
    }
    println!(
        "exported {} accounts to {} ({})",
        accounts.len(),
        args.output.display(),
        format.title()
    );
    Ok(())
}

/// The export's password: the first line of stdin with `--password-stdin`, else typed twice on
/// a terminal.
fn password(args: &ExportArgs) -> Result<Zeroizing<String>> {
    let pw = if args.password_stdin {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string())
    } else if std::io::stdin().is_terminal() {
        let title = args.format.title();
        let a = Zeroizing::new(rpassword::prompt_password(format!(
            "Password for the {title}: "
        ))?);
        let b = Zeroizing::new(rpassword::prompt_password("Repeat it: ")?);
        if a != b {
            bail!("the passwords differ; nothing was written");
        }
        a
    } else {
        bail!(
            "the {} needs a password: pipe it to --password-stdin, or run in a terminal to type it",
            args.format.title()
        );
    };
    if pw.is_empty() {
        bail!("the password is empty; nothing was written");
    }
    Ok(pw)
}
