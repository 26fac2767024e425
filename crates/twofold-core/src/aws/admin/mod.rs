//! Administration: who has MFA (the audit), and requiring it (the enforce-MFA policy).
//!
//! The audit reads the IAM credential report (one call for the whole account) and falls back to
//! ListUsers + per-user calls when the report is not allowed; MFA devices with their dates come
//! from ListVirtualMFADevices, plus ListMFADevices for users whose MFA is not virtual. The
//! enforce step is planned first ([`plan_enforce`]: what would change, who would be locked out)
//! and applied separately ([`apply_enforce`]), so `--dry-run` and the app's preview show exactly
//! what will happen.
//!
//! `api.rs` holds the IAM calls all of this makes, behind the [`AdminApi`] trait, and their
//! aws-sdk implementation; `audit.rs` the audit and its CSV; `report.rs` the credential report
//! it reads; `enforce.rs` the enforce-MFA policy, its plan and its application. The audit and
//! the enforce step run on any `AdminApi`, so unit tests drive them with a scripted fake.

mod api;
mod audit;
mod enforce;
mod report;

pub use api::{AccessKey, AdminApi, IamUser, ReportState};
pub use audit::{audit, sort_users, AuditReport, AuditSource, KeyAudit, UserAudit};
pub(crate) use audit::{csv_cell, save_new_csv_in, write_csv_file};
pub use enforce::{apply_enforce, enforce_policy_document, plan_enforce, EnforcePlan, POLICY_NAME};
pub use report::{parse_credential_report, ReportRow};
