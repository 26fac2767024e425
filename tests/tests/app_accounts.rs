//! The app under WebDriver: add an account by pasting an otpauth:// link, check the code it shows
//! against the `twofold` CLI, copy it and read the X clipboard, and open the vault the app wrote
//! with the CLI (through the same Secret Service). Screenshots of every screen go to
//! `$TWOFOLD_ARTIFACTS`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use twofold_e2e::harness;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
const NAME: &str = "Example:alice@example.com";
const ROW: &str = ".account-row[data-name=\"Example:alice@example.com\"]";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// The CLI's codes for URI at the previous, current and next period: the app's code must be one
/// of them, whichever side of a 30 s boundary each process read the clock.
fn cli_codes_around(now: u64) -> Vec<String> {
    [now - 30, now, now + 30]
        .iter()
        .map(|t| {
            let out = harness::run_ok(Command::new(harness::cli_bin()).args([
                "code",
                "--uri",
                URI,
                "--at",
                &t.to_string(),
            ]));
            String::from_utf8(out.stdout)
                .expect("the CLI prints UTF-8")
                .trim()
                .replace(' ', "")
        })
        .collect()
}

fn clear_toast(session: &Session) {
    session
        .execute("document.getElementById('toast').textContent = '';", &[])
        .expect("clear the toast");
}

/// Waits for the toast to say `needle` and returns its text. Reads `textContent`, so a toast
/// that came and went (3.5 s) between two polls of a loaded machine still counts.
fn toast_text(session: &Session, needle: &str) -> Result<String, twofold_e2e::webdriver::Error> {
    session.wait_until(&format!("`{needle}` in the toast"), DEFAULT_WAIT, |s| {
        let text = s.execute(
            "return document.getElementById('toast')?.textContent ?? '';",
            &[],
        )?;
        Ok(text
            .as_str()
            .filter(|t| t.contains(needle))
            .map(str::to_string))
    })
}

#[test]
fn add_by_link_shows_the_cli_code_and_copies_it() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let vault_arg = vault.to_str().unwrap();
    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &harness::app_bin(),
        &["--vault", vault_arg],
    )
    .expect("start the app under WebDriver");
    // The first run: a recovery key beside the keyring (the app_vault_keys suite looks at it).
    assert!(
        session.through_first_run().is_some(),
        "a new vault asks first"
    );

    // 1. A new user sees what to do.
    let empty = session
        .wait_for("#empty-state", DEFAULT_WAIT)
        .expect("empty state");
    assert!(empty.text().unwrap().contains("Add your first account"));
    assert!(
        vault.exists(),
        "the app created its vault (keyring slot and recovery key) on first run"
    );
    session.shot("app-01-empty.png");

    // 2. Paste the link in the Add dialog.
    session.find("#add-account").unwrap().click().unwrap();
    let input = session
        .wait_for("#uri-input", DEFAULT_WAIT)
        .expect("add dialog");
    input.send_keys(URI).unwrap();
    session.shot("app-02-add-dialog.png");
    session.find("#add-submit").unwrap().click().unwrap();

    // 3. The row shows the same code as the CLI.
    let code_css = format!("{ROW} .account-code[data-code]");
    session
        .wait_for(&code_css, DEFAULT_WAIT)
        .expect("the new account shows a code");
    assert!(
        session.find_all("#add-dialog").unwrap().is_empty(),
        "the dialog closed"
    );
    let shown = session.find(&code_css).unwrap().text().unwrap();
    let now = unix_now();
    let digits = shown.replace(' ', "");
    assert_eq!(digits.len(), 6, "six digits, grouped: {shown:?}");
    assert!(
        shown.contains(' '),
        "the code is grouped for reading: {shown:?}"
    );
    let expected = cli_codes_around(now);
    assert!(
        expected.contains(&digits),
        "app shows {digits}, CLI says {expected:?} around {now}"
    );
    session.shot("app-03-list.png");

    // 4. Clicking the row copies the code; a toast says so and when it clears.
    clear_toast(&session);
    let first_copy = std::time::Instant::now();
    session.find(ROW).unwrap().click().unwrap();
    let toast = toast_text(&session, "Copied").unwrap_or_else(|e| {
        session.shot("app-04-toast-failed.png");
        panic!("no copy toast: {e}")
    });
    assert!(toast.contains("clears in 30 s"), "{toast}");
    session.shot("app-04-toast.png");
    let copied = harness::poll(Duration::from_secs(5), Duration::from_millis(100), || {
        harness::clipboard().filter(|c| c.len() == 6)
    })
    .expect("the clipboard holds a 6-digit code");
    let expected = cli_codes_around(unix_now());
    assert!(
        expected.contains(&copied),
        "clipboard {copied}, CLI says {expected:?}"
    );
    // Marked as a secret for clipboard managers (issue 16).
    let targets = Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", "TARGETS"])
        .output()
        .unwrap();
    let targets = String::from_utf8_lossy(&targets.stdout);
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "{targets}"
    );

    // 5. Keyboard: Enter copies the selected row again.
    session
        .execute(
            "const t = document.getElementById('toast'); t.hidden = true; t.textContent = ''; \
             document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));",
            &[],
        )
        .unwrap();
    toast_text(&session, "Copied").expect("Enter copies");
    let last_copy = std::time::Instant::now();
    // What the clipboard holds now (the code may have rolled over since the first copy).
    let held = harness::poll(Duration::from_secs(5), Duration::from_millis(100), || {
        harness::clipboard().filter(|c| c.len() == 6)
    })
    .expect("the clipboard holds the code copied with Enter");

    // 6. The CLI opens the vault the app wrote (same Secret Service) and agrees on the code.
    let out = harness::run_ok(
        Command::new(harness::cli_bin()).args(["--vault", vault_arg, "list", "--json"]),
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = list.to_string();
    assert!(text.contains(NAME), "{text}");
    // The same account object the app's list shows: no AWS link, a counter.
    assert_eq!(list[0]["aws"], json!(null), "{text}");
    assert_eq!(list[0]["counter"], json!(0), "{text}");
    assert!(
        !text.contains("JBSWY3DPEHPK3PXP"),
        "list shows no secret: {text}"
    );
    let out = harness::run_ok(
        Command::new(harness::cli_bin()).args(["--vault", vault_arg, "code", NAME, "--json"]),
    );
    let code: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(code["period"], json!(30));
    assert_eq!(code["name"], json!(NAME));
    let cli_code = code["code"].as_str().unwrap().to_string();
    assert!(cli_codes_around(unix_now()).contains(&cli_code));

    // 7. The clipboard is cleared 30 s after a copy (it still holds the code until then).
    let left = Duration::from_secs(40).saturating_sub(last_copy.elapsed());
    harness::poll(left, Duration::from_millis(250), || {
        (harness::clipboard().as_deref() != Some(held.as_str())).then_some(())
    })
    .expect("the clipboard is cleared within 40 s of the last copy");
    let after = first_copy.elapsed();
    assert!(
        after >= Duration::from_secs(30),
        "cleared {after:?} after the first copy, before the 30 s promised"
    );
}
