//! Tauri commands, one file per feature. Each unpacks its arguments, makes one call into
//! `twofold-core` through [`crate::state::AppState`], and converts the result to a DTO.

pub mod about;
pub mod accounts;
pub mod admin;
pub mod aws;
pub mod backup;
pub mod codes;
pub mod desktop;
pub mod fido;
pub mod scan;
pub mod sessions;
pub mod transfer;
pub mod vault;
