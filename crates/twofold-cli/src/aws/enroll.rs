//! `twofold aws enroll`, `pending`, `resync`, `deactivate`, `devices` and `orphans`: an MFA
//! device's lifecycle, from enrolling it to deleting what an abandoned enrollment left behind.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;

use anyhow::Result;
use serde_json::json;
use twofold_core::aws::client::{AwsClient, IamApi};
use twofold_core::aws::enroll::{self, EnrollRequest, Step};
use twofold_core::vault::{Account, VaultAccess};

use super::output::{aws_date, print_done, warn_skew};
use crate::Ctx;

/// `twofold aws enroll`: creates, saves and enables a virtual MFA device for `user`.
pub(super) async fn enroll(
    ctx: &Ctx,
    api: AwsClient,
    json: bool,
    profile: Option<String>,
    user: Option<String>,
    device_name: Option<String>,
    phone: bool,
) -> Result<()> {
    let vault = Mutex::new(ctx.open_or_create()?);
    let req = EnrollRequest {
        user,
        device_name,
        profile,
    };
    let started = std::time::Instant::now();
    let mut ask = |account: &Account, last: Option<&twofold_core::Error>| ask_codes(account, last);
    let mut progress = |step: Step| {
        if !json {
            eprintln!("twofold: {}", step_text(step));
        }
    };
    let typed: Option<&mut enroll::AskCodes<'_>> = if phone { Some(&mut ask) } else { None };
    let done = match enroll::enroll(&api, &vault, &req, typed, &mut progress).await {
        Ok(done) => done,
        Err(e) => {
            // The hint must not replace the error: a vault that cannot be read says nothing
            // here.
            let pending = vault.read(|v| Ok(enroll::pending(v)));
            if pending.is_ok_and(|p| !p.is_empty()) {
                eprintln!("twofold: the seed is saved in the vault; finish with `twofold aws pending --resume NAME` or undo with `--abort NAME` (see `twofold aws pending`)");
            }
            return Err(e.into());
        }
    };
    warn_skew(api.clock_skew());
    if json {
        println!(
            "{}",
            json!({
                "serial": done.serial, "user": done.user_name, "name": done.name,
                "account": done.account.0, "elapsedMs": started.elapsed().as_millis() as u64,
            "apiCalls": api.calls(),
            })
        );
    } else {
        eprintln!(
            "twofold: MFA is enabled for {}; the account {:?} in Twofold gives its codes.",
            done.user_name, done.name
        );
        eprintln!("twofold: next: sign out and back in to the console with a code, or use `twofold code {:?}` for the CLI.", done.name);
        println!("{}", done.serial);
    }
    Ok(())
}

/// `twofold aws devices`: lists a user's MFA devices.
pub(super) async fn devices(api: AwsClient, json: bool, user: Option<String>) -> Result<()> {
    let user = enroll::user_or_caller(&api, user.as_deref()).await?;
    let devices = api.list_mfa_devices(&user).await?;
    if json {
        println!("{}", json!({ "user": user, "devices": devices }));
    } else if devices.is_empty() {
        println!("{user} has no MFA device");
    } else {
        for d in devices {
            let when = d.enabled_at.map(aws_date).unwrap_or_default();
            println!("{}  {:?}  enabled {when}", d.serial, d.kind);
        }
    }
    Ok(())
}

/// `twofold aws resync`: resynchronises a device, with codes from the vault or typed.
pub(super) async fn resync(
    ctx: &Ctx,
    api: AwsClient,
    json: bool,
    serial: String,
    user: Option<String>,
) -> Result<()> {
    let vault = ctx.open_if_exists()?.map(Mutex::new);
    let held = match &vault {
        Some(v) => v.read(|v| Ok(v.account_for_device(&serial).is_some()))?,
        None => false,
    };
    let typed = if held {
        None
    } else {
        Some(read_two_codes("this device")?)
    };
    let typed_ref = typed.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
    let user = enroll::resync(&api, vault.as_ref(), &serial, user.as_deref(), typed_ref).await?;
    print_done(
        json,
        json!({ "serial": serial, "user": user, "resynced": true }),
        &format!("resynchronised {serial}"),
    );
    Ok(())
}

/// `twofold aws deactivate`: deactivates a device, and with `delete` deletes it.
pub(super) async fn deactivate(
    ctx: &Ctx,
    api: AwsClient,
    json: bool,
    serial: String,
    user: Option<String>,
    delete: bool,
) -> Result<()> {
    let vault = ctx.open_if_exists()?.map(Mutex::new);
    let (user, _) =
        enroll::deactivate(&api, vault.as_ref(), &serial, user.as_deref(), delete).await?;
    let what = if delete {
        "deactivated and deleted"
    } else {
        "deactivated"
    };
    print_done(
        json,
        json!({ "serial": serial, "user": user, "deactivated": true, "deleted": delete }),
        &format!("{what} {serial}"),
    );
    Ok(())
}

/// `twofold aws pending`: lists interrupted enrollments, or resumes or aborts one.
pub(super) async fn pending(
    ctx: &Ctx,
    api: AwsClient,
    json: bool,
    resume: Option<String>,
    abort: Option<String>,
) -> Result<()> {
    let vault = Mutex::new(ctx.open()?);
    let id_of = |name: &str| vault.read(|v| Ok(v.find(name)?.id.clone()));
    if let Some(name) = resume {
        let mut progress = |step: Step| {
            if !json {
                eprintln!("twofold: {}", step_text(step));
            }
        };
        let done = enroll::resume(&api, &vault, &id_of(&name)?, &mut progress).await?;
        print_done(
            json,
            json!({ "serial": done.serial, "user": done.user_name, "name": done.name, "resumed": true }),
            &done.serial,
        );
    } else if let Some(name) = abort {
        enroll::abort(&api, &vault, &id_of(&name)?).await?;
        print_done(
            json,
            json!({ "aborted": name }),
            &format!("aborted {name}; the device was deleted in AWS"),
        );
    } else {
        let list = vault.read(|v| Ok(enroll::pending(v)))?;
        if json {
            let items: Vec<_> = list.iter().map(|(a, l)| json!({ "name": a.name, "id": a.id.0, "serial": l.serial, "user": l.user_name, "created": a.created })).collect();
            println!("{}", json!({ "pending": items }));
        } else if list.is_empty() {
            println!("no interrupted enrollment");
        } else {
            for (a, l) in &list {
                println!(
                    "{}  {}  (user {}; resume: twofold aws pending --resume {:?})",
                    a.name, l.serial, l.user_name, a.name
                );
            }
        }
    }
    Ok(())
}

/// `twofold aws orphans`: virtual MFA devices assigned to nobody, deleted with `delete`.
pub(super) async fn orphans(ctx: &Ctx, api: AwsClient, json: bool, delete: bool) -> Result<()> {
    let orphans = api.list_unassigned_virtual_devices().await?;
    let vault = ctx.open_if_exists()?;
    // A device whose enrollment is pending in this vault is not an orphan yet.
    let pending: Vec<String> = vault
        .as_ref()
        .map(|v| {
            enroll::pending(v)
                .into_iter()
                .map(|(_, l)| l.serial)
                .collect()
        })
        .unwrap_or_default();
    let orphans: Vec<_> = orphans
        .into_iter()
        .filter(|d| !pending.contains(&d.serial))
        .collect();
    if delete {
        for d in &orphans {
            api.delete_virtual_mfa_device(&d.serial).await?;
        }
    }
    if json {
        println!("{}", json!({ "orphans": orphans, "deleted": delete }));
    } else {
        for d in &orphans {
            println!("{}{}", if delete { "deleted " } else { "" }, d.serial);
        }
        if orphans.is_empty() {
            println!("no unassigned virtual MFA device");
        }
    }
    Ok(())
}

fn step_text(step: Step) -> &'static str {
    match step {
        Step::Identify => "checking who you are and the user's devices...",
        Step::Create => "creating the virtual MFA device...",
        Step::Persist => "saving its seed in the vault...",
        Step::Enable => "enabling it with two consecutive codes...",
        Step::Verify => "verifying...",
        Step::Done => "done",
    }
}

/// Shows the seed's QR code (the user keeps it on a phone) and reads two codes.
fn ask_codes(
    account: &Account,
    last: Option<&twofold_core::Error>,
) -> twofold_core::Result<(String, String)> {
    let mut err = std::io::stderr().lock();
    match last {
        None => {
            let qr = twofold_core::qr::to_terminal(&account.to_uri())?;
            let _ = writeln!(
                err,
                "Scan this with your phone's authenticator app:\n{}",
                qr.as_str()
            );
        }
        Some(e) => {
            let _ = writeln!(err, "twofold: {e}");
        }
    }
    drop(err);
    read_two_codes("your phone").map_err(|e| twofold_core::Error::io("reading the two codes", e))
}

fn read_two_codes(from: &str) -> std::io::Result<(String, String)> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    let mut read = |prompt: &str| -> std::io::Result<String> {
        if interactive {
            eprint!("{prompt}");
            std::io::stderr().flush()?;
        }
        match lines.next() {
            Some(line) => Ok(line?.trim().replace(' ', "")),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "no codes given (standard input closed)",
            )),
        }
    };
    let c1 = read(&format!("First code from {from}: "))?;
    let c2 = read("The next code, after it changes: ")?;
    Ok((c1, c2))
}

/// `twofold aws assign-token`: enables a hardware TOTP token for `user` with two consecutive
/// codes from its display (read from standard input, one per line, or prompted for).
pub(super) async fn assign_token(
    api: AwsClient,
    json: bool,
    user: String,
    serial: String,
) -> Result<()> {
    twofold_core::aws::hardware::check_serial(&serial)?;
    let (c1, c2) = read_two_codes(&format!("the token {serial}"))?;
    let device = twofold_core::aws::hardware::assign_token(&api, &user, &serial, &c1, &c2).await?;
    print_done(
        json,
        json!({ "serial": device.serial, "user": user, "kind": device.kind, "enabledAt": device.enabled_at }),
        &format!("the hardware token {serial} is enabled for {user} (AWS lists it for the user)"),
    );
    Ok(())
}
