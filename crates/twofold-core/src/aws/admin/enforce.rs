//! Requiring MFA for a group: the enforce-MFA policy, the plan of what applying it would change,
//! and applying that plan.

use super::api::AdminApi;
use crate::aws::error::AwsErrorKind;
use crate::{Error, Result};

/// The managed policy Twofold creates: the IAM User Guide's "allow MFA-authenticated IAM users
/// to manage their own credentials", trimmed to what enrolling and managing one's own MFA
/// device (and password) needs. Everything else is denied while `aws:MultiFactorAuthPresent`
/// is false or absent.
pub const POLICY_NAME: &str = "TwofoldRequireMFA";

/// The policy document.
pub fn enforce_policy_document() -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowViewAccountInfo",
                "Effect": "Allow",
                "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                "Resource": "*"
            },
            {
                "Sid": "AllowManageOwnPasswordAndUser",
                "Effect": "Allow",
                "Action": ["iam:ChangePassword", "iam:GetUser"],
                "Resource": "arn:aws:iam::*:user/${aws:username}"
            },
            {
                "Sid": "AllowManageOwnVirtualMFADevice",
                "Effect": "Allow",
                "Action": ["iam:CreateVirtualMFADevice"],
                "Resource": "arn:aws:iam::*:mfa/*"
            },
            {
                "Sid": "AllowManageOwnUserMFA",
                "Effect": "Allow",
                "Action": ["iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
                "Resource": "arn:aws:iam::*:user/${aws:username}"
            },
            {
                "Sid": "DenyAllExceptListedIfNoMFA",
                "Effect": "Deny",
                "NotAction": [
                    "iam:CreateVirtualMFADevice",
                    "iam:EnableMFADevice",
                    "iam:GetUser",
                    "iam:ChangePassword",
                    "iam:ListMFADevices",
                    "iam:ListVirtualMFADevices",
                    "iam:ResyncMFADevice",
                    "iam:GetAccountPasswordPolicy",
                    "sts:GetSessionToken"
                ],
                "Resource": "*",
                "Condition": { "BoolIfExists": { "aws:MultiFactorAuthPresent": "false" } }
            }
        ]
    })
}

/// What enforcing MFA on a group would do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnforcePlan {
    /// The group.
    pub group: String,
    /// The policy's ARN.
    pub policy_arn: String,
    /// Whether the policy must be created.
    pub create_policy: bool,
    /// Whether it must be attached to the group.
    pub attach: bool,
    /// Members without MFA: they will be able to do nothing but enroll until they have MFA.
    pub members_without_mfa: Vec<String>,
    /// The caller is a member without MFA: applying would lock them out of everything else.
    pub locks_out_caller: bool,
    /// The policy document.
    pub document: serde_json::Value,
}

/// What the created policy says about itself in IAM.
const POLICY_DESCRIPTION: &str = "Denies everything but managing one's own MFA device and password until signed in with MFA (created by Twofold)";

/// Works out what enforcing MFA on `group` would change, without changing anything.
pub async fn plan_enforce<A: AdminApi>(api: &A, group: &str) -> Result<EnforcePlan> {
    let me = api.caller_identity().await?;
    let policy_arn = format!("arn:aws:iam::{}:policy/{POLICY_NAME}", me.account);
    let members = api.group_members(group).await.map_err(|mut e| {
        if e.kind == AwsErrorKind::NotFound {
            e.message = format!("there is no IAM group named {group:?}");
        }
        e
    })?;
    let create_policy = match api.get_policy(&policy_arn).await {
        Ok(()) => false,
        Err(e) if e.kind == AwsErrorKind::NotFound => true,
        Err(e) => return Err(e.into()),
    };
    let attach = !api
        .list_attached_group_policies(group)
        .await?
        .contains(&policy_arn);
    let mut members_without_mfa = Vec::new();
    for user in members {
        if api.list_mfa_devices(&user).await?.is_empty() {
            members_without_mfa.push(user);
        }
    }
    let locks_out_caller = me
        .user_name()
        .is_some_and(|n| members_without_mfa.contains(&n));
    Ok(EnforcePlan {
        group: group.to_string(),
        policy_arn,
        create_policy,
        attach,
        members_without_mfa,
        locks_out_caller,
        document: enforce_policy_document(),
    })
}

/// Applies a plan: creates the policy if needed and attaches it. Refuses a plan that locks out
/// the caller unless `force`.
pub async fn apply_enforce<A: AdminApi>(api: &A, plan: &EnforcePlan, force: bool) -> Result<()> {
    if plan.locks_out_caller && !force {
        return Err(Error::LocksOutCaller {
            group: plan.group.clone(),
        });
    }
    if plan.create_policy {
        api.create_policy(
            POLICY_NAME,
            &plan.policy_arn,
            POLICY_DESCRIPTION,
            &plan.document.to_string(),
        )
        .await?;
    }
    if plan.attach {
        api.attach_group_policy(&plan.group, &plan.policy_arn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_denies_everything_but_self_service_without_mfa() {
        let doc = enforce_policy_document();
        let deny = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Effect"] == "Deny")
            .unwrap();
        assert_eq!(
            deny["Condition"]["BoolIfExists"]["aws:MultiFactorAuthPresent"],
            "false"
        );
        let allowed: Vec<&str> = deny["NotAction"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        // Everything `twofold aws enroll` calls must stay allowed without MFA.
        for action in [
            "iam:GetUser",
            "iam:ListMFADevices",
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "sts:GetSessionToken",
        ] {
            assert!(allowed.contains(&action), "{action}");
        }
    }
}
