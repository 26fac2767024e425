//! The scan screen of the real app under WebDriver: the live camera path (a folder of frames
//! stands in for the webcam through `--camera-frames`, played at a camera's pace through the same
//! live-scan loop), no camera at all, a dropped Google Authenticator export with checkboxes, a
//! foreign QR code and a file that is no image, the screen (a QR code shown on the X display by
//! `show-image`), the clipboard (`xclip`), and "Show QR code" read back from a screenshot.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;
use twofold_core::otp::uri::OtpUri;
use twofold_e2e::app::drop_file;
use twofold_e2e::webdriver::{unix_now, Session, DEFAULT_WAIT};
use twofold_e2e::{harness, qr_corpus};

const SCAN_WAIT: Duration = Duration::from_secs(30);

fn png(path: &Path, image: &image::GrayImage) {
    image.save(path).expect("write a test image");
}

/// `text` as a QR code in the middle of a gray 1280x720 frame.
fn frame_with_code(text: &str) -> image::GrayImage {
    let code = qr_corpus::plain_code(text, 6).expect("encodable");
    let mut frame = image::GrayImage::from_pixel(1280, 720, image::Luma([150]));
    image::imageops::overlay(
        &mut frame,
        &code,
        i64::from((1280 - code.width()) / 2),
        i64::from((720 - code.height()) / 2),
    );
    frame
}

fn row_css(name: &str) -> String {
    format!(".account-row[data-name=\"{name}\"]")
}

/// The account's TOTP codes for the previous, current and next period.
fn codes_around(uri: &str) -> Vec<String> {
    let otp = OtpUri::parse(uri).expect("a valid URI").otp;
    let now = unix_now();
    [now - 30, now, now + 30]
        .iter()
        .map(|t| otp.code_at(*t).code)
        .collect()
}

/// Drops the file's bytes on `css` as a file drag from the desktop would.
/// An element's `textContent`, shown or not (WebDriver's text is that of what is displayed).
fn js_text(session: &Session, css: &str) -> String {
    session
        .execute(
            "return document.querySelector(arguments[0])?.textContent ?? null;",
            &[json!(css)],
        )
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .as_str()
        .unwrap_or_else(|| panic!("no {css}"))
        .to_string()
}

fn attribute(session: &Session, css: &str, name: &str) -> String {
    session
        .find(css)
        .and_then(|e| e.attribute(name))
        .unwrap_or_else(|e| panic!("{css}[{name}]: {e}"))
        .unwrap_or_default()
}

#[test]
fn camera_scan_previews_stops_on_the_code_and_saves_it_then_shows_it_as_a_qr_code() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let frames = dir.path().join("frames");
    std::fs::create_dir(&frames).unwrap();
    let uri = qr_corpus::aws_uri(41);
    let blank =
        image::GrayImage::from_fn(1280, 720, |x, y| image::Luma([120 + ((x ^ y) % 40) as u8]));
    for i in 0..3 {
        png(&frames.join(format!("{i:02}-nothing.png")), &blank);
    }
    png(&frames.join("03-code.png"), &frame_with_code(&uri));
    // After the code: never read, because the camera stops at the code.
    png(
        &frames.join("04-other.png"),
        &frame_with_code(&qr_corpus::aws_uri(42)),
    );

    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&[
        "--vault",
        vault.to_str().unwrap(),
        "--camera-frames",
        frames.to_str().unwrap(),
    ]);
    session.click_on("#scan-qr");
    // The camera starts on its own; the code is the fourth frame.
    session
        .wait_for_text("#scan-summary", "Found in Test frames", SCAN_WAIT)
        .unwrap_or_else(|e| {
            session.shot("scan-camera-failed.png");
            panic!("the camera scan found nothing: {e}")
        });
    session.shot("scan-camera-found.png");
    let previews: u32 = attribute(&session, "#scan-stage", "data-frames")
        .parse()
        .expect("a preview count");
    assert!(previews >= 1, "no preview frame reached the screen");
    assert!(
        attribute(&session, "#scan-preview", "src").starts_with("data:image/jpeg;base64,"),
        "the preview is not a JPEG data URL"
    );
    assert_eq!(attribute(&session, "#scan-status", "data-camera"), "off");
    assert!(js_text(&session, "#scan-status").contains("the camera is off"));

    let parsed = OtpUri::parse(&uri).unwrap();
    let name = format!("{}:{}", parsed.issuer, parsed.account);
    assert_eq!(session.find_all(".scan-account").unwrap().len(), 1);
    assert_eq!(
        js_text(&session, ".scan-account .account-issuer"),
        "Amazon Web Services"
    );
    assert!(
        js_text(&session, ".scan-account").contains("Time-based · 6 digits · SHA1 · every 30 s")
    );
    // The preview names the account but never carries its secret.
    let secret = parsed.otp.secret.to_base32().to_string();
    assert!(!session.page_source().unwrap().contains(&secret));

    session.click_on("#scan-save");
    session
        .wait_for(&row_css(&name), DEFAULT_WAIT)
        .expect("the scanned account in the list");
    assert!(
        session.find("#scan-dialog").is_err(),
        "the dialog stayed open"
    );
    let shown = session
        .text_of(&format!("{} .account-code", row_css(&name)))
        .replace(' ', "");
    assert!(codes_around(&uri).contains(&shown), "app shows {shown}");

    // Show QR code: nothing without the confirmation...
    session.click_on(&format!("{} .edit-account", row_css(&name)));
    session.click_on("#edit-qr");
    session.click_on("#confirm-cancel");
    assert!(session.find("#account-qr").is_err());
    // ...and after it, a code a phone reads back as this very account.
    session.click_on(&format!("{} .edit-account", row_css(&name)));
    session.click_on("#edit-qr");
    session.click_on("#confirm-ok");
    session.wait_for("#account-qr", DEFAULT_WAIT).unwrap();
    session.shot("scan-show-qr.png");
    let shot = dir.path().join("qr-dialog.png");
    session.screenshot(&shot).expect("a screenshot");
    let texts = twofold_core::qr::decode_image(&image::open(&shot).unwrap());
    let read: Vec<OtpUri> = texts.iter().filter_map(|t| OtpUri::parse(t).ok()).collect();
    assert_eq!(read.len(), 1, "read {texts:?} from the QR dialog");
    assert_eq!(
        (read[0].issuer.as_str(), read[0].account.as_str()),
        (parsed.issuer.as_str(), parsed.account.as_str())
    );
    assert_eq!(read[0].otp.secret.as_bytes(), parsed.otp.secret.as_bytes());
    session.click_on("#qr-close");
    assert!(
        session.find("#account-qr").is_err(),
        "the QR code outlived its dialog"
    );
}

#[test]
fn without_a_camera_a_dropped_google_export_is_picked_from_a_list() {
    harness::require_secret_service();
    if std::fs::read_dir("/dev")
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("video"))
    {
        eprintln!("a camera is present; skipping the no-camera check");
        return;
    }
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session.click_on("#scan-qr");
    session
        .wait_for_text("#scan-status", "No camera found", DEFAULT_WAIT)
        .expect("the no-camera message");
    session.shot("scan-no-camera.png");

    // Not an image, then a QR code that is not an authenticator's: clear errors, nothing added.
    drop_file(
        &session,
        "#scan-stage",
        b"hello, not a picture",
        "notes.png",
        "image/png",
    );
    session
        .wait_for_text(
            "#scan-error",
            "not a PNG, JPEG, WebP, BMP or GIF image",
            DEFAULT_WAIT,
        )
        .expect("the not-an-image error");
    let foreign = dir.path().join("link.png");
    png(
        &foreign,
        &qr_corpus::plain_code("https://example.com/hello", 6).unwrap(),
    );
    drop_file(
        &session,
        "#scan-stage",
        &std::fs::read(&foreign).unwrap(),
        "link.png",
        "image/png",
    );
    session
        .wait_for_text(
            "#scan-error",
            "Not an authenticator QR code: it holds a web link",
            DEFAULT_WAIT,
        )
        .expect("the foreign-code error");
    session.shot("scan-foreign-code.png");

    // Open image…: the file chooser's pick, as WebDriver hands a path to a file input.
    // A Wi-Fi code this time (told apart from the link above): its kind is named, its
    // password never shown (issue 16).
    let opened = dir.path().join("opened.png");
    png(
        &opened,
        &qr_corpus::plain_code("WIFI:S:home;T:WPA;P:hunter22;;", 6).unwrap(),
    );
    session
        .find("#scan-file")
        .and_then(|input| input.send_keys(opened.to_str().unwrap()))
        .expect("choose a file");
    session
        .wait_for_text(
            "#scan-error",
            "it holds a Wi-Fi network's details",
            DEFAULT_WAIT,
        )
        .expect("the opened file was read");

    // Code 1 of 2 of an export: two accounts; keep only the first.
    let export =
        |n: u32| std::fs::read(harness::fixture(&format!("qr/google-export-{n}of2.png"))).unwrap();
    drop_file(
        &session,
        "#scan-stage",
        &export(1),
        "google-export-1of2.png",
        "image/png",
    );
    session
        .wait_for_text(
            "#scan-summary",
            "Google Authenticator export: 2 accounts (code 1 of 2",
            DEFAULT_WAIT,
        )
        .expect("the export's first code");
    assert!(session.find("#scan-error").unwrap().is_displayed().ok() != Some(true));
    session.shot("scan-google-export.png");
    let ticks = session.find_all(".scan-account .scan-tick").unwrap();
    assert_eq!(ticks.len(), 2);
    ticks[1].click().unwrap();
    assert_eq!(session.text_of("#scan-save"), "Add 1 account");
    session.click_on("#scan-save");
    // Back to scanning for the second code.
    session
        .wait_for_text("#scan-status", "next code", DEFAULT_WAIT)
        .expect("the prompt for the next code");
    drop_file(
        &session,
        "#scan-stage",
        &export(2),
        "google-export-2of2.png",
        "image/png",
    );
    session
        .wait_for_text("#scan-summary", "1 account (code 2 of 2", DEFAULT_WAIT)
        .expect("the export's second code");
    session.click_on("#scan-save");
    session
        .wait_for(&row_css("Example:bob"), DEFAULT_WAIT)
        .expect("the HOTP account of code 2");
    session
        .wait_for(
            &row_css("Amazon Web Services:alice@123456789012"),
            DEFAULT_WAIT,
        )
        .expect("the ticked account of code 1");
    assert!(
        session.find(&row_css("GitHub:alice")).is_err(),
        "the unticked account was added"
    );

    // Scanning code 1 again: the saved account is flagged and left unticked.
    session.click_on("#scan-qr");
    drop_file(
        &session,
        "#scan-stage",
        &export(1),
        "google-export-1of2.png",
        "image/png",
    );
    session
        .wait_for_text(".scan-account", "Already in Twofold as", DEFAULT_WAIT)
        .expect("the duplicate flagged");
    let ticked: Vec<bool> = session
        .find_all(".scan-account .scan-tick")
        .unwrap()
        .iter()
        .map(|t| t.property("checked").unwrap().as_bool().unwrap())
        .collect();
    assert_eq!(ticked, [false, true]);
    session.shot("scan-duplicate.png");
}

#[test]
fn scan_screen_and_paste_read_the_code_where_it_is() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let uri = qr_corpus::aws_uri(43);
    let image = dir.path().join("console-qr.png");
    png(&image, &qr_corpus::plain_code(&uri, 5).unwrap());
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    // Right of the centred 560-pixel-wide app window on the 1280x800 test display.
    let _shown =
        harness::show_on_screen(Path::new(env!("CARGO_BIN_EXE_show-image")), &image, 940, 40);
    session.click_on("#scan-qr");
    session.click_on("#scan-screen");
    session
        .wait_for_text("#scan-summary", "Found in screen", SCAN_WAIT)
        .unwrap_or_else(|e| {
            session.shot("scan-screen-failed.png");
            panic!("Scan screen found nothing: {e}")
        });
    session.shot("scan-screen-found.png");
    assert_eq!(
        js_text(&session, ".scan-account .account-name"),
        OtpUri::parse(&uri).unwrap().account
    );

    // The clipboard: an image copied from a browser, as xclip offers it.
    session.click_on("#scan-again");
    let other = qr_corpus::aws_uri(44);
    let copied = dir.path().join("copied.png");
    png(&copied, &qr_corpus::plain_code(&other, 4).unwrap());
    let status = Command::new("xclip")
        .args(["-selection", "clipboard", "-t", "image/png", "-i"])
        .arg(&copied)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("xclip (apt package xclip)");
    assert!(status.success());
    session.click_on("#scan-paste");
    session
        .wait_for_text("#scan-summary", "Found in clipboard", SCAN_WAIT)
        .expect("the clipboard's code");
    assert_eq!(
        js_text(&session, ".scan-account .account-name"),
        OtpUri::parse(&other).unwrap().account
    );
    session.click_on("#scan-save");
    let name = format!(
        "Amazon Web Services:{}",
        OtpUri::parse(&other).unwrap().account
    );
    session
        .wait_for(&row_css(&name), DEFAULT_WAIT)
        .expect("the pasted account in the list");
}
