//! The IAM calls the audit and the enforce step make, behind [`AdminApi`], and their aws-sdk
//! implementation on [`AwsClient`].
//!
//! The trait returns plain core types and [`AwsError`]s the way AWS classifies them (a user
//! without a console password is a `NotFound` from GetLoginProfile): what those answers mean
//! for the audit is decided in `audit.rs` and `enforce.rs`, so the fake in unit tests and the
//! real client go through the same logic. Paging happens here: every list is complete.

use std::future::Future;

use crate::aws::client::{AwsClient, DeviceKind, IamApi, MfaDevice};
use crate::aws::error::AwsError;

/// An IAM user as ListUsers returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamUser {
    /// User name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Last console sign-in, Unix seconds.
    pub password_last_used: Option<i64>,
}

/// An access key as ListAccessKeys returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key id (`AKIA...`).
    pub id: String,
    /// Active or inactive.
    pub active: bool,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &crate::aws::client::mask_key(&self.id))
            .field("active", &self.active)
            .finish()
    }
}

/// Where the generation of the credential report stands (GenerateCredentialReport).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportState {
    /// Generation has just been started.
    Started,
    /// Still being generated.
    InProgress,
    /// Ready to be fetched with GetCredentialReport.
    Complete,
}

/// The IAM calls behind the audit and the enforce-MFA policy, on top of [`IamApi`].
/// Implemented by [`AwsClient`] and, in unit tests, by the scripted fake.
pub trait AdminApi: IamApi {
    /// IAM GetAccountSummary: whether the root user has MFA (`AccountMFAEnabled`), `None`
    /// when the summary does not say.
    fn account_mfa_enabled(&self) -> impl Future<Output = Result<Option<bool>, AwsError>> + Send;
    /// IAM ListVirtualMFADevices with AssignmentStatus=Assigned, every page.
    fn list_assigned_virtual_devices(
        &self,
    ) -> impl Future<Output = Result<Vec<MfaDevice>, AwsError>> + Send;
    /// IAM GenerateCredentialReport: starts a report (or reuses a recent one) and says where it
    /// stands.
    fn generate_credential_report(
        &self,
    ) -> impl Future<Output = Result<ReportState, AwsError>> + Send;
    /// IAM GetCredentialReport: the report's CSV text (empty when the response has none).
    fn get_credential_report(&self) -> impl Future<Output = Result<String, AwsError>> + Send;
    /// IAM ListUsers, every page.
    fn list_users(&self) -> impl Future<Output = Result<Vec<IamUser>, AwsError>> + Send;
    /// IAM GetLoginProfile: `Ok` when the user has a console password, a `NotFound` error when
    /// not.
    fn get_login_profile(&self, user: &str) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// IAM ListAccessKeys for a user, every page.
    fn list_access_keys(
        &self,
        user: &str,
    ) -> impl Future<Output = Result<Vec<AccessKey>, AwsError>> + Send;
    /// IAM GetAccessKeyLastUsed: when the key was last used (Unix seconds), if ever. `user`
    /// only names the owner in errors.
    fn access_key_last_used(
        &self,
        user: &str,
        key_id: &str,
    ) -> impl Future<Output = Result<Option<i64>, AwsError>> + Send;
    /// IAM ListGroups: the account's group names, every page.
    fn list_groups(&self) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send;
    /// IAM GetGroup: the names of the group's members, every page.
    fn group_members(
        &self,
        group: &str,
    ) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send;
    /// IAM GetPolicy: `Ok` when the managed policy exists, a `NotFound` error when not.
    fn get_policy(&self, arn: &str) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// IAM ListAttachedGroupPolicies: the ARNs of the managed policies attached to the group,
    /// every page.
    fn list_attached_group_policies(
        &self,
        group: &str,
    ) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send;
    /// IAM CreatePolicy. `arn` is the ARN the policy will have, to name it in errors.
    fn create_policy(
        &self,
        name: &str,
        arn: &str,
        description: &str,
        document: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
    /// IAM AttachGroupPolicy.
    fn attach_group_policy(
        &self,
        group: &str,
        arn: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}

/// The marker of the next page, when IAM says the list goes on.
fn next_marker(truncated: bool, marker: Option<&str>) -> Option<String> {
    match (truncated, marker) {
        (true, Some(m)) => Some(m.to_string()),
        _ => None,
    }
}

/// Every item of a paged IAM list: `page(marker)` fetches one page and returns its items and
/// the marker of the next one, if any.
async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), AwsError>>,
{
    let mut items = Vec::new();
    let mut marker = None;
    loop {
        let (batch, next) = page(marker.take()).await?;
        items.extend(batch);
        match next {
            Some(m) => marker = Some(m),
            None => return Ok(items),
        }
    }
}

impl AdminApi for AwsClient {
    async fn account_mfa_enabled(&self) -> Result<Option<bool>, AwsError> {
        let out = self
            .iam()
            .get_account_summary()
            .send()
            .await
            .map_err(|e| self.fail("GetAccountSummary", None, e))?;
        Ok(out
            .summary_map()
            .and_then(|m| m.get(&aws_sdk_iam::types::SummaryKeyType::AccountMfaEnabled))
            .map(|v| *v == 1))
    }

    async fn list_assigned_virtual_devices(&self) -> Result<Vec<MfaDevice>, AwsError> {
        all_pages(|marker| async move {
            let page = self
                .iam()
                .list_virtual_mfa_devices()
                .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.fail("ListVirtualMFADevices", None, e))?;
            let devices = page
                .virtual_mfa_devices()
                .iter()
                .map(|d| MfaDevice {
                    serial: d.serial_number().to_string(),
                    user: d.user().map(|u| u.user_name().to_string()),
                    enabled_at: d.enable_date().map(|t| t.secs()),
                    kind: DeviceKind::Virtual,
                })
                .collect();
            Ok((devices, next_marker(page.is_truncated(), page.marker())))
        })
        .await
    }

    async fn generate_credential_report(&self) -> Result<ReportState, AwsError> {
        use aws_sdk_iam::types::ReportStateType;
        let out = self
            .iam()
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| self.fail("GenerateCredentialReport", None, e))?;
        Ok(match out.state() {
            Some(ReportStateType::Complete) => ReportState::Complete,
            Some(ReportStateType::Started) => ReportState::Started,
            // A state this SDK does not know is not "complete": keep waiting.
            _ => ReportState::InProgress,
        })
    }

    async fn get_credential_report(&self) -> Result<String, AwsError> {
        let out = self
            .iam()
            .get_credential_report()
            .send()
            .await
            .map_err(|e| self.fail("GetCredentialReport", None, e))?;
        Ok(out
            .content()
            .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
            .unwrap_or_default())
    }

    async fn list_users(&self) -> Result<Vec<IamUser>, AwsError> {
        all_pages(|marker| async move {
            let page = self
                .iam()
                .list_users()
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.fail("ListUsers", None, e))?;
            let users = page
                .users()
                .iter()
                .map(|u| IamUser {
                    name: u.user_name().to_string(),
                    arn: u.arn().to_string(),
                    password_last_used: u.password_last_used().map(|t| t.secs()),
                })
                .collect();
            Ok((users, next_marker(page.is_truncated(), page.marker())))
        })
        .await
    }

    async fn get_login_profile(&self, user: &str) -> Result<(), AwsError> {
        self.iam()
            .get_login_profile()
            .user_name(user)
            .send()
            .await
            .map_err(|e| self.fail("GetLoginProfile", Some(user.to_string()), e))?;
        Ok(())
    }

    async fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKey>, AwsError> {
        all_pages(|marker| async move {
            let page = self
                .iam()
                .list_access_keys()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.fail("ListAccessKeys", Some(user.to_string()), e))?;
            let keys = page
                .access_key_metadata()
                .iter()
                .map(|k| AccessKey {
                    id: k.access_key_id().unwrap_or_default().to_string(),
                    active: k.status() == Some(&aws_sdk_iam::types::StatusType::Active),
                })
                .collect();
            Ok((keys, next_marker(page.is_truncated(), page.marker())))
        })
        .await
    }

    async fn access_key_last_used(
        &self,
        user: &str,
        key_id: &str,
    ) -> Result<Option<i64>, AwsError> {
        let out = self
            .iam()
            .get_access_key_last_used()
            .access_key_id(key_id)
            .send()
            .await
            .map_err(|e| self.fail("GetAccessKeyLastUsed", Some(user.to_string()), e))?;
        Ok(out
            .access_key_last_used()
            .and_then(|l| l.last_used_date())
            .map(|t| t.secs()))
    }

    async fn list_groups(&self) -> Result<Vec<String>, AwsError> {
        all_pages(|marker| async move {
            let page = self
                .iam()
                .list_groups()
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.fail("ListGroups", None, e))?;
            let groups = page
                .groups()
                .iter()
                .map(|g| g.group_name().to_string())
                .collect();
            Ok((groups, next_marker(page.is_truncated(), page.marker())))
        })
        .await
    }

    async fn group_members(&self, group: &str) -> Result<Vec<String>, AwsError> {
        all_pages(|marker| async move {
            let page = self
                .iam()
                .get_group()
                .group_name(group)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.fail("GetGroup", Some(group.to_string()), e))?;
            let members = page
                .users()
                .iter()
                .map(|u| u.user_name().to_string())
                .collect();
            Ok((members, next_marker(page.is_truncated(), page.marker())))
        })
        .await
    }

    async fn get_policy(&self, arn: &str) -> Result<(), AwsError> {
        self.iam()
            .get_policy()
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| self.fail("GetPolicy", Some(arn.to_string()), e))?;
        Ok(())
    }

    async fn list_attached_group_policies(&self, group: &str) -> Result<Vec<String>, AwsError> {
        all_pages(|marker| async move {
            let page = self
                .iam()
                .list_attached_group_policies()
                .group_name(group)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.fail("ListAttachedGroupPolicies", Some(group.to_string()), e))?;
            let arns = page
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect();
            Ok((arns, next_marker(page.is_truncated(), page.marker())))
        })
        .await
    }

    async fn create_policy(
        &self,
        name: &str,
        arn: &str,
        description: &str,
        document: &str,
    ) -> Result<(), AwsError> {
        self.iam()
            .create_policy()
            .policy_name(name)
            .description(description)
            .policy_document(document)
            .send()
            .await
            .map_err(|e| self.fail("CreatePolicy", Some(arn.to_string()), e))?;
        Ok(())
    }

    async fn attach_group_policy(&self, group: &str, arn: &str) -> Result<(), AwsError> {
        self.iam()
            .attach_group_policy()
            .group_name(group)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| self.fail("AttachGroupPolicy", Some(group.to_string()), e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::aws::error::AwsErrorKind;

    #[test]
    fn a_page_has_a_successor_only_when_truncated_with_a_marker() {
        assert_eq!(next_marker(true, Some("m1")).as_deref(), Some("m1"));
        assert_eq!(next_marker(false, Some("m1")), None);
        assert_eq!(next_marker(true, None), None);
    }

    #[tokio::test]
    async fn all_pages_follows_the_markers_to_the_last_page() {
        let asked = Mutex::new(Vec::new());
        let items = all_pages(|marker: Option<String>| {
            asked.lock().unwrap().push(marker.clone());
            async move {
                Ok(match marker.as_deref() {
                    None => (vec![1, 2], Some("p2".to_string())),
                    Some("p2") => (vec![3], Some("p3".to_string())),
                    Some("p3") => (vec![4, 5], None),
                    Some(other) => panic!("asked for an unknown page {other}"),
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("p2".to_string()), Some("p3".to_string())]
        );
    }

    #[tokio::test]
    async fn a_failed_page_fails_the_whole_list() {
        let items = all_pages(|marker: Option<String>| async move {
            match marker {
                None => Ok((vec![1], Some("p2".to_string()))),
                Some(_) => Err(AwsError {
                    op: "ListUsers",
                    kind: AwsErrorKind::Throttled,
                    code: "Throttling".into(),
                    message: String::new(),
                    resource: None,
                    skew_secs: None,
                }),
            }
        })
        .await;
        assert_eq!(items.unwrap_err().kind, AwsErrorKind::Throttled);
    }
}
