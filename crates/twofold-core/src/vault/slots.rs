//! The vault's key slots: which ones a file has, unlocking with one, adding or removing the
//! password, recovery-key and keyring slots (never the last one), and rotating the master key.
//!
//! Changing or removing the password rotates the master key: an old copy of the file and the
//! old password must not open what the vault holds from now on. The rotation is ordered so the
//! file on disk always opens with a key the user has: the keyring entry first holds the new key
//! beside the old one, then `<vault>.bak` (the current generation re-encrypted) and the vault
//! are replaced, then the old key leaves the keyring.

use zeroize::Zeroizing;

use super::file::{self, Envelope, Header, Slot, WriteLock, B64};
use super::keys::{self, KdfParams, KeyStore, MasterKey, KEYRING_SERVICE};
use super::recovery::{open_recovery_slot, recovery_slot, slot_public_key, RecoveryKey};
use super::{SlotKinds, Unlock, Vault};
use crate::{Error, Result};

impl Vault {
    /// Adds, replaces (`Some`) or removes (`None`) the password slot, rotating the master key:
    /// the data and `<vault>.bak` are re-encrypted under a new key, the recovery slot is
    /// re-sealed to its public key and the keyring entry (through `keyring`, required when the
    /// vault has a keyring slot) gets the new key. Removing the password is refused when it
    /// would leave no slot, or the keyring as the only one.
    pub fn set_password(
        &mut self,
        password: Option<&str>,
        kdf: KdfParams,
        keyring: Option<&dyn KeyStore>,
    ) -> Result<()> {
        if password == Some("") {
            return Err(Error::EmptyPassword);
        }
        self.rotate(keyring, |key, vault_id, slots| {
            slots.retain(|s| !matches!(s, Slot::Password { .. }));
            if let Some(pw) = password {
                slots.push(password_slot(key, vault_id, pw, kdf)?);
            }
            Ok(())
        })
    }

    /// Adds a recovery key, or replaces the vault's, and returns it: the only time it is shown.
    /// Replacing one gives the vault a new master key, as a password change does, so the old
    /// recovery key opens neither the vault nor an earlier copy of it that would still unlock
    /// the current file; that re-wraps the password slot, so it needs the vault's `password`
    /// when it has one. `keyring` holds the new key when the vault has a keyring slot.
    pub fn set_recovery_key(
        &mut self,
        password: Option<&str>,
        keyring: Option<&dyn KeyStore>,
    ) -> Result<RecoveryKey> {
        let rk = RecoveryKey::generate()?;
        let public = rk.public();
        if !self.slots().recovery {
            let slot = recovery_slot(&self.key, &self.header.vault_id, public)?;
            self.change_slots(|slots| slots.push(slot))?;
            return Ok(rk);
        }
        self.rotate_keeping_password(password, keyring, |key, vault_id, slots| {
            slots.retain(|s| !matches!(s, Slot::Recovery { .. }));
            slots.push(recovery_slot(key, vault_id, public)?);
            Ok(())
        })?;
        Ok(rk)
    }

    /// Removes the recovery slot, giving the vault a new master key (see
    /// [`Vault::set_recovery_key`]); refused when it would leave no slot, or the keyring as the
    /// only one.
    pub fn remove_recovery_key(
        &mut self,
        password: Option<&str>,
        keyring: Option<&dyn KeyStore>,
    ) -> Result<()> {
        if !self.slots().recovery {
            return Ok(());
        }
        self.rotate_keeping_password(password, keyring, |_, _, slots| {
            slots.retain(|s| !matches!(s, Slot::Recovery { .. }));
            Ok(())
        })
    }

    /// [`Vault::rotate`] for a change that keeps the password: the vault's own `password`
    /// (checked: it must open the current file to the key held here) wraps the new key again,
    /// under the slot's cost.
    fn rotate_keeping_password(
        &mut self,
        password: Option<&str>,
        keyring: Option<&dyn KeyStore>,
        edit: impl FnOnce(&MasterKey, &str, &mut Vec<Slot>) -> Result<()>,
    ) -> Result<()> {
        let (env, _) = file::read_envelope(&self.path)?;
        let kept = match env.header.slots.iter().find_map(|s| match s {
            Slot::Password { kdf, .. } => Some(*kdf),
            _ => None,
        }) {
            None => None,
            Some(kdf) => {
                let pw = password.ok_or(Error::PasswordNeeded)?;
                let opened = unlock_key(&env, &Unlock::Password(pw))?;
                if opened.0.as_ref() != self.key.0.as_ref() {
                    return Err(Error::KeyChanged);
                }
                Some((pw, kdf))
            }
        };
        self.rotate(keyring, |key, vault_id, slots| {
            if let Some((pw, kdf)) = kept {
                slots.push(password_slot(key, vault_id, pw, kdf)?);
            }
            edit(key, vault_id, slots)
        })
    }

    /// Adds a keyring slot (or replaces the key stored in it).
    pub fn add_keyring_slot(&mut self, store: &dyn KeyStore) -> Result<()> {
        let user = format!("vault-{}", self.header.vault_id);
        store.set(KEYRING_SERVICE, &user, &self.key.to_base64())?;
        self.change_slots(|slots| {
            slots.retain(|s| !matches!(s, Slot::Keyring { .. }));
            slots.push(Slot::Keyring {
                service: KEYRING_SERVICE.into(),
                user,
            });
        })
    }

    /// Removes the keyring slot and deletes its keyring entry; refused if it is the only slot.
    pub fn remove_keyring_slot(&mut self, store: &dyn KeyStore) -> Result<()> {
        let removed: Vec<Slot> = self
            .header
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Keyring { .. }))
            .cloned()
            .collect();
        self.change_slots(|slots| slots.retain(|s| !matches!(s, Slot::Keyring { .. })))?;
        for s in removed {
            if let Slot::Keyring { service, user } = s {
                store.delete(&service, &user)?;
            }
        }
        if let Some(h) = &self.history {
            h.forget_keyring(&self.header.vault_id);
        }
        Ok(())
    }

    fn change_slots(&mut self, f: impl FnOnce(&mut Vec<Slot>)) -> Result<()> {
        let _lock = WriteLock::acquire(&self.path)?;
        let (env, _) = file::read_envelope(&self.path)?;
        let mut data = self.read_current(&env)?;
        let mut header = env.header;
        let before = slot_kinds(&header);
        f(&mut header.slots);
        check_slots_left(before, slot_kinds(&header))?;
        self.header = header;
        data.generation += 1;
        self.write(&data)?;
        self.data = data;
        Ok(())
    }

    /// Replaces the master key. `edit` re-makes the slots that need a secret the vault does not
    /// hold (the password); the recovery slot is re-sealed to its public key, the keyring slot
    /// keeps its entry with the new key in it. See the module doc for the order of the writes.
    fn rotate(
        &mut self,
        keyring: Option<&dyn KeyStore>,
        edit: impl FnOnce(&MasterKey, &str, &mut Vec<Slot>) -> Result<()>,
    ) -> Result<()> {
        let _lock = WriteLock::acquire(&self.path)?;
        let (env, _) = file::read_envelope(&self.path)?;
        let mut data = self.read_current(&env)?;
        let old = env.header;
        let before = slot_kinds(&old);
        let key = MasterKey::generate()?;
        let mut slots = Vec::with_capacity(old.slots.len());
        for s in &old.slots {
            match s {
                Slot::Recovery { .. } => {
                    let public = slot_public_key(s).ok_or_else(|| Error::VaultCorrupt {
                        path: self.path.clone(),
                        reason: "the recovery slot's public key has the wrong length".into(),
                    })?;
                    slots.push(recovery_slot(&key, &old.vault_id, public)?);
                }
                // Wrapped under the old key, and the password is not ours to re-wrap with:
                // `edit` puts a new one back (or not).
                Slot::Password { .. } => {}
                Slot::Keyring { .. } => slots.push(s.clone()),
            }
        }
        // The password slot is removed above; `edit` sees the slots without it.
        edit(&key, &old.vault_id, &mut slots)?;
        let header = Header {
            slots,
            ..old.clone()
        };
        check_slots_left(before, slot_kinds(&header))?;
        let entries: Vec<(String, String)> = header
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Keyring { service, user } => Some((service.clone(), user.clone())),
                _ => None,
            })
            .collect();
        if !entries.is_empty() && keyring.is_none() {
            return Err(Error::Keyring(
                "changing the password needs the os keyring, which holds this vault's key".into(),
            ));
        }

        // 1. The keyring entry holds both keys: the file on disk opens with it at every step.
        let both = Zeroizing::new(format!(
            "{} {}",
            key.to_base64().as_str(),
            self.key.to_base64().as_str()
        ));
        if let Some(store) = keyring {
            for (service, user) in &entries {
                store.set(service, user, &both)?;
            }
        }
        // 2. The backup becomes this generation under the new key (the old .bak, under the
        //    old key and slots, goes), then the vault becomes the next generation.
        let bak = Vault::seal_envelope(&key, &header, &data)?;
        file::write_private_file(&file::sibling(&self.path, ".bak"), &bak)?;
        data.generation += 1;
        let current = Vault::seal_envelope(&key, &header, &data)?;
        file::write_private_file(&self.path, &current)?;
        self.key = key;
        self.header = header;
        self.stamp = file::FileStamp::of(&self.path);
        self.remember(&data);
        self.data = data;
        // 3. The old key leaves the keyring. If this fails the entry keeps both, which still
        //    opens the vault, and the change itself is done: say so in the log, not as an error.
        if let Some(store) = keyring {
            for (service, user) in &entries {
                if let Err(e) = store.set(service, user, &self.key.to_base64()) {
                    tracing::warn!(
                        "the old vault key stays in the keyring until the next change: {e}"
                    );
                }
            }
        }
        Ok(())
    }
}

/// Refuses a slot change that leaves no slot, or that takes away the last way in besides the
/// keyring (a vault that had only the keyring may keep it).
fn check_slots_left(before: SlotKinds, after: SlotKinds) -> Result<()> {
    if !after.keyring && !after.password && !after.recovery {
        return Err(Error::NoKeySlot);
    }
    if after.keyring_only() && !before.keyring_only() {
        return Err(Error::KeyringOnly);
    }
    Ok(())
}

pub(super) fn slot_kinds(h: &Header) -> SlotKinds {
    SlotKinds {
        keyring: h.slots.iter().any(|s| matches!(s, Slot::Keyring { .. })),
        password: h.slots.iter().any(|s| matches!(s, Slot::Password { .. })),
        recovery: h.slots.iter().any(|s| matches!(s, Slot::Recovery { .. })),
    }
}

pub(super) fn password_slot(
    key: &MasterKey,
    vault_id: &str,
    password: &str,
    kdf: KdfParams,
) -> Result<Slot> {
    if password.is_empty() {
        return Err(Error::EmptyPassword);
    }
    let mut salt = [0u8; 16];
    keys::fill_random(&mut salt)?;
    let kek = kdf.derive(password, &salt)?;
    let (nonce, wrapped) = keys::seal(&kek, key.0.as_ref(), vault_id.as_bytes())?;
    Ok(Slot::Password {
        kdf,
        salt: B64(salt.to_vec()),
        nonce: B64(nonce.to_vec()),
        wrapped_key: B64(wrapped),
    })
}

pub(super) fn unlock_key(env: &Envelope, unlock: &Unlock<'_>) -> Result<MasterKey> {
    let h = &env.header;
    match unlock {
        Unlock::RecoveryKey(typed) => {
            let rk = RecoveryKey::parse(typed)?;
            let Some(slot) = h.slots.iter().find(|s| matches!(s, Slot::Recovery { .. })) else {
                return Err(Error::Locked("this vault has no recovery key".into()));
            };
            open_recovery_slot(slot, &h.vault_id, &rk)
        }
        Unlock::Password(pw) => {
            let Some(Slot::Password {
                kdf,
                salt,
                nonce,
                wrapped_key,
            }) = h.slots.iter().find(|s| matches!(s, Slot::Password { .. }))
            else {
                return Err(Error::Locked("this vault has no password".into()));
            };
            let kek = kdf.derive(pw, &salt.0)?;
            let raw = keys::open(&kek, &nonce.0, &wrapped_key.0, h.vault_id.as_bytes())
                .ok_or(Error::WrongPassword)?;
            let arr: [u8; 32] = raw
                .as_slice()
                .try_into()
                .map_err(|_| Error::WrongPassword)?;
            Ok(MasterKey(Zeroizing::new(arr)))
        }
        Unlock::Keyring(store) => {
            let Some(Slot::Keyring { service, user }) =
                h.slots.iter().find(|s| matches!(s, Slot::Keyring { .. }))
            else {
                return Err(Error::Locked(
                    "this vault has no keyring slot; unlock it with its password or recovery key"
                        .into(),
                ));
            };
            match store.get(service, user)? {
                // During a key rotation the entry holds the new key and the old one: take the
                // one that opens the file.
                Some(k) => {
                    let keys = k
                        .split_whitespace()
                        .map(MasterKey::from_base64)
                        .collect::<Result<Vec<_>>>()?;
                    let aad = h.aad();
                    let opens = |k: &MasterKey| {
                        keys::open(&k.0, &env.nonce.0, &env.ciphertext.0, &aad).is_some()
                    };
                    match keys.iter().position(opens) {
                        Some(i) => Ok(keys[i].clone()),
                        None => keys.into_iter().next().ok_or_else(|| {
                            Error::Keyring("the stored vault key is empty".into())
                        }),
                    }
                }
                None => Err(Error::Locked(
                    "the keyring has no key for this vault (was it created on another machine or user?); unlock it with its password or recovery key".into(),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{CreateOptions, MemoryStore};

    // A rotation stopped after the keyring holds both keys (here: the .bak cannot be written)
    // leaves a vault that opens with the keyring and the old password, as before.
    #[test]
    fn an_interrupted_rotation_leaves_a_vault_that_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.json");
        let store = MemoryStore::default();
        let opts = CreateOptions {
            keyring: Some(&store),
            password: Some("old"),
            kdf: KdfParams::MIN,
        };
        let mut v = Vault::create(&path, &opts).unwrap();
        std::fs::create_dir(file::sibling(&path, ".bak")).unwrap();
        let before = std::fs::read(&path).unwrap();
        assert!(v
            .set_password(Some("new"), KdfParams::MIN, Some(&store))
            .is_err());
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let user = format!("vault-{}", v.header.vault_id);
        let entry = store.get(KEYRING_SERVICE, &user).unwrap().unwrap();
        assert_eq!(entry.split_whitespace().count(), 2, "new and old key");
        assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
        assert!(Vault::open(&path, &Unlock::Password("old")).is_ok());
        // Retried once the obstacle is gone, the rotation completes.
        std::fs::remove_dir(file::sibling(&path, ".bak")).unwrap();
        v.set_password(Some("new"), KdfParams::MIN, Some(&store))
            .unwrap();
        assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
        assert!(Vault::open(&path, &Unlock::Password("new")).is_ok());
    }
}
