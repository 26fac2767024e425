//! The everyday desktop, with the real app under Xvfb: the global shortcut sent with `xdotool`
//! while another window has the focus opens the lookup window, typing filters it, Enter puts the
//! code on the clipboard (read back with `xclip`) or types it into that other window; the idle
//! lock fires and a locked app refuses the reveal command over IPC; a session-lock signal on
//! the private D-Bus locks it; settings persist across a restart; on Wayland the desktop's
//! GlobalShortcuts portal binds the shortcut and its activation opens the lookup window.
//! Screenshots of each step go to `$TWOFOLD_ARTIFACTS`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use twofold_e2e::app;
use twofold_e2e::harness::{self, ChildGuard};
use twofold_e2e::portal::{self, Portal};
use twofold_e2e::webdriver::{unix_now, Session, DEFAULT_WAIT};

const GITHUB: &str = "otpauth://totp/GitHub:dev@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:dev@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab";
const SHORTCUT: &str = "ctrl+alt+shift+2";

fn start(dir: &Path) -> Session {
    app::start_in(dir, &[])
}

/// Adds an account over IPC, as the Add dialog does; returns its id.
fn add(session: &Session, uri: &str) -> String {
    let added = session
        .invoke("account_add_from_uri", json!({ "uri": uri, "name": null }))
        .unwrap()
        .unwrap_or_else(|e| panic!("add {uri}: {e}"));
    added["id"].as_str().unwrap().to_string()
}

fn settings(session: &Session) -> Value {
    session.invoke("settings_get", json!({})).unwrap().unwrap()["settings"].clone()
}

fn set(session: &Session, change: Value) -> Value {
    let mut s = settings(session);
    for (k, v) in change.as_object().unwrap() {
        s[k] = v.clone();
    }
    session
        .invoke("settings_set", json!({ "settings": s }))
        .unwrap()
        .unwrap_or_else(|e| panic!("settings_set: {e}"))
}

/// The CLI's codes for `uri` around now: the copied code must be one of them, whichever side of
/// a 30 s boundary each process read the clock.
fn codes_around(uri: &str) -> Vec<String> {
    let now = unix_now();
    [now - 30, now, now + 30]
        .iter()
        .map(|t| {
            let out = harness::run_ok(Command::new(harness::cli_bin()).args([
                "code",
                "--uri",
                uri,
                "--at",
                &t.to_string(),
            ]));
            harness::stdout_of(&out).replace(' ', "")
        })
        .collect()
}

fn xdotool(args: &[&str]) -> String {
    harness::stdout_of(&harness::run_ok(Command::new("xdotool").args(args)))
}

/// The visible lookup window's X id, once it is shown.
fn lookup_shown(timeout: Duration) -> Option<String> {
    harness::poll(timeout, Duration::from_millis(50), || {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "^Twofold lookup$"])
            .output()
            .ok()?;
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!id.is_empty()).then_some(id)
    })
}

fn lookup_hidden(timeout: Duration) -> bool {
    harness::poll(timeout, Duration::from_millis(50), || {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "^Twofold lookup$"])
            .output()
            .ok()?;
        out.stdout.trim_ascii().is_empty().then_some(())
    })
    .is_some()
}

/// A window that holds the keyboard focus and reports what is typed into it.
struct KeySink {
    /// Killed with the sink.
    _child: ChildGuard,
    window: String,
    typed: std::sync::mpsc::Receiver<u8>,
}

impl KeySink {
    fn start() -> KeySink {
        let mut child =
            ChildGuard::spawn(Command::new(env!("CARGO_BIN_EXE_key-sink")).stdout(Stdio::piped()));
        let mut out = BufReader::new(child.0.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let window = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("key-sink said {line:?}"))
            .to_string();
        let (tx, typed) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for b in out.bytes() {
                let Ok(b) = b else { break };
                if tx.send(b).is_err() {
                    break;
                }
            }
        });
        KeySink {
            _child: child,
            window,
            typed,
        }
    }

    /// The `n` characters typed into it, waiting at most `timeout`.
    fn read(&self, n: usize, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::new();
        while got.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.typed.recv_timeout(left) {
                Ok(b) => got.push(b),
                Err(_) => break,
            }
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    fn focused(&self) -> bool {
        xdotool(&["getwindowfocus"]) == self.window
    }
}

/// Looks at the lookup window through WebDriver (its screenshot, its DOM) and comes back to the
/// main window.
fn in_lookup_window<T>(session: &Session, f: impl FnOnce(&Session) -> T) -> T {
    let main = session.window_handle().unwrap();
    let lookup = harness::poll(DEFAULT_WAIT, Duration::from_millis(100), || {
        session
            .window_handles()
            .ok()?
            .into_iter()
            .find(|h| *h != main)
    })
    .expect("WebDriver sees the lookup window");
    session.switch_to_window(&lookup).unwrap();
    let result = f(session);
    session.switch_to_window(&main).unwrap();
    result
}

#[test]
fn the_shortcut_opens_the_lookup_over_another_window_and_enter_copies_or_types_the_code() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    add(&session, GITHUB);
    add(&session, GITLAB);
    assert_eq!(
        settings(&session)["shortcut"],
        json!("Ctrl+Alt+Shift+2"),
        "the default shortcut"
    );

    // Another app has the keyboard.
    let sink = KeySink::start();
    assert!(sink.focused(), "the key sink has the focus");

    // 1. The shortcut, sent to whatever has the focus, opens the lookup window.
    let sent = Instant::now();
    xdotool(&["key", "--clearmodifiers", SHORTCUT]);
    lookup_shown(DEFAULT_WAIT).expect("the lookup window appears");
    eprintln!("shortcut -> lookup window shown: {:?}", sent.elapsed());
    in_lookup_window(&session, |s| {
        s.wait_for("#lookup-search", DEFAULT_WAIT)
            .expect("the lookup window's search box");
        s.wait_for(".lookup-row", DEFAULT_WAIT)
            .expect("the accounts in the lookup window");
        s.shot("desktop-01-lookup.png");
    });

    // 2. Typing filters; the highlighted account shows its code and the seconds left.
    xdotool(&["type", "--delay", "40", "gitl"]);
    in_lookup_window(&session, |s| {
        s.wait_until("the filter to leave GitLab alone", DEFAULT_WAIT, |s| {
            let rows = s.execute(
                "return [...document.querySelectorAll('.lookup-row')].map(r => r.textContent);",
                &[],
            )?;
            let rows = rows.as_array().cloned().unwrap_or_default();
            Ok(
                (rows.len() == 1 && rows[0].as_str().unwrap_or("").contains("GitLab"))
                    .then_some(()),
            )
        })
        .expect("typing filters the lookup list");
        let shown = s
            .wait_for(".lookup-digits[data-code]", DEFAULT_WAIT)
            .expect("the highlighted account's code")
            .attribute("data-code")
            .unwrap()
            .unwrap();
        assert!(codes_around(GITLAB).contains(&shown), "{shown}");
        let left = s
            .execute(
                "return document.querySelector('.lookup-left')?.textContent ?? '';",
                &[],
            )
            .unwrap();
        assert!(
            left.as_str().unwrap().ends_with('s'),
            "seconds left: {left}"
        );
        s.shot("desktop-02-lookup-filtered.png");
    });

    // 3. Enter copies GitLab's code and hides the window.
    xdotool(&["key", "Return"]);
    assert!(lookup_hidden(DEFAULT_WAIT), "Enter hides the lookup window");
    let copied = harness::poll(DEFAULT_WAIT, Duration::from_millis(100), || {
        harness::clipboard().filter(|c| c.len() == 6)
    })
    .expect("a code on the clipboard");
    assert!(
        codes_around(GITLAB).contains(&copied),
        "the clipboard holds GitLab's code: {copied}"
    );
    assert!(!codes_around(GITHUB).contains(&copied));

    // 4. Esc hides it without doing anything.
    xdotool(&["key", "--clearmodifiers", SHORTCUT]);
    lookup_shown(DEFAULT_WAIT).expect("the lookup window appears again");
    in_lookup_window(&session, |s| {
        s.wait_until("an empty search", DEFAULT_WAIT, |s| {
            let v = s.execute(
                "return document.getElementById('lookup-search').value === '' \
                 && document.querySelectorAll('.lookup-row').length === 2;",
                &[],
            )?;
            Ok(v.as_bool().unwrap_or(false).then_some(()))
        })
        .expect("the lookup window starts from an empty search");
    });
    xdotool(&["key", "Escape"]);
    assert!(lookup_hidden(DEFAULT_WAIT), "Esc hides the lookup window");

    // 5. "Type the code": Enter types GitHub's code into the window that had the focus.
    let saved = set(&session, json!({ "typeCode": true }));
    assert_eq!(saved["typeCodeProblem"], Value::Null, "typing works on X11");
    xdotool(&["windowfocus", "--sync", &sink.window]);
    xdotool(&["key", "--clearmodifiers", SHORTCUT]);
    lookup_shown(DEFAULT_WAIT).expect("the lookup window appears for typing");
    in_lookup_window(&session, |s| {
        s.wait_for(".lookup-row", DEFAULT_WAIT).expect("rows");
    });
    xdotool(&["type", "--delay", "40", "github"]);
    in_lookup_window(&session, |s| {
        s.wait_until("GitHub alone", DEFAULT_WAIT, |s| {
            let n = s.execute(
                "return document.querySelectorAll('.lookup-row').length;",
                &[],
            )?;
            Ok((n == json!(1)).then_some(()))
        })
        .expect("filtered to GitHub");
    });
    let before = harness::clipboard();
    xdotool(&["key", "Return"]);
    let typed = sink.read(6, DEFAULT_WAIT);
    assert!(
        codes_around(GITHUB).contains(&typed),
        "the key sink received GitHub's code, got {typed:?}"
    );
    assert_eq!(
        harness::clipboard(),
        before,
        "typing leaves the clipboard alone"
    );
    assert!(
        sink.focused(),
        "the focus went back to the window typed into"
    );
    drop(sink);
}

#[test]
fn a_second_launch_with_lookup_opens_the_running_apps_lookup_window() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    add(&session, GITHUB);
    assert!(
        lookup_hidden(Duration::from_secs(1)),
        "no lookup window yet"
    );
    let mut second = ChildGuard::spawn(
        Command::new(harness::app_bin())
            .args(["--lookup", "--vault"])
            .arg(dir.path().join("vault.json"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    lookup_shown(DEFAULT_WAIT).expect("the running app shows its lookup window");
    let status = second
        .wait_timeout(DEFAULT_WAIT)
        .expect("the second launch hands over and exits");
    assert!(status.success(), "{status:?}");
    in_lookup_window(&session, |s| {
        s.wait_for(".lookup-row[data-id]", DEFAULT_WAIT)
            .expect("the lookup window lists the account");
    });
    xdotool(&["key", "Escape"]);
    assert!(lookup_hidden(DEFAULT_WAIT));
}

/// Waits for the unlock screen (the vault locked).
fn wait_locked(session: &Session, timeout: Duration) {
    session
        .wait_for("#unlock-form", timeout)
        .unwrap_or_else(|e| {
            session.shot("desktop-lock-failed.png");
            panic!("the app did not lock: {e}")
        });
}

#[test]
fn the_idle_lock_fires_and_a_locked_app_refuses_to_reveal() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    let id = add(&session, GITHUB);
    // polkit confirms the user (root here, whom it never asks), then the secret is shown.
    session.invoke("os_verify", json!({})).unwrap().unwrap();
    let revealed = session
        .invoke("account_reveal", json!({ "id": id }))
        .unwrap()
        .expect("an unlocked app reveals");
    assert_eq!(revealed["secret"], json!("JBSWY3DPEHPK3PXP"));

    // A short timeout for the test (the screen offers 1 minute and up).
    let set_at = Instant::now();
    set(&session, json!({ "lockAfterSecs": 3 }));
    wait_locked(&session, Duration::from_secs(30));
    let after = set_at.elapsed();
    assert!(
        after >= Duration::from_secs(3),
        "locked only after 3 s without use, not at once ({after:?})"
    );
    session.shot("desktop-03-idle-locked.png");
    let toast = session
        .execute(
            "return document.getElementById('toast')?.textContent ?? '';",
            &[],
        )
        .unwrap();
    assert!(
        toast.as_str().unwrap().contains("without use"),
        "the unlock screen says why: {toast}"
    );

    // Every command that needs the vault refuses while locked.
    for (cmd, args) in [
        ("account_reveal", json!({ "id": id })),
        ("code_current", json!({ "id": id })),
        ("accounts_list", json!({})),
    ] {
        let err = session
            .invoke(cmd, args)
            .unwrap()
            .expect_err("a locked app refuses");
        assert_eq!(err["kind"], json!("vaultLocked"), "{cmd}: {err}");
    }

    // Unlocking brings the accounts back; "never" keeps it open. After a lock the keyring
    // opens the vault only once polkit has confirmed the user (who is root here, whom polkit
    // never asks; app_system_auth.rs has the password asked and checked).
    set(&session, json!({ "lockAfterSecs": 0 }));
    session.wait_for("#unlock-system", DEFAULT_WAIT).unwrap();
    assert!(session.find("#unlock-keyring").is_err());
    session.click_on("#unlock-system");
    session
        .wait_for(&format!(".account-row[data-id=\"{id}\"]"), DEFAULT_WAIT)
        .expect("unlocked again");
}

#[test]
fn a_session_lock_signal_on_the_bus_locks_the_app() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    add(&session, GITHUB);
    // What a screensaver (KDE, Xfce, GNOME's compatibility name) emits when the screen locks.
    harness::run_ok(Command::new("dbus-send").args([
        "--session",
        "--type=signal",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver.ActiveChanged",
        "boolean:true",
    ]));
    wait_locked(&session, DEFAULT_WAIT);
    session.shot("desktop-04-session-locked.png");
    let err = session
        .invoke("account_reveal", json!({ "id": "anything" }))
        .unwrap()
        .expect_err("locked");
    assert_eq!(err["kind"], json!("vaultLocked"));
}

#[test]
fn settings_persist_across_a_restart_and_hidden_codes_show_on_click() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    {
        let session = start(dir.path());
        add(&session, GITHUB);
        session.click_on("#settings-open");
        session
            .wait_for("#setting-theme", DEFAULT_WAIT)
            .expect("the Appearance section");
        session.shot("desktop-05-settings.png");
        // Through the controls, as a user would.
        session
            .execute(
                "const t = document.getElementById('setting-theme'); t.value = 'dark'; \
                 t.dispatchEvent(new Event('change')); \
                 const h = document.getElementById('setting-hide-codes'); h.checked = true; \
                 h.dispatchEvent(new Event('change'));",
                &[],
            )
            .unwrap();
        session
            .wait_until("the dark theme", DEFAULT_WAIT, |s| {
                let v = s.execute("return document.documentElement.dataset.theme;", &[])?;
                Ok((v == json!("dark")).then_some(()))
            })
            .expect("the theme changes without a restart");
        harness::poll(DEFAULT_WAIT, Duration::from_millis(100), || {
            (settings(&session)["hideCodes"] == json!(true)).then_some(())
        })
        .expect("hide codes saved");
        session.shot("desktop-06-settings-dark.png");
    }
    // A new app process reads the same settings file.
    let session = start(dir.path());
    let theme = session
        .execute("return document.documentElement.dataset.theme;", &[])
        .unwrap();
    assert_eq!(theme, json!("dark"));
    let code = session
        .wait_for(".account-code.hidden-code", DEFAULT_WAIT)
        .expect("codes are hidden");
    assert_eq!(code.text().unwrap(), "••• •••");
    assert!(session
        .find_all(".account-code[data-code]")
        .unwrap()
        .is_empty());
    session.shot("desktop-07-hidden-codes.png");
    code.click().unwrap();
    let shown = session
        .wait_for(".account-code[data-code]", DEFAULT_WAIT)
        .expect("a click shows the code")
        .attribute("data-code")
        .unwrap()
        .unwrap();
    assert!(codes_around(GITHUB).contains(&shown));
    session.shot("desktop-08-code-shown.png");
}

/// The issuers of the rows, top to bottom.
fn row_issuers(session: &Session) -> Vec<String> {
    let v = session
        .execute(
            "return [...document.querySelectorAll('.account-row')].map(r => r.dataset.issuer);",
            &[],
        )
        .unwrap();
    serde_json::from_value(v).unwrap()
}

fn wait_rows(session: &Session, want: &[&str]) {
    session
        .wait_until(&format!("rows {want:?}"), DEFAULT_WAIT, |s| {
            Ok((row_issuers(s) == want).then_some(()))
        })
        .unwrap_or_else(|e| panic!("rows are {:?}: {e}", row_issuers(session)));
}

#[test]
fn favourites_are_pinned_tags_filter_notes_show_and_the_order_follows_the_setting() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    let hub = add(&session, GITHUB);
    add(&session, GITLAB);
    add(
        &session,
        "otpauth://totp/Amazon:ops?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Amazon",
    );
    wait_rows(&session, &["Amazon", "GitHub", "GitLab"]);

    // The star pins GitLab to the top.
    session.click_on(".account-row[data-issuer=\"GitLab\"] .favourite-toggle");
    wait_rows(&session, &["GitLab", "Amazon", "GitHub"]);

    // A note and a tag through the Edit dialog.
    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.type_into("#edit-tags", "work");
    session.type_into("#edit-note", "backup codes in the safe");
    session.click_on("#edit-submit");
    session
        .wait_until("the note under the account", DEFAULT_WAIT, |s| {
            let v = s.execute(
                "return document.querySelector('.account-row[data-issuer=\"GitHub\"] .account-note')?.textContent ?? null;",
                &[],
            )?;
            Ok((v == json!("backup codes in the safe")).then_some(()))
        })
        .unwrap_or_else(|e| {
            session.shot("desktop-note-failed.png");
            panic!("{e}")
        });

    // The tag filter leaves the tagged account alone; again shows all.
    session.click_on(".tag-chip[data-tag=\"work\"]");
    wait_rows(&session, &["GitHub"]);
    session.shot("desktop-09-tag-filter.png");
    session.click_on(".tag-chip[data-tag=\"work\"]");
    wait_rows(&session, &["GitLab", "Amazon", "GitHub"]);

    // "Most used": GitHub's code taken twice puts it first after the favourite.
    for _ in 0..2 {
        session
            .invoke("code_copy", json!({ "id": hub }))
            .unwrap()
            .unwrap();
    }
    session
        .execute(
            "const s = document.getElementById('account-sort'); s.value = 'mostUsed'; \
             s.dispatchEvent(new Event('change'));",
            &[],
        )
        .unwrap();
    wait_rows(&session, &["GitLab", "GitHub", "Amazon"]);
    assert_eq!(
        settings(&session)["sort"],
        json!("mostUsed"),
        "the order is a setting"
    );
    session.shot("desktop-10-favourite-most-used.png");

    // The CLI sees the same favourite and note.
    let list = cli_list(dir.path());
    let by_issuer = |i: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["issuer"] == json!(i))
            .unwrap()
            .clone()
    };
    assert_eq!(by_issuer("GitLab")["favourite"], json!(true));
    assert_eq!(
        by_issuer("GitHub")["note"],
        json!("backup codes in the safe")
    );
    assert_eq!(by_issuer("GitHub")["uses"], json!(2));
}

/// The main window's X id, when it is shown.
fn main_window_shown() -> bool {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Twofold$"])
        .output()
        .map(|o| !o.stdout.trim_ascii().is_empty())
        .unwrap_or(false)
}

#[test]
fn launch_at_login_writes_the_autostart_entry_and_start_minimised_waits_in_the_tray() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let autostart =
        std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".config/autostart");
    let entry = || {
        std::fs::read_dir(&autostart)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "desktop"))
    };
    {
        let session = start(dir.path());
        assert!(main_window_shown(), "a normal start shows the window");
        let view = session
            .invoke("launch_at_login_set", json!({ "enabled": true }))
            .unwrap()
            .unwrap();
        assert_eq!(view["launchAtLogin"], json!(true));
        let file = entry().expect("an autostart entry");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.lines()
                .any(|l| l.starts_with("Exec=") && l.contains("--autostart")),
            "{}: {text}",
            file.display()
        );
        set(&session, json!({ "startMinimized": true }));
    }

    // Started at login with "start minimised": no window, until Twofold is launched again.
    let vault = dir.path().join("vault.json");
    let config = dir.path().join("config");
    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &harness::app_bin(),
        &[
            "--autostart",
            "--vault",
            vault.to_str().unwrap(),
            "--config-dir",
            config.to_str().unwrap(),
        ],
    )
    .expect("start the app as at login");
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .expect("the page loads behind the hidden window");
    assert!(!main_window_shown(), "started minimised: no window");
    let mut again = ChildGuard::spawn(
        Command::new(harness::app_bin())
            .args(["--vault", vault.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert!(again
        .wait_timeout(DEFAULT_WAIT)
        .is_some_and(|s| s.success()));
    assert!(
        harness::poll(DEFAULT_WAIT, Duration::from_millis(50), || {
            main_window_shown().then_some(())
        })
        .is_some(),
        "launching Twofold again shows the window"
    );

    let view = session
        .invoke("launch_at_login_set", json!({ "enabled": false }))
        .unwrap()
        .unwrap();
    assert_eq!(view["launchAtLogin"], json!(false));
    assert_eq!(entry(), None, "the autostart entry is gone");
}

/// `twofold list --json` on the test's vault: the accounts in the vault's own order.
fn cli_list(dir: &Path) -> Value {
    let vault = dir.join("vault.json");
    let out = harness::run_ok(Command::new(harness::cli_bin()).args([
        "--vault",
        vault.to_str().unwrap(),
        "list",
        "--json",
    ]));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The issuers of the accounts in the vault's own order, as the CLI lists them.
fn cli_order(dir: &Path) -> Vec<String> {
    cli_list(dir)
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["issuer"].as_str().unwrap().to_string())
        .collect()
}

fn choose_sort(session: &Session, sort: &str) {
    session
        .execute(
            "const s = document.getElementById('account-sort'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change'));",
            &[json!(sort)],
        )
        .unwrap();
}

#[test]
fn your_order_is_arranged_by_dragging_and_by_keyboard_and_kept_in_the_vault() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    add(&session, GITHUB);
    add(&session, GITLAB);
    add(
        &session,
        "otpauth://totp/Amazon:ops?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Amazon",
    );
    wait_rows(&session, &["Amazon", "GitHub", "GitLab"]);
    // No handles while sorted by issuer.
    assert!(session.find(".drag-handle").is_err());

    choose_sort(&session, "manual");
    wait_rows(&session, &["GitHub", "GitLab", "Amazon"]);
    session.wait_for(".drag-handle", DEFAULT_WAIT).unwrap();
    session.shot("desktop-11-your-order.png");

    // Amazon dragged by its handle to the top half of GitHub's row: first.
    let half = session
        .execute(
            "return Math.round(document.querySelector('.account-row[data-issuer=\"GitHub\"]').offsetHeight / 2) - 4;",
            &[],
        )
        .unwrap()
        .as_i64()
        .unwrap();
    session
        .drag(
            ".account-row[data-issuer=\"Amazon\"] .drag-handle",
            ".account-row[data-issuer=\"GitHub\"]",
            -half,
        )
        .unwrap();
    wait_rows(&session, &["Amazon", "GitHub", "GitLab"]);
    assert_eq!(cli_order(dir.path()), ["Amazon", "GitHub", "GitLab"]);
    session.shot("desktop-12-dragged.png");

    // The keyboard: ↑ on GitLab's handle moves it above GitHub.
    session
        .find(".account-row[data-issuer=\"GitLab\"] .drag-handle")
        .unwrap()
        .send_keys("\u{E013}")
        .unwrap();
    wait_rows(&session, &["Amazon", "GitLab", "GitHub"]);
    assert_eq!(cli_order(dir.path()), ["Amazon", "GitLab", "GitHub"]);
    // Another order shows the rows sorted again; the vault keeps the user's.
    choose_sort(&session, "name");
    wait_rows(&session, &["Amazon", "GitHub", "GitLab"]);
    choose_sort(&session, "manual");
    wait_rows(&session, &["Amazon", "GitLab", "GitHub"]);
}

fn row_icon(session: &Session, issuer: &str) -> Value {
    session
        .execute(
            "const r = document.querySelector(`.account-row[data-issuer=\"${arguments[0]}\"]`); \
             return r?.querySelector('svg.brand-icon')?.dataset.slug ?? (r?.querySelector('.avatar') ? 'letter' : null);",
            &[json!(issuer)],
        )
        .unwrap()
}

fn wait_icon(session: &Session, issuer: &str, want: &str) {
    session
        .wait_until(&format!("{issuer} shows {want}"), DEFAULT_WAIT, |s| {
            Ok((row_icon(s, issuer) == json!(want)).then_some(()))
        })
        .unwrap_or_else(|e| panic!("{issuer} shows {}: {e}", row_icon(session, issuer)));
}

#[test]
fn issuers_get_their_icon_offline_and_another_can_be_chosen() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    add(&session, GITHUB);
    add(
        &session,
        "otpauth://totp/accounts.google.com:me@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=accounts.google.com",
    );
    add(
        &session,
        "otpauth://totp/Zqxv%20Widgets:me?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Zqxv%20Widgets",
    );
    wait_icon(&session, "GitHub", "github");
    wait_icon(&session, "accounts.google.com", "google");
    wait_icon(&session, "Zqxv Widgets", "letter");
    session.shot("desktop-13-icons.png");

    // Edit → Icon…: search, pick GitLab's; the row and the vault keep it.
    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.click_on("#edit-icon");
    session
        .wait_for("dialog#icon-chooser[open]", DEFAULT_WAIT)
        .unwrap();
    // The grid shows 200 icons sorted by name, from nearly every one of the 64 path shards;
    // only the cells in view draw their logos (and import their shards), the rest as they
    // scroll into view.
    const CELLS: &str = "const grid = document.getElementById('icon-chooser-grid'); \
        const view = grid.getBoundingClientRect(); \
        const cells = [...grid.querySelectorAll('.icon-cell')]; \
        const drawn = (c) => c.querySelector('svg path[d]') !== null; \
        const inView = (c) => { const r = c.getBoundingClientRect(); \
          return r.bottom > view.top && r.top < view.bottom; };";
    let (in_view, drawn) = session
        .wait_until("the logos of the cells in view", DEFAULT_WAIT, |s| {
            let v = s.execute(
                &format!(
                    "{CELLS} const shown = cells.filter(inView); \
                     return shown.length > 0 && shown.every(drawn) \
                       ? [shown.length, cells.filter(drawn).length] : null;"
                ),
                &[],
            )?;
            Ok(v.as_array()
                .map(|a| (a[0].as_u64().unwrap(), a[1].as_u64().unwrap())))
        })
        .unwrap();
    eprintln!("icon chooser: 200 cells, {in_view} in view, {drawn} logos drawn");
    let last_drawn = |s: &Session| {
        s.execute(
            &format!("{CELLS} return drawn(cells[cells.length - 1]);"),
            &[],
        )
        .unwrap()
    };
    assert_eq!(
        last_drawn(&session),
        json!(false),
        "a cell out of view drew its logo"
    );
    session
        .execute(
            &format!("{CELLS} cells[cells.length - 1].scrollIntoView({{ block: 'end' }});"),
            &[],
        )
        .unwrap();
    session
        .wait_until("the last cell's logo", DEFAULT_WAIT, |s| {
            Ok((last_drawn(s) == json!(true)).then_some(()))
        })
        .expect("scrolled into view, a cell draws its logo");
    session.type_into("#icon-chooser-search", "gitlab");
    session
        .wait_for(".icon-cell[data-slug=\"gitlab\"]", DEFAULT_WAIT)
        .unwrap();
    session.shot("desktop-14-icon-chooser.png");
    session.click_on(".icon-cell[data-slug=\"gitlab\"]");
    wait_icon(&session, "GitHub", "gitlab");
    let list = cli_list(dir.path());
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["issuer"] == json!("GitHub") && a["icon"] == json!("gitlab")),
        "{list}"
    );
    // The letter, chosen, wins over the match.
    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.click_on("#edit-icon");
    session.click_on("[data-testid=icon-choice-letter]");
    wait_icon(&session, "GitHub", "letter");
}

#[test]
fn with_a_vault_password_showing_a_secret_asks_for_it_again() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let session = start(dir.path());
    let id = add(&session, GITHUB);
    // Keyring only: the system's password (polkit) is asked instead; root passes at once.
    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.click_on("#edit-reveal");
    session
        .wait_for("#confirm-system-only", DEFAULT_WAIT)
        .unwrap();
    session.click_on("#confirm-ok");
    session
        .wait_for_text("#reveal-secret", "JBSW Y3DP EHPK 3PXP", DEFAULT_WAIT)
        .unwrap();
    session.click_on("#reveal-close");

    session
        .invoke(
            "vault_password_set",
            json!({ "password": "a long password" }),
        )
        .unwrap()
        .unwrap();
    let refused = session
        .invoke("account_reveal", json!({ "id": id, "password": null }))
        .unwrap()
        .expect_err("no password, no secret");
    assert_eq!(refused["message"], json!("type the vault's password"));

    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.click_on("#edit-reveal");
    session.type_into("#confirm-password", "not it");
    session.click_on("#confirm-ok");
    session
        .wait_for_text("#confirm-error", "Wrong vault password", DEFAULT_WAIT)
        .unwrap();
    assert!(session.find("#reveal-secret").is_err());
    session.shot("desktop-15-reveal-wrong-password.png");
    session.find("#confirm-password").unwrap().clear().unwrap();
    session.type_into("#confirm-password", "a long password");
    session.click_on("#confirm-ok");
    session
        .wait_for_text("#reveal-secret", "JBSW Y3DP EHPK 3PXP", DEFAULT_WAIT)
        .unwrap();
    session.click_on("#reveal-close");

    // The QR code too.
    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.click_on("#edit-qr");
    session.type_into("#confirm-password", "a long password");
    session.click_on("#confirm-ok");
    session.wait_for("#account-qr", DEFAULT_WAIT).unwrap();
}

// Wayland: the lookup shortcut through the desktop's GlobalShortcuts portal. The real
// xdg-desktop-portal frontend runs on a private bus with a test backend
// (`tests/portal/shortcuts_backend.py`) standing in for the desktop's; the app runs as on a
// Wayland session whose bus that is (its window is still on Xvfb, for WebDriver and xdotool).
// That bus has no keyring, so the vault is made by the CLI with a password.

const WAYLAND_PASSWORD: &str = "portal test password";
const BACKEND_CONTROL: &str = "/app/twofold/Test";

/// The portal with the GlobalShortcuts test backend logging to `calls`, or with no backend.
fn shortcuts_portal(calls: &Path, with_backend: bool) -> Portal {
    portal::start(if with_backend {
        portal::Setup::Backend(portal::Backend {
            script: "shortcuts_backend.py",
            interfaces: &["org.freedesktop.impl.portal.GlobalShortcuts"],
            env: vec![("TWOFOLD_PORTAL_LOG", calls.into())],
        })
    } else {
        portal::Setup::FrontendOnly
    })
}

/// What the desktop's user does, through the backend's control interface; the reply's number.
fn desktop_user(portal: &Portal, method: &str, args: &[&str]) -> String {
    let reply = portal
        .bus
        .send(
            portal::BACKEND_NAME,
            BACKEND_CONTROL,
            &format!("app.twofold.Test.{method}"),
            args,
        )
        .unwrap_or_else(|| panic!("the test backend refused {method}"));
    reply.lines().skip(1).collect::<String>().trim().to_string()
}

/// The desktop's user presses the shortcut (with `token` as the activation token, none when
/// empty): the portal tells the one session that bound it, and the lookup window opens and
/// lists the account. Returns its X window id.
fn press_opens_lookup(portal: &Portal, session: &Session, token: &str) -> String {
    let token = format!("string:{token}");
    assert_eq!(
        desktop_user(portal, "Press", &["string:lookup", &token]),
        "uint32 1"
    );
    let window = lookup_shown(DEFAULT_WAIT).expect("the shortcut opens the lookup window");
    in_lookup_window(session, |s| {
        s.wait_for(".lookup-row[data-id]", DEFAULT_WAIT)
            .expect("the lookup window lists the account");
    });
    window
}

/// Esc puts the lookup window away.
fn escape_hides_lookup() {
    xdotool(&["key", "Escape"]);
    assert!(lookup_hidden(DEFAULT_WAIT), "Esc hides the lookup window");
}

fn backend_calls(calls: &Path) -> Vec<String> {
    std::fs::read_to_string(calls)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The app under its own WebDriver server, whose environment makes it a Wayland session on the
/// portal's bus. The session is dropped (the app quits) before the server is stopped.
struct OnWayland {
    session: Session,
    _driver: harness::Driver,
}

impl std::ops::Deref for OnWayland {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

/// The app on the portal's bus as a Wayland session, with a password vault holding GitHub,
/// unlocked.
fn start_on_wayland(portal: &Portal, dir: &Path) -> OnWayland {
    let vault = dir.join("vault.json");
    if !vault.exists() {
        harness::run_ok(
            Command::new(harness::cli_bin())
                .args(["add", "--uri", GITHUB])
                .env("TWOFOLD_VAULT", &vault)
                .env("TWOFOLD_PASSWORD", WAYLAND_PASSWORD)
                .env("TWOFOLD_NO_KEYRING", "1"),
        );
    }
    let driver = harness::Driver::start_with_env(&[
        ("DBUS_SESSION_BUS_ADDRESS", portal.bus.address.as_str()),
        ("XDG_SESSION_TYPE", "wayland"),
    ]);
    let session = app::launch(&driver.url, dir, &[]);
    session.wait_for("#unlock-password", DEFAULT_WAIT).unwrap();
    session.type_into("#unlock-password", WAYLAND_PASSWORD);
    session.click_on("#unlock-submit");
    session
        .wait_for(".account-row[data-issuer=\"GitHub\"]", DEFAULT_WAIT)
        .expect("the vault opens with its password");
    OnWayland {
        session,
        _driver: driver,
    }
}

/// A screenshot with the element `id` scrolled to the middle of the window.
fn shot_at(session: &Session, id: &str, name: &str) {
    session
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView({ block: 'center' });",
            &[json!(id)],
        )
        .unwrap();
    session.shot(name);
}

/// A text property of the X window `window` (as xdotool prints its id), if it has one.
fn text_property(window: &str, name: &str) -> Option<String> {
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _};
    let (conn, _) = x11rb::connect(None).expect("connect to the X display");
    let id: u32 = window.trim().parse().expect("a window id");
    let atom = conn
        .intern_atom(false, name.as_bytes())
        .unwrap()
        .reply()
        .unwrap()
        .atom;
    let reply = conn
        .get_property(false, id, atom, AtomEnum::ANY, 0, 1024)
        .unwrap()
        .reply()
        .unwrap();
    (!reply.value.is_empty()).then(|| String::from_utf8_lossy(&reply.value).into_owned())
}

/// Waits until the settings view's `key` is `want`; returns the whole view.
fn wait_view(session: &Session, key: &str, want: Value) -> Value {
    let mut last = Value::Null;
    harness::poll(DEFAULT_WAIT, Duration::from_millis(100), || {
        last = session.invoke("settings_get", json!({})).unwrap().unwrap();
        (last[key] == want).then_some(())
    })
    .unwrap_or_else(|| panic!("{key} never became {want}; the settings view: {last}"));
    last
}

#[test]
fn on_wayland_the_desktop_binds_the_shortcut_through_its_portal_and_pressing_it_opens_the_lookup() {
    let dir = harness::temp_dir();
    let calls = dir.path().join("calls.log");
    let portal = shortcuts_portal(&calls, true);
    {
        let session = start_on_wayland(&portal, dir.path());
        let view = wait_view(
            &session,
            "desktopShortcut",
            json!({ "trigger": "Ctrl+Alt+Shift+2" }),
        );
        assert_eq!(view["shortcutProblem"], Value::Null);
        // It asked what the desktop remembers first, then for the shortcut, offering the keys
        // from Settings in the portal's own notation.
        assert_eq!(
            backend_calls(&calls),
            vec![
                "CreateSession app_id=''".to_string(),
                "ListShortcuts -".to_string(),
                "BindShortcuts lookup preferred=CTRL+ALT+SHIFT+2 \
                 description='Find a code (Twofold lookup window)' response=0"
                    .to_string(),
            ]
        );
        assert!(
            lookup_hidden(Duration::from_secs(1)),
            "no lookup window yet"
        );
        // The user presses the keys: the desktop tells the portal, the portal tells Twofold.
        press_opens_lookup(&portal, &session, "");
        in_lookup_window(&session, |s| s.shot("desktop-20-wayland-lookup.png"));
        escape_hides_lookup();
        // A desktop that sends an activation token with the press (newer portals do): the
        // window presents it (GTK's startup id; on X11 the _NET_STARTUP_ID property), which is
        // what lets a Wayland compositor give it the focus.
        let window = press_opens_lookup(&portal, &session, "twofold-token-7");
        assert_eq!(
            text_property(&window, "_NET_STARTUP_ID").as_deref(),
            Some("twofold-token-7")
        );
        escape_hides_lookup();

        // The user gives it other keys in the desktop's settings; Settings shows them.
        assert_eq!(
            desktop_user(&portal, "Reassign", &["string:lookup", "string:Super+K"]),
            "uint32 1"
        );
        wait_view(&session, "desktopShortcut", json!({ "trigger": "Super+K" }));
        session.click_on("#settings-open");
        let said = session
            .wait_for_text("#settings-shortcut-desktop", "Super+K", DEFAULT_WAIT)
            .expect("Settings names the desktop's keys");
        assert!(said.contains("keyboard settings"), "{said}");
        // The field beside it only suggests keys now.
        session
            .wait_for_text(
                "#settings-lookup .field .hint",
                "the desktop decides",
                DEFAULT_WAIT,
            )
            .expect("the shortcut field says it is a suggestion");
        assert!(session.text_of("#settings-shortcut-problem").is_empty());
        shot_at(
            &session,
            "settings-shortcut-desktop",
            "desktop-21-wayland-settings.png",
        );
    }
    // The app is gone, and with its bus connection the portal session.
    harness::poll(DEFAULT_WAIT, Duration::from_millis(100), || {
        backend_calls(&calls)
            .iter()
            .any(|c| c.starts_with("Close "))
            .then_some(())
    })
    .expect("the portal closes the session of an app that quit");

    // Started again: the desktop remembers the shortcut, so there is no second dialog.
    let session = start_on_wayland(&portal, dir.path());
    wait_view(&session, "desktopShortcut", json!({ "trigger": "Super+K" }));
    let log = backend_calls(&calls);
    assert_eq!(
        log.iter()
            .filter(|c| c.starts_with("BindShortcuts"))
            .count(),
        1,
        "{log:#?}"
    );
    assert_eq!(log.last().map(String::as_str), Some("ListShortcuts lookup"));
    press_opens_lookup(&portal, &session, "");
    escape_hides_lookup();
}

#[test]
fn on_wayland_a_declined_dialog_is_asked_again_and_a_desktop_without_the_portal_is_named() {
    let dir = harness::temp_dir();
    let calls = dir.path().join("calls.log");
    {
        let portal = shortcuts_portal(&calls, true);
        desktop_user(&portal, "AnswerBind", &["uint32:1"]);
        let session = start_on_wayland(&portal, dir.path());
        wait_view(&session, "shortcutProblem", json!({ "kind": "declined" }));
        session.click_on("#settings-open");
        session
            .wait_for_text("#settings-shortcut-problem", "to ask again", DEFAULT_WAIT)
            .expect("Settings says the dialog was declined");
        assert!(session.text_of("#settings-shortcut-desktop").is_empty());
        shot_at(
            &session,
            "settings-shortcut-problem",
            "desktop-22-wayland-declined.png",
        );
        // Nothing is bound, so a press reaches no session.
        assert_eq!(
            desktop_user(&portal, "Press", &["string:lookup", "string:"]),
            "uint32 0"
        );

        // This time the user accepts.
        desktop_user(&portal, "AnswerBind", &["uint32:0"]);
        session.click_on("#setting-shortcut-save");
        session
            .wait_for_text(
                "#settings-shortcut-desktop",
                "Ctrl+Alt+Shift+2",
                DEFAULT_WAIT,
            )
            .expect("asked again, the desktop binds it");
        assert_eq!(
            backend_calls(&calls)
                .iter()
                .filter(|c| c.starts_with("BindShortcuts"))
                .count(),
            2
        );
        press_opens_lookup(&portal, &session, "");
        escape_hides_lookup();
    }

    // A portal without GlobalShortcuts for this desktop: Settings says so and offers the
    // command to bind instead.
    let portal = shortcuts_portal(&calls, false);
    let session = start_on_wayland(&portal, dir.path());
    let view = wait_view(
        &session,
        "shortcutProblem",
        json!({
            "kind": "noPortal",
            "detail": "the desktop portal has no GlobalShortcuts for this desktop"
        }),
    );
    assert_eq!(view["desktopShortcut"], Value::Null);
    session.click_on("#settings-open");
    session
        .wait_for_text(
            "#settings-shortcut-problem",
            "twofold-app --lookup",
            DEFAULT_WAIT,
        )
        .expect("Settings offers the command to bind");
    shot_at(
        &session,
        "settings-shortcut-problem",
        "desktop-23-wayland-no-portal.png",
    );
}
