//! The brief run of every fuzz target inside `cargo test`: a fixed number of executions each,
//! no panic, nothing over the allocation limit. `scripts/fuzz.sh` is the long run.

use base64::Engine as _;
use twofold_fuzz::{alloc::Counting, engine, targets, Options};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn every_target_runs_briefly_without_a_panic_or_an_allocation_over_its_limit() {
    engine::quiet_panics();
    let mut failures = Vec::new();
    for t in targets::all() {
        let stats = engine::run(
            &t,
            &Options {
                iterations: t.brief,
                seed: 16,
                artefacts: None,
                time_limit: None,
            },
        );
        eprintln!("{}", twofold_fuzz::row(&stats));
        assert!(stats.execs >= t.brief.min(1), "{}: nothing ran", t.name);
        if !stats.clean() {
            let crashes: Vec<String> = stats
                .crashes
                .iter()
                .map(|c| format!("{} (input, base64: {})", c.message, b64(&c.input)))
                .collect();
            failures.push(format!(
                "{}: {} panics {crashes:#?}, {} over the allocation limit",
                t.name, stats.panics, stats.over_limit
            ));
        }
    }
    // The harness's quiet hook would swallow this test's own failure message.
    drop(std::panic::take_hook());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_allocator_counts_an_execution() {
    twofold_fuzz::alloc::start();
    let base = twofold_fuzz::alloc::live();
    let v: Vec<u8> = vec![1; 3 << 20];
    let usage = twofold_fuzz::alloc::usage_since(base);
    assert!(usage.largest >= 3 << 20, "{usage:?}");
    drop(v);
}

#[test]
fn a_panic_and_an_oversized_allocation_are_caught_and_counted() {
    engine::quiet_panics();
    let t = targets::Target {
        name: "selftest",
        about: "",
        seeds: || vec![b"boom".to_vec(), b"big".to_vec(), b"fine".to_vec()],
        dict: &[],
        run: |b| match b {
            b"boom" => panic!("boom"),
            b"big" => drop(std::hint::black_box(vec![0u8; 2 << 20])),
            _ => {}
        },
        generate: None,
        max_len: 16,
        alloc_limit: 1 << 20,
        brief: 3,
    };
    let s = engine::run(
        &t,
        &Options {
            iterations: 3,
            seed: 1,
            artefacts: None,
            time_limit: None,
        },
    );
    assert_eq!((s.execs, s.panics, s.over_limit), (3, 1, 1));
    assert_eq!(s.crashes[0].input, b"boom");
    assert!(
        s.crashes[0].message.contains("boom"),
        "{}",
        s.crashes[0].message
    );
}
