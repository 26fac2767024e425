//! What every `twofold aws` command prints the same way: the result (text, or one JSON object),
//! the clock-skew warning, and dates.

use twofold_core::aws::sessions;

/// Prints `value` with `--json`, else `text`.
pub(super) fn print_done(json: bool, value: serde_json::Value, text: &str) {
    if json {
        println!("{value}");
    } else {
        println!("{text}");
    }
}

/// Refuses a CSV file that exists unless `force`: before an audit's many calls, not after them.
pub(super) fn refuse_existing_csv(
    csv: Option<&std::path::Path>,
    force: bool,
) -> anyhow::Result<()> {
    match csv.filter(|p| !force && p.exists()) {
        Some(path) => anyhow::bail!(
            "{} exists; choose another file or pass --force to replace it",
            path.display()
        ),
        None => Ok(()),
    }
}

/// Warns on stderr when the clock is too far from AWS's for TOTP codes to work.
pub(super) fn warn_skew(skew: Option<i64>) {
    if let Some(s) = twofold_core::aws::client::clock_off(skew) {
        eprintln!(
            "twofold: warning: this computer's clock is {} s {} AWS's; TOTP codes will be wrong. Fix the clock.",
            s.abs(),
            if s > 0 { "behind" } else { "ahead of" }
        );
    }
}

/// `YYYY-MM-DD` in UTC.
pub(super) fn aws_date(secs: i64) -> String {
    sessions::rfc3339(secs)[..10].to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::aws_date(0), "1970-01-01");
        assert_eq!(super::aws_date(1_700_000_000), "2023-11-14");
        assert_eq!(super::aws_date(951_782_400), "2000-02-29");
    }
}
