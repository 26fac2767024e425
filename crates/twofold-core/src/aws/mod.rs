//! AWS: the IAM and STS clients, MFA enrollment, the device lifecycle, sessions and admin.
//!
//! [`client`] holds the calls behind the [`client::IamApi`] trait and their aws-sdk
//! implementation; [`enroll`] the enrollment state machine and lifecycle operations that run
//! on any `IamApi`; [`error`] the classification of AWS failures into advice; [`profiles`] the
//! AWS CLI's config and credentials files; [`sessions`] MFA session credentials for them;
//! [`admin`] the MFA audit and the enforce-MFA policy, on the calls behind
//! [`admin::AdminApi`]. Nothing here prints or prompts: the CLI and the app do that.

pub mod admin;
pub mod client;
pub mod enroll;
pub mod error;
#[cfg(test)]
pub(crate) mod fake;
pub mod hardware;
pub mod mfa_code;
pub mod org;
pub mod profiles;
pub mod sessions;
pub mod signins;

pub use client::{AwsClient, ConnectOptions, IamApi, Identity, MfaDevice};
pub use error::{AwsError, AwsErrorKind};
