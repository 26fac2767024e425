//! The log file both faces write: internal errors and the detail behind a short message (the
//! AWS SDK's chain of causes, say), one file a day in the platform's log directory, the last
//! [`KEEP_FILES`] kept. Messages never carry secrets: nothing in Twofold logs a seed, a code, a
//! PIN, a password or a session key, and [`redact`] masks anything that looks like an AWS key
//! or an `otpauth` secret in text that came from elsewhere before it is logged.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// How many daily files are kept.
pub const KEEP_FILES: usize = 7;

/// The environment variable that overrides the log directory (tests use it).
pub const LOG_DIR_ENV: &str = "TWOFOLD_LOG_DIR";

/// Where the logs go: `TWOFOLD_LOG_DIR`, else the platform's place for them
/// (`~/.local/state/twofold/logs` on Linux, `~/Library/Logs/Twofold` on macOS,
/// `%LOCALAPPDATA%\twofold\Twofold\data\logs` on Windows).
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(LOG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("app", "twofold", "Twofold")?;
    if cfg!(target_os = "macos") {
        let home = directories::BaseDirs::new()?;
        return Some(home.home_dir().join("Library/Logs/Twofold"));
    }
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .join("logs"),
    )
}

/// Keeps the log writer running; drop it last (it flushes).
#[derive(Debug)]
pub struct LogGuard {
    _guard: WorkerGuard,
    /// The directory the log files are in.
    pub dir: PathBuf,
}

/// Starts logging to `<log dir>/<face>.YYYY-MM-DD.log` at `info` (or `TWOFOLD_LOG`'s filter).
/// Returns `None`, logging nowhere, when there is no directory to log to: a log must never
/// stop the program.
pub fn init(face: &str) -> Option<LogGuard> {
    let dir = log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(face)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("TWOFOLD_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(LogGuard { _guard: guard, dir })
}

/// Masks what looks like a secret in text from elsewhere: AWS access key ids (`AKIA…`,
/// `ASIA…`), 40-character secret keys, and `secret=` parameters.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(|c: char| c.is_whitespace() || ",;\"'()".contains(c)) {
        let trimmed = word.trim_end_matches(|c: char| c.is_whitespace() || ",;\"'()".contains(c));
        let tail = &word[trimmed.len()..];
        let masked = if let Some(pos) = trimmed.find("secret=") {
            let end = trimmed[pos..].find('&').map_or(trimmed.len(), |e| pos + e);
            format!("{}secret=****{}", &trimmed[..pos], &trimmed[end..])
        } else if (trimmed.starts_with("AKIA") || trimmed.starts_with("ASIA"))
            && trimmed.len() >= 16
            && trimmed.chars().all(|c| c.is_ascii_alphanumeric())
        {
            format!("{}****", &trimmed[..4])
        } else if trimmed.len() == 40
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
            && trimmed.chars().any(|c| c.is_ascii_digit())
            && trimmed.chars().any(|c| c.is_ascii_uppercase())
        {
            "****".to_string()
        } else {
            trimmed.to_string()
        };
        out.push_str(&masked);
        out.push_str(tail);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_secrets_are_masked_and_the_rest_kept() {
        let s = redact("key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, uri otpauth://totp/x?secret=JBSWY3DP&issuer=A (ok)");
        assert_eq!(
            s,
            "key AKIA**** secret ****, uri otpauth://totp/x?secret=****&issuer=A (ok)"
        );
        assert_eq!(
            redact("dispatch failure: io error"),
            "dispatch failure: io error"
        );
    }
}
