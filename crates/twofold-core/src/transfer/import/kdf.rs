//! Password key derivation shared by the importers whose apps use Argon2id (Proton, Ente,
//! Authenticator Pro). The parameters come from the file or from the app; each importer bounds
//! what it reads from a file before calling here, so this only refuses what Argon2 itself does.

use zeroize::Zeroizing;

/// Argon2id v1.3 of `password` over `salt`: `m_kib` KiB, `t` passes, `p` lanes, 32 bytes.
/// `None` when Argon2 refuses the parameters or the salt (e.g. a salt shorter than 8 bytes).
pub(super) fn argon2id(
    password: &str,
    salt: &[u8],
    m_kib: u32,
    t: u32,
    p: u32,
) -> Option<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(m_kib, t, p, Some(32)).ok()?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .ok()?;
    Some(key)
}
