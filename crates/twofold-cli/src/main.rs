//! `twofold`: the headless face of Twofold.
//!
//! Every command parses its arguments, makes one call into `twofold-core` and prints the result
//! (plain text, or one JSON object/array with `--json`). This binary owns the terminal: prompts,
//! exit codes and how errors read; it owns no OTP or vault logic.

mod aws;
mod backup;
mod export;
mod fido;
mod hint;
mod import;
mod scan;
mod vault;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use clap::{CommandFactory, Parser, Subcommand};
use twofold_core::otp::apply_offset;
use twofold_core::otp::uri::OtpUri;
use twofold_core::vault::{
    default_vault_path, AccountPatch, History, KdfParams, KeyStore, KeyringStore, MasterKey,
    NewAccount, Unlock, Vault,
};
use twofold_core::view::{AccountSummary, CodeView};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "twofold",
    version = twofold_core::version::LONG_VERSION,
    about = "Two-factor codes and the Twofold vault, from the terminal"
)]
struct Cli {
    /// The vault file (default: the platform data directory).
    #[arg(long, global = true, env = "TWOFOLD_VAULT", value_name = "PATH")]
    vault: Option<PathBuf>,
    /// Do not use the OS keyring: the vault opens with its password only.
    #[arg(long, global = true, env = "TWOFOLD_NO_KEYRING", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    no_keyring: bool,
    /// Open the vault even if it is older than the newest generation seen on this machine
    /// (you restored an old copy on purpose).
    #[arg(long, global = true, env = "TWOFOLD_ACCEPT_ROLLBACK", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    accept_rollback: bool,
    /// Where the newest generation seen of each vault is remembered (default: the platform
    /// state directory).
    #[arg(
        long,
        global = true,
        env = "TWOFOLD_STATE_DIR",
        value_name = "DIR",
        hide = true
    )]
    state_dir: Option<PathBuf>,
    /// Print how long unlocking and the rest of the command took, on stderr.
    #[arg(long, global = true, hide = true)]
    timings: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the current code of an account, or of an otpauth:// URI (no vault needed).
    Code {
        /// The account's name (see `twofold list`).
        #[arg(required_unless_present_any = ["uri", "uri_file"], conflicts_with_all = ["uri", "uri_file"])]
        name: Option<String>,
        /// An otpauth:// URI to compute the code for, without touching the vault: `-` reads
        /// it from standard input (a URI typed here is visible to other users in ps).
        #[arg(long, value_name = "URI|-", conflicts_with = "uri_file")]
        uri: Option<String>,
        /// Read the otpauth:// URI from this file.
        #[arg(long, value_name = "FILE")]
        uri_file: Option<PathBuf>,
        /// Compute the code at this time (Unix seconds, up to the end of the year 9999)
        /// instead of now.
        #[arg(long, value_name = "UNIX_SECONDS",
              value_parser = clap::value_parser!(u64).range(..=twofold_core::otp::MAX_TIME))]
        at: Option<u64>,
        /// Print a JSON object with the code, its validity window and the account's name.
        #[arg(long)]
        json: bool,
    },
    /// Add an account from an otpauth:// URI, or every account in QR code images (--scan).
    Add {
        /// The otpauth:// URI (as in the QR code a service shows): `--uri -` reads it from
        /// standard input. A URI typed here holds the secret where other users see it (ps,
        /// /proc) and stays in the shell history.
        #[arg(long, value_name = "URI|-", required_unless_present_any = ["scan", "uri_file"],
              conflicts_with_all = ["scan", "uri_file"])]
        uri: Option<String>,
        /// Read the otpauth:// URI from this file.
        #[arg(long, value_name = "FILE", conflicts_with = "scan")]
        uri_file: Option<PathBuf>,
        /// An image of the QR code (PNG, JPEG, WebP, BMP, GIF); repeat it for each code of a
        /// Google Authenticator export.
        #[arg(long, value_name = "FILE")]
        scan: Vec<std::path::PathBuf>,
        /// The name to use for it (default: issuer:account).
        #[arg(long)]
        name: Option<String>,
    },
    /// Import the accounts of another authenticator's export file (entries the vault already
    /// holds are skipped; exit 0 when the file was read, even if some entries were skipped).
    Import(import::ImportArgs),
    /// Write every account, secrets included, to a file: an encrypted backup, an export another
    /// authenticator reads, or a URI list (plain files are readable by you only).
    Export(export::ExportArgs),
    /// Automatic encrypted backups after every change: on, off, status, now.
    Backup(backup::BackupArgs),
    /// Put a Twofold backup back: add the accounts the vault lacks, or (--replace) make the
    /// backup's accounts the vault's, the previous state kept in the vault's .bak.
    Restore(backup::RestoreArgs),
    /// Read QR codes from image files, the screen, the clipboard or the webcam and print them.
    Scan(scan::ScanArgs),
    /// List the accounts (never their secrets).
    List {
        /// Print a JSON array of the accounts, as the app's list shows them.
        #[arg(long)]
        json: bool,
    },
    /// Mark an account as a favourite (pinned to the top of the app's list and in its tray
    /// menu), or unmark it with --remove.
    Favourite {
        /// The account's name.
        name: String,
        /// Unmark it.
        #[arg(long)]
        remove: bool,
    },
    /// Print an account's note, or set it (an empty TEXT removes it).
    Note {
        /// The account's name.
        name: String,
        /// The new note.
        text: Option<String>,
    },
    /// Move an account to POSITION (1 is first) in the order the app shows when sorted by hand.
    Move {
        /// The account's name.
        name: String,
        /// Its new place, from 1.
        #[arg(value_parser = clap::value_parser!(u32).range(1..))]
        position: u32,
    },
    /// Rename an account.
    Rename {
        /// The current name.
        old: String,
        /// The new name.
        new: String,
    },
    /// Remove an account (the previous vault generation stays in vault.json.bak).
    Remove {
        /// The account's name.
        name: String,
    },
    /// Print an account's otpauth:// URI, secret included, to move it elsewhere.
    Reveal {
        /// The account's name.
        name: String,
        /// Print its QR code (to scan with a phone) instead of the URI.
        #[arg(long)]
        qr: bool,
        /// Write its QR code as a PNG to FILE (readable by you only) instead.
        #[arg(long, value_name = "FILE", conflicts_with = "qr")]
        qr_png: Option<std::path::PathBuf>,
    },
    /// AWS MFA: enroll a virtual device, list, resync, deactivate, resume interrupted enrollments.
    Aws(aws::AwsArgs),
    /// FIDO2 security keys: list, info, PIN, test credential, resident credentials, reset.
    Fido(fido::FidoArgs),
    /// Show or set the clock offset (seconds) applied to TOTP codes, for a clock that is off.
    ClockOffset {
        /// The new offset, e.g. 30 or -15; without it, print the current one.
        #[arg(allow_hyphen_values = true)]
        seconds: Option<i64>,
    },
    /// The vault's keys: status, password, recovery key.
    Vault(vault::VaultArgs),
    /// Old name of `twofold vault password`.
    #[command(hide = true)]
    Password {
        /// Remove the password slot.
        #[arg(long)]
        remove: bool,
    },
    /// Print the completion script for a shell (the packages install them for bash, zsh, fish).
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Write the man pages (twofold.1 and one per subcommand) into a folder; for packagers.
    #[command(hide = true)]
    Man {
        /// The folder (created if needed).
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = twofold_core::logging::init("twofold");
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("twofold: {e:#}");
            let hint = match e.downcast_ref::<twofold_core::Error>() {
                Some(core) => hint::for_error(core),
                None => e
                    .downcast_ref::<twofold_core::fido::FidoError>()
                    .and_then(hint::for_fido),
            };
            if let Some(hint) = hint {
                eprintln!("twofold: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let started = Instant::now();
    let timings = cli.timings;
    let ctx = Ctx {
        vault: cli.vault,
        no_keyring: cli.no_keyring,
        accept_rollback: cli.accept_rollback,
        state_dir: cli.state_dir,
        unlock_time: Default::default(),
        key: Default::default(),
    };
    let result = dispatch(&ctx, cli.command);
    ctx.back_up_if_due();
    if timings {
        let unlock = ctx.unlock_time.get();
        eprintln!(
            "timings: unlock {:.2} ms, rest {:.2} ms (in process)",
            unlock.as_secs_f64() * 1e3,
            (started.elapsed() - unlock).as_secs_f64() * 1e3
        );
    }
    result
}

pub(crate) struct Ctx {
    vault: Option<PathBuf>,
    no_keyring: bool,
    accept_rollback: bool,
    state_dir: Option<PathBuf>,
    unlock_time: std::cell::Cell<std::time::Duration>,
    /// The master key, once a command unlocked a vault that has automatic backups: the backup
    /// after the command reopens the vault with it instead of asking again.
    key: std::cell::RefCell<Option<MasterKey>>,
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    let now = twofold_core::unix_now();
    match command {
        Command::Code {
            name: None,
            uri,
            uri_file,
            at,
            json,
        } if uri.is_some() || uri_file.is_some() => {
            let uri = OtpUri::parse(&secret_input("--uri", uri, uri_file.as_deref())?)?;
            let t = at.unwrap_or(now);
            print_code(CodeView::new(&uri.otp, uri.otp.code_at(t), t), json)
        }
        Command::Code {
            name: Some(name),
            at,
            json,
            ..
        } => {
            let mut vault = ctx.open()?;
            let account = vault.find(&name)?;
            // A code at another time is only looked at; the current one is taken for use.
            let code = match at {
                Some(t) if account.otp.kind != twofold_core::otp::OtpKind::Hotp => {
                    vault.code(&name, t)?
                }
                _ => vault.take_code(&name, now)?,
            };
            let t = apply_offset(at.unwrap_or(now), vault.settings().clock_offset_secs);
            print_code(CodeView::of_account(vault.find(&name)?, code, t), json)
        }
        Command::Code { .. } => bail!("give an account name or --uri"),
        Command::Add {
            uri: None,
            uri_file: None,
            scan,
            name,
        } => scan::add(ctx, &scan, name, now),
        Command::Add {
            uri,
            uri_file,
            name,
            ..
        } => {
            let uri = OtpUri::parse(&secret_input("--uri", uri, uri_file.as_deref())?)?;
            let mut vault = ctx.open_or_create()?;
            let id = vault.add(
                NewAccount {
                    uri,
                    name,
                    tags: Vec::new(),
                },
                now,
            )?;
            let added = vault.find(&id.0)?;
            println!("added {}", added.name);
            Ok(())
        }
        Command::Import(args) => import::run(ctx, args, now),
        Command::Export(args) => export::run(ctx, args),
        Command::Backup(args) => backup::run(ctx, args, now),
        Command::Restore(args) => backup::restore(ctx, args, now),
        Command::List { json } => {
            let vault = ctx.open()?;
            if json {
                let list: Vec<_> = vault.accounts().iter().map(AccountSummary::from).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if vault.accounts().is_empty() {
                eprintln!("no accounts yet; add one with `twofold add --uri 'otpauth://...'`");
            } else {
                let width = vault
                    .accounts()
                    .iter()
                    .map(|a| a.name.chars().count())
                    .max()
                    .unwrap_or(0);
                for a in vault.accounts() {
                    println!("{:width$}  {}  {}", a.name, a.otp.kind.as_str(), a.issuer);
                }
            }
            Ok(())
        }
        Command::Favourite { name, remove } => {
            let mut vault = ctx.open()?;
            vault.edit(
                &name,
                AccountPatch {
                    favourite: Some(!remove),
                    ..Default::default()
                },
            )?;
            let name = &vault.find(&name)?.name;
            if remove {
                println!("{name} is no longer a favourite");
            } else {
                println!("{name} is a favourite");
            }
            Ok(())
        }
        Command::Note { name, text } => {
            let mut vault = ctx.open()?;
            match text {
                None => {
                    let note = &vault.find(&name)?.meta.note;
                    if note.is_empty() {
                        eprintln!("{name} has no note");
                    } else {
                        println!("{note}");
                    }
                }
                Some(text) => {
                    vault.edit(
                        &name,
                        AccountPatch {
                            note: Some(text),
                            ..Default::default()
                        },
                    )?;
                    let a = vault.find(&name)?;
                    if a.meta.note.is_empty() {
                        println!("removed the note of {}", a.name);
                    } else {
                        println!("saved the note of {}", a.name);
                    }
                }
            }
            Ok(())
        }
        Command::Move { name, position } => {
            let mut vault = ctx.open()?;
            vault.move_to(&name, position as usize - 1)?;
            let at = vault
                .accounts()
                .iter()
                .position(|a| a.name == name || a.id.0 == name);
            let name = &vault.find(&name)?.name;
            println!(
                "{name} is now number {} of {}",
                at.map_or(0, |i| i + 1),
                vault.accounts().len()
            );
            Ok(())
        }
        Command::Rename { old, new } => {
            let mut vault = ctx.open()?;
            vault.edit(
                &old,
                AccountPatch {
                    name: Some(new.clone()),
                    ..Default::default()
                },
            )?;
            println!("renamed {old} to {new}");
            Ok(())
        }
        Command::Remove { name } => {
            let mut vault = ctx.open()?;
            let removed = vault.remove(&name)?;
            println!("removed {}", removed.name);
            Ok(())
        }
        Command::Reveal { name, qr, qr_png } => {
            let vault = ctx.open()?;
            let uri = vault.find(&name)?.to_uri();
            if let Some(path) = qr_png {
                let png = twofold_core::qr::to_png(&uri, 8)?;
                twofold_core::vault::write_private_file(&path, &png)?;
                eprintln!(
                    "wrote {} (it holds the secret: delete it once scanned)",
                    path.display()
                );
            } else if qr {
                println!("{}", twofold_core::qr::to_terminal(&uri)?.as_str());
            } else {
                println!("{}", uri.as_str());
            }
            Ok(())
        }
        Command::Completions { shell } => {
            // Into a buffer first: clap_complete panics on a write error, and a closed pipe
            // (`twofold completions bash | head`) is not one worth a backtrace.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "twofold", &mut script);
            match std::io::Write::write_all(&mut std::io::stdout().lock(), &script) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
        Command::Man { dir } => write_man_pages(&dir),
        Command::Aws(args) => aws::run(ctx, args),
        Command::Fido(args) => fido::run(args),
        Command::Scan(args) => scan::run(args),
        Command::ClockOffset { seconds } => {
            let mut vault = ctx.open()?;
            if let Some(s) = seconds {
                let mut settings = vault.settings().clone();
                settings.clock_offset_secs = s;
                vault.set_settings(settings)?;
            }
            println!("{:+}", vault.settings().clock_offset_secs);
            Ok(())
        }
        Command::Vault(args) => vault::run(ctx, args),
        Command::Password { remove } => vault::password(ctx, remove),
    }
}

/// `twofold man DIR`: `twofold.1`, and `twofold-aws.1`, `twofold-aws-enroll.1`... for every
/// subcommand that is not hidden, rendered from the same definitions `--help` prints.
fn write_man_pages(dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow!("creating {}: {e}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .map_err(|e| anyhow!("writing man pages into {}: {e}", dir.display()))
}

/// A code as `twofold code` prints it: the digits alone, or with `--json` the view the app's
/// UI gets, on one line.
fn print_code(view: CodeView, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(&view)?);
    } else {
        println!("{}", view.code);
    }
    Ok(())
}

impl Ctx {
    fn path(&self) -> Result<PathBuf> {
        match &self.vault {
            Some(p) => Ok(p.clone()),
            None => Ok(default_vault_path()?),
        }
    }

    /// Opens the vault: with TWOFOLD_PASSWORD when set, else the OS keyring, else (or when the
    /// keyring fails) a password prompt on a terminal.
    /// Opens the vault when it exists.
    fn open_if_exists(&self) -> Result<Option<Vault>> {
        if Vault::exists(&self.path()?) {
            self.open().map(Some)
        } else {
            Ok(None)
        }
    }

    fn open(&self) -> Result<Vault> {
        let path = self.path()?;
        if !Vault::exists(&path) {
            bail!(
                "no vault at {}; add an account first with `twofold add --uri 'otpauth://...'`",
                path.display()
            );
        }
        let slots = Vault::probe(&path)?;
        let started = Instant::now();
        let key = self.unlock(&path, slots)?;
        self.unlock_time.set(started.elapsed());
        let mut vault = Vault::open_with_key(&path, key.clone())?;
        // Only a vault with automatic backups is read again after the command (`backup on`
        // writes its own first backup).
        if vault.settings().backups.is_some() {
            self.key.replace(Some(key));
        }
        self.track(&mut vault)?;
        Ok(vault)
    }

    /// The history of generations seen: the state directory, and the keyring beside the key.
    fn history(&self) -> Result<History> {
        let dir = match &self.state_dir {
            Some(d) => d.clone(),
            None => History::default_dir()?,
        };
        let h = History::new(dir);
        Ok(if self.no_keyring {
            h
        } else {
            h.with_keyring(std::sync::Arc::new(KeyringStore))
        })
    }

    /// Checks the vault against the newest generation seen here; a rolled-back vault opens
    /// only with --accept-rollback or a yes on a terminal.
    fn track(&self, vault: &mut Vault) -> Result<()> {
        match vault.track(self.history()?, self.accept_rollback) {
            Err(twofold_core::Error::VaultRolledBack { seen, found })
                if std::io::stdin().is_terminal() =>
            {
                eprintln!(
                    "twofold: the vault at {} is generation {found}, but generation {seen} was seen on this machine before.",
                    vault.path().display()
                );
                eprintln!("twofold: an old copy may have replaced it, and changes made since would be lost.");
                eprint!("Open generation {found} anyway (you restored it on purpose)? [y/N] ");
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    bail!("not opened; the vault file was left as it is");
                }
                Ok(vault.track(self.history()?, true)?)
            }
            other => Ok(other?),
        }
    }

    /// The key store for changes that rewrite the keyring entry, when the vault has one.
    pub(crate) fn keyring_for(&self, vault: &Vault) -> Option<&'static dyn KeyStore> {
        (vault.slots().keyring && !self.no_keyring).then_some(&KeyringStore as &dyn KeyStore)
    }

    fn unlock(
        &self,
        path: &std::path::Path,
        slots: twofold_core::vault::SlotKinds,
    ) -> Result<MasterKey> {
        if let Some(pw) = env_password("TWOFOLD_PASSWORD") {
            if slots.password {
                return Ok(Vault::unlock(path, &Unlock::Password(&pw))?);
            }
        }
        if let Some(rk) = env_password("TWOFOLD_RECOVERY_KEY") {
            if slots.recovery {
                return Ok(Vault::unlock(path, &Unlock::RecoveryKey(&rk))?);
            }
        }
        let keyring_err = if slots.keyring && !self.no_keyring {
            match Vault::unlock(path, &Unlock::Keyring(&KeyringStore)) {
                Ok(v) => return Ok(v),
                Err(e @ (twofold_core::Error::Keyring(_) | twofold_core::Error::Locked(_))) => {
                    Some(e)
                }
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        if std::io::stdin().is_terminal() && (slots.password || slots.recovery) {
            if slots.password {
                let pw = Zeroizing::new(rpassword::prompt_password("Vault password: ")?);
                match Vault::unlock(path, &Unlock::Password(&pw)) {
                    Err(twofold_core::Error::WrongPassword) if slots.recovery => {
                        eprintln!("twofold: wrong password; you can use the recovery key instead");
                    }
                    other => return Ok(other?),
                }
            }
            let rk = Zeroizing::new(rpassword::prompt_password("Recovery key: ")?);
            return Ok(Vault::unlock(path, &Unlock::RecoveryKey(&rk))?);
        }
        let ways = match (slots.password, slots.recovery) {
            (true, true) => "set TWOFOLD_PASSWORD or TWOFOLD_RECOVERY_KEY",
            (true, false) => "set TWOFOLD_PASSWORD",
            (false, true) => "set TWOFOLD_RECOVERY_KEY",
            (false, false) => "",
        };
        match (keyring_err, ways.is_empty()) {
            (Some(e), false) => Err(anyhow!("{e}; or {ways}")),
            (Some(e), true) => Err(e.into()),
            (None, false) => Err(anyhow!(
                "the vault is locked; {ways}, or run in a terminal to type it"
            )),
            (None, true) => Err(anyhow!(
                "the vault has only a keyring slot and --no-keyring was given"
            )),
        }
    }

    /// Writes an automatic backup when backups are on and the command changed the vault (core
    /// decides: the newest backup is older than the vault's generation). The command's own
    /// outcome stands either way, so a failure is a warning.
    fn back_up_if_due(&self) {
        let (Some(key), Ok(path)) = (self.key.take(), self.path()) else {
            return;
        };
        // A vault that no longer opens was the command's error to report, not this one's.
        let Ok(vault) = Vault::open_with_key(&path, key) else {
            return;
        };
        let now = twofold_core::unix_now();
        if let Err(e) = twofold_core::transfer::auto_backup::write_due(&vault, now) {
            eprintln!("twofold: warning: the automatic backup was not written: {e}");
        }
    }

    /// Opens the vault, or creates it with a keyring slot (and a password slot when
    /// TWOFOLD_PASSWORD is set).
    fn open_or_create(&self) -> Result<Vault> {
        let path = self.path()?;
        if Vault::exists(&path) {
            return self.open();
        }
        let pw = env_password("TWOFOLD_PASSWORD");
        let keyring: Option<&dyn twofold_core::vault::KeyStore> = if self.no_keyring {
            None
        } else {
            Some(&KeyringStore)
        };
        if keyring.is_none() && pw.is_none() {
            bail!("--no-keyring needs a password for the new vault: set TWOFOLD_PASSWORD");
        }
        let password = pw.as_deref().map(|s| s.as_str());
        let vault = match Vault::create_protected(&path, keyring, password, KdfParams::default()) {
            Ok((v, None)) => v,
            Ok((v, Some(e))) => {
                eprintln!("twofold: note: the OS keyring is not usable ({e}); the new vault opens with TWOFOLD_PASSWORD only");
                v
            }
            Err(twofold_core::Error::Keyring(e)) => {
                bail!("cannot keep the vault key in the OS keyring ({e}); set TWOFOLD_PASSWORD to protect the vault with a password instead")
            }
            Err(e) => return Err(e.into()),
        };
        eprintln!("twofold: created a new vault at {}", path.display());
        if vault.slots().keyring_only() {
            eprintln!("twofold: note: it opens with the OS keyring only; add a way in that survives a lost keyring with `twofold vault recovery-key` or `twofold vault password`");
        }
        let mut vault = vault;
        self.track(&mut vault)?;
        Ok(vault)
    }
}

/// Longest secret input read from standard input or a file (an otpauth URI is a few hundred
/// bytes).
const MAX_SECRET_INPUT: u64 = 64 * 1024;

/// A secret given to option `flag`: `-` reads standard input, `file` reads that file, and a
/// value on the command line is taken with a warning (other users see it in ps and /proc, and
/// the shell history keeps it). Surrounding whitespace (the final newline) is dropped.
fn secret_input(
    flag: &str,
    arg: Option<String>,
    file: Option<&std::path::Path>,
) -> Result<Zeroizing<String>> {
    use std::io::Read;
    let (text, from) = match (arg, file) {
        (_, Some(path)) => {
            let f = std::fs::File::open(path)
                .map_err(|e| anyhow!("reading {}: {e}", path.display()))?;
            let mut text = Zeroizing::new(String::new());
            f.take(MAX_SECRET_INPUT)
                .read_to_string(&mut text)
                .map_err(|e| anyhow!("reading {}: {e}", path.display()))?;
            (text, path.display().to_string())
        }
        (Some(arg), None) if arg == "-" => {
            if std::io::stdin().is_terminal() {
                // Typed or pasted: not echoed, like a password (the seed is in it).
                let line =
                    Zeroizing::new(rpassword::prompt_password("otpauth:// URI (not shown): ")?);
                (line, "standard input".to_string())
            } else {
                let mut text = Zeroizing::new(String::new());
                std::io::stdin()
                    .take(MAX_SECRET_INPUT)
                    .read_to_string(&mut text)?;
                (text, "standard input".to_string())
            }
        }
        (Some(arg), None) => {
            eprintln!(
                "twofold: warning: {flag} on the command line is visible to other users (ps, /proc) and stays in the shell history; pipe it to {flag} - or use {flag}-file FILE"
            );
            (Zeroizing::new(arg), String::new())
        }
        (None, None) => bail!("give {flag} or {flag}-file"),
    };
    let trimmed = text.trim();
    if trimmed.is_empty() && !from.is_empty() {
        bail!("{from} held no URI");
    }
    Ok(Zeroizing::new(trimmed.to_string()))
}

pub(crate) fn env_password(var: &str) -> Option<Zeroizing<String>> {
    std::env::var(var)
        .ok()
        .filter(|s| !s.is_empty())
        .map(Zeroizing::new)
}

pub(crate) fn new_password() -> Result<Zeroizing<String>> {
    if let Some(pw) = env_password("TWOFOLD_NEW_PASSWORD") {
        return Ok(pw);
    }
    if !std::io::stdin().is_terminal() {
        bail!("set TWOFOLD_NEW_PASSWORD, or run in a terminal to type the new password");
    }
    let a = Zeroizing::new(rpassword::prompt_password("New vault password: ")?);
    let b = Zeroizing::new(rpassword::prompt_password("Repeat it: ")?);
    if a != b {
        bail!("the passwords differ; nothing was changed");
    }
    if a.is_empty() {
        bail!("the password is empty; nothing was changed");
    }
    Ok(a)
}
