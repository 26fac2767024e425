//! The engine: a fixed-seed RNG, mutations of a per-target corpus, one execution at a time
//! under `catch_unwind` with its allocations counted.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::alloc;
use crate::targets::Target;

/// xorshift64*: small, fast, and the same sequence for the same seed everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is moved off the fixed point).
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15 | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A random byte.
    pub fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that sit on the edges parsers get wrong.
const INTERESTING: &[&str] = &[
    "0",
    "-1",
    "1",
    "255",
    "256",
    "65535",
    "65536",
    "2147483647",
    "-2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e309",
    "-0",
    "0.5",
    "NaN",
    "null",
    "true",
    "\"\"",
    "[]",
    "{}",
];

const INTERESTING_BYTES: &[u8] = &[0, 1, 0x7f, 0x80, 0xff, b'\n', b'\r', b'%', b'=', b'&', b'"'];

/// One mutation of `input` (possibly several stacked), using `corpus` for splices and `dict`
/// for tokens. The result is at most `max_len` bytes.
pub fn mutate(
    rng: &mut Rng,
    input: &[u8],
    corpus: &[Vec<u8>],
    dict: &[&[u8]],
    max_len: usize,
) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = out.len();
        match rng.below(12) {
            // Flip a bit.
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            // Set a byte to a random or an interesting value.
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = if rng.one_in(2) {
                    rng.byte()
                } else {
                    *rng.pick(INTERESTING_BYTES)
                };
            }
            // Insert random bytes.
            2 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
                out.splice(i..i, bytes);
            }
            // Delete a range.
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                out.drain(i..i + n);
            }
            // Duplicate a range somewhere.
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                let piece = out[i..i + n].to_vec();
                let at = rng.below(len + 1);
                out.splice(at..at, piece);
            }
            // Splice with another input of the corpus.
            5 if !corpus.is_empty() => {
                let other = rng.pick(corpus);
                let cut = rng.below(out.len() + 1);
                let from = rng.below(other.len() + 1);
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            // Insert or overwrite with a dictionary token.
            6 | 7 if !dict.is_empty() => {
                let token = *rng.pick(dict);
                let i = rng.below(len + 1);
                if rng.one_in(2) || i == len {
                    out.splice(i..i, token.iter().copied());
                } else {
                    let end = (i + token.len()).min(len);
                    out.splice(i..end, token.iter().copied());
                }
            }
            // Replace a run of digits (or any spot) with an interesting number.
            8 => {
                let number = rng.pick(INTERESTING).as_bytes();
                match find_digits(&out, rng.below(len + 1)) {
                    Some((a, b)) => {
                        out.splice(a..b, number.iter().copied());
                    }
                    None => {
                        let i = rng.below(len + 1);
                        out.splice(i..i, number.iter().copied());
                    }
                }
            }
            // Overwrite with an interesting binary integer (little or big endian).
            9 if len >= 4 => {
                let i = rng.below(len - 3);
                let v: u32 = *rng.pick(&[0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fff_ffff, u32::MAX]);
                let b = if rng.one_in(2) {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                out[i..i + 4].copy_from_slice(&b);
            }
            // Truncate.
            10 if len > 0 => out.truncate(rng.below(len)),
            // Swap two bytes.
            _ if len > 1 => {
                let (a, b) = (rng.below(len), rng.below(len));
                out.swap(a, b);
            }
            _ => out.push(rng.byte()),
        }
    }
    out.truncate(max_len);
    out
}

/// The run of ASCII digits at or after `from`, if any.
fn find_digits(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let start = from + bytes.get(from..)?.iter().position(u8::is_ascii_digit)?;
    let len = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    Some((start, start + len))
}

/// An input that panicked.
#[derive(Debug, Clone)]
pub struct Crash {
    /// The input.
    pub input: Vec<u8>,
    /// The panic message.
    pub message: String,
    /// Where it was written, when an artefacts folder was given.
    pub file: Option<PathBuf>,
}

/// What a run of one target did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// The target's name.
    pub name: &'static str,
    /// Executions.
    pub execs: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The slowest single execution.
    pub slowest: Duration,
    /// Inputs that panicked (the first few kept).
    pub crashes: Vec<Crash>,
    /// How many executions panicked.
    pub panics: u64,
    /// The largest single allocation of any execution, bytes.
    pub max_alloc: usize,
    /// The highest peak of live bytes of any execution.
    pub max_peak: usize,
    /// Executions whose peak live bytes went over the target's limit.
    pub over_limit: u64,
    /// The first input over the limit.
    pub over_limit_input: Option<Vec<u8>>,
}

impl Stats {
    /// Executions per second.
    pub fn rate(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// No panic and nothing over the allocation limit.
    pub fn clean(&self) -> bool {
        self.panics == 0 && self.over_limit == 0
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Executions (the seeds count among them).
    pub iterations: u64,
    /// The RNG seed.
    pub seed: u64,
    /// Where crashing inputs are written (`<target>-<n>.bin`), if anywhere.
    pub artefacts: Option<PathBuf>,
    /// Stop after this much time even if the iterations are not done.
    pub time_limit: Option<Duration>,
}

/// Runs `target` for `opts.iterations` executions: each seed once, then mutations of the
/// corpus and, for targets that have one, structured generation.
pub fn run(target: &Target, opts: &Options) -> Stats {
    // The default hook would print every caught panic; the first few are reported below.
    let mut stats = Stats {
        name: target.name,
        ..Stats::default()
    };
    let mut rng = Rng::new(opts.seed ^ fnv(target.name));
    let corpus = (target.seeds)();
    let start = Instant::now();
    let max_len = target.max_len;
    for i in 0..opts.iterations {
        let input = if (i as usize) < corpus.len() {
            corpus[i as usize].clone()
        } else if let Some(generate) = target.generate.filter(|_| rng.one_in(3)) {
            let generated = generate(&mut rng);
            if rng.one_in(2) {
                mutate(&mut rng, &generated, &corpus, target.dict, max_len)
            } else {
                generated
            }
        } else if corpus.is_empty() {
            (0..rng.below(64)).map(|_| rng.byte()).collect()
        } else {
            let base = rng.pick(&corpus).clone();
            mutate(&mut rng, &base, &corpus, target.dict, max_len)
        };
        execute(target, &input, &mut stats, opts.artefacts.as_deref());
        if opts
            .time_limit
            .is_some_and(|limit| i % 64 == 0 && start.elapsed() > limit)
        {
            break;
        }
    }
    stats.elapsed = start.elapsed();
    stats
}

/// One execution of `target` on `input`, counted into `stats`.
pub fn execute(target: &Target, input: &[u8], stats: &mut Stats, artefacts: Option<&Path>) {
    let base = alloc::live();
    alloc::start();
    let began = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let took = began.elapsed();
    let usage = alloc::usage_since(base);
    stats.execs += 1;
    stats.slowest = stats.slowest.max(took);
    stats.max_alloc = stats.max_alloc.max(usage.largest);
    stats.max_peak = stats.max_peak.max(usage.peak);
    if usage.peak > target.alloc_limit || usage.largest > target.alloc_limit {
        stats.over_limit += 1;
        if stats.over_limit_input.is_none() {
            stats.over_limit_input = Some(input.to_vec());
            if let Some(dir) = artefacts {
                let _ = save(dir, &format!("{}-oom", target.name), input);
            }
        }
    }
    if let Err(payload) = result {
        stats.panics += 1;
        if stats.crashes.len() < 8 {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            let file = artefacts.and_then(|dir| {
                save(
                    dir,
                    &format!("{}-crash-{}", target.name, stats.crashes.len()),
                    input,
                )
            });
            stats.crashes.push(Crash {
                input: input.to_vec(),
                message,
                file,
            });
        }
    }
}

fn save(dir: &Path, stem: &str, input: &[u8]) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join(format!("{stem}.bin"));
    std::fs::write(&path, input).ok()?;
    Some(path)
}

/// FNV-1a of a name: each target gets its own stream from one seed.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs a panic hook that prints nothing and keeps the message with its location for the
/// engine's report (panics are counted and reported by the engine). Kept for the whole process.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        let _ = LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(text));
    }));
}
