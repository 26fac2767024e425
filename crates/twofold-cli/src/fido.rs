//! `twofold fido ...`: FIDO2 security keys from the terminal.
//!
//! Each subcommand opens the key, makes one `twofold_core::fido::ops` call and prints the result.
//! PINs are never arguments: they come from TWOFOLD_FIDO_PIN / TWOFOLD_FIDO_NEW_PIN (for
//! scripts) or a no-echo prompt. Operations that wait for a touch run on a worker thread
//! (`fido::task`).
//!
//! In a build with the `test-hooks` feature (the test suites' build, never a release),
//! TWOFOLD_FIDO_SIMULATOR=<state.json> swaps the USB keys for the software key of
//! `twofold_core::fido::sim`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use twofold_core::fido::ops::{self, ResetConfirmation};
use twofold_core::fido::{task, Authenticator, AuthenticatorFinder, FidoError, KeyInfo, Pin};

/// Current PIN, for scripts.
const PIN_VAR: &str = "TWOFOLD_FIDO_PIN";
/// New PIN for `pin set` / `pin change`, for scripts.
const NEW_PIN_VAR: &str = "TWOFOLD_FIDO_NEW_PIN";
/// Test hooks only: a simulated key's state file instead of USB keys.
#[cfg(feature = "test-hooks")]
const SIMULATOR_VAR: &str = "TWOFOLD_FIDO_SIMULATOR";

#[derive(Args)]
pub(crate) struct FidoArgs {
    /// The key to use, by path (see `twofold fido list`); default: the only key plugged in.
    #[arg(long, global = true, value_name = "PATH")]
    device: Option<String>,
    #[command(subcommand)]
    command: FidoCommand,
}

#[derive(Subcommand)]
enum FidoCommand {
    /// List the security keys plugged in.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show what a key supports: versions, extensions, AAGUID, options, PIN retries.
    Info {
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Set or change the key's PIN (PINs from TWOFOLD_FIDO_PIN / TWOFOLD_FIDO_NEW_PIN or a prompt).
    Pin {
        #[command(subcommand)]
        action: PinAction,
    },
    /// Register a test credential and verify a signature with it (touch the key twice).
    Test {
        /// Store the test credential on the key (a resident credential) instead of nowhere.
        #[arg(long)]
        resident: bool,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List the resident credentials on the key, or delete one.
    Credentials {
        /// Delete the credential with this id (as listed).
        #[arg(long, value_name = "ID")]
        delete: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Erase every credential and the PIN on the key (asks to type "reset"; within 10 s of plug-in).
    Reset {
        /// Do not ask: for scripts that have already warned the user.
        #[arg(long)]
        yes_erase_everything: bool,
    },
    /// Make the key blink, to tell which one it is.
    Wink,
}

#[derive(Subcommand)]
enum PinAction {
    /// Set the first PIN of a key that has none.
    Set,
    /// Change the PIN.
    Change,
}

fn finder() -> Result<Box<dyn AuthenticatorFinder>> {
    #[cfg(feature = "test-hooks")]
    if let Some(path) = std::env::var_os(SIMULATOR_VAR).filter(|p| !p.is_empty()) {
        return Ok(Box::new(twofold_core::fido::sim::SimFinder {
            path: path.into(),
        }));
    }
    hid_finder()
}

#[cfg(feature = "fido")]
fn hid_finder() -> Result<Box<dyn AuthenticatorFinder>> {
    Ok(Box::new(twofold_core::fido::hid::HidFinder))
}

#[cfg(not(feature = "fido"))]
fn hid_finder() -> Result<Box<dyn AuthenticatorFinder>> {
    bail!("this twofold was built without FIDO security key support (the `fido` feature)")
}

pub(crate) fn run(args: FidoArgs) -> Result<()> {
    let device = args.device.as_deref();
    match args.command {
        FidoCommand::List { json } => {
            let list = finder()?.list()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                eprintln!("{}", FidoError::NoDevice);
            } else {
                for d in &list {
                    println!(
                        "{}  {:04x}:{:04x}  {}",
                        d.path, d.vendor_id, d.product_id, d.product
                    );
                }
            }
            Ok(())
        }
        FidoCommand::Info { json } => {
            let key = open(device)?;
            let info = ops::key_info(&*key)?;
            if json {
                let mut v = serde_json::to_value(&info)?;
                v["device"] = serde_json::to_value(key.device())?;
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print_info(&*key, &info);
            }
            Ok(())
        }
        FidoCommand::Pin {
            action: PinAction::Set,
        } => {
            let key = open(device)?;
            // Refuse before prompting when the key cannot take a first PIN.
            let info = ops::key_info(&*key)?;
            if info.options.client_pin == Some(true) {
                return Err(FidoError::PinAlreadySet.into());
            }
            let new = new_pin()?;
            ops::set_pin(&*key, &new, &Default::default())?;
            println!("PIN set");
            Ok(())
        }
        FidoCommand::Pin {
            action: PinAction::Change,
        } => {
            let key = open(device)?;
            let info = ops::key_info(&*key)?;
            if info.options.client_pin != Some(true) {
                return Err(FidoError::PinNotSet.into());
            }
            let current = pin("Current PIN: ")?;
            let new = new_pin()?;
            ops::change_pin(&*key, &current, &new, &Default::default())?;
            println!("PIN changed");
            Ok(())
        }
        FidoCommand::Test { resident, json } => {
            let key = open(device)?;
            let pin = pin_if_set(&*key)?;
            eprintln!("touch the key when it blinks (twice: once to register, once to verify)");
            let op = task::spawn(move |cancel| {
                ops::test_credential(&*key, pin.as_ref(), resident, cancel)
            });
            let out = op.wait()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "the key registered a test credential for {} and signed with it; the signature verified (attestation {}, PIN {}, {})",
                    out.rp_id,
                    out.attestation_format,
                    if out.pin_used { "used" } else { "not set" },
                    if out.resident {
                        format!("stored on the key as {}", out.credential_id)
                    } else {
                        "nothing stored on the key".into()
                    }
                );
            }
            Ok(())
        }
        FidoCommand::Credentials { delete, json } => {
            let key = open(device)?;
            let pin = pin_if_set(&*key)?;
            let cancel = Default::default();
            if let Some(id) = delete {
                let gone = ops::delete_credential(&*key, pin.as_ref(), &id, &cancel)?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&gone)?);
                } else {
                    println!(
                        "deleted credential {} ({} for {})",
                        gone.id, gone.user_name, gone.rp_id
                    );
                }
                return Ok(());
            }
            let creds = ops::list_credentials(&*key, pin.as_ref(), &cancel)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&creds)?);
            } else if creds.is_empty() {
                eprintln!("no resident credentials on the key");
            } else {
                for c in &creds {
                    println!("{}  {}  {}", c.rp_id, c.user_name, c.id);
                }
            }
            Ok(())
        }
        FidoCommand::Reset {
            yes_erase_everything,
        } => {
            eprintln!("{}", ops::RESET_WARNING);
            let interactive = std::io::stdin().is_terminal();
            let confirmed = if yes_erase_everything {
                ResetConfirmation::confirmed_by_caller()
            } else if interactive {
                let answer = prompt_line(&format!(
                    "Type '{}' to erase the key: ",
                    ResetConfirmation::WORD
                ))?;
                ResetConfirmation::from_typed(&answer)?
            } else {
                bail!(
                    "{}; in a script, pass --yes-erase-everything",
                    FidoError::ResetNotConfirmed
                );
            };
            if interactive {
                prompt_line(
                    "Unplug the key, plug it back in, then press Enter (within 10 seconds): ",
                )?;
            }
            // Opened only now: after a replug the key may have a new path.
            let key = open(device)?;
            eprintln!("touch the key to confirm the reset");
            let op = task::spawn(move |cancel| ops::reset(&*key, confirmed, cancel));
            op.wait()?;
            println!("the key was reset: no credentials, no PIN");
            Ok(())
        }
        FidoCommand::Wink => {
            let key = open(device)?;
            ops::wink(&*key)?;
            println!("the key at {} is blinking", key.device().path);
            Ok(())
        }
    }
}

fn open(device: Option<&str>) -> Result<Box<dyn Authenticator>> {
    Ok(finder()?.open(device)?)
}

fn yes_no(v: Option<bool>, yes: &str, no: &str) -> String {
    match v {
        Some(true) => yes.into(),
        Some(false) => no.into(),
        None => "not supported".into(),
    }
}

fn print_info(key: &dyn Authenticator, info: &KeyInfo) {
    let d = key.device();
    let o = &info.options;
    println!(
        "device       {} ({:04x}:{:04x} {})",
        d.path, d.vendor_id, d.product_id, d.product
    );
    println!("versions     {}", info.versions.join(", "));
    println!("extensions   {}", info.extensions.join(", "));
    println!("aaguid       {}", info.aaguid);
    let pin = match (o.client_pin, info.pin_retries) {
        (Some(true), Some(r)) => format!("set, {r} tries left"),
        (Some(true), None) => "set".into(),
        (Some(false), _) => "not set".into(),
        (None, _) => "not supported".into(),
    };
    println!(
        "PIN          {pin} (at least {} characters)",
        info.min_pin_length
    );
    println!(
        "clientPin    {}",
        yes_no(o.client_pin, "yes (PIN set)", "yes (no PIN yet)")
    );
    println!("rk           {}", yes_no(o.rk, "yes", "no"));
    println!(
        "uv           {}",
        yes_no(o.uv, "yes (configured)", "yes (not configured)")
    );
    println!("credMgmt     {}", yes_no(o.cred_mgmt, "yes", "no"));
    println!(
        "bioEnroll    {}",
        yes_no(o.bio_enroll, "yes (enrolled)", "yes (none enrolled)")
    );
}

fn env_pin(var: &str) -> Option<Pin> {
    std::env::var(var)
        .ok()
        .filter(|s| !s.is_empty())
        .map(Pin::new)
}

/// The current PIN: TWOFOLD_FIDO_PIN, else a no-echo prompt.
fn pin(prompt: &str) -> Result<Pin> {
    if let Some(p) = env_pin(PIN_VAR) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "{}; or run in a terminal to type it",
            FidoError::PinRequired
        );
    }
    Ok(Pin::new(rpassword::prompt_password(prompt)?))
}

/// The PIN when the key has one (without asking when it has none).
fn pin_if_set(key: &dyn Authenticator) -> Result<Option<Pin>> {
    if key.info()?.options.client_pin == Some(true) {
        Ok(Some(pin("Key PIN: ")?))
    } else {
        Ok(None)
    }
}

/// The new PIN: TWOFOLD_FIDO_NEW_PIN, else typed twice without echo.
fn new_pin() -> Result<Pin> {
    if let Some(p) = env_pin(NEW_PIN_VAR) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("set {NEW_PIN_VAR}, or run in a terminal to type the new PIN");
    }
    let a = Pin::new(rpassword::prompt_password("New PIN: ")?);
    let b = Pin::new(rpassword::prompt_password("Repeat it: ")?);
    if a.as_str() != b.as_str() {
        bail!("the PINs differ; nothing was changed");
    }
    Ok(a)
}

fn prompt_line(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line)
}
