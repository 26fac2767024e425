//! `twofold-fuzz [--iterations N] [--target NAME]... [--threads N] [--seed S] [--artefacts DIR]
//! [--seconds S] [--list]`: runs the targets and prints a summary table. Exits 1
//! when any target panicked or allocated over its limit.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use twofold_fuzz::{alloc::Counting, engine, targets, Options, Stats};

#[global_allocator]
static ALLOC: Counting = Counting;

struct Args {
    iterations: u64,
    names: Vec<String>,
    threads: usize,
    seed: u64,
    artefacts: std::path::PathBuf,
    seconds: Option<u64>,
    list: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        iterations: 1_000_000,
        names: Vec::new(),
        threads: 1,
        seed: 16,
        artefacts: std::path::PathBuf::from("fuzz-artefacts"),
        seconds: None,
        list: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |what: &str| it.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "--iterations" => {
                a.iterations = value("a number")?.parse().map_err(|e| format!("{e}"))?
            }
            "--target" => a.names.push(value("a target name")?),
            "--threads" => a.threads = value("a number")?.parse().map_err(|e| format!("{e}"))?,
            "--seed" => a.seed = value("a number")?.parse().map_err(|e| format!("{e}"))?,
            "--artefacts" => a.artefacts = value("a folder")?.into(),
            "--seconds" => {
                a.seconds = Some(value("a number")?.parse().map_err(|e| format!("{e}"))?)
            }
            "--list" => a.list = true,
            "-h" | "--help" => {
                println!("twofold-fuzz [--iterations N] [--target NAME]... [--threads N] [--seed S] [--artefacts DIR] [--seconds PER_TARGET] [--list]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

fn report(s: &Stats) {
    println!("{}", twofold_fuzz::row(s));
    for c in &s.crashes {
        println!("  PANIC: {}", c.message.replace('\n', " | "));
        println!(
            "  input (base64): {}",
            base64::engine::general_purpose::STANDARD.encode(&c.input)
        );
        if let Some(f) = &c.file {
            println!("  written to {}", f.display());
        }
    }
    if let Some(input) = &s.over_limit_input {
        println!(
            "  OVER ALLOCATION LIMIT ({} executions), first input (base64): {}",
            s.over_limit,
            base64::engine::general_purpose::STANDARD.encode(input)
        );
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("twofold-fuzz: {e}");
            std::process::exit(2);
        }
    };
    let all = targets::all();
    if args.list {
        for t in &all {
            println!("{:<28} {}", t.name, t.about);
        }
        return;
    }
    for n in &args.names {
        if !all.iter().any(|t| t.name == n) {
            eprintln!("twofold-fuzz: no target {n:?} (see --list)");
            std::process::exit(2);
        }
    }
    let chosen: Vec<usize> = (0..all.len())
        .filter(|&i| args.names.is_empty() || args.names.iter().any(|n| n == all[i].name))
        .collect();
    engine::quiet_panics();
    let opts = Options {
        iterations: args.iterations,
        seed: args.seed,
        artefacts: Some(args.artefacts.clone()),
        time_limit: args.seconds.map(Duration::from_secs),
    };
    println!("{}", twofold_fuzz::header());
    // Targets are shared out to the threads; each execution runs on one thread, so the
    // per-thread allocation counts are per execution.
    let queue = Arc::new(Mutex::new(chosen));
    let results = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..args.threads.max(1))
        .map(|_| {
            let (queue, results, opts) = (queue.clone(), results.clone(), opts.clone());
            std::thread::spawn(move || {
                let all = targets::all();
                loop {
                    let next = queue.lock().ok().and_then(|mut q| {
                        if q.is_empty() {
                            None
                        } else {
                            Some(q.remove(0))
                        }
                    });
                    let Some(i) = next else { break };
                    let stats = engine::run(&all[i], &opts);
                    report(&stats);
                    if let Ok(mut r) = results.lock() {
                        r.push((i, stats));
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let mut results = results.lock().map(|r| r.clone()).unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    println!(
        "\nsummary ({} iterations asked per target)",
        args.iterations
    );
    println!("{}", twofold_fuzz::header());
    for (_, s) in &results {
        println!("{}", twofold_fuzz::row(s));
    }
    let bad: Vec<&str> = results
        .iter()
        .filter(|(_, s)| !s.clean())
        .map(|(_, s)| s.name)
        .collect();
    if bad.is_empty() {
        println!("no panic, nothing over the allocation limits");
    } else {
        println!("FINDINGS in: {}", bad.join(", "));
        std::process::exit(1);
    }
}
