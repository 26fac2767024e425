//! The app's benchmark figures: launch to first code painted, and memory after 30 s idle.
//!
//! Runs inside `scripts/test-env.sh` (Xvfb, Secret Service, tauri-driver). Launch time is
//! measured from the WebDriver "new session" request (which starts the app) to the first
//! account code in the page, so it includes WebKitWebDriver's own start-up: an upper bound.
//! Memory is the sum over the app process and its descendants (WebKit's web and network
//! processes): RSS, and PSS, which splits shared pages fairly.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use twofold_core::otp::uri::OtpUri;
use twofold_core::vault::{CreateOptions, KdfParams, KeyringStore, NewAccount, Vault};
use twofold_e2e::harness;
use twofold_e2e::procfs::{rollup_kib, status_kib, with_descendants};
use twofold_e2e::webdriver::Session;

const LAUNCHES: usize = 5;
const IDLE: Duration = Duration::from_secs(30);

fn main() {
    let app = harness::app_bin();
    let server = harness::webdriver_url();
    let dir = harness::temp_dir();
    let vault_path = dir.path().join("vault.json");
    let mut vault = Vault::create(
        &vault_path,
        &CreateOptions {
            keyring: Some(&KeyringStore),
            password: None,
            kdf: KdfParams::default(),
        },
    )
    .expect("create a vault in the Secret Service");
    let uri = OtpUri::parse(
        "otpauth://totp/Example:bench?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example",
    )
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
    let vault_arg = vault_path.to_string_lossy().into_owned();

    let mut launches = Vec::new();
    let mut last = None;
    for _ in 0..LAUNCHES {
        drop(last.take());
        let t0 = Instant::now();
        let session = Session::start_with_args(&server, &app, &["--vault", &vault_arg])
            .expect("start the app");
        // Polled every 10 ms (not the client's 100 ms) so the figure is not rounded up.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = session
                .execute(
                    "const e = document.querySelector('[data-testid=account-code]'); return e ? e.textContent : '';",
                    &[],
                )
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .unwrap_or_default();
            if text.chars().any(|c| c.is_ascii_digit()) {
                break;
            }
            assert!(Instant::now() < deadline, "no code painted within 30 s");
            std::thread::sleep(Duration::from_millis(10));
        }
        launches.push(t0.elapsed());
        last = Some(session);
    }
    launches.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "   launch to first code painted: median {:.0} ms (min {:.0}, max {:.0}, n={LAUNCHES}; includes WebKitWebDriver start-up)",
        ms(launches[LAUNCHES / 2]),
        ms(launches[0]),
        ms(launches[LAUNCHES - 1])
    );

    std::thread::sleep(IDLE);
    let root = find_app_pid(&app).expect("the app process");
    let pids = with_descendants(root);
    let (mut rss, mut pss) = (0u64, 0u64);
    let mut names = Vec::new();
    for pid in &pids {
        rss += status_kib(*pid, "VmRSS:").unwrap_or(0);
        pss += rollup_kib(*pid, "Pss:").unwrap_or(0);
        names.push(
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .unwrap_or_default()
                .trim()
                .to_string(),
        );
    }
    println!(
        "   memory after {} s idle, {} processes ({}): RSS {:.1} MiB, PSS {:.1} MiB",
        IDLE.as_secs(),
        pids.len(),
        names.join(", "),
        rss as f64 / 1024.0,
        pss as f64 / 1024.0
    );
    drop(last);
}

fn find_app_pid(app: &Path) -> Option<u32> {
    let want = std::fs::canonicalize(app).ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let exe: PathBuf = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
        (exe == want).then_some(pid)
    })
}
