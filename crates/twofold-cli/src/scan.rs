//! `twofold scan` and `twofold add --scan`: QR codes from image files, the screen, the clipboard
//! or the webcam, read by `twofold_core::qr`.
//!
//! Plain output is the text of each code (the otpauth URI, secret included: that is what was
//! asked for), one per line, prefixed with where it came from when there are several frames.
//! `--json` prints one object per frame. The exit status is 1 when a frame holds no QR code or
//! only codes that are not authenticator codes.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use clap::Args;
use twofold_core::qr::{self, Frame, FrameSource, ImageFile, Payload, Scanned};
use twofold_core::vault::NewAccount;

use crate::Ctx;

/// `twofold scan`.
#[derive(Args)]
pub struct ScanArgs {
    /// Image files to read (PNG, JPEG, WebP, BMP, GIF).
    #[arg(value_name = "FILE", required_unless_present_any = ["screen", "clipboard", "camera"])]
    files: Vec<PathBuf>,
    /// Read every monitor (X11; on Wayland through the desktop portal, which may ask first).
    #[arg(long)]
    screen: bool,
    /// Read the image on the clipboard.
    #[arg(long)]
    clipboard: bool,
    /// Read the webcam until it sees a QR code (or --timeout passes).
    #[arg(long)]
    camera: bool,
    /// Seconds to keep looking with --camera (default 30), or to wait for the desktop portal's
    /// screenshot with --screen on Wayland (default 60: it may ask you first).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Print one JSON object per image instead of the codes' text.
    #[arg(long)]
    json: bool,
}

/// What one frame gave: its texts (each with what it means), or why there is nothing.
struct Outcome {
    origin: String,
    found: Result<Vec<(String, twofold_core::Result<Payload>)>, String>,
}

impl Outcome {
    /// True when at least one code is an authenticator code.
    fn usable(&self) -> bool {
        self.found
            .as_ref()
            .is_ok_and(|codes| codes.iter().any(|(_, p)| p.is_ok()))
    }
}

fn read_frames(args: &ScanArgs) -> Vec<Outcome> {
    let mut out = Vec::new();
    let mut push = |origin: String, r: twofold_core::Result<Vec<String>>| {
        out.push(Outcome {
            origin,
            found: r
                .map(|texts| {
                    texts
                        .into_iter()
                        .map(|t| {
                            let p = Payload::parse(&t);
                            (t, p)
                        })
                        .collect()
                })
                .map_err(|e| e.to_string()),
        })
    };
    for file in &args.files {
        let origin = file.display().to_string();
        let r = ImageFile::new(file)
            .next_frame()
            .and_then(|f| f.ok_or(twofold_core::Error::QrNotFound))
            .and_then(|f| qr::scan_frame(&f));
        push(origin, r);
    }
    let mut each = |name: &str, src: twofold_core::Result<Box<dyn FrameSource>>| match src {
        Err(e) => push(name.to_string(), Err(e)),
        Ok(mut src) => loop {
            match src.next_frame() {
                Ok(Some(Frame { image, origin })) => {
                    let r = qr::scan_frame(&Frame {
                        image,
                        origin: origin.clone(),
                    });
                    push(origin, r)
                }
                Ok(None) => break,
                Err(e) => {
                    push(name.to_string(), Err(e));
                    break;
                }
            }
        },
    };
    if args.screen {
        let mut screen = qr::Screen::new();
        if let Some(secs) = args.timeout {
            screen = screen.portal_timeout(Duration::from_secs(secs));
        }
        each("screen", Ok(Box::new(screen)));
    }
    if args.clipboard {
        each("clipboard", Ok(Box::new(qr::Clipboard::new())));
    }
    if args.camera {
        let r = open_camera().and_then(|mut cam| {
            qr::scan_until_found(
                cam.as_mut(),
                Duration::from_secs(args.timeout.unwrap_or(30)),
            )
        });
        match r {
            Ok((origin, texts)) => push(origin, Ok(texts)),
            Err(e) => push("camera".into(), Err(e)),
        }
    }
    out
}

#[cfg(feature = "camera")]
fn open_camera() -> twofold_core::Result<Box<dyn FrameSource>> {
    Ok(Box::new(twofold_core::camera::Camera::open(0)?))
}

#[cfg(not(feature = "camera"))]
fn open_camera() -> twofold_core::Result<Box<dyn FrameSource>> {
    Err(twofold_core::Error::CameraUnsupported)
}

fn json_of(o: &Outcome) -> serde_json::Value {
    match &o.found {
        Err(e) => serde_json::json!({ "source": o.origin, "found": false, "error": e }),
        Ok(codes) => {
            let codes: Vec<_> = codes
                .iter()
                .map(|(text, p)| match p {
                    Ok(Payload::Account(a)) => serde_json::json!({
                        "text": text, "kind": a.otp.kind, "issuer": a.issuer, "account": a.account,
                    }),
                    Ok(Payload::Migration(b)) => serde_json::json!({
                        "text": text, "kind": "migration",
                        "batch": { "size": b.batch_size, "index": b.batch_index, "id": b.batch_id },
                        "accounts": b.accounts.iter().map(|a| serde_json::json!({
                            "uri": a.to_uri().as_str(), "kind": a.otp.kind,
                            "issuer": a.issuer, "account": a.account,
                        })).collect::<Vec<_>>(),
                        "skipped": b.skipped,
                    }),
                    Err(e) => {
                        serde_json::json!({ "text": text, "kind": "other", "error": e.to_string() })
                    }
                })
                .collect();
            serde_json::json!({ "source": o.origin, "found": true, "codes": codes })
        }
    }
}

/// `twofold scan ...`.
pub fn run(args: ScanArgs) -> Result<()> {
    let outcomes = read_frames(&args);
    let several = outcomes.len() > 1;
    for o in &outcomes {
        if args.json {
            println!("{}", json_of(o));
            continue;
        }
        match &o.found {
            // A lone failure is the error `main` prints.
            Err(e) if several => eprintln!("twofold: {}: {e}", o.origin),
            Err(_) => {}
            Ok(codes) => {
                for (text, p) in codes {
                    match p {
                        Ok(_) if several => println!("{}: {}", o.origin, text.trim()),
                        Ok(_) => println!("{}", text.trim()),
                        Err(e) if several || o.usable() => {
                            eprintln!("twofold: {}: {e}", o.origin)
                        }
                        Err(_) => {}
                    }
                }
            }
        }
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.usable()).collect();
    match (failed.len(), outcomes.len()) {
        (0, _) => Ok(()),
        (1, 1) => bail!("{}: {}", failed[0].origin, reason(failed[0])),
        (n, m) => bail!("{n} of {m} images held no authenticator QR code"),
    }
}

/// Why a frame gave nothing usable: no code, or the first code's parse error.
fn reason(o: &Outcome) -> String {
    match &o.found {
        Err(e) => e.clone(),
        Ok(codes) => codes
            .iter()
            .find_map(|(_, p)| p.as_ref().err().map(|e| e.to_string()))
            .unwrap_or_else(|| "not an authenticator QR code".into()),
    }
}

/// `twofold add --scan FILE...`: adds every account in the files' QR codes (every account of a
/// Google Authenticator export), in one write (core's import rules: a secret already in the
/// vault is not added twice; a clashing name Twofold picked gets a suffix). `name` is allowed
/// when exactly one account is found.
pub fn add(ctx: &Ctx, files: &[PathBuf], name: Option<String>, now: u64) -> Result<()> {
    let mut found = Scanned::default();
    for file in files {
        let frame = ImageFile::new(file)
            .next_frame()?
            .ok_or_else(|| anyhow!("{}: no image", file.display()))?;
        let texts = qr::scan_frame(&frame).map_err(|e| anyhow!("{}: {e}", file.display()))?;
        let mut this = Scanned::from_texts(&texts)
            .require_accounts()
            .map_err(|e| anyhow!("{}: {e}", file.display()))?;
        for s in &this.skipped {
            eprintln!("twofold: {}: skipped {s}", file.display());
        }
        found.accounts.append(&mut this.accounts);
        for (id, part) in this.exports {
            let entry = found.exports.entry(id).or_insert(part.clone());
            entry.seen.extend(part.seen);
        }
    }
    for (size, missing) in found.incomplete_exports() {
        let missing: Vec<String> = missing.iter().map(u32::to_string).collect();
        eprintln!(
            "twofold: note: this Google Authenticator export has {size} QR codes; code(s) {} were not scanned: add them too",
            missing.join(", ")
        );
    }
    if name.is_some() && found.accounts.len() != 1 {
        bail!(
            "--name names one account, but the QR codes hold {}",
            found.accounts.len()
        );
    }
    let news = found
        .accounts
        .into_iter()
        .map(|uri| NewAccount {
            uri,
            name: name.clone(),
            tags: Vec::new(),
        })
        .collect();
    let mut vault = ctx.open_or_create()?;
    let imported = vault.import(news, now)?;
    for id in &imported.added {
        println!("added {}", vault.find(&id.0)?.name);
    }
    for a in &imported.already {
        eprintln!(
            "twofold: {} is already in the vault as {:?}; not added again",
            a.name, a.held_by
        );
    }
    Ok(())
}
