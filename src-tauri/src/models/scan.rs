//! DTOs of the scan screen and of "Show QR code". A scanned code's secret stays in Rust until
//! the user saves it; the preview carries everything else. Only [`AccountQr`] carries a secret
//! (inside the SVG), because the user asked to show it, and it zeroizes it on drop.

use serde::Serialize;
use zeroize::Zeroize;

use super::{AlgorithmView, OtpKindView};
use crate::error::IpcError;

/// One account read from a QR code, as the preview shows it. Deliberately has no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScannedAccount {
    /// Its position in the scan, which `scan_save` takes back.
    pub index: u32,
    /// The name it gets unless the user changes it (`issuer:account`).
    pub name: String,
    /// The service.
    pub issuer: String,
    /// The account label.
    pub account: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKindView,
    /// The HMAC hash.
    pub algorithm: AlgorithmView,
    /// Digits per code.
    pub digits: u32,
    /// Seconds per code.
    pub period: u64,
    /// The account already in Twofold with the same secret, if any (the UI leaves it unticked).
    pub existing: Option<String>,
    /// Whether an account with [`ScannedAccount::name`] already exists (it needs another name).
    pub name_taken: bool,
}

/// Which QR code of a Google Authenticator export this was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScanBatch {
    /// This code's number, from 1.
    pub number: u32,
    /// How many codes the export has.
    pub of: u32,
}

/// What a scan found, kept in Rust under `token` until saved or discarded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    /// Names this scan for `scan_save`; a newer scan replaces it.
    pub token: String,
    /// Where the code was read (the file, "screen", "clipboard", the camera's name).
    pub origin: String,
    /// `"account"` for one `otpauth://` code, `"googleExport"` for a Google Authenticator export.
    pub source: String,
    /// The accounts, in order.
    pub accounts: Vec<ScannedAccount>,
    /// Entries of an export that cannot be imported, each "name: reason".
    pub skipped: Vec<String>,
    /// For a Google export, which of its codes this was.
    pub batch: Option<ScanBatch>,
}

/// What the live camera scan reports on its channel.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum CameraEvent {
    /// The camera is on.
    Started {
        /// Its name.
        camera: String,
    },
    /// A preview frame, as a `data:image/jpeg;base64,...` URL.
    Frame {
        /// The image.
        url: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A code was read; the camera is already off.
    Found {
        /// What it held.
        result: ScanResult,
    },
    /// The camera is off without a code: stopped, ran out of frames or idle too long.
    Stopped {
        /// `"cancelled"`, `"ended"` or `"timedOut"`.
        reason: String,
    },
    /// The camera failed, or it read a code that is not an authenticator's; it is off.
    Failed {
        /// What went wrong.
        error: IpcError,
    },
}

/// The cameras the app can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CameraList {
    /// Their names, in index order; empty when there is none.
    pub cameras: Vec<String>,
    /// Why the list could not be read (for example access refused), if it could not.
    pub error: Option<IpcError>,
}

/// An account as a QR code, to scan it with a phone. Holds the secret; zeroized on drop.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AccountQr {
    /// The account's name.
    pub name: String,
    /// The QR code as an SVG document.
    pub svg: String,
}

impl Drop for AccountQr {
    fn drop(&mut self) {
        self.svg.zeroize();
    }
}

impl std::fmt::Debug for AccountQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountQr")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
