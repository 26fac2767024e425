//! The QR scanner against the corpus, side by side with `zbarimg` (Debian's zbar-tools) as the
//! reference: decode rate overall and per condition, false positives on frames with no code,
//! and Twofold's decode time per frame (median and p95 at 1280x720; run it as a release build).
//!
//!     qr-bench [CORPUS_DIR]     (default: $HOME/.cache/twofold/qr-corpus; generated if missing)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

use twofold_e2e::qr_corpus;

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
    let started = Instant::now();
    let entries = match qr_corpus::generate(
        &dir,
        qr_corpus::SEED,
        qr_corpus::CONDITIONS,
        qr_corpus::PER_CONDITION,
    ) {
        Ok(e) => e,
        Err(e) => {
            eprintln!(
                "qr-bench: cannot generate the corpus in {}: {e}",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "   corpus: {} images in {} (seed {:#x}, generated in {:.1} s)",
        entries.len(),
        dir.display(),
        qr_corpus::SEED,
        started.elapsed().as_secs_f64()
    );
    let zbar_ok = Command::new("zbarimg").arg("--version").output().is_ok();
    if !zbar_ok {
        println!("   zbarimg not found (apt-get install zbar-tools): its column reads 0");
    }
    if cfg!(debug_assertions) {
        println!("   NOTE: a debug build; the timings mean nothing (build with --release)");
    }

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let (mut ms_720, mut ms_1080) = (Vec::new(), Vec::new());
    let mut misses = Vec::new();
    for e in &entries {
        let image = match twofold_core::qr::source::load_image(&e.path) {
            Ok(i) => i,
            Err(err) => {
                eprintln!("qr-bench: {err}");
                return ExitCode::FAILURE;
            }
        };
        // Time the whole pipeline from the decoded RGB/gray frame, best of three runs is not
        // used: every run counts, so the figures include cache misses.
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
        if !ours {
            misses.push(e.path.file_name().map(|n| n.to_string_lossy().into_owned()));
        }
        let t = tallies.entry(e.condition.as_str()).or_default();
        t.total += 1;
        t.ours += usize::from(ours);
        t.zbar += usize::from(zbar);
    }

    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    println!(
        "   {:<14} {:>6} {:>10} {:>10}",
        "condition", "images", "twofold", "zbarimg"
    );
    let mut all = Tally::default();
    for c in qr_corpus::CONDITIONS {
        let t = tallies.get(c).copied().unwrap_or_default();
        let note = if *c == "no_code" {
            "  (correct = nothing reported)"
        } else {
            ""
        };
        println!(
            "   {:<14} {:>6} {:>9.1}% {:>9.1}%{note}",
            c,
            t.total,
            pct(t.ours, t.total),
            pct(t.zbar, t.total)
        );
        all.total += t.total;
        all.ours += t.ours;
        all.zbar += t.zbar;
    }
    println!(
        "   {:<14} {:>6} {:>9.1}% {:>9.1}%",
        "OVERALL",
        all.total,
        pct(all.ours, all.total),
        pct(all.zbar, all.total)
    );
    for v in [&mut ms_720, &mut ms_1080] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "   twofold decode time per 1280x720 frame: median {:.1} ms, p95 {:.1} ms, max {:.1} ms (n={}; targets: median < 15, p95 < 40)",
        percentile(&ms_720, 0.5),
        percentile(&ms_720, 0.95),
        percentile(&ms_720, 1.0),
        ms_720.len()
    );
    println!(
        "   twofold decode time per 1920x1080 frame: median {:.1} ms, p95 {:.1} ms (n={})",
        percentile(&ms_1080, 0.5),
        percentile(&ms_1080, 0.95),
        ms_1080.len()
    );
    if !misses.is_empty() {
        let names: Vec<String> = misses.into_iter().flatten().collect();
        println!("   twofold missed: {}", names.join(" "));
    }
    ExitCode::SUCCESS
}
