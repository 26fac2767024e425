//! The MFA audit: every IAM user's console access, access keys and MFA devices, the root
//! user's MFA, and the report as CSV.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::api::{AdminApi, IamUser};
use super::report::{credential_report, ReportRow};
use crate::aws::client::MfaDevice;
use crate::aws::error::AwsErrorKind;
use crate::vault::write_private_file;
use crate::{Error, Result};

/// One access key as the audit sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyAudit {
    /// Active or inactive.
    pub active: bool,
    /// Last use, Unix seconds, if ever used.
    pub last_used: Option<i64>,
}

/// One IAM user's credentials.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAudit {
    /// User name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Whether the user can sign in to the console (has a password).
    pub console: bool,
    /// Last console sign-in, Unix seconds.
    pub password_last_used: Option<i64>,
    /// Access keys.
    pub access_keys: Vec<KeyAudit>,
    /// MFA devices.
    pub mfa: Vec<MfaDevice>,
}

impl UserAudit {
    /// Has at least one MFA device.
    pub fn has_mfa(&self) -> bool {
        !self.mfa.is_empty()
    }

    /// Console access without MFA: the first thing to fix.
    pub fn flagged(&self) -> bool {
        self.console && !self.has_mfa()
    }

    /// Has an active key unused for `days` (or never used) at `now`.
    pub fn has_stale_key(&self, now: i64, days: i64) -> bool {
        self.access_keys
            .iter()
            .any(|k| k.active && k.last_used.is_none_or(|t| now - t > days * 86_400))
    }
}

/// Where the audit's data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditSource {
    /// GenerateCredentialReport + GetCredentialReport.
    CredentialReport,
    /// ListUsers and per-user calls (the report was not allowed).
    ListApis,
}

/// The account's MFA posture.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// The account id.
    pub account: String,
    /// Whether the root user has MFA (GetAccountSummary), if that call was allowed.
    pub root_mfa: Option<bool>,
    /// Every IAM user: console users without MFA first, then users without MFA, then the rest.
    pub users: Vec<UserAudit>,
    /// Where the data came from.
    pub source: AuditSource,
}

impl AuditReport {
    /// The report as CSV (one row per user), for spreadsheets.
    pub fn to_csv(&self) -> String {
        let date = |t: Option<i64>| t.map(crate::aws::sessions::rfc3339).unwrap_or_default();
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "user",
            "arn",
            "console",
            "password_last_used",
            "mfa_devices",
            "mfa_types",
            "mfa_enabled_dates",
            "active_keys",
            "key_last_used",
            "flagged",
        ];
        // Writing to memory cannot fail.
        let _ = w.write_record(header);
        for u in &self.users {
            let kinds: Vec<String> = u
                .mfa
                .iter()
                .map(|d| format!("{:?}", d.kind).to_lowercase())
                .collect();
            let dates: Vec<String> = u.mfa.iter().map(|d| date(d.enabled_at)).collect();
            let keys: Vec<&KeyAudit> = u.access_keys.iter().filter(|k| k.active).collect();
            let last: Vec<String> = keys.iter().map(|k| date(k.last_used)).collect();
            // Every cell, the dates too: a date before year 0 would start with a minus.
            let _ = w.write_record(
                [
                    u.name.clone(),
                    u.arn.clone(),
                    u.console.to_string(),
                    date(u.password_last_used),
                    u.mfa.len().to_string(),
                    kinds.join(" "),
                    dates.join(" "),
                    keys.len().to_string(),
                    last.join(" "),
                    u.flagged().to_string(),
                ]
                .map(csv_cell),
            );
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// Writes [`AuditReport::to_csv`] to `path`, readable by the owner only and atomically;
    /// an existing file is refused ([`Error::ExportFileExists`]) unless `replace`.
    pub fn write_csv(&self, path: &Path, replace: bool) -> Result<()> {
        write_csv_file(path, replace, &self.to_csv())
    }

    /// Writes the CSV into `dir` under a name of its own, never over an earlier file:
    /// `twofold-mfa-audit-<account>-<date>.csv`, then `-2`, `-3`... Returns the file.
    pub fn save_csv_in(&self, dir: &Path, date: &str) -> Result<PathBuf> {
        save_new_csv_in(
            dir,
            "twofold-mfa-audit",
            &self.account,
            date,
            &self.to_csv(),
        )
    }
}

/// Writes `csv` to `path`, readable by the owner only and atomically; an existing file is
/// refused ([`Error::ExportFileExists`]) unless `replace`.
pub(crate) fn write_csv_file(path: &Path, replace: bool, csv: &str) -> Result<()> {
    // As the account export does: a file created between the check and the write is
    // replaced, which only a race with the user's own processes can cause.
    if !replace && path.exists() {
        return Err(Error::ExportFileExists(path.to_path_buf()));
    }
    write_private_file(path, csv.as_bytes())
}

/// Writes `csv` into `dir` as `<prefix>-<account>-<date>.csv`, or with `-2`, `-3`... when that
/// exists: never over an earlier file. Returns the file.
pub(crate) fn save_new_csv_in(
    dir: &Path,
    prefix: &str,
    account: &str,
    date: &str,
    csv: &str,
) -> Result<PathBuf> {
    // The account id came from AWS: only its letters and digits go into the name.
    let account: String = account
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect();
    let date: String = date
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    let stem = format!("{prefix}-{account}-{date}");
    for n in 1..=1000u32 {
        let name = match n {
            1 => format!("{stem}.csv"),
            n => format!("{stem}-{n}.csv"),
        };
        let path = dir.join(name);
        if !path.exists() {
            write_private_file(&path, csv.as_bytes())?;
            return Ok(path);
        }
    }
    Err(Error::ExportFileExists(dir.join(format!("{stem}.csv"))))
}

/// A CSV cell a spreadsheet shows as text: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be run as a formula, so it gets a leading `'` (OWASP's CSV injection
/// rule).
pub(crate) fn csv_cell(s: String) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// Orders users: console users without MFA first, then users without MFA, then by name.
pub fn sort_users(users: &mut [UserAudit]) {
    users.sort_by(|a, b| {
        (!a.flagged(), a.has_mfa(), &a.name).cmp(&(!b.flagged(), b.has_mfa(), &b.name))
    });
}

/// Runs the audit. `progress(done, total)` is called as users are processed.
pub async fn audit<A: AdminApi>(
    api: &A,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<AuditReport> {
    let me = api.caller_identity().await?;
    let root_mfa = match api.account_mfa_enabled().await {
        Ok(enabled) => enabled,
        Err(e) if e.kind == AwsErrorKind::AccessDenied => None,
        Err(e) => return Err(e.into()),
    };
    let virtual_devices = assigned_virtual_devices(api).await?;
    let (mut users, source) = match credential_report(api).await {
        Ok(rows) => {
            let rows: Vec<ReportRow> = rows
                .into_iter()
                .filter(|r| r.user != "<root_account>")
                .collect();
            let total = rows.len();
            let mut users = Vec::with_capacity(total);
            for (i, r) in rows.into_iter().enumerate() {
                let mut mfa = virtual_devices.get(&r.user).cloned().unwrap_or_default();
                if r.mfa_active && mfa.is_empty() {
                    // Hardware tokens and security keys are not virtual devices.
                    mfa = api.list_mfa_devices(&r.user).await?;
                }
                users.push(UserAudit {
                    name: r.user,
                    arn: r.arn,
                    console: r.password_enabled,
                    password_last_used: r.password_last_used,
                    access_keys: r.keys,
                    mfa,
                });
                if i % 50 == 0 || i + 1 == total {
                    progress(i + 1, total);
                }
            }
            (users, AuditSource::CredentialReport)
        }
        Err(Error::Aws(e)) if e.kind == AwsErrorKind::AccessDenied => (
            list_users_audit(api, &virtual_devices, progress).await?,
            AuditSource::ListApis,
        ),
        Err(e) => return Err(e),
    };
    sort_users(&mut users);
    Ok(AuditReport {
        account: me.account,
        root_mfa,
        users,
        source,
    })
}

/// The assigned virtual devices, by user.
async fn assigned_virtual_devices<A: AdminApi>(
    api: &A,
) -> Result<BTreeMap<String, Vec<MfaDevice>>> {
    let mut out: BTreeMap<String, Vec<MfaDevice>> = BTreeMap::new();
    for d in api.list_assigned_virtual_devices().await? {
        if let Some(user) = d.user.clone() {
            out.entry(user).or_default().push(d);
        }
    }
    Ok(out)
}

async fn list_users_audit<A: AdminApi>(
    api: &A,
    virtual_devices: &BTreeMap<String, Vec<MfaDevice>>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Vec<UserAudit>> {
    let listed = api.list_users().await?;
    let total = listed.len();
    let mut users = Vec::with_capacity(total);
    // A few users at a time: IAM throttles bursts, and the SDK retries what it throttles.
    for (chunk_index, chunk) in listed.chunks(8).enumerate() {
        let audits = futures_util::future::try_join_all(
            chunk.iter().map(|u| user_audit(api, virtual_devices, u)),
        )
        .await?;
        users.extend(audits);
        progress((chunk_index * 8 + chunk.len()).min(total), total);
    }
    Ok(users)
}

async fn user_audit<A: AdminApi>(
    api: &A,
    virtual_devices: &BTreeMap<String, Vec<MfaDevice>>,
    user: &IamUser,
) -> Result<UserAudit> {
    let name = user.name.as_str();
    let console = match api.get_login_profile(name).await {
        Ok(()) => true,
        Err(e) if e.kind == AwsErrorKind::NotFound => false,
        Err(e) => return Err(e.into()),
    };
    let mut access_keys = Vec::new();
    for k in api.list_access_keys(name).await? {
        access_keys.push(KeyAudit {
            active: k.active,
            last_used: api.access_key_last_used(name, &k.id).await?,
        });
    }
    let mfa = match virtual_devices.get(name) {
        Some(v) => v.clone(),
        None => api.list_mfa_devices(name).await?,
    };
    Ok(UserAudit {
        name: user.name.clone(),
        arn: user.arn.clone(),
        console,
        password_last_used: user.password_last_used,
        access_keys,
        mfa,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::client::DeviceKind;
    use crate::aws::error::AwsError;
    use crate::aws::fake::{FakeIam, ACCOUNT};

    const MAY_1: i64 = 1_714_521_600;
    const APRIL_1: i64 = 1_711_929_600;

    /// An account with one of each: the caller (console + virtual MFA), a console user without
    /// MFA, a keys-only bot, and a console user whose MFA is a hardware token.
    fn account() -> FakeIam {
        let api = FakeIam::with_user("admin");
        api.set_console("admin", Some(MAY_1));
        api.add_device("admin", &format!("arn:aws:iam::{ACCOUNT}:mfa/admin"));
        api.set_console("carol", None);
        api.add_access_key("bot", true, Some(APRIL_1));
        api.set_console("hw", Some(APRIL_1));
        api.add_device("hw", "GAHT12345678");
        api.set_root_mfa(true);
        api
    }

    fn aws_error(e: Error) -> AwsError {
        match e {
            Error::Aws(a) => a,
            other => panic!("not an AWS error: {other}"),
        }
    }

    async fn run(api: &FakeIam) -> Result<AuditReport> {
        audit(api, &mut |_, _| {}).await
    }

    #[tokio::test]
    async fn the_report_shows_who_lacks_mfa_console_users_first() {
        let api = account();
        let report = run(&api).await.unwrap();
        assert_eq!(report.source, AuditSource::CredentialReport);
        assert_eq!(report.account, ACCOUNT);
        assert_eq!(report.root_mfa, Some(true));
        let names: Vec<&str> = report.users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["carol", "bot", "admin", "hw"]);
        let [carol, bot, admin, hw] = &report.users[..] else {
            panic!("{names:?}")
        };
        assert!(carol.console && carol.flagged() && carol.password_last_used.is_none());
        assert!(!bot.console && !bot.has_mfa() && !bot.flagged());
        assert_eq!(
            bot.access_keys,
            [KeyAudit {
                active: true,
                last_used: Some(APRIL_1)
            }]
        );
        assert_eq!(admin.password_last_used, Some(MAY_1));
        assert_eq!(admin.mfa[0].kind, DeviceKind::Virtual);
        assert_eq!(hw.mfa[0].serial, "GAHT12345678");
        assert_eq!(hw.mfa[0].kind, DeviceKind::Hardware);
        // Virtual devices come from one listing; only the hardware token's user is asked.
        assert_eq!(
            api.calls()
                .iter()
                .filter(|c| **c == "ListMFADevices")
                .count(),
            1
        );
        assert!(!api.calls().contains(&"ListUsers"));
    }

    #[tokio::test]
    async fn without_the_report_per_user_calls_give_the_same_answer() {
        let api = account();
        let from_report = run(&api).await.unwrap();
        api.fail_next("GenerateCredentialReport", AwsErrorKind::AccessDenied);
        let from_calls = run(&api).await.unwrap();
        assert_eq!(from_calls.source, AuditSource::ListApis);
        assert_eq!(from_calls.users, from_report.users);
        assert_eq!(from_calls.root_mfa, Some(true));
        for call in [
            "ListUsers",
            "GetLoginProfile",
            "ListAccessKeys",
            "GetAccessKeyLastUsed",
        ] {
            assert!(api.calls().contains(&call), "{call}");
        }
    }

    #[tokio::test]
    async fn a_denied_report_download_also_falls_back() {
        let api = account();
        api.fail_next("GetCredentialReport", AwsErrorKind::AccessDenied);
        let report = run(&api).await.unwrap();
        assert_eq!(report.source, AuditSource::ListApis);
        assert_eq!(report.users.len(), 4);
    }

    #[tokio::test]
    async fn a_report_that_fails_otherwise_stops_the_audit() {
        let api = account();
        api.fail_next("GenerateCredentialReport", AwsErrorKind::Throttled);
        let e = aws_error(run(&api).await.unwrap_err());
        assert_eq!(e.kind, AwsErrorKind::Throttled);
        assert_eq!(e.op, "GenerateCredentialReport");
        assert!(!api.calls().contains(&"ListUsers"));

        api.set_credential_report("user,arn\nalice,arn:aws:iam::1:user/alice\n");
        let e = run(&api).await.unwrap_err();
        assert!(matches!(e, Error::CredentialReport(_)), "{e}");
        assert!(!api.calls().contains(&"ListUsers"));
    }

    #[tokio::test]
    async fn root_mfa_is_unknown_when_the_account_summary_is_denied() {
        let api = account();
        api.fail_next("GetAccountSummary", AwsErrorKind::AccessDenied);
        let report = run(&api).await.unwrap();
        assert_eq!(report.root_mfa, None);
        assert_eq!(report.users.len(), 4);

        api.set_root_mfa(false);
        assert_eq!(run(&api).await.unwrap().root_mfa, Some(false));

        api.fail_next("GetAccountSummary", AwsErrorKind::Throttled);
        let e = aws_error(run(&api).await.unwrap_err());
        assert_eq!(
            (e.op, e.kind),
            ("GetAccountSummary", AwsErrorKind::Throttled)
        );
    }

    #[tokio::test]
    async fn a_denied_per_user_call_stops_the_audit_and_says_which_call() {
        // A denied GetLoginProfile is not "no console password": the audit stops rather than
        // report a user as keys-only.
        let api = account();
        api.fail_next("GenerateCredentialReport", AwsErrorKind::AccessDenied);
        api.fail_next("GetLoginProfile", AwsErrorKind::AccessDenied);
        let e = aws_error(run(&api).await.unwrap_err());
        assert_eq!(
            (e.op, e.kind),
            ("GetLoginProfile", AwsErrorKind::AccessDenied)
        );

        api.fail_next("GenerateCredentialReport", AwsErrorKind::AccessDenied);
        api.fail_next("ListAccessKeys", AwsErrorKind::AccessDenied);
        let e = aws_error(run(&api).await.unwrap_err());
        assert_eq!(
            (e.op, e.kind),
            ("ListAccessKeys", AwsErrorKind::AccessDenied)
        );
    }

    #[tokio::test]
    async fn progress_is_reported_per_batch_of_users() {
        let api = FakeIam::with_user("u00");
        for i in 1..10 {
            api.add_user(&format!("u{i:02}"));
        }
        let mut seen = Vec::new();
        audit(&api, &mut |done, total| seen.push((done, total)))
            .await
            .unwrap();
        assert_eq!(seen, [(1, 10), (10, 10)]);

        api.fail_next("GenerateCredentialReport", AwsErrorKind::AccessDenied);
        let mut seen = Vec::new();
        audit(&api, &mut |done, total| seen.push((done, total)))
            .await
            .unwrap();
        assert_eq!(seen, [(8, 10), (10, 10)]);
    }

    fn user(name: &str, console: bool, mfa: bool) -> UserAudit {
        UserAudit {
            name: name.into(),
            arn: format!("arn:aws:iam::1:user/{name}"),
            console,
            password_last_used: None,
            access_keys: vec![],
            mfa: if mfa {
                vec![MfaDevice {
                    serial: format!("arn:aws:iam::1:mfa/{name}"),
                    user: Some(name.into()),
                    enabled_at: Some(0),
                    kind: DeviceKind::Virtual,
                }]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn console_users_without_mfa_come_first() {
        let mut users = vec![
            user("a-ok", true, true),
            user("b-bot", false, false),
            user("c-risk", true, false),
            user("a-risk", true, false),
        ];
        sort_users(&mut users);
        let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["a-risk", "c-risk", "b-bot", "a-ok"]);
        assert!(users[0].flagged() && !users[2].flagged());
    }

    #[test]
    fn csv_has_a_row_per_user_and_quotes_fields() {
        let report = AuditReport {
            account: "1".into(),
            root_mfa: Some(false),
            users: vec![user("x,y", true, false)],
            source: AuditSource::ListApis,
        };
        let csv = report.to_csv();
        assert_eq!(csv.lines().count(), 2);
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("\"x,y\",\"arn:aws:iam::1:user/x,y\",true,"),
            "{csv}"
        );
        assert!(csv.trim_end().ends_with(",true"));
    }

    // See: issue 16: a user name is whatever the account's admins typed (IAM allows `=+-@`),
    // and a spreadsheet runs a cell that starts with one of them as a formula.
    #[test]
    fn issue16_csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
        let names = [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "a=b",
        ];
        let report = AuditReport {
            account: "1".into(),
            root_mfa: Some(false),
            users: names.iter().map(|n| user(n, false, false)).collect(),
            source: AuditSource::ListApis,
        };
        let csv = report.to_csv();
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let cells: Vec<String> = r.records().map(|rec| rec.unwrap()[0].to_string()).collect();
        let want: Vec<String> = names
            .iter()
            .map(|n| {
                if *n == "a=b" {
                    n.to_string()
                } else {
                    format!("'{n}")
                }
            })
            .collect();
        assert_eq!(cells, want, "{csv}");
        // Plain values are untouched.
        let plain = AuditReport {
            users: vec![user("alice", true, true)],
            ..report
        }
        .to_csv();
        assert!(plain
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("alice,arn:aws:iam::1:user/alice,true,"));
    }

    // See: issue 16: the CSV went to Downloads readable by others and over an earlier one.
    #[test]
    fn issue16_the_csv_file_is_private_and_never_replaced_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let report = AuditReport {
            account: "../../etc/123".into(),
            root_mfa: None,
            users: vec![user("alice", true, false)],
            source: AuditSource::ListApis,
        };
        let path = dir.path().join("audit.csv");
        report.write_csv(&path, false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), report.to_csv());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "mine").unwrap();
        assert!(matches!(
            report.write_csv(&path, false),
            Err(Error::ExportFileExists(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        report.write_csv(&path, true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), report.to_csv());

        // Saved into a folder: a new name each time, the account id cannot leave the folder.
        let first = report.save_csv_in(dir.path(), "2026-12-07").unwrap();
        let second = report.save_csv_in(dir.path(), "2026-12-07").unwrap();
        assert_ne!(first, second);
        for p in [&first, &second] {
            assert_eq!(p.parent().unwrap(), dir.path(), "{}", p.display());
            assert!(p.is_file());
        }
        assert_eq!(
            first.file_name().unwrap(),
            "twofold-mfa-audit-etc123-2026-12-07.csv"
        );
        assert_eq!(
            second.file_name().unwrap(),
            "twofold-mfa-audit-etc123-2026-12-07-2.csv"
        );
    }

    #[test]
    fn stale_keys() {
        let mut u = user("k", false, false);
        u.access_keys = vec![KeyAudit {
            active: true,
            last_used: Some(0),
        }];
        assert!(u.has_stale_key(100 * 86_400, 90));
        assert!(!u.has_stale_key(10 * 86_400, 90));
        u.access_keys[0].active = false;
        assert!(!u.has_stale_key(100 * 86_400, 90));
    }
}
