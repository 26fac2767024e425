//! `twofold import FILE`: another authenticator's export into the vault. The file is read by
//! core (`transfer::import`); this module finds the password, asks the vault to add what is
//! new, and prints what happened to every entry.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;
use twofold_core::transfer::import::{self, Export, Format};
use twofold_core::vault::{default_name, ImportCheck, VaultData};
use twofold_core::Error;
use zeroize::Zeroizing;

use crate::Ctx;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The export file.
    file: PathBuf,
    /// Its format, when the content does not tell (an unknown name lists the formats).
    #[arg(long, value_name = "FORMAT", value_parser = format_named)]
    from: Option<Format>,
    /// Read the file's password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// Show what would be imported and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print one JSON object: the format, the accounts imported and the entries skipped.
    #[arg(long)]
    json: bool,
}

fn format_named(name: &str) -> std::result::Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "not a format Twofold reads; use one of {}",
            names.join(", ")
        )
    })
}

/// The `--json` report. Never a secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    format: &'static str,
    dry_run: bool,
    imported: Vec<ImportedEntry>,
    skipped: Vec<SkippedEntry>,
}

#[derive(Serialize)]
struct ImportedEntry {
    entry: usize,
    name: String,
    issuer: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct SkippedEntry {
    entry: usize,
    label: String,
    reason: String,
}

pub fn run(ctx: &Ctx, args: ImportArgs, now: u64) -> Result<()> {
    let bytes = Zeroizing::new(
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?,
    );
    let export = read(&bytes, &args)?;
    let mut skipped: Vec<SkippedEntry> = export
        .skipped
        .iter()
        .map(|s| SkippedEntry {
            entry: s.entry,
            label: s.label.clone(),
            reason: s.reason.clone(),
        })
        .collect();
    let Export {
        format,
        accounts,
        numbers,
        ..
    } = export;
    let mut imported = Vec::new();
    if args.dry_run {
        let vault = ctx.open_if_exists()?;
        let empty = VaultData::default();
        let data = vault.as_ref().map_or(&empty, |v| v.data());
        for ((n, a), check) in numbers
            .iter()
            .zip(&accounts)
            .zip(data.check_import(&accounts))
        {
            match check {
                ImportCheck::New => imported.push(ImportedEntry {
                    entry: *n,
                    name: default_name(&a.uri),
                    issuer: a.uri.issuer.clone(),
                    kind: a.uri.otp.kind.as_str(),
                }),
                ImportCheck::Held(by) => skipped.push(already(*n, &a.uri, &by)),
                ImportCheck::Repeats(first) => skipped.push(SkippedEntry {
                    entry: *n,
                    label: default_name(&a.uri),
                    reason: format!("repeats entry {} of the file", numbers[first]),
                }),
            }
        }
    } else {
        let described: Vec<_> = accounts
            .iter()
            .map(|a| (default_name(&a.uri), a.uri.issuer.clone(), a.uri.otp.kind))
            .collect();
        let mut vault = ctx.open_or_create()?;
        let done = vault.import(accounts, now)?;
        for a in &done.already {
            skipped.push(SkippedEntry {
                entry: numbers[a.index],
                label: described[a.index].0.clone(),
                reason: format!("already in the vault as {:?}", a.held_by),
            });
        }
        for (i, name) in done.added_from {
            let (_, issuer, kind) = &described[i];
            imported.push(ImportedEntry {
                entry: numbers[i],
                name,
                issuer: issuer.clone(),
                kind: kind.as_str(),
            });
        }
    }
    skipped.sort_by_key(|s| s.entry);
    let report = Report {
        format: format.name(),
        dry_run: args.dry_run,
        imported,
        skipped,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_plain(&report, format);
    }
    Ok(())
}

/// Reads the export, asking for its password on a terminal when it turns out to need one.
fn read(bytes: &[u8], args: &ImportArgs) -> Result<Export> {
    let password = if args.password_stdin {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Some(Zeroizing::new(
            line.trim_end_matches(['\r', '\n']).to_string(),
        ))
    } else {
        None
    };
    match import::read(bytes, args.from, password.as_deref().map(|p| p.as_str())) {
        Err(Error::ExportPasswordNeeded(title))
            if password.is_none() && std::io::stdin().is_terminal() =>
        {
            let pw = Zeroizing::new(rpassword::prompt_password(format!(
                "Password of the {title}: "
            ))?);
            Ok(import::read(bytes, args.from, Some(&pw))?)
        }
        other => Ok(other?),
    }
}

fn already(entry: usize, uri: &twofold_core::otp::uri::OtpUri, held_by: &str) -> SkippedEntry {
    SkippedEntry {
        entry,
        label: default_name(uri),
        reason: format!("already in the vault as {held_by:?}"),
    }
}

fn print_plain(report: &Report, format: Format) {
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    println!(
        "{verb} {} of {} entries from the {}",
        report.imported.len(),
        report.imported.len() + report.skipped.len(),
        format.title()
    );
    for a in &report.imported {
        println!("  {}", a.name);
    }
    for s in &report.skipped {
        if s.label.is_empty() {
            eprintln!("twofold: skipped entry {}: {}", s.entry, s.reason);
        } else {
            eprintln!(
                "twofold: skipped entry {}, {}: {}",
                s.entry, s.label, s.reason
            );
        }
    }
}
