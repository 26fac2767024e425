//! Every account of an AWS Organization: the MFA audit (and console sign-ins, in
//! [`super::signins`]) run in each active account through a role assumed there.
//!
//! The accounts come from Organizations ListAccounts, called from the management account or a
//! delegated administrator. Each member account is reached by assuming a role in it (by
//! default `OrganizationAccountAccessRole`, the role AWS creates in accounts made from the
//! organisation); the caller's own account is audited with the caller's credentials. Accounts
//! run a few at a time ([`OrgOptions::concurrency`]); a call AWS throttles is retried by the
//! SDK, and an account whose calls are still throttled after that is run again after an
//! exponential backoff with full jitter ([`Backoff`]). An account that fails (the role is
//! missing, access denied, the report not ready) becomes an [`AccountFailure`] in the result
//! and the others go on.
//!
//! [`OrgApi`] is the seam: [`AwsClient`] implements it, and unit tests drive the same code with
//! fakes.

use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use super::admin::{audit, AdminApi, AuditReport, AuditSource, UserAudit, POLICY_NAME};
use super::client::{AwsClient, IamApi, Identity, MfaDevice};
use super::error::{AwsError, AwsErrorKind};
use crate::{Error, Result};

/// The role assumed in member accounts unless another is named.
pub const DEFAULT_ROLE: &str = "OrganizationAccountAccessRole";

/// Accounts audited at once by default. Each member account has its own IAM rate limits; the
/// AssumeRole calls all come from the caller's account, and STS allows far more than this.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// At most this many accounts at once, whatever is asked.
pub const MAX_CONCURRENCY: usize = 64;

/// An account of the organisation, as ListAccounts returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgAccount {
    /// The 12-digit account id.
    pub id: String,
    /// The account's name.
    pub name: String,
    /// The root user's email address.
    pub email: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`...
    pub status: String,
}

/// The calls an organisation-wide run makes, on top of each account's [`AdminApi`].
pub trait OrgApi: Send + Sync {
    /// What answers for one account.
    type Member: AdminApi + super::signins::SignInApi + 'static;
    /// STS GetCallerIdentity of the caller.
    fn caller(&self) -> impl Future<Output = std::result::Result<Identity, AwsError>> + Send;
    /// Organizations ListAccounts, every page.
    fn list_accounts(
        &self,
    ) -> impl Future<Output = std::result::Result<Vec<OrgAccount>, AwsError>> + Send;
    /// The caller's own account, with the caller's credentials.
    fn own(&self) -> Arc<Self::Member>;
    /// Another account, through `role_arn` assumed there.
    fn member(
        &self,
        role_arn: &str,
    ) -> impl Future<Output = std::result::Result<Arc<Self::Member>, AwsError>> + Send;
}

impl OrgApi for AwsClient {
    type Member = AwsClient;

    async fn caller(&self) -> std::result::Result<Identity, AwsError> {
        self.caller_identity().await
    }

    async fn list_accounts(&self) -> std::result::Result<Vec<OrgAccount>, AwsError> {
        let client = self.organizations();
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = client
                .list_accounts()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("ListAccounts", None, e))?;
            out.extend(page.accounts().iter().map(|a| {
                OrgAccount {
                    id: a.id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                    email: a.email().unwrap_or_default().to_string(),
                    status: a
                        .state()
                        .map(|s| s.as_str().to_string())
                        .or_else(|| a.status().map(|s| s.as_str().to_string()))
                        .unwrap_or_default(),
                }
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    fn own(&self) -> Arc<AwsClient> {
        Arc::new(self.clone())
    }

    async fn member(&self, role_arn: &str) -> std::result::Result<Arc<AwsClient>, AwsError> {
        let session = format!("twofold-audit-{}", crate::unix_now());
        let credentials = self.assume_role_plain(role_arn, &session).await?;
        Ok(Arc::new(self.with_credentials(&credentials)))
    }
}

/// Retries of an account whose calls AWS kept throttling: exponential backoff with full
/// jitter (a random wait between nothing and `base × 2^attempt`, at most `cap`), so accounts
/// throttled together do not come back together.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The first retry waits up to this long.
    pub base: Duration,
    /// No wait is longer.
    pub cap: Duration,
    /// Tries in all, the first included.
    pub attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(20),
            attempts: 5,
        }
    }
}

impl Backoff {
    /// The longest wait before retry `attempt` (0 for the first retry).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        self.base
            .saturating_mul(1u32 << attempt.min(20))
            .min(self.cap)
    }

    /// A random wait in `[0, ceiling(attempt)]`.
    fn wait(&self, attempt: u32) -> Duration {
        let mut b = [0u8; 4];
        // Without randomness the wait is the ceiling: slower, never wrong.
        let fraction = match getrandom::getrandom(&mut b) {
            Ok(()) => f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX),
            Err(_) => 1.0,
        };
        self.ceiling(attempt).mul_f64(fraction)
    }
}

fn throttled(e: &Error) -> bool {
    matches!(e, Error::Aws(a) if a.kind == AwsErrorKind::Throttled)
}

/// Runs `f` until it succeeds, fails other than by throttling, or runs out of attempts; counts
/// the retries in `retries`.
pub async fn with_backoff<T, F, Fut>(backoff: &Backoff, retries: &AtomicU32, mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 0;
    loop {
        match f().await {
            Err(e) if throttled(&e) && attempt + 1 < backoff.attempts.max(1) => {
                retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(backoff.wait(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// How an organisation-wide run goes.
#[derive(Debug, Clone)]
pub struct OrgOptions {
    /// The role assumed in member accounts.
    pub role: String,
    /// Accounts run at once (1 to [`MAX_CONCURRENCY`]).
    pub concurrency: usize,
    /// Retries of throttled accounts.
    pub backoff: Backoff,
}

impl Default for OrgOptions {
    fn default() -> Self {
        OrgOptions {
            role: DEFAULT_ROLE.to_string(),
            concurrency: DEFAULT_CONCURRENCY,
            backoff: Backoff::default(),
        }
    }
}

/// Why one account gave no result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountFailure {
    /// The AWS call that failed (`AssumeRole`, `GenerateCredentialReport`...), empty when the
    /// failure was not an AWS call's.
    pub step: String,
    /// Its classification.
    pub kind: AwsErrorKind,
    /// AWS's error code.
    pub code: String,
    /// What went wrong and what to do, in one sentence or two.
    pub message: String,
}

impl AccountFailure {
    fn from_error(e: &Error, role_arn: &str, own: bool) -> AccountFailure {
        match e {
            Error::Aws(a) if a.op == "AssumeRole" && !own => AccountFailure {
                step: a.op.to_string(),
                kind: a.kind,
                code: a.code.clone(),
                message: match a.kind {
                    AwsErrorKind::AccessDenied => format!(
                        "cannot assume {role_arn}: the role is missing in this account, or its trust policy does not allow the caller (AWS said: {})",
                        a.message
                    ),
                    _ => a.to_string(),
                },
            },
            Error::Aws(a) => AccountFailure {
                step: a.op.to_string(),
                kind: a.kind,
                code: a.code.clone(),
                message: a.to_string(),
            },
            other => AccountFailure {
                step: String::new(),
                kind: AwsErrorKind::Other,
                code: String::new(),
                message: other.to_string(),
            },
        }
    }
}

/// Where a run stands: `done` of `total` accounts, the last one finished and whether it gave a
/// result.
#[derive(Debug, Clone, Copy)]
pub struct OrgProgress<'a> {
    /// Accounts finished.
    pub done: usize,
    /// Accounts in all.
    pub total: usize,
    /// The account just finished.
    pub account: &'a OrgAccount,
    /// Whether it gave a result.
    pub ok: bool,
}

/// The outcome of running something in every active account.
#[derive(Debug, Clone)]
pub struct OrgRun<T> {
    /// Who ran it.
    pub caller: Identity,
    /// The role assumed in member accounts.
    pub role: String,
    /// Each active account with its result, in ListAccounts order.
    pub results: Vec<(OrgAccount, std::result::Result<T, AccountFailure>)>,
    /// Accounts left out because they are not active (suspended, closing).
    pub skipped: Vec<OrgAccount>,
    /// Accounts run again because AWS throttled them.
    pub retries: u32,
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`).
fn partition(arn: &str) -> &str {
    arn.split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// Runs `each(member, account)` in every active account of the organisation, at most
/// `opts.concurrency` at a time. ListAccounts failing fails the run (there is nothing to go
/// through); an account failing becomes its [`AccountFailure`].
pub async fn for_each_account<A, T, F, Fut>(
    api: &A,
    opts: &OrgOptions,
    progress: &mut (dyn FnMut(OrgProgress<'_>) + Send),
    each: F,
) -> Result<OrgRun<T>>
where
    A: OrgApi,
    F: Fn(Arc<A::Member>, OrgAccount) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let retries = AtomicU32::new(0);
    let caller = with_backoff(&opts.backoff, &retries, || async {
        Ok(api.caller().await?)
    })
    .await?;
    let listed = with_backoff(&opts.backoff, &retries, || async {
        Ok(api.list_accounts().await?)
    })
    .await?;
    let (active, skipped): (Vec<OrgAccount>, Vec<OrgAccount>) = listed
        .into_iter()
        .partition(|a| a.status.is_empty() || a.status == "ACTIVE");
    let total = active.len();
    let part = partition(&caller.arn).to_string();
    let run_one = |index: usize, account: OrgAccount| {
        let role_arn = format!("arn:{part}:iam::{}:role/{}", account.id, opts.role);
        let own = account.id == caller.account;
        let retries = &retries;
        let each = &each;
        async move {
            let outcome = with_backoff(&opts.backoff, retries, || {
                let role_arn = role_arn.clone();
                let account = account.clone();
                async move {
                    let member = if own {
                        api.own()
                    } else {
                        api.member(&role_arn).await?
                    };
                    each(member, account).await
                }
            })
            .await
            .map_err(|e| AccountFailure::from_error(&e, &role_arn, own));
            (index, account, outcome)
        }
    };
    let mut stream = futures_util::stream::iter(active.into_iter().enumerate())
        .map(|(i, a)| run_one(i, a))
        .buffer_unordered(opts.concurrency.clamp(1, MAX_CONCURRENCY));
    let mut results = Vec::with_capacity(total);
    while let Some((index, account, outcome)) = stream.next().await {
        progress(OrgProgress {
            done: results.len() + 1,
            total,
            account: &account,
            ok: outcome.is_ok(),
        });
        results.push((index, account, outcome));
    }
    drop(stream);
    results.sort_by_key(|(i, _, _)| *i);
    Ok(OrgRun {
        caller,
        role: opts.role.clone(),
        results: results.into_iter().map(|(_, a, o)| (a, o)).collect(),
        skipped,
        retries: retries.into_inner(),
    })
}

/// Whether the enforce-MFA policy is attached to each group of an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enforcement {
    /// Groups with the policy ([`POLICY_NAME`]) attached.
    pub enforced: Vec<String>,
    /// Groups without it.
    pub not_enforced: Vec<String>,
}

/// Which of the account's groups have the enforce-MFA policy attached (the policy
/// `twofold aws enforce` creates in `account`, in any partition).
pub async fn enforcement<A: AdminApi>(api: &A, account: &str) -> Result<Enforcement> {
    let suffix = format!(":iam::{account}:policy/{POLICY_NAME}");
    let mut out = Enforcement::default();
    for group in api.list_groups().await? {
        let attached = api.list_attached_group_policies(&group).await?;
        if attached.iter().any(|arn| arn.ends_with(&suffix)) {
            out.enforced.push(group);
        } else {
            out.not_enforced.push(group);
        }
    }
    Ok(out)
}

/// One account's audit within the organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAudit {
    /// Whether the root user has MFA, if GetAccountSummary was allowed.
    pub root_mfa: Option<bool>,
    /// Every IAM user, console users without MFA first.
    pub users: Vec<UserAudit>,
    /// Where the users came from.
    pub source: AuditSource,
    /// The enforce-MFA policy on the account's groups.
    pub enforcement: Enforcement,
}

impl AccountAudit {
    /// The account's counts.
    pub fn summary(&self) -> AccountSummary {
        let count = |f: &dyn Fn(&UserAudit) -> bool| self.users.iter().filter(|u| f(u)).count();
        AccountSummary {
            users: self.users.len(),
            console_users: count(&|u| u.console),
            without_mfa: count(&|u| !u.has_mfa()),
            console_without_mfa: count(&|u| u.flagged()),
            root_without_mfa: self.root_mfa == Some(false),
        }
    }
}

/// An account's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// IAM users.
    pub users: usize,
    /// Users with a console password.
    pub console_users: usize,
    /// Users without any MFA device.
    pub without_mfa: usize,
    /// Console users without MFA: the first to fix.
    pub console_without_mfa: usize,
    /// The root user has no MFA.
    pub root_without_mfa: bool,
}

/// The organisation's MFA audit.
pub type OrgAudit = OrgRun<AccountAudit>;

/// Audits every active account of the organisation (see the module doc). `progress` is called
/// as accounts finish.
pub async fn org_audit<A: OrgApi>(
    api: &A,
    opts: &OrgOptions,
    progress: &mut (dyn FnMut(OrgProgress<'_>) + Send),
) -> Result<OrgAudit> {
    for_each_account(api, opts, progress, |member, _account| async move {
        let report: AuditReport = audit(&*member, &mut |_, _| {}).await?;
        let enforcement = enforcement(&*member, &report.account).await?;
        Ok(AccountAudit {
            root_mfa: report.root_mfa,
            users: report.users,
            source: report.source,
            enforcement,
        })
    })
    .await
}

/// The organisation audit as one JSON document: a summary per account (or its failure) and
/// one row per user per account.
pub fn org_audit_json(run: &OrgAudit) -> serde_json::Value {
    let accounts: Vec<serde_json::Value> = run
        .results
        .iter()
        .map(|(a, outcome)| match outcome {
            Ok(audit) => serde_json::json!({
                "id": a.id,
                "name": a.name,
                "email": a.email,
                "status": "audited",
                "rootMfa": audit.root_mfa,
                "source": audit.source,
                "summary": audit.summary(),
                "groupsWithoutEnforcement": audit.enforcement.not_enforced,
                "groupsWithEnforcement": audit.enforcement.enforced,
            }),
            Err(f) => serde_json::json!({
                "id": a.id,
                "name": a.name,
                "email": a.email,
                "status": "failed",
                "error": f,
            }),
        })
        .collect();
    let users: Vec<serde_json::Value> = run
        .results
        .iter()
        .filter_map(|(a, o)| o.as_ref().ok().map(|audit| (a, audit)))
        .flat_map(|(a, audit)| {
            audit.users.iter().map(move |u| {
                serde_json::json!({
                    "accountId": a.id,
                    "accountName": a.name,
                    "user": u.name,
                    "arn": u.arn,
                    "console": u.console,
                    "passwordLastUsed": u.password_last_used,
                    "mfa": u.has_mfa(),
                    "mfaDevices": u.mfa.iter().map(device_json).collect::<Vec<_>>(),
                    "activeKeys": u.access_keys.iter().filter(|k| k.active).count(),
                    "flagged": u.flagged(),
                })
            })
        })
        .collect();
    let audited = run.results.iter().filter(|(_, o)| o.is_ok()).count();
    serde_json::json!({
        "caller": run.caller.arn,
        "managementAccount": run.caller.account,
        "role": run.role,
        "accounts": accounts,
        "users": users,
        "skippedAccounts": run.skipped,
        "totals": {
            "accounts": run.results.len(),
            "audited": audited,
            "failed": run.results.len() - audited,
            "users": users.len(),
            "consoleWithoutMfa": run.results.iter().filter_map(|(_, o)| o.as_ref().ok()).map(|a| a.summary().console_without_mfa).sum::<usize>(),
            "rootWithoutMfa": run.results.iter().filter_map(|(_, o)| o.as_ref().ok()).filter(|a| a.root_mfa == Some(false)).count(),
        },
        "throttledRetries": run.retries,
    })
}

fn device_json(d: &MfaDevice) -> serde_json::Value {
    serde_json::json!({ "serial": d.serial, "kind": d.kind, "enabledAt": d.enabled_at })
}

/// The organisation audit as CSV: one row per user per account; an account that failed is
/// one row with its error and no user.
pub fn org_audit_csv(run: &OrgAudit) -> String {
    let date = |t: Option<i64>| t.map(super::sessions::rfc3339).unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record([
        "account_id",
        "account_name",
        "account_error",
        "root_mfa",
        "user",
        "arn",
        "console",
        "password_last_used",
        "mfa_devices",
        "active_keys",
        "flagged",
    ]);
    for (a, outcome) in &run.results {
        match outcome {
            Err(f) => {
                let _ = w.write_record(
                    [
                        a.id.clone(),
                        a.name.clone(),
                        f.message.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]
                    .map(super::admin::csv_cell),
                );
            }
            Ok(audit) => {
                let root = audit.root_mfa.map(|b| b.to_string()).unwrap_or_default();
                for u in &audit.users {
                    let _ = w.write_record(
                        [
                            a.id.clone(),
                            a.name.clone(),
                            String::new(),
                            root.clone(),
                            u.name.clone(),
                            u.arn.clone(),
                            u.console.to_string(),
                            date(u.password_last_used),
                            u.mfa.len().to_string(),
                            u.access_keys
                                .iter()
                                .filter(|k| k.active)
                                .count()
                                .to_string(),
                            u.flagged().to_string(),
                        ]
                        .map(super::admin::csv_cell),
                    );
                }
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Writes [`org_audit_csv`] into `dir` under a name of its own,
/// `twofold-org-mfa-audit-<management account>-<date>.csv` (then `-2`...). Returns the file.
pub fn save_org_csv_in(run: &OrgAudit, dir: &Path, date: &str) -> Result<std::path::PathBuf> {
    super::admin::save_new_csv_in(
        dir,
        "twofold-org-mfa-audit",
        &run.caller.account,
        date,
        &org_audit_csv(run),
    )
}

/// Writes [`org_audit_csv`] to `path`, readable by the owner only; an existing file is refused
/// unless `replace`.
pub fn write_org_csv(run: &OrgAudit, path: &Path, replace: bool) -> Result<()> {
    super::admin::write_csv_file(path, replace, &org_audit_csv(run))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::aws::fake::{FakeIam, ACCOUNT};

    const MGMT: &str = "111111111111";

    /// An organisation: the caller's management account and members, each a fake; a member
    /// without a fake has no role to assume. `member` takes 100 ms (paused clock) so that
    /// accounts overlap, and the most in flight at once is counted.
    struct FakeOrg {
        me: Arc<FakeIam>,
        accounts: Vec<OrgAccount>,
        members: BTreeMap<String, Arc<FakeIam>>,
        in_flight: AtomicUsize,
        most: AtomicUsize,
    }

    fn account(id: &str, name: &str, status: &str) -> OrgAccount {
        OrgAccount {
            id: id.into(),
            name: name.into(),
            email: format!("{name}@example.com"),
            status: status.into(),
        }
    }

    impl FakeOrg {
        fn new(me: FakeIam) -> Self {
            FakeOrg {
                me: Arc::new(me),
                accounts: vec![account(MGMT, "management", "ACTIVE")],
                members: BTreeMap::new(),
                in_flight: AtomicUsize::new(0),
                most: AtomicUsize::new(0),
            }
        }

        fn with(mut self, id: &str, name: &str, fake: Option<FakeIam>) -> Self {
            self.accounts.push(account(id, name, "ACTIVE"));
            if let Some(f) = fake {
                self.members.insert(id.into(), Arc::new(f));
            }
            self
        }
    }

    impl OrgApi for FakeOrg {
        type Member = FakeIam;

        async fn caller(&self) -> std::result::Result<Identity, AwsError> {
            Ok(Identity {
                account: MGMT.into(),
                arn: format!("arn:aws:iam::{MGMT}:user/admin"),
                user_id: "AIDAADMIN".into(),
            })
        }

        async fn list_accounts(&self) -> std::result::Result<Vec<OrgAccount>, AwsError> {
            Ok(self.accounts.clone())
        }

        fn own(&self) -> Arc<FakeIam> {
            self.me.clone()
        }

        async fn member(&self, role_arn: &str) -> std::result::Result<Arc<FakeIam>, AwsError> {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            let id = role_arn.split(':').nth(4).unwrap_or_default();
            self.members.get(id).cloned().ok_or_else(|| AwsError {
                op: "AssumeRole",
                kind: AwsErrorKind::AccessDenied,
                code: "AccessDenied".into(),
                message: format!("User: arn:aws:iam::{MGMT}:user/admin is not authorized to perform: sts:AssumeRole on resource: {role_arn}"),
                resource: Some(role_arn.into()),
                skew_secs: None,
            })
        }
    }

    /// An account whose users all have MFA.
    fn covered() -> FakeIam {
        let f = FakeIam::with_user("admin");
        f.set_console("admin", None);
        f.add_device("admin", &format!("arn:aws:iam::{ACCOUNT}:mfa/admin"));
        f.set_root_mfa(true);
        f
    }

    /// An account with a console user and a bot without MFA, root without MFA, and the
    /// enforce policy on one of two groups.
    fn exposed() -> FakeIam {
        let f = covered();
        f.set_root_mfa(false);
        f.set_console("carol", None);
        f.add_access_key("bot", true, None);
        f.add_group("devs", &["carol"]);
        f.add_group("ops", &["admin"]);
        let arn = f.add_policy(POLICY_NAME, "{}");
        f.attach("devs", &arn);
        f
    }

    fn quiet() -> impl FnMut(OrgProgress<'_>) + Send {
        |_| {}
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_account_is_reported_and_hides_none_of_the_others() {
        let org = FakeOrg::new(covered())
            .with("222222222222", "prod", Some(exposed()))
            .with("333333333333", "sandbox", None);
        let mut seen = Vec::new();
        let run = org_audit(&org, &OrgOptions::default(), &mut |p| {
            seen.push((p.done, p.total, p.account.name.clone(), p.ok))
        })
        .await
        .unwrap();
        let names: Vec<&str> = run.results.iter().map(|(a, _)| a.name.as_str()).collect();
        assert_eq!(
            names,
            ["management", "prod", "sandbox"],
            "in ListAccounts order"
        );
        assert_eq!(seen.len(), 3);
        assert_eq!(seen.last().map(|s| (s.0, s.1)), Some((3, 3)));
        assert!(
            seen.contains(&(seen[0].0, 3, "management".into(), true))
                || seen.iter().any(|s| s.2 == "management" && s.3)
        );
        assert!(seen.iter().any(|s| s.2 == "sandbox" && !s.3));

        let mgmt = run.results[0].1.as_ref().unwrap();
        assert_eq!(mgmt.summary().console_without_mfa, 0);
        assert!(!mgmt.summary().root_without_mfa);
        let prod = run.results[1].1.as_ref().unwrap();
        let flagged: Vec<&str> = prod
            .users
            .iter()
            .filter(|u| u.flagged())
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(flagged, ["carol"]);
        let s = prod.summary();
        assert_eq!(
            (
                s.users,
                s.console_users,
                s.without_mfa,
                s.console_without_mfa,
                s.root_without_mfa
            ),
            (3, 2, 2, 1, true)
        );
        assert_eq!(prod.enforcement.enforced, ["devs"]);
        assert_eq!(prod.enforcement.not_enforced, ["ops"]);
        let failure = run.results[2].1.as_ref().unwrap_err();
        assert_eq!(
            (failure.step.as_str(), failure.kind),
            ("AssumeRole", AwsErrorKind::AccessDenied)
        );
        assert!(
            failure
                .message
                .contains("arn:aws:iam::333333333333:role/OrganizationAccountAccessRole"),
            "{}",
            failure.message
        );
        assert!(failure.message.contains("missing"), "{}", failure.message);

        let json = org_audit_json(&run);
        assert_eq!(json["totals"]["accounts"], 3);
        assert_eq!(json["totals"]["failed"], 1);
        assert_eq!(json["totals"]["consoleWithoutMfa"], 1);
        assert_eq!(json["totals"]["rootWithoutMfa"], 1);
        assert_eq!(json["accounts"][2]["status"], "failed");
        assert_eq!(
            json["accounts"][1]["groupsWithoutEnforcement"],
            serde_json::json!(["ops"])
        );
        let rows = json["users"].as_array().unwrap();
        assert_eq!(rows.len(), 1 + 3, "one row per user per audited account");
        assert!(rows.iter().any(|r| r["accountId"] == "222222222222"
            && r["user"] == "carol"
            && r["flagged"] == true));

        let csv = org_audit_csv(&run);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines.len(),
            1 + 4 + 1,
            "header, four users, the failed account"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("333333333333,sandbox,\"cannot assume")),
            "{csv}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn accounts_run_a_few_at_a_time_and_inactive_ones_are_skipped() {
        let mut org = FakeOrg::new(covered());
        for i in 0..6 {
            org = org.with(
                &format!("20000000000{i}"),
                &format!("m{i}"),
                Some(covered()),
            );
        }
        org.accounts
            .push(account("299999999999", "closing", "SUSPENDED"));
        let opts = OrgOptions {
            concurrency: 2,
            ..OrgOptions::default()
        };
        let run = org_audit(&org, &opts, &mut quiet()).await.unwrap();
        assert_eq!(run.results.len(), 7);
        assert!(run.results.iter().all(|(_, o)| o.is_ok()));
        assert_eq!(org.most.load(Ordering::SeqCst), 2);
        assert_eq!(
            run.skipped
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["closing"]
        );

        let org = FakeOrg {
            most: AtomicUsize::new(0),
            ..org
        };
        let run = org_audit(
            &org,
            &OrgOptions {
                concurrency: 1,
                ..OrgOptions::default()
            },
            &mut quiet(),
        )
        .await
        .unwrap();
        assert_eq!(run.results.len(), 7);
        assert_eq!(org.most.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_account_is_retried_after_a_jittered_backoff() {
        let prod = exposed();
        prod.fail_next("GenerateCredentialReport", AwsErrorKind::Throttled);
        prod.fail_next("GenerateCredentialReport", AwsErrorKind::Throttled);
        let org = FakeOrg::new(covered()).with("222222222222", "prod", Some(prod));
        let backoff = Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            attempts: 5,
        };
        let started = tokio::time::Instant::now();
        let run = org_audit(
            &org,
            &OrgOptions {
                backoff,
                ..OrgOptions::default()
            },
            &mut quiet(),
        )
        .await
        .unwrap();
        assert!(run.results[1].1.is_ok(), "{:?}", run.results[1].1);
        assert_eq!(run.retries, 2);
        // Three AssumeRole of 100 ms, and two waits of at most 1 s and 2 s.
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(300) && took <= Duration::from_millis(3_300),
            "{took:?}"
        );

        // Throttled on every try: the account fails as throttled, after `attempts` tries.
        let stuck = exposed();
        for _ in 0..5 {
            stuck.fail_next("GenerateCredentialReport", AwsErrorKind::Throttled);
        }
        let org = FakeOrg::new(covered()).with("222222222222", "prod", Some(stuck));
        let run = org_audit(
            &org,
            &OrgOptions {
                backoff,
                ..OrgOptions::default()
            },
            &mut quiet(),
        )
        .await
        .unwrap();
        assert_eq!(
            run.results[1].1.as_ref().unwrap_err().kind,
            AwsErrorKind::Throttled
        );
        assert_eq!(run.retries, 4);
        assert!(run.results[0].1.is_ok());
    }

    #[test]
    fn the_backoff_doubles_up_to_its_cap_and_never_waits_longer() {
        let b = Backoff::default();
        let ceilings: Vec<u128> = (0..8).map(|a| b.ceiling(a).as_millis()).collect();
        assert_eq!(
            ceilings,
            [500, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]
        );
        let waits: Vec<Duration> = (0..200).map(|_| b.wait(2)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(2)));
        // Full jitter: spread over the range, not all the same.
        assert!(waits.iter().any(|w| *w < Duration::from_millis(500)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(1_500)));
    }
}
