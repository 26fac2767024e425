//! The vault's key slots: which ones a file has, unlocking with one, and adding or removing the
//! password and keyring slots (never the last one).

use zeroize::Zeroizing;

use super::file::{self, Header, Slot, WriteLock, B64};
use super::keys::{self, KdfParams, KeyStore, MasterKey, KEYRING_SERVICE};
use super::stored::decrypt;
use super::{SlotKinds, Unlock, Vault};
use crate::{Error, Result};

impl Vault {
    /// Adds, replaces (`Some`) or removes (`None`) the password slot. Removing the only slot
    /// is refused.
    pub fn set_password(&mut self, password: Option<&str>, kdf: KdfParams) -> Result<()> {
        let new_slot = password
            .map(|pw| password_slot(&self.key, &self.header.vault_id, pw, kdf))
            .transpose()?;
        self.change_slots(|slots| {
            slots.retain(|s| !matches!(s, Slot::Password { .. }));
            slots.extend(new_slot);
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
        Ok(())
    }

    fn change_slots(&mut self, f: impl FnOnce(&mut Vec<Slot>)) -> Result<()> {
        let _lock = WriteLock::acquire(&self.path)?;
        let (env, _) = file::read_envelope(&self.path)?;
        self.check_same_vault(&env.header)?;
        let mut data = decrypt(&self.path, &env, &self.key)?;
        let mut header = env.header;
        f(&mut header.slots);
        if header.slots.is_empty() {
            return Err(Error::NoKeySlot);
        }
        self.header = header;
        data.generation += 1;
        self.write(&data)?;
        self.data = data;
        Ok(())
    }
}

pub(super) fn slot_kinds(h: &Header) -> SlotKinds {
    SlotKinds {
        keyring: h.slots.iter().any(|s| matches!(s, Slot::Keyring { .. })),
        password: h.slots.iter().any(|s| matches!(s, Slot::Password { .. })),
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

pub(super) fn unlock_key(h: &Header, unlock: &Unlock<'_>) -> Result<MasterKey> {
    match unlock {
        Unlock::Password(pw) => {
            let Some(Slot::Password {
                kdf,
                salt,
                nonce,
                wrapped_key,
            }) = h.slots.iter().find(|s| matches!(s, Slot::Password { .. }))
            else {
                return Err(Error::Locked(
                    "this vault has no password slot; it opens with the OS keyring".into(),
                ));
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
                    "this vault has no keyring slot; unlock it with its password".into(),
                ));
            };
            match store.get(service, user)? {
                Some(k) => MasterKey::from_base64(&k),
                None => Err(Error::Locked(
                    "the keyring has no key for this vault (was it created on another machine or user?); unlock it with its password".into(),
                )),
            }
        }
    }
}
