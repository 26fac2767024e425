//! The `.deb` bundle, installed with dpkg into a throwaway root: both faces (`twofold-app` and
//! the `twofold` CLI) with completions and man pages, the same build in both, the desktop entry
//! and icons, the installed app starting under Xvfb (and explaining when there is no display);
//! and the `.rpm` with the same faces. (The installed app under WebDriver, its About box and
//! its automatic sessions, are in `app_sessions_admin.rs`, with the other WebDriver sessions.)

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use twofold_e2e::harness::{self, ChildGuard};

/// What every Linux package holds besides the app's desktop files: the CLI beside the app, its
/// completions for three shells, its man page, and the polkit action the app asks for (system
/// authentication after a lock).
const BOTH_FACES: &[&str] = &[
    "/usr/share/polkit-1/actions/app.twofold.Twofold.policy",
    "/usr/bin/twofold-app",
    "/usr/bin/twofold",
    "/usr/share/bash-completion/completions/twofold",
    "/usr/share/fish/vendor_completions.d/twofold.fish",
    "/usr/share/man/man1/twofold.1.gz",
    "/usr/share/man/man1/twofold-aws.1.gz",
    "/usr/share/man/man1/twofold-code.1.gz",
];

/// The single `.desktop` file of the package and its `[Desktop Entry]` keys.
fn desktop_entry(root: &Path) -> (PathBuf, BTreeMap<String, String>) {
    let apps = root.join("usr/share/applications");
    let files: Vec<PathBuf> = std::fs::read_dir(&apps)
        .unwrap_or_else(|e| panic!("{}: {e}", apps.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "desktop"))
        .collect();
    assert_eq!(
        files.len(),
        1,
        "expected one .desktop file, found {files:?}"
    );
    let text = std::fs::read_to_string(&files[0]).expect("read .desktop");
    let mut keys = BTreeMap::new();
    let mut in_entry = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_entry = line == "[Desktop Entry]";
        } else if let (true, Some((k, v))) = (in_entry, line.split_once('=')) {
            keys.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    (files[0].clone(), keys)
}

/// The packaged executable named by the desktop entry's `Exec`.
fn packaged_binary(root: &Path, keys: &BTreeMap<String, String>) -> PathBuf {
    let exec = keys.get("Exec").expect("Exec key");
    let program = exec.split_whitespace().next().expect("Exec has a program");
    let name = Path::new(program)
        .file_name()
        .expect("Exec program has a file name");
    root.join("usr/bin").join(name)
}

#[test]
fn control_fields() {
    let deb = harness::deb_path();
    let out = harness::run_ok(
        Command::new("dpkg-deb")
            .args(["-f"])
            .arg(&deb)
            .args(["Package", "Version", "Depends"]),
    );
    let fields = String::from_utf8_lossy(&out.stdout);
    assert!(
        fields.to_lowercase().contains("package: twofold"),
        "{fields}"
    );
    assert!(
        fields.contains("libwebkit2gtk-4.1"),
        "Depends should name WebKitGTK 4.1: {fields}"
    );
}

#[test]
fn desktop_entry_is_valid() {
    let (_dir, root) = harness::install_deb();
    let (file, keys) = desktop_entry(&root);
    assert_eq!(
        keys.get("Type").map(String::as_str),
        Some("Application"),
        "{keys:?}"
    );
    assert_eq!(
        keys.get("Name").map(String::as_str),
        Some("Twofold"),
        "{keys:?}"
    );
    let categories = keys.get("Categories").expect("Categories key");
    assert!(
        !categories.trim_end_matches(';').is_empty(),
        "empty Categories"
    );
    assert!(keys.contains_key("Icon"), "{keys:?}");

    let bin = packaged_binary(&root, &keys);
    let meta = std::fs::metadata(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert!(std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0);

    harness::run_ok(Command::new("desktop-file-validate").arg(&file));
}

#[test]
fn icons_are_installed() {
    let (_dir, root) = harness::install_deb();
    let (_, keys) = desktop_entry(&root);
    let icon = keys.get("Icon").expect("Icon key");
    let hicolor = root.join("usr/share/icons/hicolor");
    let sizes: Vec<String> = std::fs::read_dir(&hicolor)
        .unwrap_or_else(|e| panic!("{}: {e}", hicolor.display()))
        .map(|e| e.expect("dir entry"))
        .filter(|e| e.path().join("apps").join(format!("{icon}.png")).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !sizes.is_empty(),
        "no {icon}.png under {}/*/apps",
        hicolor.display()
    );
    for size in &sizes {
        let png = std::fs::read(hicolor.join(size).join("apps").join(format!("{icon}.png")))
            .expect("read icon");
        assert!(
            png.starts_with(b"\x89PNG"),
            "{size}/apps/{icon}.png is not a PNG"
        );
    }
}

#[test]
fn packaged_binary_starts_under_xvfb() {
    let display = harness::display();
    let (dir, root) = harness::install_deb();
    let (_, keys) = desktop_entry(&root);
    let bin = packaged_binary(&root, &keys);
    let vault = dir.path().join("vault");
    let log_path = harness::artifact("deb-launch.log");
    let log = std::fs::File::create(&log_path).expect("create launch log");

    let mut app = ChildGuard::spawn(
        Command::new(&bin)
            .env("DISPLAY", &display)
            .env("TWOFOLD_VAULT", &vault)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log"))
            .stderr(log),
    );
    // It must still be running after two seconds: a crash at startup ends the wait early.
    if let Some(status) = app.wait_timeout(Duration::from_secs(2)) {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        // Exit 0 this early is the single-instance hand-over: an app left running by an
        // earlier test owns the instance name, and this launch was not really tested.
        let hint = if status.success() {
            " (another twofold-app instance is running on this session bus?)"
        } else {
            ""
        };
        panic!("{} exited early with {status}{hint}:\n{log}", bin.display());
    }
    app.kill();
}

#[test]
fn the_package_installs_both_faces_with_completions_and_man_pages() {
    let (_dir, root) = harness::install_deb();
    let listed = harness::run_ok(
        Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .args(["--listfiles", "twofold"]),
    );
    let listed = harness::stdout_of(&listed);
    std::fs::write(harness::artifact("deb-contents.txt"), &listed).unwrap();
    let files: Vec<&str> = listed.lines().collect();
    for want in BOTH_FACES
        .iter()
        .chain(&["/usr/share/zsh/vendor-completions/_twofold"])
    {
        assert!(
            files.contains(want),
            "{want} is not in the package:\n{listed}"
        );
    }
    for bin in ["usr/bin/twofold", "usr/bin/twofold-app"] {
        let mode = std::fs::metadata(root.join(bin)).unwrap().permissions();
        assert!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o111 != 0,
            "{bin}"
        );
    }

    // bash loads the completion and binds it to `twofold`; zsh and fish files are theirs.
    let bash = root.join("usr/share/bash-completion/completions/twofold");
    let bound = harness::run_ok(Command::new("bash").arg("-c").arg(format!(
        "source '{}' && complete -p twofold",
        bash.display()
    )));
    assert!(
        harness::stdout_of(&bound).ends_with(" twofold"),
        "{}",
        harness::stdout_of(&bound)
    );
    let zsh =
        std::fs::read_to_string(root.join("usr/share/zsh/vendor-completions/_twofold")).unwrap();
    assert!(
        zsh.starts_with("#compdef twofold"),
        "{}",
        &zsh[..40.min(zsh.len())]
    );
    let fish =
        std::fs::read_to_string(root.join("usr/share/fish/vendor_completions.d/twofold.fish"))
            .unwrap();
    assert!(fish.contains("complete -c twofold"), "fish completions");
    for sub in ["aws", "enroll", "credential-process", "completions"] {
        assert!(
            zsh.contains(sub) && fish.contains(sub),
            "{sub} is not completed"
        );
    }

    // The man page is roff, compressed as Debian wants, and documents the subcommands.
    let man = harness::run_ok(
        Command::new("gzip")
            .arg("-dc")
            .arg(root.join("usr/share/man/man1/twofold.1.gz")),
    );
    let man = harness::stdout_of(&man);
    assert!(
        man.contains(".TH twofold 1"),
        "{}",
        &man[..200.min(man.len())]
    );
    assert!(
        man.contains("twofold\\-aws(1)"),
        "the page names its subcommand pages"
    );
}

#[test]
fn installed_cli_and_app_report_the_same_build_and_the_cli_computes_codes() {
    let (_dir, root) = harness::install_deb();
    let cli = root.join("usr/bin/twofold");
    let app = root.join("usr/bin/twofold-app");
    let cli_build = harness::build_of(
        &harness::stdout_of(&harness::run_ok(Command::new(&cli).arg("--version"))),
        "twofold",
    );
    // --version is answered before any window opens: no display needed.
    let app_build = harness::build_of(
        &harness::stdout_of(&harness::run_ok(
            Command::new(&app)
                .arg("--version")
                .env_remove("DISPLAY")
                .env_remove("WAYLAND_DISPLAY"),
        )),
        "twofold-app",
    );
    assert_eq!(cli_build, app_build);
    // Built from this checkout by this run: the commit is the checkout's.
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(harness::workspace_root())
        .output();
    if let Some(head) = head.ok().filter(|o| o.status.success()) {
        assert!(
            cli_build.ends_with(&format!("({})", harness::stdout_of(&head))),
            "{cli_build}"
        );
    }

    // RFC 6238's SHA-1 test vector: T = 59 s, 8 digits.
    let uri = "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=Example";
    let out =
        harness::run_ok(Command::new(&cli).args(["code", "--uri", uri, "--at", "59", "--json"]));
    let code: serde_json::Value = serde_json::from_str(&harness::stdout_of(&out)).unwrap();
    assert_eq!(code["code"], "94287082", "{code}");
    let bad = Command::new(&cli)
        .args(["code", "--uri", "otpauth://totp/x?secret=not-base32!"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("secret"),
        "a clear error"
    );
}

#[test]
fn installed_app_without_a_display_explains_instead_of_panicking() {
    let (dir, root) = harness::install_deb();
    let out = Command::new(root.join("usr/bin/twofold-app"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("TWOFOLD_VAULT", dir.path().join("vault"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("twofold-app: no display: run Twofold from a desktop session"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("vault").exists(), "nothing was created");
}

/// What ships has no test hooks: the installed CLI ignores `TWOFOLD_FIDO_SIMULATOR` (it looks
/// for USB keys, and there are none here), and the installed app does not know
/// `--fido-simulator` or `--camera-frames`. The suites reach the simulator through binaries
/// built with the `test-hooks` feature; the same key file works there (tests/fido.rs).
#[test]
fn the_packaged_faces_ignore_the_test_hooks() {
    let (_dir, root) = harness::install_deb();
    let key = twofold_e2e::fido_sim::SimKeyFile::new();
    let out = Command::new(root.join("usr/bin/twofold"))
        .args(["fido", "list"])
        .env("TWOFOLD_FIDO_SIMULATOR", &key.path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("simulated"),
        "the release CLI used the simulator: {text}"
    );
    assert!(text.contains("no FIDO security key found"), "{text}");
    for hook in ["--fido-simulator", "--camera-frames"] {
        let out = Command::new(root.join("usr/bin/twofold-app"))
            .args([hook, key.path.to_str().unwrap()])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{hook}: {err}");
        assert!(err.contains("unexpected argument"), "{hook}: {err}");
    }
    // The test build of the same CLI does use the key file: the hook is the feature, not the file.
    let hooked = Command::new(harness::cli_bin())
        .args(["fido", "list"])
        .env("TWOFOLD_FIDO_SIMULATOR", &key.path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&hooked.stdout).contains("simulated"),
        "{hooked:?}"
    );
}

#[test]
fn the_rpm_holds_the_same_faces_and_its_cli_is_this_build() {
    let rpm = harness::rpm_path();
    let listed = harness::stdout_of(&harness::run_ok(Command::new("rpm").arg("-qlp").arg(&rpm)));
    std::fs::write(harness::artifact("rpm-contents.txt"), &listed).unwrap();
    let files: Vec<&str> = listed.lines().collect();
    for want in BOTH_FACES.iter().chain(&[
        "/usr/share/zsh/site-functions/_twofold",
        "/usr/share/applications/Twofold.desktop",
    ]) {
        assert!(files.contains(want), "{want} is not in the .rpm:\n{listed}");
    }
    let requires = harness::stdout_of(&harness::run_ok(
        Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm),
    ));
    assert!(
        requires.contains("libwebkit2gtk-4.1.so.0")
            && requires.contains("libayatana-appindicator-gtk3"),
        "{requires}"
    );

    // Installed with rpm into a throwaway root (its own database; the dependencies are the
    // system's). Not rpm2cpio: Debian's exits 1 on Tauri's .rpm, whose header has no payload
    // size, although it writes the whole archive.
    let dir = harness::temp_dir();
    harness::run_ok(
        Command::new("rpm")
            .arg(format!("--root={}", dir.path().display()))
            .args([
                "--install",
                "--nodeps",
                "--noscripts",
                "--nosignature",
                "--nodigest",
            ])
            .arg(&rpm),
    );
    let version =
        |bin: &Path| harness::stdout_of(&harness::run_ok(Command::new(bin).arg("--version")));
    let from_rpm = version(&dir.path().join("usr/bin/twofold"));
    assert_eq!(
        from_rpm,
        version(&harness::cli_bin()),
        "the .rpm carries this run's CLI"
    );
}
