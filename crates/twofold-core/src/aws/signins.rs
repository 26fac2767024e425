//! Console sign-ins, and whether they used MFA: CloudTrail's `ConsoleLogin` events.
//!
//! CloudTrail's event history (LookupEvents, the last 90 days, no trail needed) records each
//! console sign-in with `additionalEventData.MFAUsed`. Sign-ins are global events, recorded in
//! us-east-1 or in the region of the sign-in endpoint the user went through, so [`sign_ins`]
//! looks in every region it is given. Federated sign-ins (an assumed role through SSO or SAML)
//! always say `MFAUsed: No`: their MFA, if any, happened at the identity provider, so they are
//! told apart and not flagged.

use std::collections::BTreeSet;
use std::future::Future;

use super::client::AwsClient;
use super::error::AwsError;
use super::org::{for_each_account, OrgApi, OrgOptions, OrgProgress, OrgRun};
use crate::Result;

/// CloudTrail keeps this many days of event history.
pub const HISTORY_DAYS: i64 = 90;

/// At most this many pages of 50 events per region (a year of a busy account's sign-ins).
const MAX_PAGES: usize = 400;

/// The CloudTrail call behind [`sign_ins`].
pub trait SignInApi: Send + Sync {
    /// CloudTrail LookupEvents for `EventName = ConsoleLogin` in `region` between `start` and
    /// `end` (Unix seconds), every page: each event's `CloudTrailEvent` JSON text.
    fn console_logins(
        &self,
        region: &str,
        start: i64,
        end: i64,
    ) -> impl Future<Output = std::result::Result<Vec<String>, AwsError>> + Send;
}

impl SignInApi for AwsClient {
    async fn console_logins(
        &self,
        region: &str,
        start: i64,
        end: i64,
    ) -> std::result::Result<Vec<String>, AwsError> {
        use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
        let client = self.cloudtrail(region);
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventName)
            .attribute_value("ConsoleLogin")
            .build()
            .map_err(|e| AwsError {
                op: "LookupEvents",
                kind: super::error::AwsErrorKind::Other,
                code: String::new(),
                message: e.to_string(),
                resource: None,
                skew_secs: None,
            })?;
        let mut out = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let page = client
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .start_time(aws_smithy_types::DateTime::from_secs(start))
                .end_time(aws_smithy_types::DateTime::from_secs(end))
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("LookupEvents", Some(region.to_string()), e))?;
            out.extend(
                page.events()
                    .iter()
                    .filter_map(|e| e.cloud_trail_event().map(str::to_string)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// Who signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Principal {
    /// The account's root user.
    Root,
    /// An IAM user.
    IamUser,
    /// A role assumed through SSO or SAML (MFA, if any, is the identity provider's).
    Federated,
    /// Anything else CloudTrail names.
    Other,
}

/// Whether the sign-in used MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MfaUse {
    /// `MFAUsed: Yes`.
    Used,
    /// `MFAUsed: No` for a root or IAM user.
    NotUsed,
    /// A federated sign-in: AWS cannot tell.
    AtIdentityProvider,
    /// The event does not say.
    Unknown,
}

/// One console sign-in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    /// The account signed in to.
    pub account: String,
    /// The region the event was recorded in.
    pub region: String,
    /// When, Unix seconds.
    pub time: i64,
    /// The user name (`root` for the root user, the session name for a federated one).
    pub user: String,
    /// The principal's ARN.
    pub arn: String,
    /// Root, IAM user, federated.
    pub principal: Principal,
    /// Where from.
    pub source_ip: String,
    /// The browser.
    pub user_agent: String,
    /// MFA.
    pub mfa: MfaUse,
    /// The sign-in succeeded (a failed password is a `ConsoleLogin` event too).
    pub success: bool,
    /// CloudTrail's event id.
    pub event_id: String,
}

impl SignIn {
    /// A successful sign-in of a root or IAM user without MFA.
    pub fn without_mfa(&self) -> bool {
        self.success && self.mfa == MfaUse::NotUsed
    }
}

/// Reads one `CloudTrailEvent` record; `None` for anything but a readable `ConsoleLogin`.
pub fn parse_console_login(json: &str) -> Option<SignIn> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    if v.get("eventName")?.as_str()? != "ConsoleLogin" {
        return None;
    }
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let who = v.get("userIdentity")?;
    let arn = text(who, "arn");
    let principal = match who.get("type").and_then(|t| t.as_str()) {
        Some("Root") => Principal::Root,
        Some("IAMUser") => Principal::IamUser,
        Some("AssumedRole" | "FederatedUser" | "SAMLUser" | "WebIdentityUser") => {
            Principal::Federated
        }
        _ => Principal::Other,
    };
    let user = match principal {
        Principal::Root => "root".to_string(),
        _ => match text(who, "userName") {
            name if !name.is_empty() => name,
            // An assumed role's session name is the ARN's last part.
            _ => arn.rsplit('/').next().unwrap_or_default().to_string(),
        },
    };
    let time = aws_smithy_types::DateTime::from_str(
        v.get("eventTime")?.as_str()?,
        aws_smithy_types::date_time::Format::DateTime,
    )
    .ok()?
    .secs();
    let used = v
        .get("additionalEventData")
        .and_then(|d| d.get("MFAUsed"))
        .and_then(|m| m.as_str());
    let mfa = match (principal, used) {
        (_, Some("Yes")) => MfaUse::Used,
        (Principal::Federated, _) => MfaUse::AtIdentityProvider,
        (_, Some("No")) => MfaUse::NotUsed,
        _ => MfaUse::Unknown,
    };
    let success = v
        .get("responseElements")
        .and_then(|r| r.get("ConsoleLogin"))
        .and_then(|r| r.as_str())
        == Some("Success");
    let account = match text(&v, "recipientAccountId") {
        a if !a.is_empty() => a,
        _ => text(who, "accountId"),
    };
    Some(SignIn {
        account,
        region: text(&v, "awsRegion"),
        time,
        user,
        arn,
        principal,
        source_ip: text(&v, "sourceIPAddress"),
        user_agent: text(&v, "userAgent"),
        mfa,
        success,
        event_id: text(&v, "eventID"),
    })
}

/// The console sign-ins of one account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInReport {
    /// The regions looked in.
    pub regions: Vec<String>,
    /// From when, Unix seconds.
    pub since: i64,
    /// Every sign-in: successful ones without MFA first (root before IAM users), then newest
    /// first.
    pub sign_ins: Vec<SignIn>,
    /// Events that could not be read.
    pub unreadable: usize,
}

impl SignInReport {
    /// The successful sign-ins without MFA.
    pub fn without_mfa(&self) -> impl Iterator<Item = &SignIn> {
        self.sign_ins.iter().filter(|s| s.without_mfa())
    }
}

/// The regions to look in: us-east-1 (where most console sign-ins are recorded), the ones
/// asked for, and `configured` (the profile's region, where a regional sign-in endpoint
/// records them), each once.
pub fn regions_for(asked: &[String], configured: Option<&str>) -> Vec<String> {
    let mut out = vec!["us-east-1".to_string()];
    for r in asked.iter().map(String::as_str).chain(configured) {
        if !r.is_empty() && !out.iter().any(|o| o == r) {
            out.push(r.to_string());
        }
    }
    out
}

/// Console sign-ins of the account since `since` (at most [`HISTORY_DAYS`] before `now`), in
/// every region of `regions`.
pub async fn sign_ins<A: SignInApi>(
    api: &A,
    regions: &[String],
    since: i64,
    now: i64,
) -> Result<SignInReport> {
    let since = since.max(now - HISTORY_DAYS * 86_400);
    let mut seen = BTreeSet::new();
    let mut sign_ins = Vec::new();
    let mut unreadable = 0;
    for region in regions {
        for json in api.console_logins(region, since, now).await? {
            match parse_console_login(&json) {
                Some(s) => {
                    if seen.insert(s.event_id.clone()) || s.event_id.is_empty() {
                        sign_ins.push(s);
                    }
                }
                None => unreadable += 1,
            }
        }
    }
    sign_ins.sort_by(|a, b| {
        (!a.without_mfa(), a.principal != Principal::Root, -a.time).cmp(&(
            !b.without_mfa(),
            b.principal != Principal::Root,
            -b.time,
        ))
    });
    Ok(SignInReport {
        regions: regions.to_vec(),
        since,
        sign_ins,
        unreadable,
    })
}

/// [`sign_ins`] in every active account of the organisation.
pub async fn org_sign_ins<A: OrgApi>(
    api: &A,
    opts: &OrgOptions,
    regions: &[String],
    since: i64,
    now: i64,
    progress: &mut (dyn FnMut(OrgProgress<'_>) + Send),
) -> Result<OrgRun<SignInReport>> {
    for_each_account(api, opts, progress, |member, _| async move {
        sign_ins(&*member, regions, since, now).await
    })
    .await
}

/// Parses a duration such as `90m`, `12h`, `30d` or `2w` into seconds.
pub fn parse_since(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: i64 = n.parse().ok()?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    n.checked_mul(unit).filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, user: &str, mfa: &str, when: &str, id: &str) -> String {
        let arn = match kind {
            "Root" => "arn:aws:iam::111111111111:root".to_string(),
            "AssumedRole" => {
                format!("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin/{user}")
            }
            _ => format!("arn:aws:iam::111111111111:user/{user}"),
        };
        serde_json::json!({
            "eventVersion": "1.08",
            "userIdentity": {"type": kind, "principalId": "AIDA", "arn": arn, "accountId": "111111111111", "userName": if kind == "IAMUser" { user } else { "" }},
            "eventTime": when,
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.5",
            "userAgent": "Mozilla/5.0",
            "requestParameters": null,
            "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa},
            "eventID": id,
            "readOnly": false,
            "eventType": "AwsConsoleSignIn",
            "recipientAccountId": "111111111111"
        })
        .to_string()
    }

    #[test]
    fn a_console_login_record_is_read_whoever_signed_in() {
        let alice = parse_console_login(&event(
            "IAMUser",
            "alice",
            "No",
            "2026-12-01T10:00:00Z",
            "e1",
        ))
        .unwrap();
        assert_eq!(
            (alice.user.as_str(), alice.principal, alice.mfa),
            ("alice", Principal::IamUser, MfaUse::NotUsed)
        );
        assert_eq!(alice.time, 1_796_119_200);
        assert_eq!(
            (alice.account.as_str(), alice.source_ip.as_str()),
            ("111111111111", "203.0.113.5")
        );
        assert!(alice.without_mfa());
        let root =
            parse_console_login(&event("Root", "", "Yes", "2026-12-01T10:00:00Z", "e2")).unwrap();
        assert_eq!((root.user.as_str(), root.mfa), ("root", MfaUse::Used));
        assert!(!root.without_mfa());
        let sso = parse_console_login(&event(
            "AssumedRole",
            "bob",
            "No",
            "2026-12-01T10:00:00Z",
            "e3",
        ))
        .unwrap();
        assert_eq!(
            (sso.user.as_str(), sso.mfa),
            ("bob", MfaUse::AtIdentityProvider)
        );
        assert!(
            !sso.without_mfa(),
            "a federated sign-in's MFA is the identity provider's"
        );
        let failed = event("IAMUser", "carol", "No", "2026-12-01T10:00:00Z", "e4")
            .replace("\"Success\"", "\"Failure\"");
        assert!(!parse_console_login(&failed).unwrap().without_mfa());
        for bad in [
            "",
            "{}",
            "[1]",
            &event("IAMUser", "a", "No", "yesterday", "e5"),
            &event("IAMUser", "a", "No", "2026-12-01T10:00:00Z", "e6")
                .replace("ConsoleLogin\"", "GetUser\""),
        ] {
            assert_eq!(parse_console_login(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn sign_ins_without_mfa_come_first_root_first_across_regions_once_each() {
        let trail = crate::aws::fake::FakeIam::with_user("admin");
        for (region, e) in [
            (
                "us-east-1",
                event("IAMUser", "alice", "Yes", "2026-12-01T12:00:00Z", "a"),
            ),
            (
                "us-east-1",
                event("IAMUser", "bob", "No", "2026-12-01T09:00:00Z", "b"),
            ),
            (
                "eu-west-1",
                event("Root", "", "No", "2026-11-30T09:00:00Z", "r"),
            ),
            (
                "eu-west-1",
                event("IAMUser", "bob", "No", "2026-12-01T11:00:00Z", "b2"),
            ),
            // The same event seen from two regions is one sign-in.
            (
                "eu-west-1",
                event("IAMUser", "bob", "No", "2026-12-01T09:00:00Z", "b"),
            ),
            ("eu-west-1", "not json".to_string()),
            (
                "ap-south-1",
                event("IAMUser", "nobody", "No", "2026-12-01T09:00:00Z", "x"),
            ),
        ] {
            trail.add_console_login(region, &e);
        }
        let regions = regions_for(&["eu-west-1".into()], Some("us-east-1"));
        assert_eq!(regions, ["us-east-1", "eu-west-1"]);
        let report = sign_ins(&trail, &regions, 0, 1_796_200_000).await.unwrap();
        let order: Vec<&str> = report
            .sign_ins
            .iter()
            .map(|s| s.event_id.as_str())
            .collect();
        assert_eq!(order, ["r", "b2", "b", "a"]);
        assert_eq!(report.without_mfa().count(), 3);
        assert_eq!(report.unreadable, 1);
        assert_eq!(
            report.since,
            1_796_200_000 - HISTORY_DAYS * 86_400,
            "no further back than CloudTrail keeps"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_since("90m"), Some(5_400));
        assert_eq!(parse_since("30d"), Some(2_592_000));
        assert_eq!(parse_since("2w"), Some(1_209_600));
        for bad in ["", "d", "10", "5y", "-3d", "0d", "99999999999999999999d"] {
            assert_eq!(parse_since(bad), None, "{bad}");
        }
    }
}
