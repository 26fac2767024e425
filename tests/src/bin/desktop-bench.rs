//! Twofold beside Debian's `otpclient` (OTPClient, GTK 3, C) on the same Xvfb, in one run:
//! launch to first window shown, the lookup window's show time (Twofold only), and memory
//! after 30 s idle. Figures, not pass/fail.
//!
//! Runs inside `scripts/test-env.sh` (Xvfb without a window manager, a private D-Bus session
//! with gnome-keyring's Secret Service). Both apps are started directly with
//! `std::process::Command`, not through WebDriver.
//!
//! **How "shown" is detected.** The bench selects `SubstructureNotify` on the root window with
//! x11rb before it spawns the app. Without a window manager an app's top-level windows are
//! children of the root, so the X server sends a `MapNotify` the moment one is mapped; the
//! event is read in a loop that sleeps 0.5 ms when the queue is empty and time-stamped when it
//! is read. A window counts when its `_NET_WM_PID` is the spawned process, its map state is
//! `Viewable` and it is at least 50×50 (GTK's 10×10 client-leader and 1×1 input-only windows
//! never qualify). This is more precise than polling `xdotool search --onlyvisible` every 5 ms,
//! which also costs a process start per probe. "Shown" is the X map: the window may still be
//! empty then. So a second figure, **first painted frame**, is the first `GetImage` of the
//! window (taken every 10 ms from the map on) that holds at least 24 distinct colours: anti-
//! aliased text and icons, not a blank or single-colour background. Its resolution is ~10 ms
//! and the copies cost some CPU beside the app.
//!
//! **Launch** is timed from just before `spawn` to the first window shown, for 5 launches
//! after one untimed warm-up launch (which makes each app's per-user caches in the fresh HOME);
//! the app is stopped between launches (SIGTERM, SIGKILL after 5 s) and the bench waits until
//! the process and all its descendants are gone, so each launch is a cold start of the app
//! (the single-instance D-Bus names are free again).
//!
//! **The lookup window** (Twofold's global shortcut): from just before spawning
//! `xdotool key --clearmodifiers ctrl+alt+shift+2` to the `MapNotify` of the window named
//! "Twofold lookup", then to its first painted frame. xdotool itself takes a while from its
//! spawn to pressing the shortcut's last key (process start, X connection, keyboard map, one
//! key press per modifier first); that delay is measured too, on a focused window of the
//! bench's own that selects key presses while no app holds the shortcut, and printed beside
//! so it can be subtracted. "First" is the first shortcut in each of the 5 launches (the
//! window is made then), sent 2 s after the main window was painted so the shortcut is
//! registered and the app idle; "warm" is shows 2–6 in the last launch, the window hidden
//! before each by focusing it (`xdotool windowfocus --sync`) and pressing Escape, then waiting
//! for its `UnmapNotify`, then 0.5 s. After each show the window is watched for 0.5 s past its
//! painted frame: if it hides again unasked, that is reported (a show the user cannot use).
//!
//! **Memory**: a separate launch of each app, 30 s idle after its first window, then the app
//! process and all its descendants (Twofold: WebKitWebProcess, WebKitNetworkProcess): RSS
//! (`VmRSS` in /proc/PID/status), PSS (`Pss` in /proc/PID/smaps_rollup: shared pages split
//! among all the processes mapping them) and USS (`Private_Clean` + `Private_Dirty`: pages
//! only that process maps), each summed. PSS and USS depend on what else runs on the machine:
//! a library page another process also maps (any GTK or WebKit app, a test's app) is shared,
//! not private, and its PSS share shrinks; so compare them within one run. RSS does not. Shared
//! session services the apps only talk to (gnome-keyring, dbus-daemon, the
//! xdg-desktop-portal GTK starts through D-Bus activation) are not the app's and not counted.
//! For Twofold a second figure follows after its lookup window was made and hidden again.
//!
//! `DESKTOP_BENCH_DEBUG=1` prints each painted-frame probe's colour count on stderr.
//!
//! **otpclient's first start** (no `otpclient.cfg` yet) shows a 637×235 "Database location"
//! dialog (restore or create a database) and, per OTPClient's source, then a file chooser, a
//! new-password dialog and a "first time" message before its main window. The bench skips all of them the way a returning user's start does: it writes an
//! OTPClient v1 database (AES-256-GCM, key from PBKDF2-SHA512 with 100,000 iterations; header
//! IV‖salt as associated data; one TOTP account) with the system Python's `cryptography`
//! (Debian's python3-cryptography), an `otpclient.cfg` in a private `XDG_CONFIG_HOME` naming it
//! (`use_secret_service=true`, `show_memlock_warning=false`), and the database password in the
//! Secret Service under OTPClient's schema (`secret-tool`, attribute `string=main_pwd`). So
//! otpclient's first window is its main window ("OTPClient", the account list), as Twofold's
//! is its main window ("Twofold"), both unlocked from the keyring; each window's title and size
//! are printed so this can be checked.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use twofold_core::otp::uri::OtpUri;
use twofold_core::vault::{CreateOptions, KdfParams, KeyringStore, NewAccount, Vault};
use twofold_e2e::harness;
use twofold_e2e::procfs::{comm, rollup_kib, status_kib, with_descendants};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, CreateWindowAux, EventMask,
    ImageFormat, InputFocus, KeyButMask, MapState, Window, WindowClass,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

const LAUNCHES: usize = 5;
const WARM_SHOWS: usize = 5;
const IDLE: Duration = Duration::from_secs(30);
/// A window smaller than this in either direction is not "the app's window".
const MIN_SIDE: u16 = 50;
/// A frame with at least this many distinct colours has content (text, icons).
const PAINT_COLOURS: usize = 24;
const PAINT_POLL: Duration = Duration::from_millis(10);
const EVENT_POLL: Duration = Duration::from_micros(500);
const WINDOW_TIMEOUT: Duration = Duration::from_secs(30);
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);
const SHORTCUT: &str = "ctrl+alt+shift+2";
const LOOKUP_TITLE: &str = "Twofold lookup";
const OTPCLIENT_PASSWORD: &str = "desktop-bench-password";
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn main() {
    harness::display();
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let mut x = X::connect();
    println!(
        "   load average before the run: {} ({} CPUs; other work on the machine slows both apps)",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // otpclient first: it needs nothing that is still being built.
    let otp = otpclient_app(dir.path());
    println!("   {}", otp.label);
    let otp_launch = measure_launches(&mut x, &otp);
    let otp_mem = measure_memory(&mut x, &otp, None);

    let tf = twofold_app(dir.path());
    println!("   {}", tf.label);
    let tf_launch = measure_launches(&mut x, &tf);
    let tf_mem = measure_memory(&mut x, &tf, Some(LookupAfter));

    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!("   Twofold / otpclient:");
    println!(
        "     launch to window shown (medians): {:.2}x ({:.0} ms / {:.0} ms)",
        ratio(ms(tf_launch.shown_median), ms(otp_launch.shown_median)),
        ms(tf_launch.shown_median),
        ms(otp_launch.shown_median)
    );
    if let (Some(a), Some(b)) = (tf_launch.painted_median, otp_launch.painted_median) {
        println!(
            "     launch to first painted frame (medians): {:.2}x ({:.0} ms / {:.0} ms)",
            ratio(ms(a), ms(b)),
            ms(a),
            ms(b)
        );
    }
    for (what, a, b) in [
        ("PSS", tf_mem.pss_kib, otp_mem.pss_kib),
        ("USS", tf_mem.uss_kib, otp_mem.uss_kib),
        ("RSS", tf_mem.rss_kib, otp_mem.rss_kib),
    ] {
        println!(
            "     {what} after {} s idle: {:.2}x ({:.1} MiB / {:.1} MiB)",
            IDLE.as_secs(),
            ratio(a as f64, b as f64),
            mib(a),
            mib(b)
        );
    }
}

/// One app under test: how to start it, and what its first window is called.
struct App {
    label: String,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// The title its first window should have (a different one is reported, not fatal).
    main_title: &'static str,
    /// Measure the lookup window (Twofold).
    lookup: bool,
    /// The app's stdout and stderr, appended to over all its launches.
    log: PathBuf,
}

impl App {
    fn spawn(&self) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("open the app's log");
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log's handle"))
            .stderr(log);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.program.display()))
    }

    /// Its first window and when it was shown; panics (with the app's log) if the app exits
    /// first or shows none within WINDOW_TIMEOUT.
    fn first_window(&self, x: &mut X, child: &mut Child, t0: Instant) -> (Window, Instant) {
        let pid = child.id();
        let mut exited = None;
        let found = x.wait_first_window(pid, t0 + WINDOW_TIMEOUT, || {
            exited = child.try_wait().ok().flatten();
            exited.is_some()
        });
        if let Some(found) = found {
            return found;
        }
        if exited.is_none() {
            stop(child);
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        panic!(
            "{} {}; the end of its output ({}):\n{}",
            self.program.display(),
            match exited {
                Some(st) => format!("exited ({st}) before showing a window"),
                None => format!("showed no window within {} s", WINDOW_TIMEOUT.as_secs()),
            },
            self.log.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
}

/// otpclient with a database, config and keyring entry made beforehand (see the module docs).
fn otpclient_app(dir: &Path) -> App {
    let program = which("otpclient").unwrap_or_else(|| {
        panic!(
            "otpclient is not installed: `apt-get install --no-install-recommends otpclient` \
             (scripts/setup-system.sh lists it)"
        )
    });
    let xdg = dir.join("otpclient-config");
    std::fs::create_dir_all(&xdg).expect("create otpclient's config dir");
    let db = xdg.join("bench-db.enc");
    write_otpclient_db(&db, OTPCLIENT_PASSWORD);
    std::fs::write(
        xdg.join("otpclient.cfg"),
        format!(
            "[config]\ndb_path={}\nuse_secret_service=true\nshow_memlock_warning=false\n",
            db.display()
        ),
    )
    .expect("write otpclient.cfg");
    // OTPClient's libsecret schema is SECRET_SCHEMA_NONE, so its lookups also match
    // xdg:schema; secret-tool stores exactly the attributes it is given.
    let mut store = Command::new("secret-tool")
        .args([
            "store",
            "--label=OTPClient (desktop-bench)",
            "xdg:schema",
            "com.github.paolostivanin.OTPClient",
            "string",
            "main_pwd",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("run secret-tool (apt: libsecret-tools)");
    store
        .stdin
        .take()
        .expect("secret-tool's stdin")
        .write_all(OTPCLIENT_PASSWORD.as_bytes())
        .expect("give secret-tool the password");
    let status = store.wait().expect("wait for secret-tool");
    assert!(status.success(), "secret-tool store failed: {status}");

    let version = Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "otpclient"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "version unknown".into());
    App {
        label: format!(
            "otpclient {version} ({}; database pre-made, password from the Secret Service)",
            program.display()
        ),
        program,
        args: vec![],
        env: vec![("XDG_CONFIG_HOME".into(), xdg.display().to_string())],
        main_title: "OTPClient",
        lookup: false,
        log: dir.join("otpclient.log"),
    }
}

/// An OTPClient v1 database: IV (16) ‖ salt (32) ‖ AES-256-GCM(JSON array) ‖ tag (16), the key
/// PBKDF2-HMAC-SHA512(password, salt, 100,000 iterations), IV ‖ salt authenticated.
fn write_otpclient_db(path: &Path, password: &str) {
    const SCRIPT: &str = r#"
import json, os, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
path, password, secret = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
iv, salt = os.urandom(16), os.urandom(32)
key = PBKDF2HMAC(hashes.SHA512(), 32, salt, 100000).derive(password)
tokens = [{"type": "TOTP", "label": "bench", "issuer": "Example", "secret": secret,
           "digits": 6, "algo": "SHA1", "period": 30}]
plain = json.dumps(tokens).encode() + b"\0"
with open(path, "wb") as f:
    f.write(iv + salt + AESGCM(key).encrypt(iv, plain, iv + salt))
"#;
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import cryptography"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("a python3 with the cryptography module (apt: python3-cryptography)");
    let out = Command::new(python)
        .args(["-c", SCRIPT])
        .arg(path)
        .args([password, SECRET])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "writing the OTPClient database failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Twofold with a keyring-slot vault holding one TOTP account, and its own settings dir.
fn twofold_app(dir: &Path) -> App {
    let program = harness::app_bin();
    let vault_path = dir.join("vault.json");
    let config_dir = dir.join("config");
    std::fs::create_dir_all(&config_dir).expect("create the config dir");
    let mut vault = Vault::create(
        &vault_path,
        &CreateOptions {
            keyring: Some(&KeyringStore),
            password: None,
            kdf: KdfParams::default(),
        },
    )
    .expect("create a vault in the Secret Service");
    let uri = OtpUri::parse(&format!(
        "otpauth://totp/Example:bench?secret={SECRET}&issuer=Example"
    ))
    .expect("uri");
    vault
        .add(
            NewAccount {
                uri,
                name: None,
                tags: vec![],
            },
            0,
        )
        .expect("add");
    App {
        label: format!("Twofold ({}; keyring-slot vault)", program.display()),
        program,
        args: vec![
            "--vault".into(),
            vault_path.display().to_string(),
            "--config-dir".into(),
            config_dir.display().to_string(),
        ],
        env: vec![],
        main_title: "Twofold",
        lookup: true,
        log: dir.join("twofold-app.log"),
    }
}

struct LaunchFigures {
    shown_median: Duration,
    painted_median: Option<Duration>,
}

/// The lookup window's figures over several shows.
#[derive(Default)]
struct LookupFigures {
    /// Shortcut to shown (mapped), per show.
    shown: Vec<Duration>,
    /// Shortcut to first painted frame, for the shows that got painted.
    painted: Vec<Duration>,
    /// Shortcut to the window hiding again by itself (unasked), for the shows where it did.
    hid_itself: Vec<Duration>,
}

impl LookupFigures {
    fn add(&mut self, s: &LookupShow) {
        self.shown.push(s.shown);
        self.painted.extend(s.painted);
        self.hid_itself.extend(s.hid_itself);
    }

    fn print(&mut self, what: &str) {
        if self.shown.is_empty() {
            return;
        }
        let n = self.shown.len();
        println!(
            "     shortcut to lookup window shown, {what}: {}",
            summary(&mut self.shown)
        );
        if !self.painted.is_empty() {
            println!(
                "     shortcut to lookup window painted, {what}: {}",
                summary(&mut self.painted)
            );
        }
        if !self.hid_itself.is_empty() {
            println!(
                "     NOTE: the lookup window hid itself again, unasked, in {} of {n} shows ({what}), {}",
                self.hid_itself.len(),
                summary(&mut self.hid_itself)
            );
        }
    }
}

fn measure_launches(x: &mut X, app: &App) -> LaunchFigures {
    // Untimed warm-up: the app's first start in this HOME makes its caches.
    {
        let t0 = Instant::now();
        let mut child = app.spawn();
        let _ = app.first_window(x, &mut child, t0);
        stop(&mut child);
    }
    let mut shown = Vec::new();
    let mut painted = Vec::new();
    let mut first = LookupFigures::default();
    let mut warm = LookupFigures::default();
    let mut lookup_problem: Option<String> = None;
    let mut window_desc = String::new();
    for i in 0..LAUNCHES {
        x.drain();
        let t0 = Instant::now();
        let mut child = app.spawn();
        let pid = child.id();
        let (win, t_shown) = app.first_window(x, &mut child, t0);
        shown.push(t_shown - t0);
        let info = x.describe(win);
        if window_desc.is_empty() {
            window_desc = info.clone();
            if !info.starts_with(&format!("\"{}\"", app.main_title)) {
                println!(
                    "     note: the first window is {info}, not the main window \"{}\"",
                    app.main_title
                );
            }
        }
        if let Paint::Painted(t) = x.wait_painted(win, t0 + WINDOW_TIMEOUT) {
            painted.push(t - t0);
        }

        if app.lookup && lookup_problem.is_none() {
            std::thread::sleep(Duration::from_secs(2));
            match x.show_lookup(pid, None) {
                Ok(s) => {
                    first.add(&s);
                    if i == LAUNCHES - 1 {
                        for _ in 0..WARM_SHOWS {
                            if let Err(e) = x.hide_lookup(s.window) {
                                lookup_problem = Some(format!("after a show: {e}"));
                                break;
                            }
                            std::thread::sleep(Duration::from_millis(500));
                            match x.show_lookup(pid, Some(s.window)) {
                                Ok(w) => warm.add(&w),
                                Err(e) => {
                                    lookup_problem = Some(format!("warm show: {e}"));
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => lookup_problem = Some(format!("first show: {e}")),
            }
        }
        stop(&mut child);
    }

    println!(
        "     launch to first window shown ({window_desc}): {}",
        summary(&mut shown)
    );
    let painted_median = if painted.len() == LAUNCHES {
        let m = median(&mut painted);
        println!(
            "     launch to first painted frame (>= {PAINT_COLOURS} colours): {}",
            summary(&mut painted)
        );
        Some(m)
    } else {
        println!(
            "     launch to first painted frame: not reached in {} of {LAUNCHES} launches",
            LAUNCHES - painted.len()
        );
        None
    };
    if app.lookup {
        first.print("first time (window made)");
        warm.print(&format!("warm (shows 2-{})", warm.shown.len() + 1));
        if !first.shown.is_empty() {
            match x.xdotool_press_delay() {
                Some(mut d) => println!(
                    "     (the figures above start at xdotool's spawn; it pressed the last key of \
                     {SHORTCUT} after median {:.1} ms, min {:.1}, max {:.1} of 5, measured on a \
                     window of the bench's own while no app ran)",
                    ms(median(&mut d)),
                    ms(d[0]),
                    ms(d[d.len() - 1])
                ),
                None => println!("     (xdotool's delay to the key press could not be measured)"),
            }
        }
        if let Some(p) = lookup_problem {
            println!("     lookup window problem: {p}");
        }
    }
    LaunchFigures {
        shown_median: median(&mut shown),
        painted_median,
    }
}

/// Marker: after the idle figure, make the lookup window, hide it, idle again, measure again.
struct LookupAfter;

fn measure_memory(x: &mut X, app: &App, lookup: Option<LookupAfter>) -> MemoryReport {
    x.drain();
    let t0 = Instant::now();
    let mut child = app.spawn();
    let pid = child.id();
    let _ = app.first_window(x, &mut child, t0);
    std::thread::sleep(IDLE);
    let m = memory(pid);
    println!(
        "     memory after {} s idle: {}",
        IDLE.as_secs(),
        m.describe()
    );
    if lookup.is_some() {
        match x.show_lookup(pid, None) {
            Ok(s) => {
                if let Err(e) = x.hide_lookup(s.window) {
                    println!("     (lookup window not hidden: {e})");
                }
                std::thread::sleep(IDLE);
                println!(
                    "     memory {} s after the lookup window was made and hidden: {}",
                    IDLE.as_secs(),
                    memory(pid).describe()
                );
            }
            Err(e) => println!("     memory with the lookup window: not measured ({e})"),
        }
    }
    stop(&mut child);
    m
}

/// Summed over the app's processes, in KiB; and each process (name, RSS, PSS, USS).
struct MemoryReport {
    rss_kib: u64,
    pss_kib: u64,
    uss_kib: u64,
    procs: Vec<(String, u64, u64, u64)>,
}

impl MemoryReport {
    fn describe(&self) -> String {
        let each: Vec<String> = self
            .procs
            .iter()
            .map(|(n, r, p, u)| format!("{n} {:.1}/{:.1}/{:.1}", mib(*r), mib(*p), mib(*u)))
            .collect();
        format!(
            "RSS {:.1} MiB, PSS {:.1} MiB, USS {:.1} MiB; {} process{} (RSS/PSS/USS MiB: {})",
            mib(self.rss_kib),
            mib(self.pss_kib),
            mib(self.uss_kib),
            self.procs.len(),
            if self.procs.len() == 1 { "" } else { "es" },
            each.join(", ")
        )
    }
}

fn memory(root: u32) -> MemoryReport {
    let mut r = MemoryReport {
        rss_kib: 0,
        pss_kib: 0,
        uss_kib: 0,
        procs: vec![],
    };
    for pid in with_descendants(root) {
        let rss = status_kib(pid, "VmRSS:").unwrap_or(0);
        let pss = rollup_kib(pid, "Pss:").unwrap_or(0);
        let uss = rollup_kib(pid, "Private_Clean:").unwrap_or(0)
            + rollup_kib(pid, "Private_Dirty:").unwrap_or(0);
        r.rss_kib += rss;
        r.pss_kib += pss;
        r.uss_kib += uss;
        r.procs.push((comm(pid), rss, pss, uss));
    }
    r
}

/// What became of a window after it was mapped.
enum Paint {
    /// A frame with content, read at this instant.
    Painted(Instant),
    /// Unmapped again (event read at this instant) before any frame with content.
    Unmapped(Instant),
    /// Neither before the deadline (or the window is gone).
    Nothing,
}

/// One show of the lookup window, timed from the shortcut.
struct LookupShow {
    window: Window,
    shown: Duration,
    painted: Option<Duration>,
    /// The window was unmapped again without being asked, this long after the shortcut.
    hid_itself: Option<Duration>,
}

/// The X connection, watching the root window's children being mapped and unmapped.
struct X {
    conn: RustConnection,
    root: Window,
    net_wm_pid: Atom,
    net_wm_name: Atom,
}

impl X {
    fn connect() -> Self {
        let (conn, screen) = x11rb::connect(None).expect("connect to the X display");
        let root = conn.setup().roots[screen].root;
        let atom = |name: &[u8]| {
            conn.intern_atom(false, name)
                .expect("intern_atom")
                .reply()
                .expect("intern_atom reply")
                .atom
        };
        let net_wm_pid = atom(b"_NET_WM_PID");
        let net_wm_name = atom(b"_NET_WM_NAME");
        conn.change_window_attributes(
            root,
            &ChangeWindowAttributesAux::new().event_mask(EventMask::SUBSTRUCTURE_NOTIFY),
        )
        .expect("select root events")
        .check()
        .expect("select SubstructureNotify on the root (another client holds it?)");
        X {
            conn,
            root,
            net_wm_pid,
            net_wm_name,
        }
    }

    /// Drops queued events (windows of earlier runs).
    fn drain(&mut self) {
        let _ = self.conn.flush();
        while let Ok(Some(_)) = self.conn.poll_for_event() {}
    }

    /// Waits for the next root-child map/unmap event matching `want`, time-stamped when read.
    fn wait_event(
        &mut self,
        deadline: Instant,
        mut want: impl FnMut(&Self, &Event) -> bool,
        mut give_up: impl FnMut() -> bool,
    ) -> Option<Instant> {
        loop {
            match self.conn.poll_for_event() {
                Ok(Some(ev)) => {
                    let t = Instant::now();
                    if want(self, &ev) {
                        return Some(t);
                    }
                }
                Ok(None) => {
                    if Instant::now() >= deadline || give_up() {
                        return None;
                    }
                    std::thread::sleep(EVENT_POLL);
                }
                Err(e) => panic!("X connection: {e}"),
            }
        }
    }

    /// The first window of process `pid` mapped on the root, viewable and not tiny.
    fn wait_first_window(
        &mut self,
        pid: u32,
        deadline: Instant,
        give_up: impl FnMut() -> bool,
    ) -> Option<(Window, Instant)> {
        let mut found = None;
        let t = self.wait_event(
            deadline,
            |x, ev| match ev {
                Event::MapNotify(m) if m.event == x.root => {
                    let ok = x.pid_of(m.window) == Some(pid) && x.viewable_and_sized(m.window);
                    if ok {
                        found = Some(m.window);
                    }
                    ok
                }
                _ => false,
            },
            give_up,
        )?;
        found.map(|w| (w, t))
    }

    fn pid_of(&self, win: Window) -> Option<u32> {
        self.conn
            .get_property(false, win, self.net_wm_pid, AtomEnum::CARDINAL, 0, 1)
            .ok()?
            .reply()
            .ok()?
            .value32()?
            .next()
    }

    fn name_of(&self, win: Window) -> String {
        for (atom, ty) in [
            (self.net_wm_name, AtomEnum::ANY),
            (AtomEnum::WM_NAME.into(), AtomEnum::ANY),
        ] {
            if let Some(r) = self
                .conn
                .get_property(false, win, atom, ty, 0, 256)
                .ok()
                .and_then(|c| c.reply().ok())
            {
                if !r.value.is_empty() {
                    return String::from_utf8_lossy(&r.value).into_owned();
                }
            }
        }
        String::new()
    }

    fn size_of(&self, win: Window) -> Option<(u16, u16)> {
        let g = self.conn.get_geometry(win).ok()?.reply().ok()?;
        Some((g.width, g.height))
    }

    fn viewable_and_sized(&self, win: Window) -> bool {
        let viewable = self
            .conn
            .get_window_attributes(win)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|a| a.map_state == MapState::VIEWABLE);
        viewable
            && self
                .size_of(win)
                .is_some_and(|(w, h)| w >= MIN_SIDE && h >= MIN_SIDE)
    }

    fn describe(&self, win: Window) -> String {
        let (w, h) = self.size_of(win).unwrap_or((0, 0));
        format!("\"{}\" {w}x{h}", self.name_of(win))
    }

    /// The first `GetImage` of `win` with content (see PAINT_COLOURS), polled every 10 ms;
    /// or the window's `UnmapNotify`, if it comes first.
    fn wait_painted(&mut self, win: Window, deadline: Instant) -> Paint {
        loop {
            while let Ok(Some(ev)) = self.conn.poll_for_event() {
                if matches!(ev, Event::UnmapNotify(u) if u.window == win) {
                    return Paint::Unmapped(Instant::now());
                }
            }
            let Some((w, h)) = self.size_of(win) else {
                return Paint::Nothing;
            };
            let reply = self
                .conn
                .get_image(ImageFormat::Z_PIXMAP, win, 0, 0, w, h, !0)
                .ok()
                .and_then(|c| c.reply().ok());
            let t = Instant::now();
            if let Some(img) = reply {
                let n = colours(&img.data, if debug() { 10_000 } else { PAINT_COLOURS });
                if debug() {
                    eprintln!("desktop-bench: window {win:#x} {w}x{h}: {n} colours");
                }
                if n >= PAINT_COLOURS {
                    return Paint::Painted(t);
                }
            }
            if t >= deadline {
                return Paint::Nothing;
            }
            std::thread::sleep(PAINT_POLL);
        }
    }

    /// Sends the shortcut and waits for the lookup window (`known`, or any window of `pid`
    /// titled "Twofold lookup") to be mapped and painted; then watches it for STAY more, for
    /// the window hiding again by itself.
    fn show_lookup(&mut self, pid: u32, known: Option<Window>) -> Result<LookupShow, String> {
        const STAY: Duration = Duration::from_millis(500);
        if let Some(w) = known {
            if self.viewable_and_sized(w) {
                return Err("the lookup window is still shown before the shortcut".into());
            }
        }
        self.drain();
        let t0 = Instant::now();
        // xdotool runs on its own thread, so the events are read (and time-stamped) while it runs.
        let xdotool = std::thread::spawn(|| {
            Command::new("xdotool")
                .args(["key", "--clearmodifiers", SHORTCUT])
                .stdin(Stdio::null())
                .status()
        });
        let mut found = None;
        let t = self.wait_event(
            t0 + LOOKUP_TIMEOUT,
            |x, ev| match ev {
                Event::MapNotify(m) if m.event == x.root => {
                    let ok = match known {
                        Some(w) => m.window == w,
                        None => {
                            x.pid_of(m.window) == Some(pid)
                                && x.name_of(m.window) == LOOKUP_TITLE
                                && x.viewable_and_sized(m.window)
                        }
                    };
                    if ok {
                        found = Some(m.window);
                    }
                    ok
                }
                _ => false,
            },
            || false,
        );
        let status = xdotool
            .join()
            .map_err(|_| "the xdotool thread panicked".to_string())?
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        let (Some(t), Some(window)) = (t, found) else {
            return Err(format!(
                "not shown within {} s of `xdotool key --clearmodifiers {SHORTCUT}` (xdotool: {status})",
                LOOKUP_TIMEOUT.as_secs(),
            ));
        };
        let (painted, hid_itself) = match self.wait_painted(window, t0 + LOOKUP_TIMEOUT) {
            Paint::Painted(p) => {
                let hid = self.wait_event(
                    p + STAY,
                    |_, ev| matches!(ev, Event::UnmapNotify(u) if u.window == window),
                    || false,
                );
                (Some(p - t0), hid.map(|h| h - t0))
            }
            Paint::Unmapped(h) => (None, Some(h - t0)),
            Paint::Nothing => (None, None),
        };
        Ok(LookupShow {
            window,
            shown: t - t0,
            painted,
            hid_itself,
        })
    }

    /// Hides the lookup window if it is shown: focuses it, presses Escape and waits 1 s for
    /// its `UnmapNotify`; up to 5 times (the first Escape can come before the page handles keys).
    fn hide_lookup(&mut self, win: Window) -> Result<(), String> {
        let id = win.to_string();
        // `timeout`: `windowfocus --sync` waits for ever if the focus cannot move there.
        let run = |args: &[&str]| {
            Command::new("timeout")
                .arg("3")
                .arg("xdotool")
                .args(args)
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run xdotool: {e}"))
        };
        for _ in 0..5 {
            if !self.viewable_and_sized(win) {
                return Ok(());
            }
            self.drain();
            run(&["windowfocus", "--sync", &id])?;
            run(&["key", "Escape"])?;
            let hidden = self.wait_event(
                Instant::now() + Duration::from_secs(1),
                |_, ev| matches!(ev, Event::UnmapNotify(u) if u.window == win),
                || false,
            );
            if hidden.is_some() {
                return Ok(());
            }
        }
        if self.viewable_and_sized(win) {
            Err("still shown after focusing it and pressing Escape 5 times".into())
        } else {
            Ok(())
        }
    }

    /// How long `xdotool key --clearmodifiers SHORTCUT` takes from its spawn to pressing the
    /// shortcut's last key: 5 runs, on a focused window of the bench's own that selects key
    /// presses (run while no app grabs the shortcut). The press of the last key is the first
    /// KeyPress with Control, Shift and Mod1 (Alt) all held.
    fn xdotool_press_delay(&mut self) -> Option<Vec<Duration>> {
        let win = self.conn.generate_id().ok()?;
        self.conn
            .create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                win,
                self.root,
                0,
                0,
                100,
                100,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                &CreateWindowAux::new()
                    .override_redirect(1)
                    .event_mask(EventMask::KEY_PRESS),
            )
            .ok()?;
        self.conn.map_window(win).ok()?;
        self.conn.flush().ok()?;
        let mapped = self.wait_event(
            Instant::now() + Duration::from_secs(5),
            |_, ev| matches!(ev, Event::MapNotify(m) if m.window == win),
            || false,
        );
        let mut out = Vec::new();
        if mapped.is_some() {
            for _ in 0..5 {
                let focused = self
                    .conn
                    .set_input_focus(InputFocus::PARENT, win, x11rb::CURRENT_TIME)
                    .ok()
                    .and_then(|c| c.check().ok());
                if focused.is_none() {
                    break;
                }
                self.drain();
                let t0 = Instant::now();
                let xdotool = std::thread::spawn(|| {
                    Command::new("xdotool")
                        .args(["key", "--clearmodifiers", SHORTCUT])
                        .stdin(Stdio::null())
                        .status()
                });
                let all = u16::from(KeyButMask::CONTROL | KeyButMask::SHIFT | KeyButMask::MOD1);
                let t = self.wait_event(
                    t0 + Duration::from_secs(5),
                    |_, ev| {
                        matches!(ev, Event::KeyPress(k)
                            if k.event == win && u16::from(k.state) & all == all)
                    },
                    || false,
                );
                let _ = xdotool.join();
                match t {
                    Some(t) => out.push(t - t0),
                    None => break,
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.conn.destroy_window(win);
        let _ = self.conn.flush();
        out.sort();
        (out.len() == 5).then_some(out)
    }
}

/// The distinct colours in `data` (32-bit pixels), counted up to `cap`.
fn colours(data: &[u8], cap: usize) -> usize {
    let mut seen = HashSet::new();
    for px in data.chunks_exact(4) {
        seen.insert(u32::from_le_bytes([px[0], px[1], px[2], 0]));
        if seen.len() >= cap {
            break;
        }
    }
    seen.len()
}

/// Stops the app (SIGTERM, SIGKILL after 5 s) and waits until it and its descendants are gone.
fn stop(child: &mut Child) {
    let pid = child.id();
    let family = with_descendants(pid);
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while family.iter().any(|p| alive(*p)) {
        if Instant::now() >= deadline {
            for p in family.iter().filter(|p| alive(**p)) {
                let _ = Command::new("kill")
                    .args(["-KILL", &p.to_string()])
                    .status();
            }
            std::thread::sleep(Duration::from_millis(200));
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Running, and not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next().map(|st| st != "Z"))
        })
        .unwrap_or(false)
}

/// `DESKTOP_BENCH_DEBUG=1`: print each painted-frame probe's colour count on stderr.
fn debug() -> bool {
    std::env::var_os("DESKTOP_BENCH_DEBUG").is_some_and(|v| v == "1")
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// "median M ms (min, max, n; all runs)".
fn summary(v: &mut [Duration]) -> String {
    let m = median(v);
    let runs: Vec<String> = v.iter().map(|d| format!("{:.0}", ms(*d))).collect();
    format!(
        "median {:.1} ms (min {:.1}, max {:.1}, n={}; sorted: {} ms)",
        ms(m),
        ms(v[0]),
        ms(v[v.len() - 1]),
        v.len(),
        runs.join(", ")
    )
}
