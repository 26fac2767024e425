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
    /// Whether the account's usual name was taken, so [`ScannedAccount::name`] has a suffix.
    pub name_taken: bool,
}

impl ScannedAccount {
    /// The preview of scanned accounts: the name each would get in `vault`, and the account
    /// already holding its secret.
    pub fn list(
        vault: &twofold_core::vault::VaultData,
        accounts: &[twofold_core::otp::uri::OtpUri],
    ) -> Vec<ScannedAccount> {
        accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let usual = twofold_core::vault::default_name(a);
                let name = vault.free_name(&usual);
                ScannedAccount {
                    index: i as u32,
                    name_taken: name != usual,
                    name,
                    issuer: a.issuer.clone(),
                    account: a.account.clone(),
                    kind: a.otp.kind.into(),
                    algorithm: a.otp.algorithm.into(),
                    digits: a.otp.digits,
                    period: a.otp.period,
                    existing: vault.holding(a).map(|e| e.name.clone()),
                }
            })
            .collect()
    }
}

/// Which QR codes of a Google Authenticator export a scan held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScanExport {
    /// The codes this scan held, numbered from 1.
    pub seen: Vec<u32>,
    /// How many codes the export has.
    pub of: u32,
    /// The codes still to scan, numbered from 1.
    pub missing: Vec<u32>,
}

impl From<&twofold_core::qr::scanned::ExportParts> for ScanExport {
    fn from(p: &twofold_core::qr::scanned::ExportParts) -> Self {
        ScanExport {
            seen: p.seen.iter().copied().collect(),
            of: p.size,
            missing: p.missing(),
        }
    }
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
    /// For a Google export, which of its codes the scan held (every one, when a picture
    /// shows several).
    pub export: Option<ScanExport>,
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
