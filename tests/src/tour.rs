//! A walk through every screen and dialog of the app, for the suites that look at each one
//! (the accessibility audit, the screenshots of each language): the first run, the recovery
//! key, the empty list, the list with accounts (light and dark), each dialog of the top bar, of
//! a row and of Settings, the lookup window, and the unlock screen.

// Helpers of the test suites: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::harness;
use crate::webdriver::{Session, DEFAULT_WAIT};

const GITHUB: &str = "otpauth://totp/GitHub:dev@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:dev@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab";
const SHORTCUT: &str = "ctrl+alt+shift+2";

/// Called on each screen with its name (`first-run`, `account-list`, `settings`…).
pub type Seen<'a> = &'a mut dyn FnMut(&Session, &str);

/// Walks every screen of an app started on a new vault, calling `seen` on each; returns notes on
/// screens it could not reach (the lookup window where the shortcut does not work).
pub fn every_screen(session: &Session, seen: Seen<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    // The first run, both ways in, and the recovery key.
    session
        .wait_for("#first-run", DEFAULT_WAIT)
        .expect("a new vault starts with the first-run screen");
    seen(session, "first-run");
    session.click_on("#create-choose-password");
    session.wait_for("#create-submit", DEFAULT_WAIT).unwrap();
    seen(session, "first-run-password");
    session.click_on("#create-back");
    session.click_on("#create-choose-recovery");
    session
        .wait_for("#recovery-key-text", DEFAULT_WAIT)
        .expect("the recovery key");
    seen(session, "recovery-key");
    session.click_on("#recovery-saved");
    session.click_on("#recovery-continue");

    // The empty list, then two accounts.
    session
        .wait_for("#empty-state", DEFAULT_WAIT)
        .expect("the empty state");
    seen(session, "empty-state");
    add(session, GITHUB);
    add(session, GITLAB);
    session
        .wait_until("two accounts with codes", DEFAULT_WAIT, |s| {
            let n = s.execute(
                "return document.querySelectorAll('.account-row .account-code[data-code]').length;",
                &[],
            )?;
            Ok((n == json!(2)).then_some(()))
        })
        .expect("the two accounts added over IPC are listed");
    seen(session, "account-list");
    session
        .execute("document.documentElement.dataset.theme = 'dark';", &[])
        .unwrap();
    seen(session, "account-list-dark");
    // Settings may say "system": theme.ts sets it again on the next change; set light back.
    session
        .execute("document.documentElement.dataset.theme = 'light';", &[])
        .unwrap();

    // The row's dialogs and the top bar's.
    visit_dialog(seen, session, "#add-account", "add-dialog", "add");
    visit_dialog(seen, session, ".edit-account", "edit-dialog", "edit");
    visit_dialog(
        seen,
        session,
        ".pair-codes",
        "code-pair-dialog",
        "two-codes",
    );
    open_dialog(session, "#scan-qr", "scan-dialog");
    // No camera here: the dialog says so (or why the cameras could not be listed).
    session
        .wait_until("the scan dialog's camera answer", DEFAULT_WAIT, |s| {
            let answered = s.execute(
                "return !!document.querySelector('#scan-status[data-camera=\"none\"]') || \
                 !document.getElementById('scan-error').hidden;",
                &[],
            )?;
            Ok((answered == json!(true)).then_some(()))
        })
        .expect("the scan dialog answers about the camera");
    seen(session, "scan");
    close_dialog(session, "scan-dialog");
    visit_dialog(seen, session, "#about-open", "about-dialog", "about");
    visit_dialog(seen, session, "#aws-setup", "aws-wizard", "aws-wizard");
    visit_dialog(seen, session, "#security", "aws-audit", "account-security");
    visit_dialog(
        seen,
        session,
        "#security-keys-open",
        "security-keys",
        "security-keys",
    );

    // Settings and what it opens.
    open_dialog(session, "#settings-open", "settings-dialog");
    seen(session, "settings");
    session
        .execute("document.documentElement.dataset.theme = 'dark';", &[])
        .unwrap();
    seen(session, "settings-dark");
    session
        .execute("document.documentElement.dataset.theme = 'light';", &[])
        .unwrap();
    session.click_on("#vault-settings-open");
    session
        .wait_for("dialog#vault-settings[open]", DEFAULT_WAIT)
        .unwrap();
    seen(session, "settings-vault");
    close_dialog(session, "vault-settings");
    open_dialog(session, "#settings-open", "settings-dialog");
    session.click_on("#settings-import");
    session
        .wait_for("dialog#import-dialog[open]", DEFAULT_WAIT)
        .unwrap();
    seen(session, "import");
    close_dialog(session, "import-dialog");
    open_dialog(session, "#settings-open", "settings-dialog");
    session.click_on("#export-open");
    session
        .wait_for("dialog#export-dialog[open]", DEFAULT_WAIT)
        .unwrap();
    seen(session, "export");
    close_dialog(session, "export-dialog");

    // The lookup window (a second window, newer builds only).
    notes.extend(visit_lookup(seen, session));

    // Locked.
    session.click_on("#lock-vault");
    session
        .wait_for("#vault-screen", DEFAULT_WAIT)
        .expect("the unlock screen");
    // The way back in is drawn once the app knows whether the OS can verify the user.
    session
        .wait_for("#unlock-system, #unlock-keyring", DEFAULT_WAIT)
        .expect("a way to unlock");
    seen(session, "unlock");

    notes
}

/// Opens a dialog with the button `opener`, waits for `#dialog`, shows it to `seen` as `name`
/// and closes it with its close button.
fn visit_dialog(seen: Seen<'_>, session: &Session, opener: &str, dialog: &str, name: &str) {
    open_dialog(session, opener, dialog);
    seen(session, name);
    close_dialog(session, dialog);
}

fn open_dialog(session: &Session, opener: &str, dialog: &str) {
    session.click_on(opener);
    session
        .wait_for(&format!("dialog#{dialog}[open]"), DEFAULT_WAIT)
        .unwrap_or_else(|e| panic!("{opener} opens #{dialog}: {e}"));
}

fn close_dialog(session: &Session, dialog: &str) {
    session.click_on(&format!("dialog#{dialog} [data-testid=dialog-close]"));
    session
        .wait_until(&format!("#{dialog} to close"), DEFAULT_WAIT, |s| {
            let open = s.execute("return !!document.querySelector('dialog[open]');", &[])?;
            Ok((open == json!(false)).then_some(()))
        })
        .unwrap();
}

fn add(session: &Session, uri: &str) {
    session
        .invoke("account_add_from_uri", json!({ "uri": uri, "name": null }))
        .unwrap()
        .unwrap_or_else(|e| panic!("add {uri}: {e}"));
}

/// The lookup window, when this build has one and the shortcut reaches it: shown to `seen`, then
/// hidden again (Escape). Returns a note when it cannot be reached.
fn visit_lookup(seen: Seen<'_>, session: &Session) -> Option<String> {
    let main = session.window_handle().unwrap();
    let sent = Command::new("xdotool")
        .args(["key", "--clearmodifiers", SHORTCUT])
        .status();
    if !sent.as_ref().is_ok_and(|s| s.success()) {
        return Some(format!("lookup: not reached (xdotool failed: {sent:?})"));
    }
    let shown = harness::poll(Duration::from_secs(10), Duration::from_millis(200), || {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "^Twofold lookup$"])
            .output()
            .ok()?;
        (out.status.success() && !out.stdout.is_empty()).then_some(())
    });
    if shown.is_none() {
        return Some("lookup: not reached (no lookup window shown)".into());
    }
    let lookup = harness::poll(Duration::from_secs(10), Duration::from_millis(200), || {
        let handles = session.window_handles().ok()?;
        handles.into_iter().find(|h| {
            *h != main
                && session.switch_to_window(h).is_ok()
                && session
                    .execute("return !!document.getElementById('lookup-search');", &[])
                    .is_ok_and(|v| v == json!(true))
        })
    });
    let Some(lookup) = lookup else {
        let _ = session.switch_to_window(&main);
        return Some("lookup: not reached (WebDriver does not see its page)".into());
    };
    session.switch_to_window(&lookup).unwrap();
    session
        .wait_for(".lookup-row", DEFAULT_WAIT)
        .expect("the accounts in the lookup window");
    seen(session, "lookup");
    let _ = Command::new("xdotool").args(["key", "Escape"]).status();
    session.switch_to_window(&main).unwrap();
    None
}
