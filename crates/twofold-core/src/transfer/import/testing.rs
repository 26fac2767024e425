//! Helpers the importers' tests share: an account as one comparable row.

use crate::otp::{Algorithm, OtpKind};
use crate::vault::NewAccount;

/// `(issuer, account, kind, algorithm, digits, period, counter, tags)` of an account.
pub(super) type Row<'a> = (
    &'a str,
    &'a str,
    OtpKind,
    Algorithm,
    u32,
    u64,
    u64,
    Vec<String>,
);

/// The row of `a`.
pub(super) fn row(a: &NewAccount) -> Row<'_> {
    let o = &a.uri.otp;
    (
        &a.uri.issuer,
        &a.uri.account,
        o.kind,
        o.algorithm,
        o.digits,
        o.period,
        o.counter,
        a.tags.clone(),
    )
}

/// Owned tags.
pub(super) fn tags(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| s.to_string()).collect()
}
