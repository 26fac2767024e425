//! Reading QR codes out of a frame: the one pipeline every frame source goes through.
//!
//! rqrr (a port of quirc) decodes; what is here decides what it sees. rqrr's own detector fits
//! each grid from the corners of the finder patterns, which are a pixel off at 2-3 pixel
//! modules, under blur or rotation, and then it misses codes whose three finders it did see;
//! each grid it fits also costs about 8 ms. So the finders are located here ([`locate`]) and
//! rqrr mostly only decodes. The steps run in order and stop at the first that reads a code:
//!
//! 1. the frame in grayscale, downscaled (area average) when its long side is over
//!    [`WORK_SIZE`], binarised against the local mean with a margin that grows with the
//!    frame's noise (see [`margin`]), and scanned for finder patterns (dark-on-light and
//!    light-on-dark at once); a frame without any three that could form a code skips steps 2
//!    and 3;
//! 2. for the most code-like finder triples: the module grid sampled from the full-size frame
//!    through the three finder centres and the alignment pattern, thresholded in module space,
//!    and handed to rqrr's decoder (a few sizes around the estimate, best timing pattern first);
//! 3. the region of the best triple resampled upright at 6 pixels per module (fewer for a
//!    very wide triple), smoothed when the frame is noisy, and given to rqrr whole
//!    (perspective beyond what the alignment pattern fixes, very small modules);
//! 4. only when step 1 confirmed a finder (a code located but not read; frames without a code
//!    seldom show one, so they pay nothing): the best triples' grids sampled other ways
//!    ([`locate::Sampling::RETRIES`]: module values averaged over a patch for noise and moire,
//!    sharpened in module space for blur, a tighter threshold window), then steps 1-2 and
//!    those retries on a finer binarisation of the area around the finders located (a
//!    blurred finder's light ring survives it);
//! 5. rqrr's own detector on the binarised frame, then on its inversion (codes whose finders
//!    the scan missed, e.g. under heavy blur);
//! 6. only when step 1 confirmed a finder, in a frame larger than [`WORK_SIZE`]: steps 1, 2
//!    and 4 on the full-size frame, plain and lightly smoothed (2-pixel modules the downscale
//!    blurred away), the costliest step and so the last.
//!
//! Files, drops and the screen take every step ([`decode_image`]). Live scanning
//! ([`decode_frame`]) takes steps 1 and 2 and then at most [`LIVE_STEPS`] of the others per
//! frame, the second only while the frame is within [`LIVE_TIME`], starting each frame where
//! the previous one stopped; and none on a frame where no finder was located.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use image::{DynamicImage, GrayImage};

use super::locate;

/// The long side, in pixels, frames are downscaled to before the finder scan (the grid is
/// still sampled from the full-size frame).
pub const WORK_SIZE: u32 = 1280;

/// How many finder triples step 2 samples: more only costs time on cluttered frames.
const TRIPLES: usize = 4;

/// The window radius, in pixels, of the finer binarisation (see [`decode_gray`]): about three
/// modules of the small codes it is for.
const FINE_RADIUS: usize = 6;

/// The noise (see [`locate::noise_sigma`]) above which a rectified image is smoothed before
/// rqrr sees it: a webcam in dim light; a clean frame or screenshot is under 2.
const NOISY_SIGMA: f32 = 8.0;

/// How many finder triples the retries (see [`retry`]) try.
const RETRY_TRIPLES: usize = 2;

/// Above this many well-confirmed finder candidates (see [`strong_finders`]) the whole-frame
/// rqrr pass is skipped (see its comment).
const RQRR_MAX_FINDERS: usize = 48;

/// Finder candidates confirmed on at least three rows: real finder patterns (a noisy webcam
/// frame has hundreds of one-row hits but only a dozen of these).
fn strong_finders(finders: &[locate::Finder]) -> usize {
    finders.iter().filter(|f| f.count >= 3).count()
}

/// Every distinct text found in the frame, in the order found; empty when none was read.
pub fn decode_image(image: &DynamicImage) -> Vec<String> {
    match image {
        DynamicImage::ImageLuma8(gray) => decode_gray(gray),
        other => decode_gray(&other.to_luma8()),
    }
}

/// [`decode_image`] for a frame that is already grayscale.
pub fn decode_gray(gray: &GrayImage) -> Vec<String> {
    decode_steps(gray, &mut Plan::full())
}

/// How many steps past steps 1 and 2 (see the module docs) a live frame may take (the second
/// only within [`LIVE_TIME`]). The steps not taken are taken on the next frames (see
/// [`LiveState`]).
pub const LIVE_STEPS: u32 = 2;

/// How long a live frame may have taken for a step after its first to be started. Steps cost
/// 1-25 ms: a cheap first step (a retry) leaves room for a second, a costly one (the finer
/// binarisation) does not, and a frame stays within the webcam's frame time (33 ms at 30 fps).
/// At 16 ms, the hard corpus's 720p frames take 12 ms (median) and 30 ms (p95) a frame, and
/// every frame the full effort reads is read within five frames of the same view.
pub const LIVE_TIME: Duration = Duration::from_millis(16);

/// What live scanning carries from one frame to the next: which of the costlier steps the
/// next frame starts with. A code held in front of the camera gives near-identical frames, so
/// rotating the steps over them tries every step within a few frames while each frame stays
/// within [`LIVE_STEPS`].
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    next: usize,
    budget: Option<u32>,
    spent: u32,
}

impl LiveState {
    /// A state whose frames may take `steps` steps past the first instead of [`LIVE_STEPS`].
    pub fn with_budget(steps: u32) -> Self {
        LiveState {
            budget: Some(steps),
            ..LiveState::default()
        }
    }

    /// The steps past the first the last frame took.
    pub fn spent(&self) -> u32 {
        self.spent
    }
}

/// [`decode_image`] within a live frame's budget: steps 1 and 2 always, then at most
/// [`LIVE_STEPS`] of the others, starting where the previous frame stopped.
pub fn decode_frame(image: &DynamicImage, state: &mut LiveState) -> Vec<String> {
    let gray = match image {
        DynamicImage::ImageLuma8(gray) => Cow::Borrowed(gray),
        other => Cow::Owned(other.to_luma8()),
    };
    let mut plan = Plan {
        start: state.next % Step::ALL.len(),
        budget: state.budget.unwrap_or(LIVE_STEPS),
        spent: 0,
        last: None,
        // A state with a budget of its own (tests) counts steps only, whatever the machine.
        time: state.budget.is_none().then_some(LIVE_TIME),
        live: true,
    };
    let out = decode_steps(&gray, &mut plan);
    state.spent = plan.spent;
    // The next frame starts after the last step taken; a frame that took none (nothing
    // applied) leaves the rotation where it was.
    if let Some(last) = plan.last {
        state.next = (last + 1) % Step::ALL.len();
    }
    out
}

/// The steps after the base (steps 1 and 2 of the module docs), in full-effort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Step 3: the best triple's region rectified and given to rqrr.
    Rectify,
    /// Step 4: the retries on the n-th best triple.
    Retry(usize),
    /// Step 4: the finer binarisation.
    Fine,
    /// Step 5: rqrr on the binarised frame (inverted or not).
    Rqrr(bool),
    /// Step 6: the full-size frame (0 and 1: two binarisations, 2: smoothed).
    FullSize(usize),
}

impl Step {
    const ALL: [Step; 9] = [
        Step::Rectify,
        Step::Retry(0),
        Step::Retry(1),
        Step::Fine,
        Step::Rqrr(false),
        Step::Rqrr(true),
        Step::FullSize(0),
        Step::FullSize(1),
        Step::FullSize(2),
    ];
}

/// Which steps a frame takes: all in order (files, drops, the screen), or a live frame's
/// share of them.
struct Plan {
    /// The index in [`Step::ALL`] to start at (wrapping round).
    start: usize,
    /// How many steps may be taken.
    budget: u32,
    /// How many were taken.
    spent: u32,
    /// The index of the last step taken.
    last: Option<usize>,
    /// A live frame's time: past it, no step after the first is started.
    time: Option<Duration>,
    /// A live frame: the whole-frame rqrr pass only where a finder was located.
    live: bool,
}

impl Plan {
    fn full() -> Self {
        Plan {
            start: 0,
            budget: u32::MAX,
            spent: 0,
            last: None,
            time: None,
            live: false,
        }
    }
}

/// What steps 1 and 2 worked on and found, for the steps after them.
struct Base<'a> {
    /// The frame at full size.
    gray: &'a GrayImage,
    /// The frame the finder scan ran on (`gray`, downscaled when larger than [`WORK_SIZE`]).
    work: Cow<'a, GrayImage>,
    /// `gray`'s size over `work`'s.
    scale: f32,
    /// `work` binarised.
    bits: Vec<u8>,
    finders: Vec<locate::Finder>,
    triples: Vec<locate::Corners>,
    /// The noise of `work` (see [`locate::noise_sigma`]).
    sigma: f32,
}

/// The threshold margin of a binarisation (see [`locate::binarize`]) on a frame with noise
/// `sigma`: `least` on a clean frame, one and a half sigma on a noisy one. With a fixed small
/// margin, heavy noise (sigma 20-35) turns half of every flat area dark, and the finder scan
/// wades through tens of thousands of speckle candidates; at 1.5 sigma, 7% stay dark, while a
/// module (half the contrast, about 100 levels, from the local mean) keeps its colour.
fn margin(sigma: f32, least: u8) -> u8 {
    (sigma * 1.5).clamp(f32::from(least), 40.0) as u8
}

/// The pipeline of the module docs, taking the steps `plan` allows.
fn decode_steps(gray: &GrayImage, plan: &mut Plan) -> Vec<String> {
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let started = Instant::now();
    let work = if w.max(h) > WORK_SIZE {
        Cow::Owned(downscale(gray, WORK_SIZE))
    } else {
        Cow::Borrowed(gray)
    };
    let scale = w as f32 / work.width() as f32;
    let (ww, wh) = (work.width() as usize, work.height() as usize);
    // A window of about 1/32 of the frame: wide enough for the centre of a 12-pixel-module
    // finder, narrow enough that blur does not fill its light ring.
    let radius = (ww.max(wh) / 64).max(4);
    let sigma = locate::noise_sigma(&work);
    let mut bits = Vec::new();
    locate::binarize(&work, radius, margin(sigma, 5), &mut bits);
    let finders = locate::finders(&bits, ww, wh);
    let triples = locate::triples(&finders, TRIPLES);
    let base = Base {
        gray,
        work,
        scale,
        bits,
        finders,
        triples,
        sigma,
    };

    let out = read_triples(gray, scale, &base.bits, ww, wh, &base.triples);
    if !out.is_empty() {
        return out;
    }
    // Something code-like was located (a finder confirmed on several rows; a frame with no
    // code, even a noisy one, seldom has one) but not read: the extra effort (steps 4 and 6),
    // spent only on such frames, cheapest first (the full-size scan after rqrr's pass).
    let strong = strong_finders(&base.finders);
    let located = strong > 0;
    let live = plan.live;
    let applies = |step: Step| match step {
        Step::Rectify => !base.triples.is_empty(),
        Step::Retry(n) => located && n < RETRY_TRIPLES && n < base.triples.len(),
        Step::Fine => located,
        // rqrr groups its capstones pairwise: on a frame full of finder-like patterns (a
        // tiled wallpaper, a page of QR codes too small to read) it takes seconds. Such a
        // frame is not the blurred code this step is for. A live frame takes it only where a
        // code was located: most frames of a webcam show none, and each pass costs 3-12 ms
        // (every code of both corpora that rqrr's pass reads had a finder located).
        Step::Rqrr(_) => strong <= RQRR_MAX_FINDERS && (located || !live),
        Step::FullSize(_) => located && scale > 1.0,
    };
    let n = Step::ALL.len();
    for i in 0..n {
        if plan.spent >= plan.budget {
            break;
        }
        // A live frame's first step is always taken (so the rotation moves on however slow
        // the machine); the next only while the frame is within its time.
        if plan.spent > 0 && plan.time.is_some_and(|time| started.elapsed() >= time) {
            break;
        }
        let at = (plan.start + i) % n;
        let step = Step::ALL[at];
        if !applies(step) {
            continue;
        }
        plan.spent += 1;
        plan.last = Some(at);
        let found = take(step, &base);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// One step of [`decode_steps`]: the texts it read.
fn take(step: Step, base: &Base) -> Vec<String> {
    let Base {
        gray,
        ref work,
        scale,
        ref bits,
        ref triples,
        ..
    } = *base;
    let (ww, wh) = (work.width() as usize, work.height() as usize);
    match step {
        // On a noisy frame the rectified image is smoothed first (twice the small Gaussian,
        // well under a module at six pixels each): rqrr's own binarisation of the speckle
        // made capstone candidates by the hundred and took up to 40 ms.
        Step::Rectify => triples
            .first()
            .map(|corners| {
                let upright = locate::rectify(gray, corners, scale);
                if base.sigma >= NOISY_SIGMA {
                    read(&locate::smooth(&locate::smooth(&upright)))
                } else {
                    read(&upright)
                }
            })
            .unwrap_or_default(),
        // The same triples, sampled other ways.
        Step::Retry(n) => triples
            .get(n)
            .and_then(|corners| retry(gray, scale, bits, ww, wh, corners))
            .into_iter()
            .collect(),
        // A finer binarisation: a window of a few modules and a small margin keep the light
        // ring of a blurred finder light, where the wide window's mean (pulled down by the
        // dark finder itself) turned it dark. Only around the finders located: the code is
        // there, and a whole noisy frame costs 20-40 ms.
        Step::Fine => {
            // The well-confirmed finders and those of the best triples (a blurred code's
            // finders may be confirmed on a row or two only).
            let near = (base.finders.iter().filter(|f| f.count >= 3).copied())
                .chain(triples.iter().flat_map(locate::Corners::finders));
            let (x, y, cw, ch) = locate::region(near, ww, wh);
            let work = image::imageops::crop_imm(work.as_ref(), x, y, cw, ch).to_image();
            // The same area of the full-size frame, from the nearest pixel.
            let (gx, gy) = ((x as f32 * scale).round(), (y as f32 * scale).round());
            let gw = ((cw as f32 * scale).ceil() as u32).min(gray.width() - gx as u32);
            let gh = ((ch as f32 * scale).ceil() as u32).min(gray.height() - gy as u32);
            let gray = image::imageops::crop_imm(gray, gx as u32, gy as u32, gw, gh).to_image();
            locate_and_read(&gray, &work, scale, FINE_RADIUS, 2)
                .into_iter()
                .collect()
        }
        Step::Rqrr(invert) => read_bits(bits, ww, wh, invert),
        // Modules of about 2 pixels in a frame larger than the work size: the downscale
        // blurred their finders away; scan the frame itself, then (noise on modules too small
        // to average it out) the frame smoothed.
        Step::FullSize(k) => {
            let long = gray.width().max(gray.height()) as usize;
            let wide = (long / 64).max(4);
            match k {
                // The downscale averaged the noise away; the frame itself has all of it.
                0 => locate_and_read(gray, gray, 1.0, wide, margin(locate::noise_sigma(gray), 5)),
                1 => locate_and_read(gray, gray, 1.0, FINE_RADIUS, 2),
                _ => {
                    let smooth = locate::smooth(gray);
                    locate_and_read(&smooth, &smooth, 1.0, wide, 5)
                }
            }
            .into_iter()
            .collect()
        }
    }
}

/// Step 2: the grids of each triple (best first; a triple sharing a finder with one already
/// read is skipped), every distinct text read.
fn read_triples(
    gray: &GrayImage,
    scale: f32,
    bits: &[u8],
    w: usize,
    h: usize,
    triples: &[locate::Corners],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut used: Vec<locate::Finder> = Vec::new();
    for corners in triples {
        let [a, b, c] = corners.finders();
        if used.iter().any(|f| *f == a || *f == b || *f == c) {
            continue;
        }
        for grid in locate::sample(gray, scale, bits, w, h, corners) {
            if let Ok((_, text)) = rqrr::Grid::new(grid).decode() {
                push_new(&mut out, text);
                used.extend([a, b, c]);
                break;
            }
        }
    }
    out
}

/// Steps 1 and 2 with another binarisation of `work` (`scale` maps it into `gray`), then the
/// retries on its best triples: the first text read.
fn locate_and_read(
    gray: &GrayImage,
    work: &GrayImage,
    scale: f32,
    radius: usize,
    delta: u8,
) -> Option<String> {
    let (w, h) = (work.width() as usize, work.height() as usize);
    let mut bits = Vec::new();
    locate::binarize(work, radius, delta, &mut bits);
    let triples = locate::triples(&locate::finders(&bits, w, h), TRIPLES);
    if let Some(text) = read_triples(gray, scale, &bits, w, h, &triples)
        .into_iter()
        .next()
    {
        return Some(text);
    }
    triples
        .iter()
        .take(RETRY_TRIPLES)
        .find_map(|corners| retry(gray, scale, &bits, w, h, corners))
}

/// Step 2 again for a triple whose grids did not decode, with every [`locate::Sampling`]
/// retry on every size that fits: module values averaged over a patch (noise, moire),
/// sharpened in module space (blur), a tighter threshold window. Each fit's values are read
/// once; each retry is a thresholding and an rqrr decode, a fraction of a millisecond.
fn retry(
    gray: &GrayImage,
    scale: f32,
    bits: &[u8],
    w: usize,
    h: usize,
    corners: &locate::Corners,
) -> Option<String> {
    for fit in locate::fits(bits, w, h, corners) {
        let (Some(patch), Some(centre)) = (
            locate::module_values(gray, scale, &fit, true),
            locate::module_values(gray, scale, &fit, false),
        ) else {
            continue;
        };
        for how in locate::Sampling::RETRIES {
            let values = if how.patch { &patch } else { &centre };
            let grid = values.threshold(how.sharpen, how.window);
            // Looser than step 2's filter: blur breaks more of the timing pattern, and the
            // decoder's error correction still tells a right grid from a wrong one.
            if grid.timing_errors() * 3 > grid.size {
                continue;
            }
            if let Ok((_, text)) = rqrr::Grid::new(grid).decode() {
                return Some(text);
            }
        }
    }
    None
}

fn push_new(out: &mut Vec<String>, text: String) {
    if !out.contains(&text) {
        out.push(text);
    }
}

/// One rqrr pass with its own binarisation: every grid it finds that decodes.
fn read(gray: &GrayImage) -> Vec<String> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    survive_rqrr(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x]);
        let mut out = Vec::new();
        for grid in prepared.detect_grids() {
            if let Ok((_, text)) = grid.decode() {
                push_new(&mut out, text);
            }
        }
        out
    })
}

/// One rqrr pass over a bitmap (1 = dark; 0 = dark when `invert`).
fn read_bits(bits: &[u8], w: usize, h: usize, invert: bool) -> Vec<String> {
    let dark = u8::from(!invert);
    survive_rqrr(|| {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| bits[y * w + x] == dark);
        let mut out = Vec::new();
        for grid in prepared.detect_grids() {
            if let Ok((_, text)) = grid.decode() {
                push_new(&mut out, text);
            }
        }
        out
    })
}

/// `pass`, or no text when rqrr panics: its grid detection (0.11) asserts on some frames (a
/// perspective mapped out of `i32` range), and a frame from a file, the screen or the clipboard
/// must not take the app or the CLI down. Nothing outlives the pass, so nothing is left broken.
fn survive_rqrr(pass: impl FnOnce() -> Vec<String>) -> Vec<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(pass)).unwrap_or_else(|_| {
        tracing::warn!("the QR decoder panicked on a frame; read as no code");
        Vec::new()
    })
}

/// Area-average downscale so the long side is at most `long` pixels.
fn downscale(src: &GrayImage, long: u32) -> GrayImage {
    let (w, h) = src.dimensions();
    let cur = w.max(h);
    if cur <= long || long == 0 {
        return src.clone();
    }
    let nw = ((u64::from(w) * u64::from(long) / u64::from(cur)) as u32).max(1);
    let nh = ((u64::from(h) * u64::from(long) / u64::from(cur)) as u32).max(1);
    // Source column span of each output column, computed once.
    let xs: Vec<(usize, usize)> = (0..nw)
        .map(|x| {
            let a = (u64::from(x) * u64::from(w) / u64::from(nw)) as usize;
            let b = ((u64::from(x + 1) * u64::from(w) / u64::from(nw)) as usize).max(a + 1);
            (a, b)
        })
        .collect();
    let raw = src.as_raw();
    let sw = w as usize;
    let mut out = GrayImage::new(nw, nh);
    let mut row_sum = vec![0u32; sw];
    for y in 0..nh {
        let a = (u64::from(y) * u64::from(h) / u64::from(nh)) as usize;
        let b = ((u64::from(y + 1) * u64::from(h) / u64::from(nh)) as usize).max(a + 1);
        row_sum.iter_mut().for_each(|s| *s = 0);
        for sy in a..b {
            for (s, &p) in row_sum.iter_mut().zip(&raw[sy * sw..(sy + 1) * sw]) {
                *s += u32::from(p);
            }
        }
        let rows = (b - a) as u32;
        for (x, &(xa, xb)) in xs.iter().enumerate() {
            let sum: u32 = row_sum[xa..xb].iter().sum();
            out.put_pixel(
                x as u32,
                y,
                image::Luma([(sum / (rows * (xb - xa) as u32)) as u8]),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::testutil::draw;

    const URI: &str = "otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

    /// Found by the fuzz harness (issue 16): rqrr 0.11 asserts (`x <= i32::MAX as f64` in its
    /// perspective mapping) on this 33x33 frame, a QR code at one pixel per module with a few
    /// modules flipped ('?' is grey level 1). A frame from a file, the screen or the clipboard
    /// must not take the app or the CLI down.
    #[test]
    fn a_frame_that_makes_rqrr_panic_reads_as_no_code() {
        const ROWS: [&str; 33] = [
            ".................................",
            ".................................",
            ".................................",
            ".................................",
            "....#######.#.#..#.##########....",
            "....#.....#.......#.#.#.....#....",
            "....#.###.#..#..#.#...#.###.#....",
            "....#.###.#.###..##...#.###.#....",
            "....#.###.#.#.##.###..#.###.#....",
            "....#.....#.#..#.#..#.#.....#....",
            "....#######.#.#.#.#.#.#######....",
            "............#.#...###............",
            "....#...#.###.##.....#####..#....",
            ".....#.###..#....####..##..#.....",
            ".....##...##..#.##.#..#####......",
            "....##.###.#.#.#..#...###.##.....",
            "....#..##.#.##.##..#.###..###....",
            "....###..#......##.#.#.##..#.....",
            "......#..###..####.##...#.#......",
            ".........#...#.#...###..#.#.#....",
            "....###..##.....#...########.....",
            "............##...####...##.......",
            "....#######.##.##.#.#.#.#.#......",
            "....#.....#..#.#..#.#...#.###....",
            "....#.###.#.#.#.#...#######......",
            "....#.###.#..##..#...##..#.##....",
            "....#.###.#..#.##.#.##...###.....",
            "....#.....#...###.....#...##.....",
            "....#######.#.##..##.#.#..###...?",
            ".................................",
            ".................................",
            ".................................",
            ".................................",
        ];
        let gray = GrayImage::from_fn(33, 33, |x, y| {
            image::Luma([match ROWS[y as usize].as_bytes()[x as usize] {
                b'#' => 0,
                b'?' => 1,
                _ => 255,
            }])
        });
        assert_eq!(decode_gray(&gray), Vec::<String>::new());
    }

    #[test]
    fn reads_a_plain_code() {
        assert_eq!(
            decode_gray(&draw(URI, 6, (640, 480), (100, 100))),
            vec![URI]
        );
    }

    #[test]
    fn reads_an_inverted_code() {
        let mut img = draw(URI, 6, (640, 480), (100, 100));
        image::imageops::invert(&mut img);
        assert_eq!(decode_gray(&img), vec![URI]);
    }

    #[test]
    fn reads_small_modules_in_a_large_frame() {
        // 2-pixel modules in a 1080p frame: lost in the 1280 downscale, found at full size.
        let img = draw(URI, 2, (1920, 1080), (900, 500));
        assert_eq!(decode_gray(&img), vec![URI]);
    }

    #[test]
    fn reads_low_contrast() {
        let img = draw(URI, 5, (640, 480), (50, 50));
        let low = GrayImage::from_fn(640, 480, |x, y| {
            image::Luma([110 + img.get_pixel(x, y).0[0] / 12])
        });
        assert_eq!(decode_gray(&low), vec![URI]);
    }

    #[test]
    fn finds_nothing_in_a_blank_or_empty_frame() {
        assert!(decode_gray(&GrayImage::from_pixel(320, 240, image::Luma([200]))).is_empty());
        assert!(decode_gray(&GrayImage::new(0, 0)).is_empty());
    }

    /// Odd shapes, noise and finder-like patterns everywhere: no panic, nothing invented, and
    /// no pathological slowness (a tiled pattern once cost rqrr 70 s a frame).
    #[test]
    fn odd_frames_neither_panic_nor_invent_codes() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        };
        for (w, h) in [
            (1, 1),
            (1, 700),
            (700, 1),
            (7, 7),
            (21, 21),
            (40, 2100),
            (2100, 40),
        ] {
            let img = GrayImage::from_fn(w, h, |_, _| image::Luma([noise()]));
            assert!(decode_gray(&img).is_empty(), "{w}x{h} noise");
        }
        // Finder patterns (1:1:3:1:1) tiled over the frame, at several sizes.
        for unit in [1u32, 2, 3, 5] {
            let img = GrayImage::from_fn(640, 360, |x, y| {
                let (mx, my) = ((x / unit) % 9, (y / unit) % 9);
                let ring = mx.min(my).min(8 - mx).min(8 - my);
                image::Luma([if ring == 1 || ring >= 3 { 0 } else { 255 }])
            });
            let mut bits = Vec::new();
            locate::binarize(&img, 10, 5, &mut bits);
            assert!(strong_finders(&locate::finders(&bits, 640, 360)) > RQRR_MAX_FINDERS);
            assert!(decode_gray(&img).is_empty(), "tiled finders of unit {unit}");
        }
    }

    /// A box blur of `r` pixels each way: a defocused code.
    fn box_blur(img: &GrayImage, r: i64) -> GrayImage {
        let (w, h) = (i64::from(img.width()), i64::from(img.height()));
        GrayImage::from_fn(img.width(), img.height(), |x, y| {
            let (mut sum, mut n) = (0u32, 0u32);
            for dy in -r..=r {
                for dx in -r..=r {
                    let (sx, sy) = (i64::from(x) + dx, i64::from(y) + dy);
                    if sx >= 0 && sy >= 0 && sx < w && sy < h {
                        sum += u32::from(img.get_pixel(sx as u32, sy as u32).0[0]);
                        n += 1;
                    }
                }
            }
            image::Luma([(sum / n) as u8])
        })
    }

    /// The live path with a budget of one step a frame: a code the first steps cannot read
    /// (blurred) is still read within a few frames of the same view, each frame takes at most
    /// its budget, and the steps rotate rather than repeat.
    #[test]
    fn live_frames_keep_their_budget_and_rotate_the_steps() {
        let hard = DynamicImage::ImageLuma8(box_blur(&draw(URI, 5, (480, 360), (100, 60)), 3));
        // A frame that needs more than the base steps, and that the full effort reads.
        assert!(decode_frame(&hard, &mut LiveState::with_budget(0)).is_empty());
        assert_eq!(decode_image(&hard), vec![URI]);

        let mut state = LiveState::with_budget(1);
        let mut starts = Vec::new();
        let mut read_at = None;
        for frame in 1..=Step::ALL.len() {
            starts.push(state.next);
            let found = decode_frame(&hard, &mut state);
            assert!(
                state.spent() <= 1,
                "frame {frame} took {} steps",
                state.spent()
            );
            if !found.is_empty() {
                assert_eq!(found, vec![URI]);
                read_at = Some(frame);
                break;
            }
            assert_eq!(state.spent(), 1, "frame {frame} took no step");
        }
        let read_at = read_at.expect("read live within as many frames as there are steps");
        assert!(read_at >= 2, "one step was enough: not a hard frame");
        assert!(read_at <= 5, "read only at frame {read_at}");
        // Each frame started where the previous one stopped.
        starts.dedup();
        assert_eq!(starts.len(), read_at);

        // A frame with no code takes at most its budget too, and nothing is invented.
        let blank = DynamicImage::ImageLuma8(GrayImage::from_pixel(480, 360, image::Luma([90])));
        let mut state = LiveState::default();
        for _ in 0..4 {
            assert!(decode_frame(&blank, &mut state).is_empty());
            assert!(state.spent() <= LIVE_STEPS);
        }
        // Nor does a live frame with no code located spend any extra effort, though the full
        // effort would try rqrr's whole-frame pass on it: flat, or a webcam's noise (about
        // Gaussian, sigma 25).
        let mut byte = crate::qr::testutil::noise(0x2545_F491);
        let noise = GrayImage::from_fn(480, 360, |_, _| {
            let sum: i32 = (0..4).map(|_| i32::from(byte())).sum();
            image::Luma([(128 + (sum - 510) / 6).clamp(0, 255) as u8])
        });
        for frame in [GrayImage::from_pixel(480, 360, image::Luma([90])), noise] {
            let mut state = LiveState::default();
            for _ in 0..Step::ALL.len() {
                assert!(
                    decode_frame(&DynamicImage::ImageLuma8(frame.clone()), &mut state).is_empty()
                );
                assert_eq!(state.spent(), 0);
            }
        }
    }

    /// The live path reads every frame the full effort reads, given enough frames: the
    /// rotation reaches every step.
    #[test]
    fn live_frames_read_what_the_full_effort_reads() {
        for img in [
            draw(URI, 2, (1920, 1080), (900, 500)),
            box_blur(&draw(URI, 5, (480, 360), (100, 60)), 3),
        ] {
            let img = DynamicImage::ImageLuma8(img);
            let mut state = LiveState::with_budget(1);
            let read = (0..Step::ALL.len()).any(|_| !decode_frame(&img, &mut state).is_empty());
            assert!(read);
        }
    }

    #[test]
    fn downscale_keeps_the_aspect_and_averages() {
        let img = draw(URI, 4, (1000, 500), (0, 0));
        assert_eq!(downscale(&img, 300).dimensions(), (300, 150));
        let checker = GrayImage::from_fn(4, 4, |x, y| {
            image::Luma([if (x + y) % 2 == 0 { 0 } else { 200 }])
        });
        assert_eq!(downscale(&checker, 2).as_raw(), &vec![100u8; 4]);
    }

    #[test]
    fn reads_two_pixel_modules_at_720p() {
        // Corpus condition small_modules: rqrr alone loses these (its capstone corners are a
        // pixel off), the finder scan and grid sampling do not.
        let img = draw(URI, 2, (1280, 720), (611, 333));
        assert_eq!(decode_gray(&img), vec![URI]);
    }

    #[test]
    fn reads_a_rotated_code() {
        let src = draw(URI, 6, (640, 640), (170, 170));
        let (s, c) = 17f32.to_radians().sin_cos();
        let rotated = GrayImage::from_fn(640, 640, |x, y| {
            let (dx, dy) = (x as f32 - 320.0, y as f32 - 320.0);
            let (sx, sy) = (dx * c + dy * s + 320.0, -dx * s + dy * c + 320.0);
            if sx < 0.0 || sy < 0.0 || sx >= 640.0 || sy >= 640.0 {
                image::Luma([255])
            } else {
                *src.get_pixel(sx as u32, sy as u32)
            }
        });
        assert_eq!(decode_gray(&rotated), vec![URI]);
    }

    #[test]
    fn reads_two_codes_in_one_frame() {
        let other = "otpauth://totp/ACME:eve?secret=KRSXG5CTMVRXEZLU&issuer=ACME";
        let mut img = draw(URI, 4, (900, 400), (40, 60));
        let second = draw(other, 4, (900, 400), (500, 60));
        for (x, y, p) in img.enumerate_pixels_mut() {
            p.0[0] = p.0[0].min(second.get_pixel(x, y).0[0]);
        }
        let mut found = decode_gray(&img);
        found.sort();
        let mut want = vec![URI.to_string(), other.to_string()];
        want.sort();
        assert_eq!(found, want);
    }
}
