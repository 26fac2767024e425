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
    /// The vault has a recovery-key slot.
    pub recovery_slot: bool,
    /// Why it is not open, when it is not.
    pub reason: Option<String>,
    /// Set when the vault was not opened because it is older than the newest generation seen
    /// on this machine: unlocking again with `acceptRollback` opens it anyway.
    pub rolled_back: Option<RolledBack>,
    /// Twofold locked the vault: the keyring opens it only after the OS has verified the user
    /// (`os_verify`); where nothing can verify, a vault with a password wants the password.
    pub verify_first: bool,
}

/// The generations of a vault that looks rolled back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RolledBack {
    /// The newest generation seen on this machine.
    #[cfg_attr(test, ts(type = "number"))]
    pub seen: u64,
    /// The generation of the file.
    #[cfg_attr(test, ts(type = "number"))]
    pub found: u64,
}

/// A vault just created, and its recovery key when one was chosen. The key crosses IPC this
/// once, to be shown to the user (and saved or printed by them); the app does not keep it.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VaultCreated {
    /// The vault's state (unlocked).
    pub status: VaultStatus,
    /// The recovery key, grouped (`ABCD-EFGH-...`), when the vault has one.
    #[cfg_attr(test, ts(type = "string | null"))]
    pub recovery_key: Option<zeroize::Zeroizing<String>>,
}

impl std::fmt::Debug for VaultCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultCreated")
            .field("status", &self.status)
            .field(
                "recovery_key",
                &self.recovery_key.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A new recovery key, shown once in Settings → Vault.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKeyShown {
    /// The recovery key, grouped (`ABCD-EFGH-...`).
    #[cfg_attr(test, ts(type = "string"))]
    pub recovery_key: zeroize::Zeroizing<String>,
    /// The vault's slots after the change.
    pub status: VaultStatus,
}

impl std::fmt::Debug for RecoveryKeyShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKeyShown(<redacted>)")
    }
}

/// Whether the OS can confirm it is the user (polkit on Linux), for the unlock screen, the
/// confirmation before a secret is shown, and Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OsVerifyStatus {
    /// Verification can be asked now.
    pub available: bool,
    /// Why not, when it cannot.
    pub problem: Option<OsVerifyProblem>,
}

/// Why the OS cannot verify the user here; the UI words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum OsVerifyProblem {
    /// polkit does not run on this system.
    NoService,
    /// polkit runs, but Twofold's action (its policy file) is not installed.
    NotInstalled,
    /// Not written for this OS yet (macOS, Windows).
    Unsupported,
}

impl From<crate::os_verify::Unavailable> for OsVerifyProblem {
    fn from(u: crate::os_verify::Unavailable) -> Self {
        use crate::os_verify::Unavailable;
        match u {
            Unavailable::NoService => OsVerifyProblem::NoService,
            Unavailable::NotInstalled => OsVerifyProblem::NotInstalled,
            Unavailable::Unsupported => OsVerifyProblem::Unsupported,
        }
    }
}
