//! The QR scanner end to end: the generated corpus through the directory frame source (the
//! pipeline the camera uses), the Google Authenticator export fixtures, and `twofold scan` /
//! `twofold add --scan` as a user runs them, including `--camera` on a machine without one.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use twofold_core::qr::{self, FrameSource, ImageDir, Payload};
use twofold_e2e::harness::{cli_bin, fixture, temp_dir};
use twofold_e2e::qr_corpus::{self, generate, SEED};

/// Every clean and mildly rotated code decodes to exactly its payload, inverted codes too, and
/// frames without a code report nothing.
#[test]
fn corpus_clean_rotated_inverted_and_empty_frames() {
    let dir = temp_dir();
    let entries = generate(
        dir.path(),
        SEED,
        &["clean", "rotate_mild", "inverted", "no_code"],
        qr_corpus::PER_CONDITION,
    )
    .unwrap();
    assert_eq!(entries.len(), 80);
    let mut source = ImageDir::new(dir.path()).unwrap();
    assert_eq!(source.len(), 80);
    let mut checked = 0;
    while let Some(frame) = source.next_frame().unwrap() {
        let entry = entries
            .iter()
            .find(|e| e.path.display().to_string() == frame.origin)
            .unwrap();
        let found = qr::decode_image(&frame.image);
        match &entry.expected {
            Some(text) => assert_eq!(found, vec![text.clone()], "{}", frame.origin),
            None => assert!(
                found.is_empty(),
                "false positive in {}: {found:?}",
                frame.origin
            ),
        }
        if let Some(text) = &entry.expected {
            let Payload::Account(a) = Payload::parse(text).unwrap() else {
                panic!("not an account")
            };
            assert_eq!(a.issuer, "Amazon Web Services");
            assert_eq!(a.otp.secret.to_base32().len(), 64);
        }
        checked += 1;
    }
    assert_eq!(checked, 80);
}

/// The first four frames of the hard set's blur, 2-pixel-modules-rotated and screen-moire
/// conditions: every rotated and moire frame decodes to exactly its payload, and at least three
/// of the four blurred ones (the target is three quarters; blur_module-002 shows no finder).
/// Before the retries for located codes, tiny_rotated-002 (2-pixel modules in a 1080p frame,
/// lost in the downscale), screen_photo-001 (moire) and blur_module-003 were missed.
#[test]
fn hard_corpus_blur_small_rotated_and_moire() {
    let dir = temp_dir();
    let per = 4;
    let entries = generate(dir.path(), SEED, qr_corpus::HARD_TEST_CONDITIONS, per).unwrap();
    assert_eq!(entries.len(), qr_corpus::HARD_TEST_CONDITIONS.len() * per);
    let mut missed = Vec::new();
    for entry in &entries {
        let image = qr::source::load_image(&entry.path).unwrap();
        let found = qr::decode_image(&image);
        if found != vec![entry.expected.clone().unwrap()] {
            missed.push((entry.condition.clone(), entry.path.display().to_string()));
        }
    }
    let blurred = missed.iter().filter(|(c, _)| c == "blur_module").count();
    let others: Vec<&String> = missed
        .iter()
        .filter(|(c, _)| c != "blur_module")
        .map(|(_, p)| p)
        .collect();
    assert!(blurred <= 1 && others.is_empty(), "not read: {missed:#?}");
}

#[test]
fn the_corpus_is_deterministic() {
    let (a, b) = (temp_dir(), temp_dir());
    generate(a.path(), SEED, &["webcam"], 2).unwrap();
    generate(b.path(), SEED, &["webcam"], 2).unwrap();
    for name in ["webcam-000.jpg", "webcam-001.jpg", "manifest.json"] {
        let (x, y) = (
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs between two runs");
    }
}

fn export_fixture_uris() -> Vec<String> {
    std::fs::read_to_string(fixture("qr/google-export.txt"))
        .unwrap()
        .lines()
        .map(|l| l.split_once(' ').unwrap().1.to_string())
        .collect()
}

#[test]
fn google_authenticator_export_fixtures_decode_to_every_account() {
    let mut accounts = Vec::new();
    for (i, name) in ["google-export-1of2.png", "google-export-2of2.png"]
        .iter()
        .enumerate()
    {
        let mut src = qr::ImageFile::new(fixture(&format!("qr/{name}")));
        let frame = src.next_frame().unwrap().unwrap();
        let texts = qr::scan_frame(&frame).unwrap();
        assert_eq!(texts, vec![export_fixture_uris()[i].clone()]);
        let Payload::Migration(batch) = Payload::parse(&texts[0]).unwrap() else {
            panic!("not a migration payload")
        };
        assert_eq!(
            (batch.batch_size, batch.batch_index, batch.batch_id),
            (2, i as i32, 4242)
        );
        accounts.extend(batch.accounts);
    }
    let names: Vec<String> = accounts
        .iter()
        .map(|a| format!("{}:{}:{}", a.issuer, a.account, a.otp.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "Amazon Web Services:alice@123456789012:totp",
            "GitHub:alice:totp",
            "Example:bob:hotp"
        ]
    );
    assert_eq!(accounts[1].otp.digits, 8);
    assert_eq!(accounts[2].otp.counter, 5);
}

fn twofold(args: &[&str], vault: &std::path::Path) -> std::process::Output {
    Command::new(cli_bin())
        .args(args)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_PASSWORD", "qr test")
        .env("TWOFOLD_NO_KEYRING", "1")
        .output()
        .unwrap()
}

#[test]
fn cli_scan_prints_payloads_and_fails_on_frames_without_one() {
    let dir = temp_dir();
    let vault = dir.path().join("vault.json");
    let uri = qr_corpus::aws_uri(7);
    let code = dir.path().join("code.png");
    qr_corpus::plain_code(&uri, 5).unwrap().save(&code).unwrap();
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(300, 200, image::Luma([230]))
        .save(&blank)
        .unwrap();
    let web = dir.path().join("web.png");
    qr_corpus::plain_code("https://example.com/hello", 5)
        .unwrap()
        .save(&web)
        .unwrap();

    let out = twofold(&["scan", code.to_str().unwrap()], &vault);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), uri);

    let out = twofold(&["scan", "--json", code.to_str().unwrap()], &vault);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["found"], true);
    assert_eq!(v["codes"][0]["text"], uri.as_str());
    assert_eq!(v["codes"][0]["issuer"], "Amazon Web Services");

    let out = twofold(&["scan", blank.to_str().unwrap()], &vault);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no QR code found"), "{err}");

    let out = twofold(&["scan", web.to_str().unwrap()], &vault);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("not an authenticator QR code: it holds a web link")
            && !err.contains("example.com"),
        "{err}"
    );

    // Several files: one JSON object each, exit 1 because one holds no code.
    let out = twofold(
        &[
            "scan",
            "--json",
            code.to_str().unwrap(),
            blank.to_str().unwrap(),
        ],
        &vault,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (&lines[0]["found"], &lines[1]["found"]),
        (&true.into(), &false.into())
    );
}

#[test]
fn cli_add_scan_adds_every_account_of_an_export() {
    let dir = temp_dir();
    let vault = dir.path().join("vault.json");
    let one = fixture("qr/google-export-1of2.png");
    let two = fixture("qr/google-export-2of2.png");
    let out = twofold(&["add", "--scan", one.to_str().unwrap()], &vault);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("has 2 QR codes"), "{err}");
    let out = twofold(&["add", "--scan", two.to_str().unwrap()], &vault);
    assert!(out.status.success(), "{out:?}");
    let out = twofold(&["list", "--json"], &vault);
    assert!(out.status.success(), "{out:?}");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Example:bob"), "{names:?}");
}

/// This machine (and CI) has no /dev/video*: the camera path must say so plainly.
#[test]
fn cli_scan_camera_without_a_camera_says_so() {
    if std::fs::read_dir("/dev")
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("video"))
    {
        eprintln!("a camera is present; skipping");
        return;
    }
    let dir = temp_dir();
    let out = twofold(&["scan", "--camera"], &dir.path().join("vault.json"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no camera found"), "{err}");
}

#[test]
fn cli_reveal_draws_the_account_as_a_qr_code_that_scans_back() {
    let dir = temp_dir();
    let vault = dir.path().join("vault.json");
    let uri = qr_corpus::aws_uri(9);
    let out = twofold(&["add", "--uri", &uri, "--name", "aws"], &vault);
    assert!(out.status.success(), "{out:?}");
    let revealed = twofold(&["reveal", "aws"], &vault);
    let revealed = String::from_utf8(revealed.stdout)
        .unwrap()
        .trim()
        .to_string();

    let png = dir.path().join("aws-qr.png");
    let out = twofold(
        &["reveal", "aws", "--qr-png", png.to_str().unwrap()],
        &vault,
    );
    assert!(out.status.success(), "{out:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&png).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the PNG holds the secret");
    }
    let out = twofold(&["scan", png.to_str().unwrap()], &vault);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), revealed);

    // In the terminal: half blocks, every line as wide as the first.
    let out = twofold(&["reveal", "aws", "--qr"], &vault);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines.len() > 20, "{text}");
    assert!(text.contains('▀') || text.contains('▄'), "{text}");
    assert!(lines
        .iter()
        .all(|l| l.chars().count() == lines[0].chars().count()));
}
