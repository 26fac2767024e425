//! What an account and a code look like from outside: the one shape both faces print.
//!
//! The app sends these over IPC (and generates the UI's TypeScript types from them); the CLI
//! prints them for `twofold list --json` and `twofold code --json`. So they are a public
//! interface: field names are camelCase and change only on purpose. This module owns the view
//! types and how they are made from [`Account`] and [`Code`]. It owns no secret: nothing here
//! can carry a seed, and nothing computes a code that the caller did not ask for.
//!
//! With the `ts` feature the types also derive `ts_rs::TS`; the app exports them into
//! `ui/src/bindings` from its tests, beside its own IPC types.

use serde::{Deserialize, Serialize};

use crate::otp::{Algorithm, Code, Otp, OtpKind};
use crate::vault::{Account, AwsStatus};

/// The kind of an account's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum OtpKindView {
    /// Time-based.
    Totp,
    /// Counter-based.
    Hotp,
    /// Steam Guard.
    Steam,
}

impl From<OtpKind> for OtpKindView {
    fn from(k: OtpKind) -> Self {
        match k {
            OtpKind::Totp => OtpKindView::Totp,
            OtpKind::Hotp => OtpKindView::Hotp,
            OtpKind::Steam => OtpKindView::Steam,
        }
    }
}

impl From<OtpKindView> for OtpKind {
    fn from(k: OtpKindView) -> Self {
        match k {
            OtpKindView::Totp => OtpKind::Totp,
            OtpKindView::Hotp => OtpKind::Hotp,
            OtpKindView::Steam => OtpKind::Steam,
        }
    }
}

/// The HMAC algorithm, as in `otpauth://` URIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AlgorithmView {
    /// HMAC-SHA1.
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl From<Algorithm> for AlgorithmView {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::Sha1 => AlgorithmView::Sha1,
            Algorithm::Sha256 => AlgorithmView::Sha256,
            Algorithm::Sha512 => AlgorithmView::Sha512,
        }
    }
}

impl From<AlgorithmView> for Algorithm {
    fn from(a: AlgorithmView) -> Self {
        match a {
            AlgorithmView::Sha1 => Algorithm::Sha1,
            AlgorithmView::Sha256 => Algorithm::Sha256,
            AlgorithmView::Sha512 => Algorithm::Sha512,
        }
    }
}

/// One account as the list shows it. Deliberately has no secret field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// Stable id, passed back to every other account command.
    pub id: String,
    /// Unique name (what the CLI uses).
    pub name: String,
    /// The issuing service.
    pub issuer: String,
    /// The account at the service.
    pub account: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKindView,
    /// The HMAC algorithm.
    pub algorithm: AlgorithmView,
    /// Code length.
    pub digits: u32,
    /// Seconds per code (TOTP, Steam).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub period: u64,
    /// Next HOTP counter value.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub counter: u64,
    /// Tags.
    pub tags: Vec<String>,
    /// Unix seconds the account was added.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created: u64,
    /// Unix seconds a code was last used.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_used: Option<u64>,
    /// The AWS MFA device this account holds the seed of, if any.
    pub aws: Option<AwsLinkView>,
    /// Pinned to the top and in the tray.
    pub favourite: bool,
    /// The user's note ("" for none).
    pub note: String,
    /// How many times a code was taken.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub uses: u64,
    /// The icon choice: "" (match by issuer), "letter", or an icon's slug.
    pub icon: String,
}

/// An account's link to an AWS MFA device (what "Start CLI session" needs to know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AwsLinkView {
    /// The device's serial ARN.
    pub serial: String,
    /// The IAM user.
    pub user_name: String,
    /// The 12-digit AWS account id.
    pub aws_account: String,
    /// The AWS profile it serves, if known.
    pub profile: Option<String>,
    /// Enabled in AWS (false while an enrollment is pending).
    pub active: bool,
}

impl From<&Account> for AccountSummary {
    fn from(a: &Account) -> Self {
        AccountSummary {
            id: a.id.0.clone(),
            name: a.name.clone(),
            issuer: a.issuer.clone(),
            account: a.account.clone(),
            kind: a.otp.kind.into(),
            algorithm: a.otp.algorithm.into(),
            digits: a.otp.digits,
            period: a.otp.period,
            counter: a.otp.counter,
            tags: a.tags.clone(),
            created: a.created,
            last_used: a.last_used,
            aws: a.aws.as_ref().map(|l| AwsLinkView {
                serial: l.serial.clone(),
                user_name: l.user_name.clone(),
                aws_account: l.account_id.clone(),
                profile: l.profile.clone(),
                active: l.status == AwsStatus::Active,
            }),
            favourite: a.meta.favourite,
            note: a.meta.note.clone(),
            uses: a.meta.uses,
            icon: a.meta.icon.clone(),
        }
    }
}

/// A code and its validity window. The UI runs the countdown itself from `validUntil`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    /// The name of the vault account the code is of; null for a code of a bare
    /// `otpauth://` URI (`twofold code --uri`).
    pub name: Option<String>,
    /// The code, ungrouped.
    pub code: String,
    /// Unix seconds the code became valid (0 for HOTP).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub valid_from: u64,
    /// Unix seconds the next code takes over (0 for HOTP).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub valid_until: u64,
    /// Seconds per code (0 for HOTP).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub period: u64,
    /// The (offset-adjusted) Unix time the code was computed for, so the UI can correct for
    /// the vault's clock offset and IPC latency.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub now: u64,
    /// The following code, only in the last seconds of the period.
    pub next: Option<String>,
}

/// Seconds before the end of a period from which `next` is filled in.
pub const NEXT_PREVIEW_SECS: u64 = 5;

impl CodeView {
    /// A view of `code`, which `otp` gave for (offset-adjusted) `now`. A time-based code gets
    /// the following one in `next` once it has at most [`NEXT_PREVIEW_SECS`] left; an HOTP code
    /// has no window, so its times and period are 0.
    pub fn new(otp: &Otp, code: Code, now: u64) -> Self {
        let (period, next) = match otp.kind {
            OtpKind::Hotp => (0, None),
            OtpKind::Totp | OtpKind::Steam => {
                let left = code.valid_until.saturating_sub(now);
                // No next window after the last one of u64 time.
                let next = (left <= NEXT_PREVIEW_SECS && code.valid_until < u64::MAX)
                    .then(|| otp.code_at(code.valid_until).code);
                (otp.period, next)
            }
        };
        CodeView {
            name: None,
            code: code.code.clone(),
            valid_from: code.valid_from,
            valid_until: code.valid_until,
            period,
            now,
            next,
        }
    }

    /// [`CodeView::new`] for a vault account's code, named after the account.
    pub fn of_account(account: &Account, code: Code, now: u64) -> Self {
        CodeView {
            name: Some(account.name.clone()),
            ..CodeView::new(&account.otp, code, now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::uri::OtpUri;

    // RFC 6238's SHA-1 secret, 6 digits.
    const RFC: &str = "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn otp(uri: &str) -> Otp {
        OtpUri::parse(uri).unwrap().otp
    }

    #[test]
    fn a_totp_code_previews_the_next_one_only_at_the_end_of_its_period() {
        let otp = otp(RFC);
        let view = CodeView::new(&otp, otp.code_at(59), 59);
        assert_eq!(
            (view.code.as_str(), view.valid_from, view.valid_until),
            ("287082", 30, 60)
        );
        assert_eq!((view.period, view.now), (30, 59));
        assert_eq!(view.next, Some(otp.code_at(60).code));
        assert_eq!(view.name, None);
        assert_eq!(CodeView::new(&otp, otp.code_at(40), 40).next, None);
    }

    #[test]
    fn an_hotp_code_has_no_window() {
        let otp = otp("otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0");
        let view = CodeView::new(&otp, otp.code_at(59), 59);
        assert_eq!(view.code, "755224");
        assert_eq!((view.valid_from, view.valid_until, view.period), (0, 0, 0));
        assert_eq!(view.next, None);
    }

    fn keys(json: &serde_json::Value) -> Vec<&str> {
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The JSON both faces print: camelCase, every field present (null when empty).
    #[test]
    fn a_code_prints_every_field() {
        let otp = otp(RFC);
        let json = serde_json::to_value(CodeView::new(&otp, otp.code_at(59), 59)).unwrap();
        assert_eq!(
            keys(&json),
            [
                "code",
                "name",
                "next",
                "now",
                "period",
                "validFrom",
                "validUntil"
            ]
        );
        assert_eq!(json["name"], serde_json::Value::Null);
    }

    #[test]
    fn an_account_prints_its_aws_link_and_no_secret() {
        let account = Account {
            id: crate::vault::AccountId("id-1".into()),
            name: "aws-prod".into(),
            issuer: "Amazon Web Services".into(),
            account: "alice@123456789012".into(),
            otp: otp(RFC),
            tags: vec!["work".into()],
            created: 1_700_000_000,
            last_used: None,
            aws: Some(crate::vault::AwsLink {
                account_id: "123456789012".into(),
                user_name: "alice".into(),
                user_arn: "arn:aws:iam::123456789012:user/alice".into(),
                serial: "arn:aws:iam::123456789012:mfa/alice".into(),
                profile: Some("work".into()),
                status: AwsStatus::Pending,
            }),
            meta: Default::default(),
        };
        let json = serde_json::to_value(AccountSummary::from(&account)).unwrap();
        assert_eq!(
            keys(&json),
            [
                "account",
                "algorithm",
                "aws",
                "counter",
                "created",
                "digits",
                "favourite",
                "icon",
                "id",
                "issuer",
                "kind",
                "lastUsed",
                "name",
                "note",
                "period",
                "tags",
                "uses"
            ]
        );
        assert_eq!(
            (&json["kind"], &json["algorithm"]),
            (&"totp".into(), &"SHA1".into())
        );
        assert_eq!(json["created"], 1_700_000_000);
        assert_eq!(json["lastUsed"], serde_json::Value::Null);
        assert_eq!(
            json["aws"],
            serde_json::json!({
                "serial": "arn:aws:iam::123456789012:mfa/alice",
                "userName": "alice",
                "awsAccount": "123456789012",
                "profile": "work",
                "active": false,
            })
        );
        assert!(!json.to_string().contains("GEZDGNBV"), "{json}");
        let code = CodeView::of_account(&account, account.otp.code_at(59), 59);
        assert_eq!(code.name.as_deref(), Some("aws-prod"));
    }
}
