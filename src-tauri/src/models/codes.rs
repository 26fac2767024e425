//! IPC DTOs of codes: a copied code, and the two consecutive codes AWS device forms ask for.
//! The current code with its validity window is core's [`twofold_core::view::CodeView`], the
//! shape the CLI's `code --json` prints too.

use serde::Serialize;

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
