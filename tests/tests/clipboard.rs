//! Codes on the real X clipboard (Xvfb, read back with `xclip`): marked as a secret for
//! clipboard managers, and cleared on quit only while the clipboard still holds them.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::Duration;

use twofold_core::clipboard::CodeClipboard;
use twofold_e2e::harness;

/// The tests share one X clipboard: one at a time.
static CLIPBOARD: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _one = CLIPBOARD.lock().unwrap_or_else(|p| p.into_inner());
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
    let mut own = serve_text("my own text");
    assert!(!cb.clear_pending().unwrap());
    assert_eq!(xclip("UTF8_STRING").as_deref(), Some("my own text"));
    own.kill().unwrap();
    own.wait().unwrap();
}

/// Puts `text` on the clipboard through xclip, which serves it until the returned child is
/// stopped; returns once the clipboard holds it.
fn serve_text(text: &str) -> std::process::Child {
    // -quiet keeps xclip in the foreground serving the selection, so it can be stopped after.
    let mut child = Command::new("xclip")
        .args(["-quiet", "-selection", "clipboard", "-i"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    drop(child.stdin.take());
    harness::poll(Duration::from_secs(5), Duration::from_millis(50), || {
        (xclip("UTF8_STRING").as_deref() == Some(text)).then_some(())
    })
    .expect("xclip took the clipboard");
    child
}

/// Serves `bytes` as the clipboard's `image/png` through xclip until the returned child is
/// killed; waits until the clipboard offers it.
fn serve_png(bytes: &[u8]) -> std::process::Child {
    let mut child = Command::new("xclip")
        .args(["-quiet", "-selection", "clipboard", "-t", "image/png", "-i"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), bytes).unwrap();
    drop(child.stdin.take());
    harness::poll(Duration::from_secs(5), Duration::from_millis(50), || {
        xclip("TARGETS")
            .filter(|t| t.lines().any(|l| l == "image/png"))
            .map(|_| ())
    })
    .expect("xclip offers the image");
    child
}

/// A valid PNG of `side` x `side` one-bit white pixels: a few kB.
fn huge_png(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side, side);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::One);
    let mut w = enc.write_header().unwrap();
    let mut stream = w.stream_writer().unwrap();
    let row = vec![0xffu8; side.div_ceil(8) as usize];
    for _ in 0..side {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    w.finish().unwrap();
    out
}

// See: issue 16: the clipboard's image was decoded (by arboard) with no limit on its size.
#[test]
fn issue16_the_clipboard_image_is_read_with_the_size_limits() {
    harness::display();
    let _one = CLIPBOARD.lock().unwrap_or_else(|p| p.into_inner());
    let dir = harness::temp_dir();
    let scan = || {
        Command::new(harness::cli_bin())
            .args(["scan", "--clipboard"])
            .env("TWOFOLD_VAULT", dir.path().join("vault.json"))
            .output()
            .unwrap()
    };
    // A QR code copied as an image is read.
    let uri = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
    let bytes = twofold_core::qr::to_png(uri, 24).unwrap();
    let mut server = serve_png(&bytes);
    let out = scan();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), uri);

    // A 10 MB image (noise, no code) is read whole: over xclip's chunk size, it comes in
    // pieces (INCR), and a cut one would be "cannot read the image".
    let mut noise = Vec::new();
    let mut enc = png::Encoder::new(&mut noise, 1800, 1800);
    enc.set_color(png::ColorType::Rgb);
    let mut w = enc.write_header().unwrap();
    let mut x = 0x2545_f491_u32;
    let pixels: Vec<u8> = (0..1800 * 1800 * 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    w.write_image_data(&pixels).unwrap();
    w.finish().unwrap();
    assert!(noise.len() > 9_000_000, "{}", noise.len());
    let mut server = serve_png(&noise);
    let out = scan();
    server.kill().unwrap();
    server.wait().unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("no QR code found"), "{e}");

    // Text on the clipboard (xclip answers any target with it) is no image.
    let mut text = serve_text("hello");
    let out = scan();
    text.kill().unwrap();
    text.wait().unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("holds no image"), "{e}");

    let big = huge_png(11_000);
    let mut server = serve_png(&big);
    let started = std::time::Instant::now();
    let out = scan();
    let took = started.elapsed();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("too large") && e.contains("11000x11000"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}
