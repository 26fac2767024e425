//! What the end-to-end tests get from their environment, and small process/time helpers.
//!
//! `scripts/test.sh` (through `scripts/test-env.sh`) starts the real things the tests need,
//! in a throwaway session, and names them in environment variables:
//!
//! | variable | what |
//! | --- | --- |
//! | `TWOFOLD_SECRET_SERVICE=1` | a private D-Bus session with an unlocked gnome-keyring |
//! | `DISPLAY` | an Xvfb server |
//! | `TWOFOLD_WEBDRIVER_URL` | `tauri-driver` (with WebKitWebDriver), e.g. `http://127.0.0.1:4444` |
//! | `TWOFOLD_APP_BIN` | the release `twofold-app` binary |
//! | `TWOFOLD_DEB` | the `.deb` bundle |
//! | `TWOFOLD_RPM` | the `.rpm` bundle |
//! | `TWOFOLD_CLI_BIN` | the `twofold` CLI binary |
//! | `TWOFOLD_ARTIFACTS` | a directory for screenshots and logs kept after the run |
//!
//! A test that needs one of them and does not find it PANICS with a hint: end-to-end tests never
//! skip silently. This module does not start anything itself.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

/// The value of `name`, or a panic that says how to run the tests.
#[track_caller]
pub fn require_env(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{name} is not set. The end-to-end tests need the environment that \
             `bash scripts/test.sh` builds (Secret Service, Xvfb, tauri-driver, built app). \
             Run them through it, or by hand with \
             `bash scripts/test-env.sh cargo test -p twofold-e2e` after `bash scripts/test.sh` \
             has built the app once."
        ),
    }
}

/// `require_env(name)` as a path that must exist.
#[track_caller]
pub fn require_path(name: &str) -> PathBuf {
    let path = PathBuf::from(require_env(name));
    assert!(
        path.exists(),
        "{name}={} does not exist; rebuild with scripts/test.sh",
        path.display()
    );
    path
}

/// The release app binary (`TWOFOLD_APP_BIN`).
#[track_caller]
pub fn app_bin() -> PathBuf {
    require_path("TWOFOLD_APP_BIN")
}

/// The `.deb` bundle (`TWOFOLD_DEB`).
#[track_caller]
pub fn deb_path() -> PathBuf {
    require_path("TWOFOLD_DEB")
}

/// The `.rpm` bundle (`TWOFOLD_RPM`).
#[track_caller]
pub fn rpm_path() -> PathBuf {
    require_path("TWOFOLD_RPM")
}

/// The `.deb` installed with `dpkg -i` into a throwaway root (its own dpkg database, the
/// dependencies taken as present: they are the system's). Returns the guard and the root;
/// `root/usr/bin/twofold-app` and `root/usr/bin/twofold` are the installed binaries.
pub fn install_deb() -> (tempfile::TempDir, PathBuf) {
    let deb = deb_path();
    let dir = temp_dir();
    let root = dir.path().join("root");
    let admin = root.join("var/lib/dpkg");
    for sub in ["info", "updates", "triggers"] {
        std::fs::create_dir_all(admin.join(sub)).expect("create the dpkg database");
    }
    std::fs::write(admin.join("status"), "").expect("create the dpkg status file");
    run_ok(
        Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .args([
                "--force-not-root",
                "--force-depends",
                "--force-script-chrootless",
                "--log=/dev/null",
                "--install",
            ])
            .arg(&deb),
    );
    (dir, root)
}

/// The WebDriver server URL (`TWOFOLD_WEBDRIVER_URL`).
#[track_caller]
pub fn webdriver_url() -> String {
    require_env("TWOFOLD_WEBDRIVER_URL")
}

/// The X display the harness started (`DISPLAY`).
#[track_caller]
pub fn display() -> String {
    require_env("DISPLAY")
}

/// Asserts the harness's private Secret Service is running (`TWOFOLD_SECRET_SERVICE=1`).
#[track_caller]
pub fn require_secret_service() {
    assert_eq!(
        require_env("TWOFOLD_SECRET_SERVICE"),
        "1",
        "TWOFOLD_SECRET_SERVICE must be 1"
    );
    require_env("DBUS_SESSION_BUS_ADDRESS");
}

/// polkitd on the system bus with Twofold's action, and a user with a password for its agent to
/// check (scripts/test-env.sh, as root): the user's name and password.
#[track_caller]
pub fn require_polkit() -> (String, String) {
    assert_eq!(
        require_env("TWOFOLD_POLKIT"),
        "1",
        "TWOFOLD_POLKIT must be 1 (scripts/test-env.sh starts polkitd when run as root)"
    );
    (
        require_env("TWOFOLD_POLKIT_USER"),
        require_env("TWOFOLD_POLKIT_PASSWORD"),
    )
}

/// The artifacts directory (`TWOFOLD_ARTIFACTS`), created if needed.
#[track_caller]
pub fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(require_env("TWOFOLD_ARTIFACTS"));
    std::fs::create_dir_all(&dir).expect("create TWOFOLD_ARTIFACTS");
    dir
}

/// A path for a named artifact (screenshot, log) under [`artifacts_dir`].
#[track_caller]
pub fn artifact(name: &str) -> PathBuf {
    artifacts_dir().join(name)
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `twofold` CLI binary: `TWOFOLD_CLI_BIN`, else the `twofold` beside `TWOFOLD_APP_BIN`
/// (the one that app finds, as a package installs them). Never a guess among leftovers of
/// other builds: `scripts/test.sh` sets both from the build it just made.
#[track_caller]
pub fn cli_bin() -> PathBuf {
    let exe = format!("twofold{}", std::env::consts::EXE_SUFFIX);
    let path = match std::env::var_os("TWOFOLD_CLI_BIN").filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => match std::env::var_os("TWOFOLD_APP_BIN").filter(|p| !p.is_empty()) {
            Some(app) => PathBuf::from(app).with_file_name(&exe),
            None => panic!(
                "set TWOFOLD_CLI_BIN (or TWOFOLD_APP_BIN, whose sibling is used); \
                 scripts/test.sh sets both"
            ),
        },
    };
    assert!(path.exists(), "no twofold CLI at {}", path.display());
    path
}

/// `NAME VERSION (COMMIT)` (what `twofold --version` and `twofold-app --version` print) ->
/// `VERSION (COMMIT)`, checked for shape.
#[track_caller]
pub fn build_of(line: &str, name: &str) -> String {
    let rest = line
        .strip_prefix(&format!("{name} "))
        .unwrap_or_else(|| panic!("{line:?} does not start with {name}"));
    let (version, commit) = rest
        .strip_suffix(')')
        .and_then(|r| r.split_once(" ("))
        .unwrap_or_else(|| panic!("{line:?} is not `{name} VERSION (COMMIT)`"));
    assert_eq!(version, env!("CARGO_PKG_VERSION"), "{line}");
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{line}"
    );
    rest.to_string()
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// A fresh temporary directory, removed on drop.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("twofold-e2e-")
        .tempdir()
        .expect("create temp dir")
}

/// Polls `probe` every `every` until it returns `Some` or `timeout` passes (then `None`).
pub fn poll<T>(
    timeout: Duration,
    every: Duration,
    mut probe: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(every);
    }
}

/// The text on the X clipboard (`xclip`), trimmed; `None` when it holds no text.
pub fn clipboard() -> Option<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Runs `cmd` to completion and panics with its output unless it succeeds.
#[track_caller]
pub fn run_ok(cmd: &mut Command) -> Output {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A command's standard output as trimmed text.
pub fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A child process that is killed and reaped when dropped, so a failing test leaves nothing behind.
#[derive(Debug)]
pub struct ChildGuard(pub Child);

impl ChildGuard {
    /// Spawns `cmd`.
    #[track_caller]
    pub fn spawn(cmd: &mut Command) -> Self {
        ChildGuard(
            cmd.spawn()
                .unwrap_or_else(|e| panic!("cannot spawn {cmd:?}: {e}")),
        )
    }

    /// Waits up to `timeout` for the process to exit; `None` if it is still running.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        poll(timeout, Duration::from_millis(50), || {
            self.0.try_wait().ok().flatten()
        })
    }

    /// Kills the process (if still running) and reaps it.
    pub fn kill(&mut self) -> Option<ExitStatus> {
        let _ = self.0.kill();
        self.0.wait().ok()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Shows `image` on the test display at (`x`, `y`) with the `show-image` binary `bin` (pass
/// `env!("CARGO_BIN_EXE_show-image")`), until the guard is dropped. Returns once it is painted.
#[track_caller]
pub fn show_on_screen(bin: &Path, image: &Path, x: i32, y: i32) -> ChildGuard {
    use std::io::BufRead as _;
    let mut child = ChildGuard::spawn(
        Command::new(bin)
            .arg(image)
            .arg(x.to_string())
            .arg(y.to_string())
            .stdout(std::process::Stdio::piped()),
    );
    let stdout = child.0.stdout.take().expect("piped stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read show-image's stdout");
    assert_eq!(
        line.trim(),
        "shown",
        "show-image did not show {}; it exited with {:?}",
        image.display(),
        child.wait_timeout(Duration::from_secs(1))
    );
    child
}

/// A second WebDriver server (`tauri-driver` with its own WebKitWebDriver) whose apps start
/// with extra environment: the way to launch the app as if the desktop's language were another.
/// It is stopped, with its WebKitWebDriver, when dropped.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    /// The server's URL, for [`crate::webdriver::Session::start_with_args`].
    pub url: String,
}

impl Driver {
    /// Starts one with `env` added to this process's environment; waits until it is ready.
    #[track_caller]
    pub fn start_with_env(env: &[(&str, &str)]) -> Driver {
        let free_port = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port()
        };
        let (port, native) = (free_port(), free_port());
        let native_driver = String::from_utf8(
            run_ok(Command::new("sh").args(["-c", "command -v WebKitWebDriver"])).stdout,
        )
        .expect("a path");
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .args(["--native-driver", native_driver.trim()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start tauri-driver");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let status = format!("{}/status", driver.url);
        let ready = poll(Duration::from_secs(15), Duration::from_millis(100), || {
            ureq::get(&status)
                .call()
                .ok()
                .and_then(|r| r.into_string().ok())
                .filter(|body| body.contains("\"ready\":true") || body.contains("\"ready\": true"))
        });
        assert!(
            ready.is_some(),
            "tauri-driver on port {port} did not become ready"
        );
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver does not always stop on SIGTERM: its WebKitWebDriver first, then it.
        let _ = Command::new("pkill")
            .args(["-KILL", "-P", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
