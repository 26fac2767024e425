//! Which Twofold this is: the version and the commit it was built from, shown the same way by
//! `twofold --version` and the app's About box (`build.rs` records the commit).

/// The release version (the workspace's `version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit this build came from (12 hex digits), or "unknown" outside a git checkout.
pub const COMMIT: &str = env!("TWOFOLD_COMMIT");

/// `VERSION (COMMIT)`, e.g. `0.1.0 (3c46448a1b2c)`: what both faces print.
pub const LONG_VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (", env!("TWOFOLD_COMMIT"), ")");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_version_names_the_version_and_the_commit() {
        assert_eq!(LONG_VERSION, format!("{VERSION} ({COMMIT})"));
        assert!(
            COMMIT == "unknown"
                || (COMMIT.len() >= 7 && COMMIT.chars().all(|c| c.is_ascii_hexdigit())),
            "{COMMIT}"
        );
    }
}
