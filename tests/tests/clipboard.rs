//! Codes on the real X clipboard (Xvfb, read back with `xclip`): marked as a secret for
//! clipboard managers, and cleared on quit only while the clipboard still holds them.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::Duration;

use twofold_core::clipboard::CodeClipboard;
use twofold_e2e::harness;

/// `xclip -o -selection clipboard -t <target>`: what another program gets, `None` on failure.
fn xclip(target: &str) -> Option<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", target])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

// See: issue 16: the copied code was not marked as sensitive for clipboard managers, and was
// not cleared when the app quit within the 30 s.
#[test]
fn issue16_a_copied_code_is_marked_secret_and_cleared_on_quit() {
    // The harness's Xvfb, not a desktop's clipboard.
    harness::display();
    let cb = CodeClipboard::system();
    cb.copy("246810").unwrap();
    assert_eq!(xclip("UTF8_STRING").as_deref(), Some("246810"));
    let targets = xclip("TARGETS").unwrap();
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "{targets}"
    );
    assert_eq!(
        xclip("x-kde-passwordManagerHint").as_deref().map(str::trim),
        Some("secret")
    );
    // Quitting with the code still there clears it.
    assert!(cb.clear_pending().unwrap());
    assert_ne!(xclip("UTF8_STRING").as_deref(), Some("246810"));

    // A code the user has since replaced with their own text is left alone.
    cb.copy("135791").unwrap();
    // -quiet keeps xclip in the foreground serving the selection, so it can be stopped after.
    let mut own = Command::new("xclip")
        .args(["-quiet", "-selection", "clipboard", "-i"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(own.stdin.as_mut().unwrap(), b"my own text").unwrap();
    drop(own.stdin.take());
    harness::poll(Duration::from_secs(5), Duration::from_millis(50), || {
        (xclip("UTF8_STRING").as_deref() == Some("my own text")).then_some(())
    })
    .expect("xclip took the clipboard");
    assert!(!cb.clear_pending().unwrap());
    assert_eq!(xclip("UTF8_STRING").as_deref(), Some("my own text"));
    own.kill().unwrap();
    own.wait().unwrap();
}
