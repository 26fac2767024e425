//! A fuzz harness on stable Rust over every Twofold parser that reads input we did not write.
//!
//! [`targets::all`] is the table (name, seeds built in code, dictionary, generator, the call);
//! [`engine::run`] drives one target: each seed, then mutations and generated inputs from a
//! fixed-seed RNG, every execution under `catch_unwind` with its allocations counted by
//! [`alloc::Counting`] (installed as the global allocator by the binary and the test). The
//! `cargo test` run is brief; `scripts/fuzz.sh` runs a million executions per target.

pub mod alloc;
pub mod engine;
pub mod seeds;
pub mod targets;

pub use engine::{run, Options, Stats};
pub use targets::{all, Target};

/// A byte count for people: `1.5 MiB`.
pub fn bytes(n: usize) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// One row of the summary table.
pub fn row(s: &Stats) -> String {
    format!(
        "{:<28} {:>9} {:>8.1} {:>10.0} {:>6} {:>10} {:>10} {:>9.1}",
        s.name,
        s.execs,
        s.elapsed.as_secs_f64(),
        s.rate(),
        s.panics,
        bytes(s.max_alloc),
        bytes(s.max_peak),
        s.slowest.as_secs_f64() * 1000.0,
    )
}

/// The summary table's header.
pub fn header() -> String {
    format!(
        "{:<28} {:>9} {:>8} {:>10} {:>6} {:>10} {:>10} {:>9}",
        "target", "execs", "secs", "execs/s", "panics", "max alloc", "peak live", "slowest ms"
    )
}
