//! Moving accounts in from other authenticator apps, and out again.
//!
//! Owns the formats other apps export (Google Authenticator's `otpauth-migration://` QR codes in
//! [`google`], export files in [`import`]) and the ones Twofold writes ([`export`]). It does not
//! Automatic backups and restoring them are in [`auto_backup`]. It does not
//! own how an export reaches us (see [`crate::qr`]) nor where the accounts go (see
//! [`crate::vault`]).

pub mod auto_backup;
pub mod export;
pub mod google;
pub mod import;
