//! IPC DTOs: what crosses between Rust and the web view. Only [`RevealedSecret`] and the
//! inbound [`ManualAccount`] carry a secret; both zeroize it on drop.
//!
//! One file per feature, mirroring [`crate::commands`]; every type is re-exported here, so
//! `crate::models::X` names it wherever it lives.

pub mod about;
pub mod accounts;
pub mod admin;
pub mod aws;
pub mod codes;
pub mod fido;
pub mod scan;
pub mod sessions;
pub mod vault;

pub use about::{AboutView, CliView, PathChangeView};
pub use accounts::{
    AccountSummary, AccountUpdate, AlgorithmView, AwsLinkView, ManualAccount, OtpKindView,
    RevealedSecret,
};
pub use admin::{
    AuditDevice, AuditExport, AuditProgress, AuditUser, AuditView, EnforceApplied, EnforcePreview,
};
pub use aws::{
    AwsCreds, AwsDevices, AwsProfileView, AwsWhoami, EnrollDone, EnrollStarted, EnrollStep,
    MfaDeviceKind, MfaDeviceView, PendingEnrollment,
};
pub use codes::{CodePair, CodeView, CopiedCode, NEXT_PREVIEW_SECS};
pub use sessions::{
    ProfileSetup, SessionOptions, SessionProgress, SessionSourceView, SessionStarted, SessionStep,
};
pub use vault::{VaultState, VaultStatus};
