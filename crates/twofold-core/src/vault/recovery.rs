//! The recovery key: a generated X25519 secret the user writes down once, and the slot that
//! seals the master key to its public key.
//!
//! The key is 32 random bytes plus a 3-byte checksum, shown as 56 base32 characters in 14 groups
//! of four (`ABCD-EFGH-...`). The checksum tells a typo ("mistyped recovery key") apart from a
//! well-formed key that belongs to another vault ("wrong recovery key"). The slot keeps only the
//! public key and the master key sealed to it (an ephemeral X25519 key, HKDF-SHA256, AES-256-GCM
//! with the vault id as associated data), so the vault can re-seal a new master key without the
//! recovery key: it survives key rotation. This module reads no files and prompts no one.

use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::file::{Slot, B64};
use super::keys::{self, MasterKey};
use crate::{Error, Result};

const SECRET_LEN: usize = 32;
const CHECK_LEN: usize = 3;
const GROUP: usize = 4;
const HKDF_INFO: &[u8] = b"twofold recovery slot v1";
const CHECK_DOMAIN: &[u8] = b"twofold recovery key checksum";

/// A recovery key, as shown to the user once; zeroized on drop, redacted in `Debug`.
pub struct RecoveryKey(Zeroizing<[u8; SECRET_LEN]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

impl RecoveryKey {
    /// A fresh key from the OS random number generator.
    pub fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; SECRET_LEN]);
        keys::fill_random(k.as_mut())?;
        Ok(RecoveryKey(k))
    }

    /// Reads a key as typed: case, spaces and dashes do not matter, and the digits 0, 1 and 8
    /// are read as the letters O, I and B they are mistaken for. A wrong length, a character
    /// outside base32 or a failed checksum is [`Error::RecoveryKeyMistyped`].
    pub fn parse(typed: &str) -> Result<Self> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            typed
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    '0' => 'O',
                    '1' => 'I',
                    '8' => 'B',
                    c => c,
                })
                .collect(),
        );
        let bytes = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| Error::RecoveryKeyMistyped)?,
        );
        if bytes.len() != SECRET_LEN + CHECK_LEN {
            return Err(Error::RecoveryKeyMistyped);
        }
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        secret.copy_from_slice(&bytes[..SECRET_LEN]);
        if checksum(&secret) != bytes[SECRET_LEN..] {
            return Err(Error::RecoveryKeyMistyped);
        }
        Ok(RecoveryKey(secret))
    }

    /// The key as the user writes it down: 14 groups of four base32 characters joined by `-`.
    pub fn display(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new(Vec::with_capacity(SECRET_LEN + CHECK_LEN));
        raw.extend_from_slice(self.0.as_ref());
        raw.extend_from_slice(&checksum(&self.0));
        let text = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&raw));
        let mut out = Zeroizing::new(String::with_capacity(text.len() + text.len() / GROUP));
        for (i, c) in text.chars().enumerate() {
            if i > 0 && i % GROUP == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    fn secret(&self) -> StaticSecret {
        StaticSecret::from(*self.0)
    }

    pub(super) fn public(&self) -> [u8; 32] {
        PublicKey::from(&self.secret()).to_bytes()
    }
}

fn checksum(secret: &[u8; SECRET_LEN]) -> [u8; CHECK_LEN] {
    let mut h = Sha256::new();
    h.update(CHECK_DOMAIN);
    h.update(secret);
    let d = h.finalize();
    [d[0], d[1], d[2]]
}

fn kek(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let hk = hkdf::Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit of 255 * 32.
    let _ = hk.expand(HKDF_INFO, out.as_mut());
    out
}

/// A recovery slot holding `key` sealed to the public key `recipient`.
pub(super) fn recovery_slot(key: &MasterKey, vault_id: &str, recipient: [u8; 32]) -> Result<Slot> {
    let mut eph = Zeroizing::new([0u8; 32]);
    keys::fill_random(eph.as_mut())?;
    let eph = StaticSecret::from(*eph);
    let eph_pub = PublicKey::from(&eph).to_bytes();
    let shared = eph.diffie_hellman(&PublicKey::from(recipient));
    if !shared.was_contributory() {
        return Err(Error::VaultCorrupt {
            path: Default::default(),
            reason: "the recovery slot's public key is not a usable x25519 key".into(),
        });
    }
    let kek = kek(shared.as_bytes(), &eph_pub, &recipient);
    let (nonce, wrapped) = keys::seal(&kek, key.0.as_ref(), vault_id.as_bytes())?;
    Ok(Slot::Recovery {
        public_key: B64(recipient.to_vec()),
        ephemeral: B64(eph_pub.to_vec()),
        nonce: B64(nonce.to_vec()),
        wrapped_key: B64(wrapped),
    })
}

/// The master key in a recovery slot; [`Error::WrongRecoveryKey`] when `rk` is not its key.
pub(super) fn open_recovery_slot(
    slot: &Slot,
    vault_id: &str,
    rk: &RecoveryKey,
) -> Result<MasterKey> {
    let Slot::Recovery {
        public_key,
        ephemeral,
        nonce,
        wrapped_key,
    } = slot
    else {
        return Err(Error::WrongRecoveryKey);
    };
    let recipient = rk.public();
    if public_key.0 != recipient {
        return Err(Error::WrongRecoveryKey);
    }
    let eph: [u8; 32] = ephemeral
        .0
        .as_slice()
        .try_into()
        .map_err(|_| Error::WrongRecoveryKey)?;
    let shared = rk.secret().diffie_hellman(&PublicKey::from(eph));
    let kek = kek(shared.as_bytes(), &eph, &recipient);
    let raw = keys::open(&kek, &nonce.0, &wrapped_key.0, vault_id.as_bytes())
        .ok_or(Error::WrongRecoveryKey)?;
    let arr: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| Error::WrongRecoveryKey)?;
    Ok(MasterKey(Zeroizing::new(arr)))
}

/// The public key a recovery slot seals to.
pub(super) fn slot_public_key(slot: &Slot) -> Option<[u8; 32]> {
    match slot {
        Slot::Recovery { public_key, .. } => public_key.0.as_slice().try_into().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_fourteen_groups_of_four_and_parses_back() {
        let k = RecoveryKey::generate().unwrap();
        let shown = k.display();
        let groups: Vec<&str> = shown.split('-').collect();
        assert_eq!(groups.len(), 14, "{}", shown.len());
        assert!(groups.iter().all(|g| g.len() == 4));
        let back = RecoveryKey::parse(&shown).unwrap();
        assert_eq!(back.0.as_ref(), k.0.as_ref());
        // Typed sloppily: lower case, spaces instead of dashes.
        let sloppy = shown.to_lowercase().replace('-', " ");
        assert_eq!(
            RecoveryKey::parse(&sloppy).unwrap().0.as_ref(),
            k.0.as_ref()
        );
        assert_eq!(format!("{k:?}"), "RecoveryKey(<redacted>)");
    }

    #[test]
    fn a_typo_is_mistyped_not_a_wrong_key() {
        let k = RecoveryKey::generate().unwrap();
        let shown = k.display().to_string();
        for i in [0, 17, shown.len() - 1] {
            let mut chars: Vec<char> = shown.chars().collect();
            if chars[i] == '-' {
                continue;
            }
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            let typo: String = chars.into_iter().collect();
            assert!(
                matches!(RecoveryKey::parse(&typo), Err(Error::RecoveryKeyMistyped)),
                "position {i}"
            );
        }
        assert!(matches!(
            RecoveryKey::parse(&shown[..shown.len() - 5]),
            Err(Error::RecoveryKeyMistyped)
        ));
        assert!(matches!(
            RecoveryKey::parse("hello"),
            Err(Error::RecoveryKeyMistyped)
        ));
    }

    #[test]
    fn slot_opens_only_with_its_key_and_vault_id() {
        let master = MasterKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let slot = recovery_slot(&master, "vault-a", rk.public()).unwrap();
        let got = open_recovery_slot(&slot, "vault-a", &rk).unwrap();
        assert_eq!(got.0.as_ref(), master.0.as_ref());
        assert!(matches!(
            open_recovery_slot(&slot, "vault-b", &rk),
            Err(Error::WrongRecoveryKey)
        ));
        let other = RecoveryKey::generate().unwrap();
        assert!(matches!(
            open_recovery_slot(&slot, "vault-a", &other),
            Err(Error::WrongRecoveryKey)
        ));
        // Re-sealing to the public key alone gives a slot the same recovery key opens.
        let next = MasterKey::generate().unwrap();
        let resealed = recovery_slot(&next, "vault-a", slot_public_key(&slot).unwrap()).unwrap();
        assert_ne!(resealed, slot);
        let got = open_recovery_slot(&resealed, "vault-a", &rk).unwrap();
        assert_eq!(got.0.as_ref(), next.0.as_ref());
    }
}
