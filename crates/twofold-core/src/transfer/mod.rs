//! Moving accounts in from other authenticator apps.
//!
//! Owns the formats other apps export (today: Google Authenticator's `otpauth-migration://`
//! QR codes, in [`google`]). It does not own how the export reaches us (see [`crate::qr`]) nor
//! where the accounts go (see [`crate::vault`]).

pub mod google;
pub mod import;
