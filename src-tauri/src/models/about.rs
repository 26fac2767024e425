//! IPC DTOs of the About box: the build, the `twofold` CLI, and putting it on `PATH`.

use serde::Serialize;

/// What the About box shows: which build this is, and where its command-line tool is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AboutView {
    /// The release version, e.g. `0.1.0`.
    pub version: String,
    /// The commit it was built from (or `unknown`).
    pub commit: String,
    /// `VERSION (COMMIT)`, exactly as `twofold --version` prints it after `twofold `.
    pub long_version: String,
    /// The `twofold` CLI this app uses, when found.
    pub cli: Option<CliView>,
    /// When there is no CLI: how to get it.
    pub missing_cli: Option<String>,
    /// Where "Put twofold on PATH" would link it (None on Windows: the user `PATH` is changed).
    pub link_dir: Option<String>,
    /// The folder of the log files (internal errors and details behind short messages).
    pub log_dir: Option<String>,
}

/// The `twofold` CLI that was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CliView {
    /// Its full path.
    pub path: String,
    /// Whether `twofold` on `PATH` is this binary.
    pub on_path: bool,
}

/// What "Put twofold on PATH" did, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PathChangeView {
    /// What changed (or that nothing had to).
    pub message: String,
    /// The link that was made, if one was.
    pub link: Option<String>,
}
