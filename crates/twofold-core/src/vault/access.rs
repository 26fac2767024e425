//! [`VaultAccess`]: how a flow reaches the vault for a moment.
//!
//! The flows in core (enrollment, sessions, taking a code) run across network calls. The CLI
//! owns its vault; the app keeps it behind a mutex in its state. Both implement this trait, and
//! a flow holds the vault only inside [`VaultAccess::with_vault`], which is synchronous, so no
//! lock is ever held across an `.await`.

use std::sync::Mutex;

use super::Vault;
use crate::Result;

/// Something that can lend the open vault for one synchronous step.
pub trait VaultAccess: Sync {
    /// Runs `step` on the open vault. Fails (without running it) when there is no open vault.
    fn with_vault<T>(&self, step: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T>;

    /// Runs `step` on the vault as another process may have left it: re-reads the file first
    /// when it changed on disk.
    fn read<T>(&self, step: impl FnOnce(&Vault) -> Result<T>) -> Result<T> {
        self.with_vault(|v| {
            v.refresh()?;
            step(v)
        })
    }
}

impl VaultAccess for Mutex<Vault> {
    fn with_vault<T>(&self, step: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
        // A panic while holding the lock leaves the vault as it was on disk; carry on.
        let mut vault = self.lock().unwrap_or_else(|p| p.into_inner());
        step(&mut vault)
    }
}
