//! "Scan screen" on a Wayland session: `twofold scan --screen` through the real
//! xdg-desktop-portal frontend (`/usr/libexec/xdg-desktop-portal`), which forwards the
//! Screenshot call to a test backend (`tests/portal/screenshot_backend.py`) standing in for
//! xdg-desktop-portal-gnome/-kde/-wlr. This machine has no Wayland compositor; the session type
//! is what twofold dispatches on, and the portal is the only thing it talks to there.
//!
//! Each test gets its own dbus-daemon (no service activation, so nothing starts behind its back
//! and the tests do not share the portal's well-known name), and kills what it started on drop.
//!
//! Needs: `dbus-daemon`, `dbus-send`, xdg-desktop-portal (apt; `TWOFOLD_XDG_DESKTOP_PORTAL`
//! overrides its path) and a Python with python3-dbus and python3-gi (`TWOFOLD_SYSTEM_PYTHON`,
//! default `/usr/bin/python3`): `scripts/setup-system.sh` installs them all.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use twofold_e2e::harness::{cli_bin, poll, temp_dir, workspace_root, ChildGuard};
use twofold_e2e::qr_corpus;

const DESKTOP: &str = "twofoldtest";
const BACKEND_NAME: &str = "org.freedesktop.impl.portal.desktop.twofoldtest";
const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";

/// A private session bus. Dropped last (it is the last field of [`Portal`]).
struct Bus {
    address: String,
    _daemon: ChildGuard,
}

fn private_bus(dir: &Path) -> Bus {
    let config = dir.join("bus.conf");
    // A session bus without <standard_session_servicedirs/>: the installed portal's .service
    // file must not be activated by the "no portal" test.
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.join("bus").display()
        ),
    )
    .unwrap();
    let mut daemon = ChildGuard::spawn(
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("bus.log")).unwrap()),
    );
    // dbus-daemon prints its address once it listens.
    let mut address = String::new();
    std::io::BufReader::new(daemon.0.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_string();
    assert!(
        address.starts_with("unix:"),
        "dbus-daemon did not start: {address:?}; log:\n{}",
        std::fs::read_to_string(dir.join("bus.log")).unwrap_or_default()
    );
    Bus {
        address,
        _daemon: daemon,
    }
}

impl Bus {
    fn has_owner(&self, name: &str) -> bool {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
            ])
            .arg(format!("string:{name}"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("boolean true")
    }

    /// Waits until `name` is owned on the bus, or panics with `process`'s log.
    fn wait_for_name(&self, name: &str, process: &mut ChildGuard, log: &Path) {
        let up = poll(Duration::from_secs(20), Duration::from_millis(50), || {
            if self.has_owner(name) {
                return Some(true);
            }
            // Exited: stop waiting.
            process.0.try_wait().ok().flatten().map(|_| false)
        });
        assert_eq!(
            up,
            Some(true),
            "{name} did not appear on the test bus; log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }
}

/// The real portal frontend and the test backend on a private bus.
struct Portal {
    /// Where the backend writes its screenshots (the user's Pictures folder, for real).
    out_dir: PathBuf,
    /// One line per Screenshot call the backend answered: "<response> <path> interactive=..".
    calls: PathBuf,
    // Dropped in this order: frontend, backend, bus.
    _frontend: Option<ChildGuard>,
    _backend: Option<ChildGuard>,
    bus: Bus,
    _dir: tempfile::TempDir,
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

fn frontend_bin() -> PathBuf {
    let path = std::env::var_os("TWOFOLD_XDG_DESKTOP_PORTAL")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/libexec/xdg-desktop-portal"));
    assert!(
        path.exists(),
        "{} is missing: install xdg-desktop-portal (scripts/setup-system.sh does), or set \
         TWOFOLD_XDG_DESKTOP_PORTAL to its path",
        path.display()
    );
    path
}

fn python() -> String {
    std::env::var("TWOFOLD_SYSTEM_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/usr/bin/python3".into())
}

fn start(setup: Setup<'_>) -> Portal {
    let dir = temp_dir();
    let bus = private_bus(dir.path());
    let out_dir = dir.path().join("Pictures");
    let calls = dir.path().join("calls.log");
    std::fs::create_dir(&out_dir).unwrap();
    let mut portal = Portal {
        out_dir,
        calls,
        _frontend: None,
        _backend: None,
        bus,
        _dir: dir,
    };
    let dir = portal._dir.path().to_path_buf();
    if matches!(setup, Setup::NoPortal) {
        return portal;
    }
    // The backend's .portal file. 1.16 finds it through XDG_DESKTOP_PORTAL_DIR and picks it by
    // UseIn; newer frontends look under XDG_DATA_DIRS and read <desktop>-portals.conf.
    let share = dir.join("share/xdg-desktop-portal");
    let portals = share.join("portals");
    std::fs::create_dir_all(&portals).unwrap();
    if let Setup::Backend { response, image } = setup {
        std::fs::write(
            portals.join(format!("{DESKTOP}.portal")),
            format!(
                "[portal]\nDBusName={BACKEND_NAME}\n\
                 Interfaces=org.freedesktop.impl.portal.Screenshot;org.freedesktop.impl.portal.Access;\n\
                 UseIn={DESKTOP}\n"
            ),
        )
        .unwrap();
        std::fs::write(
            share.join(format!("{DESKTOP}-portals.conf")),
            format!("[preferred]\ndefault={DESKTOP}\n"),
        )
        .unwrap();
        let log = dir.join("backend.log");
        let mut backend = ChildGuard::spawn(
            Command::new(python())
                .arg(workspace_root().join("tests/portal/screenshot_backend.py"))
                .arg(BACKEND_NAME)
                .env("DBUS_SESSION_BUS_ADDRESS", &portal.bus.address)
                .env("TWOFOLD_PORTAL_IMAGE", image)
                .env("TWOFOLD_PORTAL_OUT_DIR", &portal.out_dir)
                .env("TWOFOLD_PORTAL_RESPONSE", response)
                .env("TWOFOLD_PORTAL_LOG", &portal.calls)
                .stdout(Stdio::piped())
                .stderr(std::fs::File::create(&log).unwrap()),
        );
        // It prints "ready" once it owns its name.
        let mut line = String::new();
        std::io::BufReader::new(backend.0.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the test backend did not start (it needs python3-dbus and python3-gi for {}); \
             log:\n{}",
            python(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        portal._backend = Some(backend);
    }
    let log = dir.join("frontend.log");
    let data_dirs = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    let mut frontend = ChildGuard::spawn(
        Command::new(frontend_bin())
            .arg("--verbose")
            .env("DBUS_SESSION_BUS_ADDRESS", &portal.bus.address)
            .env("XDG_CURRENT_DESKTOP", DESKTOP)
            .env("XDG_DESKTOP_PORTAL_DIR", &portals)
            .env(
                "XDG_DATA_DIRS",
                format!("{}:{data_dirs}", dir.join("share").display()),
            )
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap()),
    );
    portal.bus.wait_for_name(PORTAL_NAME, &mut frontend, &log);
    portal._frontend = Some(frontend);
    portal
}

impl Portal {
    /// `twofold scan --screen ...` on a Wayland session whose bus is this one.
    fn scan(&self, extra: &[&str]) -> Output {
        let vault = self._dir.path().join("vault.json");
        Command::new(cli_bin())
            .args(["scan", "--screen"])
            .args(extra)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
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
