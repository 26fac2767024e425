//! Twofold's product logic, shared by the `twofold` CLI and the desktop app.
//!
//! This crate owns one-time-password generation ([`otp`]), the `otpauth://` key URI format
//! ([`otp::uri`]), the encrypted vault with its key slots ([`vault`]) and the AWS IAM/STS
//! enrollment and lifecycle logic ([`aws`]), QR codes in and out ([`qr`], with the webcam in
//! `camera` behind the `camera` feature), imports from other apps ([`transfer`]) and FIDO2
//! security keys ([`fido`], its USB HID backend behind the `fido` feature), where the `twofold`
//! command is installed ([`install`]), which build this is ([`version`]) and the one shape in
//! which both faces show an account or a code ([`view`]). It does not own any user interface:
//! no Tauri, no web view strings, no terminal prompts. Callers pass time in (`code_at(unix)`)
//! and pass key sources in ([`vault::KeyStore`]), so everything here runs in tests without a
//! clock, a desktop or a keyring.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aws;
#[cfg(feature = "camera")]
pub mod camera;
pub mod clipboard;
pub mod error;
pub mod fido;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod install;
pub mod logging;
pub mod otp;
#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
pub mod portal;
pub mod qr;
pub mod transfer;
pub mod vault;
pub mod version;
pub mod view;

pub use error::{Error, Result};

/// Lowercase hex of `bytes` (file names, ids, digests): the one hex helper.
pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// Seconds since the Unix epoch, from the system clock.
///
/// The only place core reads the clock. Codes and vault steps take time as a parameter; the
/// flows that live on the clock (enrollment, sessions waiting for a fresh code window) read it
/// here.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
