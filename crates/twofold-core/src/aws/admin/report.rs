//! The IAM credential report: fetching it (GenerateCredentialReport + GetCredentialReport) and
//! parsing its CSV into rows.

use super::api::{AdminApi, ReportState};
use super::audit::KeyAudit;
use crate::{Error, Result};

/// One row of the IAM credential report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// `user` (`<root_account>` for root).
    pub user: String,
    /// `arn`.
    pub arn: String,
    /// `password_enabled`.
    pub password_enabled: bool,
    /// `password_last_used`.
    pub password_last_used: Option<i64>,
    /// `mfa_active`.
    pub mfa_active: bool,
    /// `access_key_1_active`, `access_key_1_last_used_date`, and the same for key 2.
    pub keys: Vec<KeyAudit>,
}

/// Parses the credential report CSV (its columns are looked up by name; fields may be quoted,
/// as IAM user names may contain commas).
pub fn parse_credential_report(text: &str) -> Result<Vec<ReportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::CredentialReport(format!("is not CSV: {e}")))?
        .clone();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err(Error::CredentialReport("is empty".into()));
    }
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::CredentialReport(format!("has no {name} column")))
    };
    let (user, arn, pw, pw_used, mfa) = (
        col("user")?,
        col("arn")?,
        col("password_enabled")?,
        col("password_last_used")?,
        col("mfa_active")?,
    );
    let key_cols = [
        (
            col("access_key_1_active")?,
            col("access_key_1_last_used_date")?,
        ),
        (
            col("access_key_2_active")?,
            col("access_key_2_last_used_date")?,
        ),
    ];
    let mut rows = Vec::new();
    for record in reader.records() {
        let f = record.map_err(|e| Error::CredentialReport(format!("has a bad row: {e}")))?;
        if f.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| f.get(i).unwrap_or_default();
        let keys = key_cols
            .iter()
            .filter(|(active, _)| get(*active) == "true" || get(*active) == "false")
            .filter(|(active, used)| get(*active) == "true" || parse_time(get(*used)).is_some())
            .map(|(active, used)| KeyAudit {
                active: get(*active) == "true",
                last_used: parse_time(get(*used)),
            })
            .collect();
        rows.push(ReportRow {
            user: get(user).to_string(),
            arn: get(arn).to_string(),
            password_enabled: get(pw) == "true",
            password_last_used: parse_time(get(pw_used)),
            mfa_active: get(mfa) == "true",
            keys,
        });
    }
    Ok(rows)
}

/// ISO 8601 as the report writes it (`2024-01-02T03:04:05+00:00`); `N/A` and `no_information`
/// are `None`.
fn parse_time(s: &str) -> Option<i64> {
    aws_smithy_types::DateTime::from_str(s, aws_smithy_types::date_time::Format::DateTime)
        .ok()
        .or_else(|| {
            aws_smithy_types::DateTime::from_str(
                &s.replace("+00:00", "Z"),
                aws_smithy_types::date_time::Format::DateTime,
            )
            .ok()
        })
        .map(|d| d.secs())
}

/// How often the report's generation is polled.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_millis(500);
/// How many polls (a minute's worth) before the report is fetched anyway.
const POLLS: usize = 120;

/// Generates the IAM credential report, waits for it, and parses it.
pub(super) async fn credential_report<A: AdminApi>(api: &A) -> Result<Vec<ReportRow>> {
    for _ in 0..POLLS {
        if api.generate_credential_report().await? == ReportState::Complete {
            break;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
    parse_credential_report(&api.get_credential_report().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2020-01-01T00:00:00+00:00,true,2024-05-02T10:00:00+00:00,N/A,N/A,false,true,N/A,2024-04-01T00:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bot,arn:aws:iam::123456789012:user/bot,2020-01-01T00:00:00+00:00,false,no_information,N/A,N/A,false,true,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn a_user_name_with_a_comma_stays_one_field_both_ways() {
        let row = "\"ops,eu\",\"arn:aws:iam::123456789012:user/ops,eu\",2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
        let text = format!("{}\n{row}\n", REPORT.lines().next().unwrap());
        let rows = parse_credential_report(&text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].user, "ops,eu");
        assert_eq!(rows[0].arn, "arn:aws:iam::123456789012:user/ops,eu");
        assert!(rows[0].password_enabled && !rows[0].mfa_active);
    }

    #[test]
    fn parses_the_credential_report() {
        let rows = parse_credential_report(REPORT).unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].mfa_active && rows[0].user == "<root_account>");
        let alice = &rows[1];
        assert!(alice.password_enabled && !alice.mfa_active);
        assert_eq!(alice.password_last_used, Some(1_714_644_000));
        assert_eq!(
            alice.keys,
            vec![KeyAudit {
                active: true,
                last_used: Some(1_711_929_600)
            }]
        );
        assert_eq!(
            rows[2].keys,
            vec![KeyAudit {
                active: true,
                last_used: None
            }]
        );
    }

    fn report_error(text: &str) -> String {
        match parse_credential_report(text) {
            Err(Error::CredentialReport(m)) => m,
            other => panic!("not a credential report error: {other:?}"),
        }
    }

    #[test]
    fn a_malformed_report_says_what_is_wrong_with_it() {
        assert_eq!(report_error(""), "is empty");
        assert_eq!(
            report_error("user,arn\nx,y"),
            "has no password_enabled column"
        );
        let e = parse_credential_report("user,arn\nx,y")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "the IAM credential report has no password_enabled column"
        );
        assert!(!e.contains("--") && !e.contains("twofold "), "{e}");
    }

    mod fetched {
        use super::super::*;
        use crate::aws::error::AwsErrorKind;
        use crate::aws::fake::{FakeIam, ACCOUNT};

        fn generations(api: &FakeIam) -> usize {
            api.calls()
                .iter()
                .filter(|c| **c == "GenerateCredentialReport")
                .count()
        }

        #[tokio::test(start_paused = true)]
        async fn generation_is_polled_until_the_report_is_complete() {
            let api = FakeIam::with_user("alice");
            api.report_pending_for(3);
            let started = tokio::time::Instant::now();
            let rows = credential_report(&api).await.unwrap();
            assert_eq!(generations(&api), 4);
            assert_eq!(started.elapsed(), POLL_EVERY * 3);
            assert_eq!(
                api.calls().last(),
                Some(&"GetCredentialReport"),
                "fetched once, after it was complete"
            );
            let users: Vec<&str> = rows.iter().map(|r| r.user.as_str()).collect();
            assert_eq!(users, ["<root_account>", "alice"]);
        }

        #[tokio::test(start_paused = true)]
        async fn a_complete_report_is_fetched_without_waiting() {
            let api = FakeIam::with_user("alice");
            let started = tokio::time::Instant::now();
            credential_report(&api).await.unwrap();
            assert_eq!(generations(&api), 1);
            assert_eq!(started.elapsed(), std::time::Duration::ZERO);
        }

        #[tokio::test(start_paused = true)]
        async fn after_a_minute_of_polling_the_report_is_fetched_anyway() {
            let api = FakeIam::with_user("alice");
            api.report_pending_for(10_000);
            let started = tokio::time::Instant::now();
            let e = match credential_report(&api).await {
                Err(Error::Aws(e)) => e,
                other => panic!("{other:?}"),
            };
            assert_eq!(generations(&api), POLLS);
            assert_eq!(started.elapsed(), std::time::Duration::from_secs(60));
            assert_eq!(e.op, "GetCredentialReport");
            assert_eq!(e.code, "ReportInProgress");
        }

        #[tokio::test]
        async fn a_failed_generation_is_not_retried() {
            let api = FakeIam::with_user("alice");
            api.fail_next("GenerateCredentialReport", AwsErrorKind::AccessDenied);
            let e = match credential_report(&api).await {
                Err(Error::Aws(e)) => e,
                other => panic!("{other:?}"),
            };
            assert_eq!(e.kind, AwsErrorKind::AccessDenied);
            assert_eq!(api.calls(), ["GenerateCredentialReport"]);
        }

        #[tokio::test]
        async fn user_names_with_commas_are_read_whole() {
            let api = FakeIam::with_user("ops,eu");
            api.set_console("ops,eu", None);
            api.add_access_key("a,b,c", true, None);
            let rows = credential_report(&api).await.unwrap();
            let ops = rows.iter().find(|r| r.user == "ops,eu").unwrap();
            assert_eq!(ops.arn, format!("arn:aws:iam::{ACCOUNT}:user/ops,eu"));
            assert!(ops.password_enabled && ops.keys.is_empty());
            let abc = rows.iter().find(|r| r.user == "a,b,c").unwrap();
            assert!(!abc.password_enabled);
            assert_eq!(
                abc.keys,
                [KeyAudit {
                    active: true,
                    last_used: None
                }]
            );
            assert_eq!(rows.len(), 3);
        }

        #[tokio::test]
        async fn a_malformed_report_is_a_credential_report_error() {
            let api = FakeIam::with_user("alice");
            api.set_credential_report(
                "user,arn,mfa_active\nalice,arn:aws:iam::1:user/alice,false\n",
            );
            match credential_report(&api).await {
                Err(Error::CredentialReport(m)) => {
                    assert_eq!(m, "has no password_enabled column")
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
