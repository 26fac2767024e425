//! "Scan screen" on a Wayland session: `twofold scan --screen` through the real
//! xdg-desktop-portal frontend (`/usr/libexec/xdg-desktop-portal`), which forwards the
//! Screenshot call to a test backend (`tests/portal/screenshot_backend.py`) standing in for
//! xdg-desktop-portal-gnome/-kde/-wlr. This machine has no Wayland compositor; the session type
//! is what twofold dispatches on, and the portal is the only thing it talks to there.
//!
//! Each test gets its own bus, frontend and backend ([`twofold_e2e::portal`], which says what
//! they need installed).

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use twofold_e2e::harness::{cli_bin, temp_dir};
use twofold_e2e::portal::{self, Backend, Portal};
use twofold_e2e::qr_corpus;

/// The portal with the Screenshot test backend, and the backend's files.
struct Screenshots {
    portal: Portal,
    /// Where the backend writes its screenshots (the user's Pictures folder, for real).
    out_dir: PathBuf,
    /// One line per Screenshot call the backend answered: "<response> <path> interactive=..".
    calls: PathBuf,
    _files: tempfile::TempDir,
}

/// What runs on the test bus.
enum Setup<'a> {
    /// Nothing but the bus.
    NoPortal,
    /// The frontend, with no backend for this desktop.
    FrontendOnly,
    /// The frontend and the test backend answering `response` ("0", "1", "2", or "never"),
    /// handing out `image`.
    Backend { response: &'a str, image: &'a Path },
}

fn start(setup: Setup<'_>) -> Screenshots {
    let files = temp_dir();
    let out_dir = files.path().join("Pictures");
    let calls = files.path().join("calls.log");
    std::fs::create_dir(&out_dir).unwrap();
    let portal = portal::start(match setup {
        Setup::NoPortal => portal::Setup::NoPortal,
        Setup::FrontendOnly => portal::Setup::FrontendOnly,
        Setup::Backend { response, image } => portal::Setup::Backend(Backend {
            script: "screenshot_backend.py",
            // 1.16 offers Screenshot only when the backend also implements Access.
            interfaces: &[
                "org.freedesktop.impl.portal.Screenshot",
                "org.freedesktop.impl.portal.Access",
            ],
            env: vec![
                ("TWOFOLD_PORTAL_IMAGE", image.into()),
                ("TWOFOLD_PORTAL_OUT_DIR", out_dir.clone().into()),
                ("TWOFOLD_PORTAL_RESPONSE", response.into()),
                ("TWOFOLD_PORTAL_LOG", calls.clone().into()),
            ],
        }),
    });
    Screenshots {
        portal,
        out_dir,
        calls,
        _files: files,
    }
}

impl Screenshots {
    /// `twofold scan --screen ...` on a Wayland session whose bus is this one.
    fn scan(&self, extra: &[&str]) -> Output {
        let vault = self.portal.dir().join("vault.json");
        Command::new(cli_bin())
            .args(["scan", "--screen"])
            .args(extra)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.portal.bus.address)
            .env("XDG_SESSION_TYPE", "wayland")
            .env("WAYLAND_DISPLAY", "wayland-twofold-test")
            .env("TWOFOLD_VAULT", vault)
            .env("TWOFOLD_PASSWORD", "portal test")
            .env("TWOFOLD_NO_KEYRING", "1")
            .output()
            .unwrap()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.calls)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code_png(dir: &Path, seed: u64) -> (String, PathBuf) {
    let uri = qr_corpus::aws_uri(seed);
    let path = dir.join("screen.png");
    qr_corpus::plain_code(&uri, 5).unwrap().save(&path).unwrap();
    (uri, path)
}

#[test]
fn scan_screen_on_wayland_reads_the_portal_screenshot_and_deletes_it() {
    let images = temp_dir();
    let (uri, image) = code_png(images.path(), 31);
    let portal = start(Setup::Backend {
        response: "0",
        image: &image,
    });
    let out = portal.scan(&["--json"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let frames: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(frames.len(), 1, "{stdout}");
    assert_eq!(frames[0]["source"], "screen (portal)");
    assert_eq!(frames[0]["found"], true);
    assert_eq!(frames[0]["codes"][0]["text"], uri.as_str());
    assert_eq!(frames[0]["codes"][0]["issuer"], "Amazon Web Services");

    // The backend really wrote a screenshot, non-interactively, and twofold deleted it.
    let calls = portal.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let written = calls[0]
        .strip_prefix("0 ")
        .and_then(|c| c.strip_suffix(" interactive=False"))
        .unwrap_or_else(|| panic!("unexpected call {:?}", calls[0]));
    assert!(written.starts_with(&portal.out_dir.display().to_string()));
    assert!(
        !Path::new(written).exists(),
        "the screenshot {written} (it holds the secret) was left behind"
    );
    assert_eq!(std::fs::read_dir(&portal.out_dir).unwrap().count(), 0);
    // The picture the test handed the backend is untouched: only the portal's copy goes.
    assert!(image.exists());
}

#[test]
fn a_cancelled_screenshot_is_a_clear_error_and_exit_1() {
    let images = temp_dir();
    let (_, image) = code_png(images.path(), 32);
    let portal = start(Setup::Backend {
        response: "1",
        image: &image,
    });
    let out = portal.scan(&[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(
        stderr.contains("screen capture: the screenshot was cancelled"),
        "{stderr}"
    );
    assert_eq!(portal.calls().len(), 1);
}

#[test]
fn a_failed_screenshot_is_a_clear_error_and_exit_1() {
    let images = temp_dir();
    let (_, image) = code_png(images.path(), 33);
    let portal = start(Setup::Backend {
        response: "2",
        image: &image,
    });
    let out = portal.scan(&["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let frame: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(frame["found"], false);
    let error = frame["error"].as_str().unwrap();
    assert!(
        error.contains("the desktop portal could not take a screenshot"),
        "{error}"
    );
}

#[test]
fn without_a_portal_on_the_bus_the_message_says_what_to_install() {
    let portal = start(Setup::NoPortal);
    let out = portal.scan(&[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the desktop portal is not available")
            && stderr.contains("install xdg-desktop-portal and a backend for your desktop"),
        "{stderr}"
    );
}

#[test]
fn a_portal_without_a_screenshot_backend_says_so() {
    let portal = start(Setup::FrontendOnly);
    let out = portal.scan(&[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no backend for this desktop")
            && stderr.contains("xdg-desktop-portal-gnome"),
        "{stderr}"
    );
}

#[test]
fn a_portal_that_never_answers_times_out_with_a_clear_error() {
    let images = temp_dir();
    let (_, image) = code_png(images.path(), 34);
    let portal = start(Setup::Backend {
        response: "never",
        image: &image,
    });
    let started = std::time::Instant::now();
    let out = portal.scan(&["--timeout", "2"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the desktop portal did not answer within 2 s"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(
        portal.calls(),
        vec!["never - interactive=False".to_string()]
    );
    assert_eq!(std::fs::read_dir(&portal.out_dir).unwrap().count(), 0);
}
