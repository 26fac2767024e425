//! `twofold backup on|off|status|now` and `twofold restore FILE`: automatic backups and putting
//! a backup back. The logic is core's (`transfer::auto_backup`); this module asks for the
//! password and the confirmation, and prints what happened.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use twofold_core::transfer::auto_backup::{self, AutoBackup, RestoreMode, DEFAULT_KEEP};
use twofold_core::vault::KdfParams;
use zeroize::Zeroizing;

use crate::Ctx;

#[derive(clap::Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    command: BackupCommand,
}

#[derive(clap::Subcommand)]
enum BackupCommand {
    /// Turn automatic backups on: after every change, an encrypted backup goes into the folder
    /// (the password is asked once; the vault keeps a key derived from it, not the password).
    On {
        /// The folder backups go into (it must exist).
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        /// How many backups to keep (the newest); older ones of this vault are deleted.
        #[arg(long, value_name = "N", default_value_t = DEFAULT_KEEP)]
        keep: u32,
        /// Read the backup password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Turn automatic backups off (the files written so far stay).
    Off,
    /// Show whether backups are on, where they go and the newest one.
    Status {
        /// Print one JSON object (`{"on": false}` when they are off).
        #[arg(long)]
        json: bool,
    },
    /// Write a backup now, whether or not the vault changed since the last one.
    Now,
}

/// `twofold restore`'s arguments.
#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup file (`.twofold`, automatic or from `twofold export --format twofold`).
    file: PathBuf,
    /// Replace every account with the backup's (the current state stays in the vault's .bak),
    /// instead of adding the ones the vault lacks.
    #[arg(long)]
    replace: bool,
    /// Read the backup's password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// Replace without asking (needed to replace when not run in a terminal).
    #[arg(long)]
    yes: bool,
    /// Print one JSON object with what was added, kept and removed.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: BackupArgs, now: u64) -> Result<()> {
    match args.command {
        BackupCommand::On {
            folder,
            keep,
            password_stdin,
        } => {
            let mut vault = ctx.open()?;
            let pw = new_password(password_stdin)?;
            let folder = std::path::absolute(&folder)
                .with_context(|| format!("finding {}", folder.display()))?;
            let b = AutoBackup::new(&folder, keep, &pw, KdfParams::default())?;
            auto_backup::configure(&mut vault, Some(b))?;
            println!(
                "automatic backups on: into {}, keeping {keep}",
                folder.display()
            );
            // Turning them on is a change: its backup is the first (the hook after a command
            // reads again only a vault that had backups when it was opened).
            if let Err(e) = auto_backup::write_due(&vault, twofold_core::unix_now()) {
                eprintln!("twofold: warning: the automatic backup was not written: {e}");
            }
        }
        BackupCommand::Off => {
            let mut vault = ctx.open()?;
            auto_backup::configure(&mut vault, None)?;
            println!("automatic backups off (the files written so far stay)");
        }
        BackupCommand::Status { json } => {
            let vault = ctx.open()?;
            let status = auto_backup::status(&vault);
            if json {
                #[derive(Serialize)]
                struct Out {
                    on: bool,
                    #[serde(flatten)]
                    status: Option<auto_backup::BackupStatus>,
                }
                let out = Out {
                    on: status.is_some(),
                    status,
                };
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                print_status(status.as_ref());
            }
        }
        BackupCommand::Now => {
            let vault = ctx.open()?;
            let path = auto_backup::write_now(&vault, now)?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

fn print_status(status: Option<&auto_backup::BackupStatus>) {
    let Some(s) = status else {
        println!("automatic backups are off; turn them on with `twofold backup on --folder DIR`");
        return;
    };
    println!(
        "automatic backups on: into {}, keeping {}",
        s.folder.display(),
        s.keep
    );
    match &s.last {
        Some(l) => println!(
            "last backup: {} ({} of this vault in the folder)",
            l.path.display(),
            s.count
        ),
        None => println!("no backup written yet"),
    }
    if let Some(p) = &s.problem {
        eprintln!("twofold: {p}");
    }
}

pub fn restore(ctx: &Ctx, args: RestoreArgs, now: u64) -> Result<()> {
    let terminal = std::io::stdin().is_terminal();
    if args.replace && !args.yes && !terminal {
        bail!(
            "replacing every account needs --yes when not run in a terminal; nothing was changed"
        );
    }
    let bytes = Zeroizing::new(
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?,
    );
    let pw = if args.password_stdin {
        read_line().context("reading the password from standard input")?
    } else if terminal {
        Zeroizing::new(rpassword::prompt_password("Password of the backup: ")?)
    } else {
        bail!("the backup is encrypted: pipe its password to --password-stdin, or run in a terminal to type it");
    };
    let accounts = auto_backup::read(&bytes, &pw)?;
    let mut vault = ctx.open()?;
    let mode = if args.replace {
        if !args.yes {
            eprint!(
                "Replace the vault's {} accounts with the backup's {}? The current state stays in {}.bak [y/N] ",
                vault.accounts().len(),
                accounts.len(),
                vault.path().display()
            );
            std::io::stderr().flush()?;
            let answer = read_line()?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                bail!("nothing was changed");
            }
        }
        RestoreMode::Replace
    } else {
        RestoreMode::Merge
    };
    let r = auto_backup::restore(&mut vault, accounts, mode, now)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else if args.replace {
        println!(
            "replaced: {} accounts now ({} new, {} kept, {} removed; the previous state is in {}.bak)",
            r.total,
            r.added,
            r.held,
            r.removed,
            vault.path().display()
        );
    } else {
        println!(
            "restored {} accounts ({} already in the vault)",
            r.added, r.held
        );
    }
    Ok(())
}

fn read_line() -> Result<Zeroizing<String>> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

/// The new backup password: stdin's first line, or typed twice on a terminal.
fn new_password(stdin: bool) -> Result<Zeroizing<String>> {
    let pw = if stdin {
        read_line().context("reading the password from standard input")?
    } else if std::io::stdin().is_terminal() {
        let a = Zeroizing::new(rpassword::prompt_password("Backup password: ")?);
        let b = Zeroizing::new(rpassword::prompt_password("Repeat it: ")?);
        if a != b {
            bail!("the passwords differ; nothing was changed");
        }
        a
    } else {
        bail!(
            "backups need a password: pipe it to --password-stdin, or run in a terminal to type it"
        );
    };
    if pw.is_empty() {
        bail!("the password is empty; nothing was changed");
    }
    Ok(pw)
}
