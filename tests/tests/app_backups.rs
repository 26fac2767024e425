//! The app under WebDriver: turn on automatic backups in Settings → Backups, add an account and
//! see the app write a backup on its own (checked with the CLI's importer, mode 0600), delete the
//! account, restore it from that backup (merge), then replace the accounts with the backup's
//! after the confirmation. Screenshots of the Backups section and the restore dialogs go to
//! `$TWOFOLD_ARTIFACTS`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use serde_json::json;
use twofold_e2e::harness;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
const NAME: &str = "Example:alice@example.com";
const ROW: &str = ".account-row[data-name=\"Example:alice@example.com\"]";
const URI2: &str = "otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Other";
const ROW2: &str = ".account-row[data-name=\"Other:bob\"]";
const PASSWORD: &str = "backup password";

/// The automatic backups in `folder`, oldest generation first.
fn backups(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name()?.to_str()?.to_string();
            let generation = name
                .strip_prefix("twofold-")?
                .strip_suffix(".twofold")?
                .rsplit_once("-g")?
                .1
                .parse()
                .ok()?;
            Some((generation, path))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// Waits (with a deadline) until the folder holds `n` backups; returns them.
fn wait_for_backups(session: &Session, folder: &Path, n: usize) -> Vec<PathBuf> {
    harness::poll(Duration::from_secs(20), Duration::from_millis(200), || {
        Some(backups(folder)).filter(|f| f.len() == n)
    })
    .unwrap_or_else(|| {
        session.shot("backups-failed-waiting.png");
        panic!("{n} backups in {}: {:?}", folder.display(), backups(folder))
    })
}

/// `twofold import --dry-run --json FILE --password-stdin` against an empty vault path: what
/// the backup holds, read by the CLI with the password.
fn cli_reads(file: &Path, password: &str, nowhere: &Path) -> std::process::Output {
    let mut child = Command::new(harness::cli_bin())
        .args([
            "--vault",
            nowhere.to_str().unwrap(),
            "import",
            "--dry-run",
            "--json",
        ])
        .arg(file)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

/// Puts `file` into the `<input type=file>` `css`, as choosing it in the file dialog does.
fn choose_file(session: &Session, css: &str, file: &Path) {
    let bytes = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    session
        .execute(
            "const [css, b64, name] = arguments;
             const bin = atob(b64);
             const bytes = new Uint8Array(bin.length);
             for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
             const dt = new DataTransfer();
             dt.items.add(new File([bytes], name, { type: 'application/json' }));
             const input = document.querySelector(css);
             input.files = dt.files;
             input.dispatchEvent(new Event('change', { bubbles: true }));",
            &[
                json!(css),
                json!(base64::engine::general_purpose::STANDARD.encode(&bytes)),
                json!(name),
            ],
        )
        .unwrap_or_else(|e| panic!("choose {name}: {e}"));
}

fn add_in_app(session: &Session, uri: &str, row: &str) {
    session.click_on("#add-account");
    session.type_into("#uri-input", uri);
    session.click_on("#add-submit");
    session
        .wait_for(row, DEFAULT_WAIT)
        .unwrap_or_else(|e| panic!("{row} after adding: {e}"));
}

fn restore(session: &Session, file: &Path, password: &str) {
    session.click_on("#settings-open");
    session.click_on("#backup-restore-open");
    session
        .wait_for("#restore-dialog", DEFAULT_WAIT)
        .expect("the restore dialog");
    choose_file(session, "#restore-file", file);
    session.type_into("#restore-password", password);
}

fn close_dialogs(session: &Session) {
    session.click_on("#restore-cancel");
    session.click_on("#settings-close");
}

#[test]
fn backups_are_written_after_a_change_and_restore_merges_or_replaces() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session
        .wait_for("#empty-state", DEFAULT_WAIT)
        .expect("empty state");

    // 1. Settings → Backups: a folder, how many to keep, the password twice.
    session.click_on("#settings-open");
    session
        .wait_for_text("#backup-status", "off", DEFAULT_WAIT)
        .expect("backups start off");
    session.type_into("#backup-folder", folder.to_str().unwrap());
    session.type_into("#backup-keep", "5");
    session.type_into("#backup-password", PASSWORD);
    session.type_into("#backup-password2", "not the same");
    session.click_on("#backup-on");
    session
        .wait_for_text("#backup-error", "differ", DEFAULT_WAIT)
        .expect("two different passwords are refused");
    session.type_into("#backup-password", PASSWORD);
    session.type_into("#backup-password2", PASSWORD);
    session.shot("backups-01-settings-off.png");
    session.click_on("#backup-on");
    session
        .wait_for("#settings-backups[data-on=\"true\"]", DEFAULT_WAIT)
        .expect("backups are on");
    let status = session
        .wait_for_text("#backup-status", "Last backup", DEFAULT_WAIT)
        .expect("the first backup is listed");
    assert!(status.contains(folder.to_str().unwrap()), "{status}");
    let first = wait_for_backups(&session, &folder, 1);
    session.shot("backups-02-settings-on.png");
    session.click_on("#settings-close");

    // 2. Adding an account in the app writes a backup by itself, about two seconds later.
    add_in_app(&session, URI, ROW);
    let files = wait_for_backups(&session, &folder, 2);
    let with_alice = files[1].clone();
    assert_eq!(files[0], first[0]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&with_alice).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", with_alice.display());
    }
    let nowhere = dir.path().join("no-vault.json");
    let out = cli_reads(&with_alice, PASSWORD, &nowhere);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "twofold");
    assert_eq!(report["imported"][0]["name"], NAME, "{report}");
    let text = std::fs::read_to_string(&with_alice).unwrap();
    assert!(!text.contains("JBSWY3DP") && !text.contains("alice"));
    let wrong = cli_reads(&with_alice, "wrong", &nowhere);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong password"));

    // 3. Delete the account in the app; restore it from the backup (merge).
    session.click_on(&format!("{ROW} .edit-account"));
    session.wait_for("#edit-delete", DEFAULT_WAIT).unwrap();
    session.click_on("#edit-delete");
    session.click_on("#confirm-ok");
    session
        .wait_for("#empty-state", DEFAULT_WAIT)
        .expect("the account is gone");
    restore(&session, &with_alice, "wrong");
    session.click_on("#restore-merge");
    session
        .wait_for_text("#restore-error", "rong password", DEFAULT_WAIT)
        .unwrap_or_else(|e| {
            session.shot("backups-failed-wrong-password.png");
            panic!("a wrong password is refused: {e}")
        });
    session.type_into("#restore-password", PASSWORD);
    session.shot("backups-03-restore-dialog.png");
    session.click_on("#restore-merge");
    session
        .wait_for("#restore-result[data-added=\"1\"]", DEFAULT_WAIT)
        .expect("one account restored");
    session.shot("backups-04-restored.png");
    close_dialogs(&session);
    session
        .wait_for(ROW, DEFAULT_WAIT)
        .expect("the account is back in the list");

    // 4. Replace: another account, then the backup's accounts replace the vault's, after a
    //    confirmation that says what happens.
    add_in_app(&session, URI2, ROW2);
    restore(&session, &with_alice, PASSWORD);
    session.click_on("#restore-replace");
    let confirm = session
        .wait_for_text("#confirm-dialog", "replaced", DEFAULT_WAIT)
        .expect("the replace confirmation");
    assert!(confirm.contains(".bak"), "{confirm}");
    session.shot("backups-05-replace-confirm.png");
    session.click_on("#confirm-cancel");
    assert!(
        session
            .find_all("#restore-result:not([hidden])")
            .unwrap()
            .is_empty(),
        "cancel replaces nothing"
    );
    session.click_on("#restore-replace");
    session.click_on("#confirm-ok");
    session
        .wait_for("#restore-result[data-total=\"1\"]", DEFAULT_WAIT)
        .expect("the vault holds the backup's one account");
    session.shot("backups-06-replaced.png");
    close_dialogs(&session);
    session
        .wait_until("Other:bob removed from the list", DEFAULT_WAIT, |s| {
            Ok(s.find_all(ROW2)?.is_empty().then_some(()))
        })
        .expect("the account not in the backup is gone");
    assert!(session.find_all(ROW).unwrap().len() == 1);
    assert!(
        dir.path().join("vault.json.bak").exists(),
        "the previous state is kept"
    );
}
