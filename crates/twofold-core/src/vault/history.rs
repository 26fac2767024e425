//! What this machine remembers about each vault outside its file, so an old copy put in its place
//! (a rollback) is noticed and HOTP counters never go backwards.
//!
//! [`History`] keeps one small record per vault id in the local state directory
//! (`$XDG_STATE_HOME/twofold/seen/<vault id>.json` on Linux): the newest generation seen and the
//! highest counter each HOTP account reached. For a vault with a keyring slot the generation is
//! also kept in a second keyring entry beside the key (`vault-<id>.generation`), so wiping the
//! state directory alone does not hide a rollback. Records are keyed by vault id: a new vault at
//! the same path is a different vault, not a rollback. This module never decrypts anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::keys::{KeyStore, KEYRING_SERVICE};
use crate::{Error, Result};

/// What was remembered about one vault.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    /// The newest generation seen.
    pub generation: u64,
    /// The highest counter each HOTP account (by account id) reached.
    #[serde(default)]
    pub hotp: BTreeMap<String, u64>,
}

/// Where the records live: a directory, and optionally the key store of the keyring slot.
#[derive(Clone)]
pub struct History {
    dir: PathBuf,
    keyring: Option<Arc<dyn KeyStore>>,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("dir", &self.dir)
            .field("keyring", &self.keyring.is_some())
            .finish()
    }
}

impl History {
    /// Records kept in `dir` only.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        History {
            dir: dir.into(),
            keyring: None,
        }
    }

    /// Records kept in the platform's local state directory: `$XDG_STATE_HOME/twofold/seen`
    /// on Linux, the local data directory elsewhere.
    pub fn default_dir() -> Result<PathBuf> {
        let dirs =
            directories::ProjectDirs::from("app", "twofold", "Twofold").ok_or_else(|| {
                Error::Locked("no home directory to keep the vault's history in".into())
            })?;
        Ok(dirs
            .state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .join("seen"))
    }

    /// Also keeps the generation of vaults with a keyring slot in `store`.
    pub fn with_keyring(mut self, store: Arc<dyn KeyStore>) -> Self {
        self.keyring = Some(store);
        self
    }

    /// The directory the records are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, vault_id: &str) -> Result<PathBuf> {
        // The id comes from the (authenticated) vault header; keep it a plain file name anyway.
        if vault_id.is_empty()
            || !vault_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::VaultCorrupt {
                path: self.dir.clone(),
                reason: "the vault id is not a plain identifier".into(),
            });
        }
        Ok(self.dir.join(format!("{vault_id}.json")))
    }

    fn keyring_user(vault_id: &str) -> String {
        format!("vault-{vault_id}.generation")
    }

    /// The record for `vault_id`: the state file; when it has none, the keyring's generation
    /// (when `keyring_slot` and a key store was given). Unreadable sources count as nothing
    /// seen.
    pub fn load(&self, vault_id: &str, keyring_slot: bool) -> Result<Seen> {
        let path = self.file(vault_id)?;
        let (mut seen, recorded) = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(seen) => (seen, true),
                Err(e) => {
                    tracing::warn!(
                        "ignoring the unreadable vault history {}: {e}",
                        path.display()
                    );
                    (Seen::default(), false)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Seen::default(), false),
            Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
        };
        // Every write records both, so the keyring's copy matters only when the state
        // directory's record is gone (a wiped or new state folder). Asking it on every open
        // cost each `twofold code` a second Secret Service round trip (`make bench`: 26 ms
        // besides the unlock, against a 20 ms target).
        if recorded {
            return Ok(seen);
        }
        if let (true, Some(store)) = (keyring_slot, &self.keyring) {
            match store.get(KEYRING_SERVICE, &Self::keyring_user(vault_id)) {
                Ok(Some(g)) => {
                    if let Ok(g) = g.trim().parse::<u64>() {
                        seen.generation = seen.generation.max(g);
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!("cannot read the vault's generation from the keyring: {e}")
                }
            }
        }
        Ok(seen)
    }

    /// Replaces the record for `vault_id` (the generation as given; HOTP marks only rise).
    pub fn store(&self, vault_id: &str, keyring_slot: bool, seen: &Seen) -> Result<()> {
        let path = self.file(vault_id)?;
        let bytes = serde_json::to_vec(seen)
            .map_err(|e| Error::io("encoding the vault history", std::io::Error::other(e)))?;
        super::file::write_private_file(&path, &bytes)?;
        if let (true, Some(store)) = (keyring_slot, &self.keyring) {
            store.set(
                KEYRING_SERVICE,
                &Self::keyring_user(vault_id),
                &seen.generation.to_string(),
            )?;
        }
        Ok(())
    }

    /// Forgets `vault_id` in the keyring (when its keyring slot goes).
    pub(super) fn forget_keyring(&self, vault_id: &str) {
        if let Some(store) = &self.keyring {
            if let Err(e) = store.delete(KEYRING_SERVICE, &Self::keyring_user(vault_id)) {
                tracing::warn!("cannot delete the vault's generation from the keyring: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MemoryStore;

    #[test]
    fn records_round_trip_and_the_keyring_raises_the_generation() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::default());
        let h = History::new(dir.path()).with_keyring(store.clone());
        assert_eq!(h.load("v1", true).unwrap(), Seen::default());
        let seen = Seen {
            generation: 7,
            hotp: [("a".to_string(), 3)].into(),
        };
        h.store("v1", true, &seen).unwrap();
        assert_eq!(h.load("v1", true).unwrap(), seen);
        // The state file is wiped; the keyring still remembers the generation.
        std::fs::remove_file(dir.path().join("v1.json")).unwrap();
        assert_eq!(h.load("v1", true).unwrap().generation, 7);
        assert_eq!(h.load("v1", false).unwrap().generation, 0);
        assert!(h.load("../etc", false).is_err());
    }
}
