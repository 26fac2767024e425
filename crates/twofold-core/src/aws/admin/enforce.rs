//! Requiring MFA for a group: the enforce-MFA policy, the plan of what applying it would change,
//! and applying that plan.

use crate::aws::client::{AwsClient, IamApi};
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

/// Works out what enforcing MFA on `group` would change, without changing anything.
pub async fn plan_enforce(api: &AwsClient, group: &str) -> Result<EnforcePlan> {
    let me = api.caller_identity().await?;
    let policy_arn = format!("arn:aws:iam::{}:policy/{POLICY_NAME}", me.account);
    let members = api
        .iam()
        .get_group()
        .group_name(group)
        .send()
        .await
        .map_err(|e| {
            let mut e = api.fail("GetGroup", Some(group.to_string()), e);
            if e.kind == AwsErrorKind::NotFound {
                e.message = format!("there is no IAM group named {group:?}");
            }
            e
        })?;
    let create_policy = match api.iam().get_policy().policy_arn(&policy_arn).send().await {
        Ok(_) => false,
        Err(e) => {
            let e = api.fail("GetPolicy", Some(policy_arn.clone()), e);
            if e.kind != AwsErrorKind::NotFound {
                return Err(e.into());
            }
            true
        }
    };
    let attached = api
        .iam()
        .list_attached_group_policies()
        .group_name(group)
        .send()
        .await
        .map_err(|e| api.fail("ListAttachedGroupPolicies", Some(group.to_string()), e))?;
    let attach = !attached
        .attached_policies()
        .iter()
        .any(|p| p.policy_arn() == Some(policy_arn.as_str()));
    let mut members_without_mfa = Vec::new();
    for u in members.users() {
        if api.list_mfa_devices(u.user_name()).await?.is_empty() {
            members_without_mfa.push(u.user_name().to_string());
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
pub async fn apply_enforce(api: &AwsClient, plan: &EnforcePlan, force: bool) -> Result<()> {
    if plan.locks_out_caller && !force {
        return Err(Error::LocksOutCaller {
            group: plan.group.clone(),
        });
    }
    if plan.create_policy {
        api.iam()
            .create_policy()
            .policy_name(POLICY_NAME)
            .description("Denies everything but managing one's own MFA device and password until signed in with MFA (created by Twofold)")
            .policy_document(plan.document.to_string())
            .send()
            .await
            .map_err(|e| api.fail("CreatePolicy", Some(plan.policy_arn.clone()), e))?;
    }
    if plan.attach {
        api.iam()
            .attach_group_policy()
            .group_name(&plan.group)
            .policy_arn(&plan.policy_arn)
            .send()
            .await
            .map_err(|e| api.fail("AttachGroupPolicy", Some(plan.group.clone()), e))?;
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
