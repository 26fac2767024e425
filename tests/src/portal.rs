//! The desktop portal on a private bus: the real xdg-desktop-portal frontend
//! (`/usr/libexec/xdg-desktop-portal`) and a test backend from `tests/portal/` standing in for a
//! desktop's own (xdg-desktop-portal-gnome, -kde, -wlr). This machine has no Wayland
//! compositor; a Wayland session's clients only talk to the portal, so this is what they meet.
//!
//! Each [`Portal`] gets its own dbus-daemon (no service activation, so nothing starts behind
//! its back and tests do not share the portal's well-known name), and kills what it started on
//! drop.
//!
//! Needs: `dbus-daemon`, `dbus-send`, xdg-desktop-portal (apt; `TWOFOLD_XDG_DESKTOP_PORTAL`
//! overrides its path) and a Python with python3-dbus and python3-gi (`TWOFOLD_SYSTEM_PYTHON`,
//! default `/usr/bin/python3`): `scripts/setup-system.sh` installs them all.

use std::ffi::OsString;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::harness::{poll, temp_dir, workspace_root, ChildGuard};

/// The desktop name the frontend is started for (`XDG_CURRENT_DESKTOP`).
pub const DESKTOP: &str = "twofoldtest";
/// The test backend's bus name.
pub const BACKEND_NAME: &str = "org.freedesktop.impl.portal.desktop.twofoldtest";
/// The frontend's bus name.
pub const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";

/// A private session bus.
#[derive(Debug)]
pub struct Bus {
    /// Its address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    _daemon: ChildGuard,
}

/// Starts a session bus listening in `dir`.
#[track_caller]
pub fn private_bus(dir: &Path) -> Bus {
    let config = dir.join("bus.conf");
    // A session bus without <standard_session_servicedirs/>: the installed portal's .service
    // file must not be activated by the "no portal" tests.
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
    .expect("write the bus configuration");
    let mut daemon = ChildGuard::spawn(
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("bus.log")).expect("the bus log")),
    );
    // dbus-daemon prints its address once it listens.
    let mut address = String::new();
    let stdout = daemon.0.stdout.take().expect("dbus-daemon's stdout");
    std::io::BufReader::new(stdout)
        .read_line(&mut address)
        .expect("dbus-daemon's address");
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
    /// Whether `name` has an owner on this bus.
    pub fn has_owner(&self, name: &str) -> bool {
        self.send(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &[&format!("string:{name}")],
        )
        .is_some_and(|reply| reply.contains("boolean true"))
    }

    /// Calls `method` (interface.member) on `dest` with `dbus-send` typed arguments
    /// (`string:lookup`); the printed reply, or none when the call failed.
    pub fn send(&self, dest: &str, path: &str, method: &str, args: &[&str]) -> Option<String> {
        let out: Output = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args(["--print-reply", &format!("--dest={dest}"), path, method])
            .args(args)
            .output()
            .expect("run dbus-send");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Waits until `name` is owned on the bus, or panics with `process`'s log.
    #[track_caller]
    pub fn wait_for_name(&self, name: &str, process: &mut ChildGuard, log: &Path) {
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

/// A test backend: a script in `tests/portal/`, the backend interfaces it implements (for its
/// `.portal` file) and its environment.
#[derive(Debug)]
pub struct Backend {
    /// The script's file name in `tests/portal/`.
    pub script: &'static str,
    /// The `org.freedesktop.impl.portal.*` interfaces it implements.
    pub interfaces: &'static [&'static str],
    /// Environment variables for it.
    pub env: Vec<(&'static str, OsString)>,
}

/// What runs on the test bus.
#[derive(Debug)]
pub enum Setup {
    /// Nothing but the bus.
    NoPortal,
    /// The frontend, with no backend for this desktop.
    FrontendOnly,
    /// The frontend and a test backend.
    Backend(Backend),
}

/// The frontend and the backend on a private bus; all stopped when dropped.
#[derive(Debug)]
pub struct Portal {
    // Dropped in this order: frontend, backend, bus, directory.
    _frontend: Option<ChildGuard>,
    _backend: Option<ChildGuard>,
    /// The bus they are on.
    pub bus: Bus,
    dir: tempfile::TempDir,
}

impl Portal {
    /// A directory of the portal's own (bus socket, logs), removed with it.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
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

/// The Python with python3-dbus and python3-gi that runs the test backends.
pub fn python() -> String {
    std::env::var("TWOFOLD_SYSTEM_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/usr/bin/python3".into())
}

/// Starts `setup` on a new private bus; returns once the frontend owns its name.
#[track_caller]
pub fn start(setup: Setup) -> Portal {
    let dir = temp_dir();
    let bus = private_bus(dir.path());
    let mut portal = Portal {
        _frontend: None,
        _backend: None,
        bus,
        dir,
    };
    let dir = portal.dir.path().to_path_buf();
    if matches!(setup, Setup::NoPortal) {
        return portal;
    }
    // The backend's .portal file. 1.16 finds it through XDG_DESKTOP_PORTAL_DIR and picks it by
    // UseIn; newer frontends look under XDG_DATA_DIRS and read <desktop>-portals.conf.
    let share = dir.join("share/xdg-desktop-portal");
    let portals = share.join("portals");
    std::fs::create_dir_all(&portals).expect("the portals directory");
    if let Setup::Backend(backend) = setup {
        let interfaces: String = backend.interfaces.iter().map(|i| format!("{i};")).collect();
        std::fs::write(
            portals.join(format!("{DESKTOP}.portal")),
            format!(
                "[portal]\nDBusName={BACKEND_NAME}\nInterfaces={interfaces}\nUseIn={DESKTOP}\n"
            ),
        )
        .expect("the .portal file");
        std::fs::write(
            share.join(format!("{DESKTOP}-portals.conf")),
            format!("[preferred]\ndefault={DESKTOP}\n"),
        )
        .expect("the portals.conf file");
        let log = dir.join("backend.log");
        let mut cmd = Command::new(python());
        cmd.arg(workspace_root().join("tests/portal").join(backend.script))
            .arg(BACKEND_NAME)
            .env("DBUS_SESSION_BUS_ADDRESS", &portal.bus.address)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("the backend log"));
        for (k, v) in &backend.env {
            cmd.env(k, v);
        }
        let mut child = ChildGuard::spawn(&mut cmd);
        // It prints "ready" once it owns its name.
        let mut line = String::new();
        let stdout = child.0.stdout.take().expect("the backend's stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the backend's first line");
        assert_eq!(
            line.trim(),
            "ready",
            "the test backend did not start (it needs python3-dbus and python3-gi for {}); \
             log:\n{}",
            python(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        portal._backend = Some(child);
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
            .stderr(std::fs::File::create(&log).expect("the frontend log")),
    );
    portal.bus.wait_for_name(PORTAL_NAME, &mut frontend, &log);
    portal._frontend = Some(frontend);
    portal
}
