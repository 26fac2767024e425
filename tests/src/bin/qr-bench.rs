//! The QR scanner against the corpus, side by side with `zbarimg` (Debian's zbar-tools) as the
//! reference: decode rate overall and per condition, false positives on frames with no code,
//! the frames zbarimg reads and Twofold does not, and Twofold's decode time per frame (median
//! and p95 at 1280x720; run it as a release build). Then the live path (`decode_frame`, the
//! per-frame budget of the webcam scan): each frame fed repeatedly, as a code held in front of
//! the camera gives near-identical frames, its time per frame fed (until read, at most
//! [`LIVE_FEED`] frames) and how many frames it took to read what the full-effort decoder
//! reads. Two sets: the corpus, and the hard set
//! (`qr_corpus::HARD_CONDITIONS`) in `CORPUS_DIR-hard`.
//!
//!     qr-bench [CORPUS_DIR]     (default: $HOME/.cache/twofold/qr-corpus; generated if missing)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

use twofold_e2e::qr_corpus;

/// How many times the live path is fed one frame before it counts as not read.
const LIVE_FEED: usize = 10;

#[derive(Default, Clone, Copy)]
struct Tally {
    total: usize,
    ours: usize,
    zbar: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() -> ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/twofold/qr-corpus")
        });
    // The hard set beside the first, in its own directory so neither changes the other.
    let mut hard = dir.clone().into_os_string();
    hard.push("-hard");
    let zbar_ok = Command::new("zbarimg").arg("--version").output().is_ok();
    if !zbar_ok {
        println!("   zbarimg not found (apt-get install zbar-tools): its column reads 0");
    }
    if cfg!(debug_assertions) {
        println!("   NOTE: a debug build; the timings mean nothing (build with --release)");
    }
    let sets = [
        (
            "the corpus",
            dir,
            qr_corpus::CONDITIONS,
            qr_corpus::PER_CONDITION,
        ),
        (
            "the hard set (issue 17; targets: every frame zbarimg reads, >= 3/4 of blur_module)",
            PathBuf::from(hard),
            qr_corpus::HARD_CONDITIONS,
            qr_corpus::HARD_PER_CONDITION,
        ),
    ];
    for (name, dir, conditions, per) in sets {
        println!("   -- {name}");
        if let Err(e) = run_set(&dir, conditions, per, zbar_ok) {
            eprintln!("qr-bench: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Generates one set into `dir`, decodes every frame with Twofold and zbarimg, and prints the
/// per-condition table, the frames zbarimg reads and Twofold does not, and Twofold's times.
fn run_set(
    dir: &std::path::Path,
    conditions: &[&str],
    per_condition: usize,
    zbar_ok: bool,
) -> Result<(), String> {
    let started = Instant::now();
    let entries = qr_corpus::generate(dir, qr_corpus::SEED, conditions, per_condition)
        .map_err(|e| format!("cannot generate the corpus in {}: {e}", dir.display()))?;
    println!(
        "   corpus: {} images in {} (seed {:#x}, generated in {:.1} s)",
        entries.len(),
        dir.display(),
        qr_corpus::SEED,
        started.elapsed().as_secs_f64()
    );

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let (mut ms_720, mut ms_1080) = (Vec::new(), Vec::new());
    let (mut misses, mut zbar_only) = (Vec::new(), Vec::new());
    // Live path: ms per frame fed at 720p; frames until read for frames the full effort reads.
    let (mut live_720, mut until, mut live_unread) = (Vec::new(), Vec::new(), Vec::new());
    // The first frame fed of each: one sample per frame, as the full-effort times are.
    let mut first_720 = Vec::new();
    for e in &entries {
        let image = twofold_core::qr::source::load_image(&e.path).map_err(|err| err.to_string())?;
        // Every run counts (no best of three), so the figures include cache misses.
        let mut found = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            found = twofold_core::qr::decode_image(&image);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            if e.width == 1280 {
                ms_720.push(ms);
            } else {
                ms_1080.push(ms);
            }
        }
        let ours = match &e.expected {
            Some(text) => found.iter().any(|f| f == text),
            None => found.is_empty(),
        };
        let mut state = twofold_core::qr::LiveState::default();
        let mut read_at = None;
        for n in 1..=LIVE_FEED {
            let t = Instant::now();
            let live = twofold_core::qr::decode_frame(&image, &mut state);
            if e.width == 1280 {
                let ms = t.elapsed().as_secs_f64() * 1e3;
                live_720.push(ms);
                if n == 1 {
                    first_720.push(ms);
                }
            }
            if !live.is_empty() {
                read_at = Some((n, live));
                break;
            }
        }
        if let (Some(text), true) = (&e.expected, ours) {
            match read_at {
                Some((n, live)) if live.iter().any(|l| l == text) => until.push((
                    n,
                    e.path.file_name().map(|n| n.to_string_lossy().into_owned()),
                )),
                _ => live_unread.push(e.path.file_name().map(|n| n.to_string_lossy().into_owned())),
            }
        }
        let zbar = zbar_ok && {
            let out = Command::new("zbarimg")
                .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
                .arg(&e.path)
                .output();
            let text = out
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            match &e.expected {
                Some(expected) => text.lines().any(|l| l == expected),
                None => text.trim().is_empty(),
            }
        };
        let name = e.path.file_name().map(|n| n.to_string_lossy().into_owned());
        if !ours {
            misses.push(name.clone());
            if zbar {
                zbar_only.push(name);
            }
        }
        let t = tallies.entry(e.condition.as_str()).or_default();
        t.total += 1;
        t.ours += usize::from(ours);
        t.zbar += usize::from(zbar);
    }

    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    let cell = |n: usize, d: usize| format!("{n:>3}/{d:<3} {:>5.1}%", pct(n, d));
    println!("   {:<18} {:>14} {:>14}", "condition", "twofold", "zbarimg");
    let mut all = Tally::default();
    for c in conditions {
        let t = tallies.get(c).copied().unwrap_or_default();
        let note = if *c == "no_code" {
            "  (correct = nothing reported)"
        } else {
            ""
        };
        println!(
            "   {:<18} {:>14} {:>14}{note}",
            c,
            cell(t.ours, t.total),
            cell(t.zbar, t.total)
        );
        all.total += t.total;
        all.ours += t.ours;
        all.zbar += t.zbar;
    }
    println!(
        "   {:<18} {:>14} {:>14}",
        "OVERALL",
        cell(all.ours, all.total),
        cell(all.zbar, all.total)
    );
    for v in [&mut ms_720, &mut ms_1080] {
        v.sort_by(f64::total_cmp);
    }
    if !ms_720.is_empty() {
        println!(
            "   twofold decode time per 1280x720 frame: median {:.1} ms, p95 {:.1} ms, max {:.1} ms (n={}; targets: median < 15, p95 < 40)",
            percentile(&ms_720, 0.5),
            percentile(&ms_720, 0.95),
            percentile(&ms_720, 1.0),
            ms_720.len()
        );
    }
    if !ms_1080.is_empty() {
        println!(
            "   twofold decode time per 1920x1080 frame: median {:.1} ms, p95 {:.1} ms (n={})",
            percentile(&ms_1080, 0.5),
            percentile(&ms_1080, 0.95),
            ms_1080.len()
        );
    }
    live_720.sort_by(f64::total_cmp);
    first_720.sort_by(f64::total_cmp);
    until.sort_by_key(|(n, _)| *n);
    if !live_720.is_empty() {
        println!(
            "   live path time per 1280x720 frame fed: median {:.1} ms, p95 {:.1} ms, max {:.1} ms (n={}; targets: median < 15, p95 < 40)",
            percentile(&live_720, 0.5),
            percentile(&live_720, 0.95),
            percentile(&live_720, 1.0),
            live_720.len()
        );
    }
    if !first_720.is_empty() {
        println!(
            "   live path time of the first 1280x720 frame fed: median {:.1} ms, p95 {:.1} ms, max {:.1} ms (n={})",
            percentile(&first_720, 0.5),
            percentile(&first_720, 0.95),
            percentile(&first_720, 1.0),
            first_720.len()
        );
    }
    if !until.is_empty() {
        println!(
            "   live path frames until read (same frame fed again; frames the full effort reads): median {}, max {} (n={}; target: max <= 5)",
            until[until.len() / 2].0,
            until[until.len() - 1].0,
            until.len()
        );
        let slow: Vec<String> = until
            .iter()
            .filter(|(n, _)| *n > 5)
            .filter_map(|(n, name)| name.as_ref().map(|name| format!("{name} ({n})")))
            .collect();
        if !slow.is_empty() {
            println!(
                "   read live only after more than 5 frames: {}",
                slow.join(" ")
            );
        }
    }
    let names = |v: Vec<Option<String>>| v.into_iter().flatten().collect::<Vec<_>>().join(" ");
    println!(
        "   zbarimg reads, twofold does not ({}): {}",
        zbar_only.len(),
        if zbar_only.is_empty() {
            "none".to_string()
        } else {
            names(zbar_only)
        }
    );
    if !live_unread.is_empty() {
        println!(
            "   read by the full effort, not live within {LIVE_FEED} frames ({}): {}",
            live_unread.len(),
            names(live_unread)
        );
    }
    if !misses.is_empty() {
        println!("   twofold missed ({}): {}", misses.len(), names(misses));
    }
    Ok(())
}
