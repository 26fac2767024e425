//! IPC DTOs of codes: the current code with its validity window, a copied code, and the
//! two consecutive codes AWS device forms ask for.

use serde::Serialize;
use twofold_core::otp::Code;

/// A code and its validity window. The UI runs the countdown itself from `validUntil`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    /// The code, ungrouped.
    pub code: String,
    /// Unix seconds the code became valid (0 for HOTP).
    #[cfg_attr(test, ts(type = "number"))]
    pub valid_from: u64,
    /// Unix seconds the next code takes over (0 for HOTP).
    #[cfg_attr(test, ts(type = "number"))]
    pub valid_until: u64,
    /// Seconds per code (0 for HOTP).
    #[cfg_attr(test, ts(type = "number"))]
    pub period: u64,
    /// The (offset-adjusted) Unix time the code was computed for, so the UI can correct for
    /// the vault's clock offset and IPC latency.
    #[cfg_attr(test, ts(type = "number"))]
    pub now: u64,
    /// The following code, only in the last seconds of the period.
    pub next: Option<String>,
}

/// Seconds before the end of a period from which `next` is filled in.
pub const NEXT_PREVIEW_SECS: u64 = 5;

impl CodeView {
    /// A view of `code` computed at (offset-adjusted) `now`.
    pub fn new(code: Code, period: u64, now: u64, next: Option<String>) -> Self {
        CodeView {
            code: code.code.clone(),
            valid_from: code.valid_from,
            valid_until: code.valid_until,
            period,
            now,
            next,
        }
    }
}

/// The result of copying a code to the clipboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CopiedCode {
    /// The code that was copied (an HOTP copy takes a new code, which the UI then shows).
    pub code: String,
    /// The clipboard is cleared after this many seconds if it still holds the code.
    #[cfg_attr(test, ts(type = "number"))]
    pub clear_after_secs: u64,
}

/// Two consecutive codes of a TOTP account, for forms that ask for "MFA code 1" and "MFA code 2"
/// (the AWS console's device assignment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CodePair {
    /// The current code.
    pub code1: String,
    /// The next one.
    pub code2: String,
    /// Seconds the current code has left.
    #[cfg_attr(test, ts(type = "number"))]
    pub seconds_left: u64,
    /// Seconds per code.
    #[cfg_attr(test, ts(type = "number"))]
    pub period: u64,
}
