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
    use crate::aws::error::AwsError;
    use crate::aws::fake::{FakeIam, ACCOUNT};

    const MUTATIONS: [&str; 2] = ["CreatePolicy", "AttachGroupPolicy"];

    fn policy_arn() -> String {
        format!("arn:aws:iam::{ACCOUNT}:policy/{POLICY_NAME}")
    }

    /// The caller `admin` has MFA; `carol`, in the same group, has none.
    fn account() -> FakeIam {
        let api = FakeIam::with_user("admin");
        api.add_device("admin", &format!("arn:aws:iam::{ACCOUNT}:mfa/admin"));
        api.add_group("devs", &["admin", "carol"]);
        api
    }

    fn aws_error(e: Error) -> AwsError {
        match e {
            Error::Aws(a) => a,
            other => panic!("not an AWS error: {other}"),
        }
    }

    fn count(api: &FakeIam, op: &str) -> usize {
        api.calls().iter().filter(|c| **c == op).count()
    }

    #[tokio::test]
    async fn the_preview_says_what_would_change_and_changes_nothing() {
        let api = account();
        let plan = plan_enforce(&api, "devs").await.unwrap();
        assert_eq!(plan.group, "devs");
        assert_eq!(plan.policy_arn, policy_arn());
        assert!(plan.create_policy && plan.attach);
        assert_eq!(plan.members_without_mfa, ["carol"]);
        assert!(!plan.locks_out_caller);
        assert_eq!(plan.document, enforce_policy_document());
        assert!(api.policies().is_empty());
        assert!(api.attached("devs").is_empty());
        assert!(!api.calls().iter().any(|c| MUTATIONS.contains(c)));
    }

    #[tokio::test]
    async fn applying_creates_the_policy_once_and_reuses_it() {
        let api = account();
        let plan = plan_enforce(&api, "devs").await.unwrap();
        apply_enforce(&api, &plan, false).await.unwrap();
        assert_eq!(api.policies(), [policy_arn()]);
        let stored: serde_json::Value =
            serde_json::from_str(&api.policy_document(&policy_arn()).unwrap()).unwrap();
        assert_eq!(stored, enforce_policy_document());
        assert_eq!(api.attached("devs"), [policy_arn()]);

        // Another group gets the same policy attached, not a second one.
        api.add_group("ops", &["dave"]);
        let plan = plan_enforce(&api, "ops").await.unwrap();
        assert!(!plan.create_policy && plan.attach);
        apply_enforce(&api, &plan, false).await.unwrap();
        assert_eq!(api.attached("ops"), [policy_arn()]);

        // Applying again is a no-op.
        let plan = plan_enforce(&api, "devs").await.unwrap();
        assert!(!plan.create_policy && !plan.attach);
        apply_enforce(&api, &plan, false).await.unwrap();
        assert_eq!(count(&api, "CreatePolicy"), 1);
        assert_eq!(count(&api, "AttachGroupPolicy"), 2);
    }

    #[tokio::test]
    async fn a_policy_that_already_exists_is_attached_as_it_is() {
        let api = account();
        api.add_policy(POLICY_NAME, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        let plan = plan_enforce(&api, "devs").await.unwrap();
        assert!(!plan.create_policy && plan.attach);
        apply_enforce(&api, &plan, false).await.unwrap();
        assert_eq!(count(&api, "CreatePolicy"), 0);
        assert_eq!(api.attached("devs"), [policy_arn()]);
    }

    #[tokio::test]
    async fn a_plan_that_locks_out_the_caller_is_applied_only_with_force() {
        let api = FakeIam::with_user("carol");
        api.add_group("devs", &["carol"]);
        let plan = plan_enforce(&api, "devs").await.unwrap();
        assert!(plan.locks_out_caller);
        let e = apply_enforce(&api, &plan, false).await.unwrap_err();
        assert!(
            matches!(&e, Error::LocksOutCaller { group } if group == "devs"),
            "{e}"
        );
        assert!(!api.calls().iter().any(|c| MUTATIONS.contains(c)));
        assert!(api.policies().is_empty());

        apply_enforce(&api, &plan, true).await.unwrap();
        assert_eq!(api.attached("devs"), [policy_arn()]);
    }

    #[tokio::test]
    async fn the_root_user_is_never_locked_out() {
        let api = FakeIam::root();
        api.add_group("devs", &["carol"]);
        let plan = plan_enforce(&api, "devs").await.unwrap();
        assert_eq!(plan.members_without_mfa, ["carol"]);
        assert!(!plan.locks_out_caller);
    }

    #[tokio::test]
    async fn an_unknown_group_is_named() {
        let api = account();
        let e = aws_error(plan_enforce(&api, "nope").await.unwrap_err());
        assert_eq!((e.op, e.kind), ("GetGroup", AwsErrorKind::NotFound));
        assert_eq!(e.message, "there is no IAM group named \"nope\"");
    }

    #[tokio::test]
    async fn failures_keep_their_kind() {
        let api = account();
        api.fail_next("GetGroup", AwsErrorKind::Throttled);
        let e = aws_error(plan_enforce(&api, "devs").await.unwrap_err());
        assert_eq!((e.op, e.kind), ("GetGroup", AwsErrorKind::Throttled));

        // A denied GetPolicy is not "the policy does not exist".
        api.fail_next("GetPolicy", AwsErrorKind::AccessDenied);
        let e = aws_error(plan_enforce(&api, "devs").await.unwrap_err());
        assert_eq!((e.op, e.kind), ("GetPolicy", AwsErrorKind::AccessDenied));

        let plan = plan_enforce(&api, "devs").await.unwrap();
        api.fail_next("CreatePolicy", AwsErrorKind::AccessDenied);
        let e = aws_error(apply_enforce(&api, &plan, false).await.unwrap_err());
        assert_eq!((e.op, e.kind), ("CreatePolicy", AwsErrorKind::AccessDenied));
        assert_eq!(
            count(&api, "AttachGroupPolicy"),
            0,
            "nothing attached after a failure"
        );

        api.fail_next("AttachGroupPolicy", AwsErrorKind::Throttled);
        let e = aws_error(apply_enforce(&api, &plan, false).await.unwrap_err());
        assert_eq!(
            (e.op, e.kind),
            ("AttachGroupPolicy", AwsErrorKind::Throttled)
        );
        assert!(api.attached("devs").is_empty());
    }

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
