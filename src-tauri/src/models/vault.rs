//! IPC DTOs of the vault's state: open, locked or absent, and its key slots.

use serde::Serialize;

/// Whether the vault is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum VaultState {
    /// Open; the account commands work.
    Unlocked,
    /// A vault file exists but is not open (keyring unavailable, password needed, or locked).
    Locked,
    /// No vault file exists and none could be created with the keyring alone.
    Absent,
}

/// The vault's state for the start screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// Open, locked or absent.
    pub state: VaultState,
    /// The vault file.
    pub path: String,
    /// The vault has an OS keyring slot.
    pub keyring_slot: bool,
    /// The vault has a password slot.
    pub password_slot: bool,
    /// Why it is not open, when it is not.
    pub reason: Option<String>,
}
