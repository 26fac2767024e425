//! Records the commit Twofold is built from, for `twofold --version` and the app's About box.
//!
//! `TWOFOLD_COMMIT` wins (a release built from a source tarball sets it); else `git rev-parse`
//! in this checkout; else "unknown". Cargo re-runs this when HEAD or the branch it names moves.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    println!("cargo:rerun-if-env-changed=TWOFOLD_COMMIT");
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let from_env = std::env::var("TWOFOLD_COMMIT")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let commit = from_env.or_else(|| {
        let commit = git(&dir, &["rev-parse", "--short=12", "HEAD"])?;
        // Only paths that exist: a missing one would make Cargo re-run this on every build.
        let mut watch = Vec::new();
        if let Some(git_dir) = git(&dir, &["rev-parse", "--absolute-git-dir"]) {
            watch.push(PathBuf::from(&git_dir).join("HEAD"));
        }
        if let Some(common) = git(
            &dir,
            &["rev-parse", "--path-format=absolute", "--git-common-dir"],
        ) {
            let common = PathBuf::from(common);
            if let Some(branch) = git(&dir, &["symbolic-ref", "-q", "HEAD"]) {
                watch.push(common.join(branch));
            }
            watch.push(common.join("packed-refs"));
            watch.push(common.join("refs/heads"));
        }
        for p in watch.iter().filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", p.display());
        }
        Some(commit)
    });
    println!(
        "cargo:rustc-env=TWOFOLD_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".into())
    );
}
