//! IPC DTOs: what crosses between Rust and the web view. Only [`RevealedSecret`] and the
//! inbound [`ManualAccount`] carry a secret; both zeroize it on drop.
//!
//! One file per feature, mirroring [`crate::commands`]; every type is re-exported here, so
//! `crate::models::X` names it wherever it lives.

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

pub use about::{AboutView, CliView, PathChangeView};
pub use accounts::{AccountUpdate, ManualAccount, RevealedSecret};
pub use admin::{
    AuditDevice, AuditExport, AuditProgress, AuditUser, AuditView, EnforceApplied, EnforcePreview,
    OrgAccountView, OrgAuditView, OrgProgressView, SignInView, SignInsView,
};
pub use aws::{
    AwsCreds, AwsDevices, AwsProfileView, AwsWhoami, EnrollDone, EnrollStarted, EnrollStep,
    MfaDeviceKind, MfaDeviceView, PendingEnrollment,
};
pub use backup::{
    BackupFileView, BackupSetup, BackupView, RestoreModeView, RestoreReport, RestoreRequest,
};
pub use codes::{CodePair, CopiedCode};
pub use sessions::{
    ProfileSetup, SessionOptions, SessionProgress, SessionSourceView, SessionStarted, SessionStep,
};
pub use transfer::{
    ExportDone, ExportFormatView, ExportOptions, ImportDone, ImportEntryView, ImportFormatView,
    ImportPreview, ImportProblem,
};
pub use vault::{VaultState, VaultStatus};
// The account and code views are core's, shared with the CLI's `--json`.
pub use twofold_core::view::{AccountSummary, AlgorithmView, AwsLinkView, CodeView, OtpKindView};

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use super::*;

    /// Core's view types derive `TS` (its `ts` feature, on for this crate's tests) but export
    /// nothing themselves: the app decides what the UI gets, so they are written here with the
    /// app's own DTOs, into the same `ui/src/bindings`.
    #[test]
    fn export_bindings_of_core_views() {
        AccountSummary::export_all().expect("AccountSummary");
        CodeView::export_all().expect("CodeView");
    }
}
