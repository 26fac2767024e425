//! The release app starts under WebDriver, renders, and can be screenshotted.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use twofold_e2e::harness;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

#[test]
fn app_starts_and_renders() {
    let session =
        Session::start(&harness::app_bin()).expect("start a WebDriver session on the app");
    session
        .wait_for_render(DEFAULT_WAIT)
        .expect("the app renders a page");
    let shot = harness::artifact("app-start.png");
    session.screenshot(&shot).expect("screenshot");
    let png = std::fs::read(&shot).expect("read screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        shot.display()
    );
    assert!(
        png.len() > 1000,
        "screenshot is suspiciously small ({} bytes)",
        png.len()
    );
}
