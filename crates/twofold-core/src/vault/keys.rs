//! Key slots: where the vault's random 256-bit master key is kept.
//!
//! A vault has one or more slots (as in Aegis). The keyring slot keeps the master key in the
//! OS keyring (Keychain, Credential Manager, Secret Service) through the [`KeyStore`] trait: one
//! entry per vault, named after the app's bundle id. The password slot keeps the master key
//! wrapped with AES-256-GCM under a key derived from a password with Argon2id, so a machine
//! without a keyring, a backup and a headless CI run can open the vault. This module does not
//! read files or prompt anyone.

use std::collections::HashMap;
use std::sync::Mutex;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// The keyring service name: the app's bundle identifier.
pub const KEYRING_SERVICE: &str = "app.twofold.Twofold";

/// A 256-bit vault master key; zeroized on drop.
#[derive(Clone)]
pub struct MasterKey(pub(crate) Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// A fresh key from the OS random number generator.
    pub fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        fill_random(k.as_mut())?;
        Ok(MasterKey(k))
    }

    pub(crate) fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(self.0.as_ref()))
    }

    pub(crate) fn from_base64(s: &str) -> Result<Self> {
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|_| Error::Keyring("the stored vault key is not valid base64".into()))?,
        );
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| Error::Keyring("the stored vault key has the wrong length".into()))?;
        Ok(MasterKey(Zeroizing::new(arr)))
    }
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf).map_err(|e| {
        Error::io(
            "reading the OS random number generator",
            std::io::Error::other(e),
        )
    })
}

/// Where keyring-slot master keys live. The app and CLI use [`KeyringStore`]; unit tests use
/// [`MemoryStore`] (the `keyring` crate's mock store forgets entries between `Entry` values).
pub trait KeyStore: Send + Sync {
    /// Reads an entry; `Ok(None)` when it does not exist.
    fn get(&self, service: &str, user: &str) -> Result<Option<Zeroizing<String>>>;
    /// Creates or replaces an entry.
    fn set(&self, service: &str, user: &str, secret: &str) -> Result<()>;
    /// Deletes an entry; deleting a missing entry is not an error.
    fn delete(&self, service: &str, user: &str) -> Result<()>;
}

/// The OS keyring through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyStore for KeyringStore {
    fn get(&self, service: &str, user: &str) -> Result<Option<Zeroizing<String>>> {
        match keyring::Entry::new(service, user)?.get_password() {
            Ok(s) => Ok(Some(Zeroizing::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, service: &str, user: &str, secret: &str) -> Result<()> {
        keyring::Entry::new(service, user)?
            .set_password(secret)
            .map_err(keyring_error)
    }

    fn delete(&self, service: &str, user: &str) -> Result<()> {
        match keyring::Entry::new(service, user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

fn keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoStorageAccess(_) => {
            Error::Keyring("the keyring is locked or refused access; unlock it and try again".into())
        }
        keyring::Error::PlatformFailure(_) => Error::Keyring(format!(
            "no usable keyring ({e}); on Linux a Secret Service such as gnome-keyring must be running"
        )),
        other => Error::Keyring(other.to_string()),
    }
}

/// An in-process key store for tests and for callers that want no OS keyring.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<(String, String), Zeroizing<String>>>);

impl KeyStore for MemoryStore {
    fn get(&self, service: &str, user: &str) -> Result<Option<Zeroizing<String>>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&(service.to_string(), user.to_string())).cloned())
    }

    fn set(&self, service: &str, user: &str, secret: &str) -> Result<()> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(
            (service.to_string(), user.to_string()),
            Zeroizing::new(secret.to_string()),
        );
        Ok(())
    }

    fn delete(&self, service: &str, user: &str) -> Result<()> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&(service.to_string(), user.to_string()));
        Ok(())
    }
}

/// Argon2id cost parameters, stored in the slot so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Parallelism.
    pub p: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about 150 ms on a laptop core, RFC 9106's second
    /// recommended option.
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

impl KdfParams {
    /// The lowest cost accepted when opening a vault, so a tampered file cannot make the
    /// password slot trivially brute-forceable without it being noticed.
    pub const MIN: KdfParams = KdfParams {
        m_kib: 8 * 1024,
        t: 1,
        p: 1,
    };

    /// The highest cost accepted for each parameter: 1 GiB of memory, 16 passes, 16 lanes.
    /// Twofold writes [`KdfParams::default`]; the cost comes from the file's unauthenticated
    /// header, so it is bounded before any work.
    pub const MAX: KdfParams = KdfParams {
        m_kib: 1 << 20,
        t: 16,
        p: 16,
    };

    /// The highest memory times passes accepted, in KiB: 4 GiB (libsodium's "sensitive"
    /// preset, 1 GiB times 4 passes), about 21 times the default's work: the default took
    /// 0.34 s and this 7 to 10 s on a busy 2-core test machine. Lanes do not add work: this
    /// Argon2 runs them one after another over the same memory.
    pub const MAX_WORK_KIB: u64 = 4 << 20;

    /// Refuses a cost below [`KdfParams::MIN`] ([`Error::KdfParams`]) or above
    /// [`KdfParams::MAX`] / [`KdfParams::MAX_WORK_KIB`] ([`Error::KdfTooCostly`]); cheap, so
    /// callers check before any other work.
    pub fn check(&self) -> Result<()> {
        if self.m_kib < Self::MIN.m_kib || self.t < 1 || self.p < 1 {
            return Err(Error::KdfParams(format!(
                "{self:?} is outside the accepted range"
            )));
        }
        if self.m_kib > Self::MAX.m_kib
            || self.t > Self::MAX.t
            || self.p > Self::MAX.p
            || u64::from(self.m_kib) * u64::from(self.t) > Self::MAX_WORK_KIB
        {
            return Err(Error::KdfTooCostly {
                m_kib: self.m_kib,
                t: self.t,
                p: self.p,
            });
        }
        Ok(())
    }

    /// Derives a 256-bit key-encryption key from a password.
    pub(crate) fn derive(&self, password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        self.check()?;
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| Error::KdfParams(e.to_string()))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(password.as_bytes(), salt, out.as_mut())
            .map_err(|e| Error::KdfParams(e.to_string()))?;
        Ok(out)
    }
}

/// AES-256-GCM with a 96-bit random nonce; returns (nonce, ciphertext).
pub(crate) fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<([u8; 12], Vec<u8>)> {
    let mut nonce = [0u8; 12];
    fill_random(&mut nonce)?;
    let cipher = Aes256Gcm::new(key.into());
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| {
            Error::io(
                "encrypting",
                std::io::Error::other("aes-gcm encryption failed"),
            )
        })?;
    Ok((nonce, ct))
}

/// Opens what [`seal`] made; `None` when the key is wrong or anything was altered.
pub(crate) fn open(
    key: &[u8; 32],
    nonce: &[u8],
    ciphertext: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if nonce.len() != 12 {
        return None;
    }
    Aes256Gcm::new(key.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let key = MasterKey::generate().unwrap();
        let (n, ct) = seal(&key.0, b"hello", b"aad").unwrap();
        assert_eq!(open(&key.0, &n, &ct, b"aad").unwrap().as_slice(), b"hello");
        assert!(open(&key.0, &n, &ct, b"other aad").is_none());
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert!(open(&key.0, &n, &bad, b"aad").is_none());
        let other = MasterKey::generate().unwrap();
        assert!(open(&other.0, &n, &ct, b"aad").is_none());
    }

    #[test]
    fn master_key_base64_round_trip_and_redaction() {
        let key = MasterKey::generate().unwrap();
        let back = MasterKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(key.0.as_ref(), back.0.as_ref());
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
        assert!(MasterKey::from_base64("AAAA").is_err());
    }

    #[test]
    fn kdf_depends_on_password_and_salt_and_refuses_weak_params() {
        let p = KdfParams::MIN;
        let a = p.derive("pw", b"0123456789abcdef").unwrap();
        assert_eq!(
            a.as_ref(),
            p.derive("pw", b"0123456789abcdef").unwrap().as_ref()
        );
        assert_ne!(
            a.as_ref(),
            p.derive("pw2", b"0123456789abcdef").unwrap().as_ref()
        );
        assert_ne!(
            a.as_ref(),
            p.derive("pw", b"fedcba9876543210").unwrap().as_ref()
        );
        assert!(KdfParams {
            m_kib: 64,
            t: 1,
            p: 1
        }
        .derive("pw", b"0123456789abcdef")
        .is_err());
    }

    #[test]
    fn kdf_cost_is_bounded_each_and_in_all() {
        for ok in [
            KdfParams::default(),
            KdfParams::MIN,
            KdfParams {
                t: 4,
                ..KdfParams::MAX
            },
            KdfParams {
                m_kib: 256 << 10,
                ..KdfParams::MAX
            },
        ] {
            assert!(ok.check().is_ok(), "{ok:?}");
        }
        let d = KdfParams::default();
        for costly in [
            KdfParams {
                t: KdfParams::MAX.t + 1,
                ..d
            },
            KdfParams {
                p: KdfParams::MAX.p + 1,
                ..d
            },
            KdfParams {
                m_kib: KdfParams::MAX.m_kib + 1,
                t: 1,
                ..d
            },
            KdfParams {
                t: 5,
                ..KdfParams::MAX
            },
            KdfParams {
                t: u32::MAX,
                p: u32::MAX,
                m_kib: u32::MAX,
            },
        ] {
            assert!(
                matches!(costly.check(), Err(Error::KdfTooCostly { .. })),
                "{costly:?}"
            );
        }
        // The default has room to be raised about twentyfold.
        let default_work = u64::from(d.m_kib) * u64::from(d.t);
        assert!(KdfParams::MAX_WORK_KIB / default_work >= 20);
    }

    #[test]
    fn memory_store_persists_across_calls() {
        let s = MemoryStore::default();
        assert!(s.get("svc", "u").unwrap().is_none());
        s.set("svc", "u", "k").unwrap();
        assert_eq!(s.get("svc", "u").unwrap().unwrap().as_str(), "k");
        s.delete("svc", "u").unwrap();
        s.delete("svc", "u").unwrap();
        assert!(s.get("svc", "u").unwrap().is_none());
    }
}
