//! Test support: other apps' real export files, collected in `shared/import-samples` beside the
//! repository (GPL test data of other projects, so read in place and never copied here), and
//! checked against `expected.jsonl`, the accounts an independent decoder found in each file.
//! Absent on most machines: then the check says so and passes.

use std::path::PathBuf;

use serde_json::Value;

use super::{detect, read, Format};
use crate::otp::{Algorithm, OtpKind};

/// What a check may expect differently from `expected.jsonl`, on purpose.
#[derive(Default)]
pub(super) struct Differences<'a> {
    /// Files detection cannot know by their content (the caller names their format).
    pub undetectable: &'a [&'a str],
    /// Files of the folder this check does not read: another format the same app writes (an
    /// internal database, an HTML page) that the decoder listed but Twofold does not import.
    pub unread: &'a [&'a str],
    /// The account Twofold gives for the decoder's `(file, issuer, name)`, when it differs.
    pub account: Option<fn(&str, &str, &str) -> String>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/import-samples")
}

/// Reads every sample under `folder` as `format` and compares it with its expected line.
pub(super) fn check(folder: &str, format: Format, differences: Differences<'_>) {
    let root = dir();
    let Ok(expected) = std::fs::read_to_string(root.join("expected.jsonl")) else {
        eprintln!("no samples at {}: skipped", root.display());
        return;
    };
    let mut seen = 0;
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let want: Value = serde_json::from_str(line).expect("expected.jsonl line");
        let file = want["file"].as_str().expect("file");
        if !file.starts_with(&format!("{folder}/")) {
            continue;
        }
        if differences.unread.contains(&file) {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(root.join(file)).expect(file);
        if !differences.undetectable.contains(&file) {
            assert_eq!(detect(&bytes).ok(), Some(format), "{file}: detection");
        }
        let got = read(&bytes, Some(format), want["password"].as_str());
        if want.get("error").is_some() {
            assert!(got.is_err(), "{file}: should be refused");
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{file}: {e}"));
        let entries = want["entries"].as_array().expect("entries");
        assert_eq!(
            want["count"].as_u64(),
            Some(entries.len() as u64),
            "{file}: count"
        );
        // A `RAW:` secret is not base32 in the file: Twofold skips such an entry.
        let (raw, good): (Vec<&Value>, Vec<&Value>) = entries
            .iter()
            .partition(|e| e["secret"].as_str().is_some_and(|s| s.starts_with("RAW:")));
        assert_eq!(got.skipped.len(), raw.len(), "{file}: {:?}", got.skipped);
        assert_eq!(got.accounts.len(), good.len(), "{file}: count");
        for (i, (a, w)) in got.accounts.iter().zip(good).enumerate() {
            let at = format!("{file}, entry {}", i + 1);
            let s = |k: &str| w[k].as_str().unwrap_or_default().to_string();
            let o = &a.uri.otp;
            assert_eq!(o.kind.as_str(), s("type"), "{at}: kind");
            assert_eq!(a.uri.issuer, s("issuer"), "{at}: issuer");
            let account = match differences.account {
                Some(f) => f(file, &s("issuer"), &s("name")),
                None => s("name"),
            };
            assert_eq!(a.uri.account, account, "{at}: account");
            assert_eq!(
                *o.secret.to_base32(),
                s("secret").trim_end_matches('=').to_ascii_uppercase(),
                "{at}: secret"
            );
            assert_eq!(
                Some(o.algorithm),
                Algorithm::parse(&s("algo")).ok(),
                "{at}: algorithm"
            );
            assert_eq!(
                Some(u64::from(o.digits)),
                w["digits"].as_u64(),
                "{at}: digits"
            );
            if o.kind == OtpKind::Hotp {
                assert_eq!(Some(o.counter), w["counter"].as_u64(), "{at}: counter");
            } else {
                assert_eq!(Some(o.period), w["period"].as_u64(), "{at}: period");
            }
        }
    }
    assert!(seen > 0, "expected.jsonl has no {folder}/ files");
}
