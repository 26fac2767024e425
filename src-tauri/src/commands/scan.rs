//! The scan screen: read a QR code from the webcam (live, with previews over a channel), the
//! screen, a dropped or opened image, or the clipboard; preview what it holds; save the accounts
//! the user picks. Also "Show QR code", which draws an account's URI for a phone.
//!
//! A scan's secrets never cross to the web view: [`ScanResult`] describes the accounts and the
//! [`OtpUri`]s wait in [`AppState`]'s scan slot until `scan_save` (or the next scan) takes them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::{AppHandle, Manager, Runtime};
use twofold_core::qr::live::{scan_live, LiveOptions, LiveOutcome};
use twofold_core::qr::source::load_image_bytes;
use twofold_core::qr::{self, Frame, FrameSource, ImageDir, Scanned};
use twofold_core::vault::VaultAccess;
use twofold_core::Error as CoreError;

use crate::error::{ErrorKind, IpcError, Result};
use crate::events;
use crate::models::scan::{
    AccountQr, CameraEvent, CameraList, ScanExport, ScanResult, ScannedAccount,
};
use crate::models::AccountSummary;
use crate::state::{AppState, AppStateRef};

/// The header that carries a dropped or opened file's name with its bytes.
pub const FILE_NAME_HEADER: &str = "twofold-file-name";

/// Biggest image accepted from the web view (a 4K PNG screenshot is well under this).
const MAX_IMAGE_BYTES: usize = 40 * 1024 * 1024;

/// Time between two test frames: about a webcam's pace at the rate we decode.
const TEST_FRAME_EVERY: Duration = Duration::from_millis(150);

/// Turns a frame's texts into a pending scan: sorts them (core's [`Scanned`]), keeps the
/// accounts in the scan slot under a new token (replacing any earlier scan) and describes them
/// for the preview, with the names the import would give them.
pub fn pending_scan(state: &AppState, origin: String, texts: &[String]) -> Result<ScanResult> {
    let found = Scanned::from_texts(texts).require_accounts()?;
    let previews = state.read(|v| Ok(ScannedAccount::list(v.data(), &found.accounts)))?;
    let mut slot = state.scan();
    slot.next += 1;
    let token = format!("scan-{}", slot.next);
    let result = ScanResult {
        token: token.clone(),
        origin,
        source: if found.has_export() {
            "googleExport"
        } else {
            "account"
        }
        .into(),
        accounts: previews,
        export: found.exports.values().next().map(ScanExport::from),
        skipped: found.skipped,
    };
    slot.pending = Some((token, found.accounts));
    Ok(result)
}

/// Reads the first frame of `source` that holds a code (one frame per monitor for the screen).
fn scan_source(state: &AppState, source: &mut dyn FrameSource) -> Result<ScanResult> {
    let mut unreadable = None;
    while let Some(frame) = source.next_frame()? {
        match qr::scan_frame(&frame) {
            Ok(texts) => match pending_scan(state, frame.origin, &texts) {
                Ok(r) => return Ok(r),
                // A monitor may show some other QR code; keep looking on the others.
                Err(e) => unreadable = Some(e),
            },
            Err(CoreError::QrNotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(unreadable.unwrap_or_else(|| CoreError::QrNotFound.into()))
}

/// The cameras there are (or the test frames standing in for them).
#[tauri::command(async)]
pub fn scan_cameras(state: AppStateRef<'_>) -> CameraList {
    if let Some(dir) = state.test_camera() {
        return CameraList {
            cameras: vec![format!("Test frames ({})", dir.display())],
            error: None,
        };
    }
    match twofold_core::camera::list() {
        Ok(cameras) => CameraList {
            cameras,
            error: None,
        },
        Err(e) => CameraList {
            cameras: Vec::new(),
            error: Some(e.into()),
        },
    }
}

/// A folder of images played at a camera's pace (tests; `--camera-frames`).
struct TestFrames {
    dir: ImageDir,
    last: Option<Instant>,
}

impl FrameSource for TestFrames {
    fn next_frame(&mut self) -> twofold_core::Result<Option<Frame>> {
        if let Some(wait) = self
            .last
            .and_then(|t| TEST_FRAME_EVERY.checked_sub(t.elapsed()))
        {
            std::thread::sleep(wait);
        }
        self.last = Some(Instant::now());
        Ok(self.dir.next_frame()?.map(|mut f| {
            f.origin = "Test frames".into();
            f
        }))
    }
}

fn open_camera(index: u32, test: Option<&Path>) -> twofold_core::Result<Box<dyn FrameSource>> {
    if let Some(dir) = test {
        return Ok(Box::new(TestFrames {
            dir: ImageDir::new(dir)?,
            last: None,
        }));
    }
    Ok(Box::new(twofold_core::camera::Camera::open(index)?))
}

fn send(channel: &Channel<CameraEvent>, event: CameraEvent) -> bool {
    channel.send(event).is_ok()
}

/// Runs one camera scan to its end, reporting on `channel`.
fn run_camera(
    state: &AppState,
    index: u32,
    test: Option<PathBuf>,
    cancel: &AtomicBool,
    channel: &Channel<CameraEvent>,
) {
    let mut source = match open_camera(index, test.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            send(channel, CameraEvent::Failed { error: e.into() });
            return;
        }
    };
    let camera = match &test {
        Some(_) => "Test frames".to_string(),
        None => twofold_core::camera::list()
            .ok()
            .and_then(|l| l.get(index as usize).cloned())
            .unwrap_or_else(|| format!("camera {index}")),
    };
    send(channel, CameraEvent::Started { camera });
    let outcome = scan_live(source.as_mut(), cancel, LiveOptions::default(), &mut |p| {
        let url = format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&p.jpeg)
        );
        send(
            channel,
            CameraEvent::Frame {
                url,
                width: p.width,
                height: p.height,
            },
        )
    });
    // The camera (and its light) goes off before anything else happens.
    drop(source);
    let event = match outcome {
        Ok(LiveOutcome::Found { origin, texts }) => match pending_scan(state, origin, &texts) {
            Ok(result) => CameraEvent::Found { result },
            Err(error) => CameraEvent::Failed { error },
        },
        Ok(LiveOutcome::Cancelled) => CameraEvent::Stopped {
            reason: "cancelled".into(),
        },
        Ok(LiveOutcome::Ended) => CameraEvent::Stopped {
            reason: "ended".into(),
        },
        Ok(LiveOutcome::TimedOut) => CameraEvent::Stopped {
            reason: "timedOut".into(),
        },
        Err(e) => CameraEvent::Failed { error: e.into() },
    };
    send(channel, event);
}

/// Starts the camera `index` and scans until a code is read or `scan_camera_stop`; everything
/// after the start is reported on `on_event`. A running camera scan is stopped first.
#[tauri::command]
pub fn scan_camera_start<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    index: u32,
    on_event: Channel<CameraEvent>,
) {
    let cancel = Arc::new(AtomicBool::new(false));
    if let Some(old) = state.scan().camera.replace(cancel.clone()) {
        old.store(true, Ordering::SeqCst);
    }
    let test = state.test_camera().map(Path::to_path_buf);
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        run_camera(&state, index, test, &cancel, &on_event);
        let mut slot = state.scan();
        if slot
            .camera
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &cancel))
        {
            slot.camera = None;
        }
    });
}

/// Stops the running camera scan (its channel then reports `stopped`).
#[tauri::command]
pub fn scan_camera_stop(state: AppStateRef<'_>) {
    if let Some(c) = state.scan().camera.take() {
        c.store(true, Ordering::SeqCst);
    }
}

/// Reads a dropped or opened image: the raw body is the file's bytes, the
/// [`FILE_NAME_HEADER`] header its name.
#[tauri::command(async)]
pub fn scan_image(state: AppStateRef<'_>, request: Request<'_>) -> Result<ScanResult> {
    let name = request
        .headers()
        .get(FILE_NAME_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|n| !n.is_empty())
        .unwrap_or("the image")
        .to_string();
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "the image did not arrive as bytes",
        ));
    };
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(IpcError::new(
            ErrorKind::QrCode,
            format!(
                "{name} is too big ({} MB); the limit is {} MB",
                bytes.len() / (1024 * 1024),
                MAX_IMAGE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let image = load_image_bytes(bytes, &name)?;
    let texts = qr::scan_frame(&Frame {
        image,
        origin: name.clone(),
    })?;
    pending_scan(&state, name, &texts)
}

/// Looks for a code on every monitor.
#[tauri::command(async)]
pub fn scan_screen(state: AppStateRef<'_>) -> Result<ScanResult> {
    scan_source(&state, &mut qr::Screen::new())
}

/// Reads the image on the clipboard.
#[tauri::command(async)]
pub fn scan_clipboard(state: AppStateRef<'_>) -> Result<ScanResult> {
    scan_source(&state, &mut qr::Clipboard::new())
}

/// One account of a scan to save, with the name the user gave it (`None`: the default).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScanPick {
    /// [`ScannedAccount::index`].
    pub index: u32,
    /// The name to save it under.
    pub name: Option<String>,
}

/// Saves the picked accounts of scan `token`, all in one write or none (a taken name saves
/// nothing and says which). The scan stays pending after a failure, so the user can rename.
#[tauri::command]
pub fn scan_save<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    token: String,
    picks: Vec<ScanPick>,
) -> Result<Vec<AccountSummary>> {
    let news = state.scan().picked(&token, &picks)?;
    let added = state.with_vault(|v| {
        let imported = v.import(news, twofold_core::unix_now())?;
        imported
            .added
            .iter()
            .map(|id| Ok(AccountSummary::from(v.find(&id.0)?)))
            .collect::<Result<Vec<_>>>()
    })?;
    state.scan().close(&token);
    events::vault_changed(&app, "accounts");
    Ok(added)
}

/// Forgets the pending scan (the dialog was closed without saving).
#[tauri::command]
pub fn scan_discard(state: AppStateRef<'_>) {
    state.scan().pending = None;
}

/// The account's `otpauth://` URI as a QR code, to move it to a phone. Reveals the secret: the
/// UI asks first.
#[tauri::command]
pub async fn account_qr<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    password: Option<String>,
) -> Result<AccountQr> {
    let password = password.map(zeroize::Zeroizing::new);
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        crate::commands::vault::reverify(&state, password.as_deref().map(String::as_str))?;
        state.with_vault(|v| {
            let account = v.find(&id)?;
            let uri = account.to_uri();
            let svg = qr::to_svg(&uri)?;
            Ok(AccountQr {
                name: account.name.clone(),
                svg: svg.to_string(),
            })
        })
    })
    .await?
}
