//! Entry points for the fuzz harness (`crates/twofold-fuzz`), behind the `fuzz` feature: the
//! parsers of outside input that the public API reaches only through a file, a network call or
//! after a key derivation. Each runs exactly the product's code from the point the outside
//! bytes arrive; none derives a key from parameters the input chose.

use crate::aws::profiles::Profile;
use crate::aws::{client::SessionCredentials, AwsError};
use crate::vault::{KeyStore, NewAccount, SlotKinds};
use crate::Result;

/// A vault file's bytes through envelope parsing, slot classification, the recovery-key and
/// keyring unlocks (with `recovery` as typed and `store` as the keyring) and decryption.
pub fn vault_file(bytes: &[u8], recovery: &str, store: &dyn KeyStore) -> Result<SlotKinds> {
    crate::vault::fuzz_file(bytes, recovery, store)
}

/// A vault's decrypted account data (JSON) through the decoder [`crate::vault::Vault::open`] uses.
pub fn vault_plain(plain: &[u8]) -> std::result::Result<(), String> {
    crate::vault::fuzz_plain(plain)
}

/// A Twofold backup's bytes through every check before the key derivation; returns the Argon2id
/// parameters it would derive with (already bounded).
pub fn backup_header(bytes: &[u8]) -> Result<crate::vault::KdfParams> {
    crate::transfer::export::unseal_backup(bytes).map(|s| s.kdf)
}

/// A Twofold backup's decrypted payload (JSON) through the record conversion.
pub fn backup_plain(plain: &[u8]) -> Result<Vec<NewAccount>> {
    crate::transfer::export::backup_accounts(plain)
}

/// STS credentials as the SDK hands them over, through the conversion both session calls use.
pub fn sts_credentials(
    c: Option<&aws_sdk_sts::types::Credentials>,
) -> std::result::Result<SessionCredentials, AwsError> {
    crate::aws::client::session_credentials("GetSessionToken", c)
}

/// The AWS config and credentials files' text through the SDK's parser and the merge.
pub fn profiles(config: &str, credentials: &str) -> Result<Vec<Profile>> {
    crate::aws::profiles::profiles_from_text(config, credentials)
}
