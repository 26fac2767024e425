//! Finding QR codes in a frame before rqrr reads them: local-mean binarisation, a finder-pattern
//! scan, and rectification of the region three finder patterns span into a small upright image.
//!
//! rqrr (quirc) fits its grid from the corners of each finder pattern; with 2-3 pixel modules,
//! blur or a little rotation those corners are a pixel off, its perspective extrapolation
//! misses the other two finders, and the code is not found although all three finders were.
//! The scan here locates finders by their centres (the 1:1:3:1:1 run test, cross-checked
//! vertically and horizontally, as ZXing and zbar do), which stays stable in those cases, and
//! [`rectify`] then hands rqrr the code upright with about [`MODULE_PX`] pixels per module. It
//! owns no decoding: [`super::decode`] decides which images rqrr sees. Pure pixel arithmetic;
//! no allocation per pixel.

use image::GrayImage;

/// Pixels per module in a rectified image: large enough for rqrr's corner fitting, small
/// enough that the crop stays cheap.
pub(crate) const MODULE_PX: f32 = 6.0;

/// The longest side of a rectified image: a triple spanning more than about 75 modules gets
/// fewer pixels per module (still 3 at the widest triple [`triples`] accepts), as rqrr's
/// detection on a noisy 1400-pixel square takes 40 ms and a code that large is seldom one.
pub(crate) const RECTIFY_SIDE: f32 = 720.0;

/// Local-mean binarisation into `out` (1 = dark, 0 = light): a pixel is dark when it is more
/// than `delta` below the mean of the `(2 * radius + 1)^2` window around it (clamped at the
/// edges). A window mean follows uneven light, and `delta` keeps flat areas light instead of
/// turning sensor noise into speckle.
pub(crate) fn binarize(gray: &GrayImage, radius: usize, delta: u8, out: &mut Vec<u8>) {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    out.clear();
    out.resize(w * h, 0);
    if w == 0 || h == 0 {
        return;
    }
    // Column sums over the rows of the current window, then a running sum along the row.
    let mut col = vec![0u32; w];
    let (mut top, mut bottom) = (0usize, 0usize);
    let delta = u32::from(delta);
    for y in 0..h {
        let (want_top, want_bottom) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        while bottom < want_bottom {
            for (c, &p) in col.iter_mut().zip(&raw[bottom * w..(bottom + 1) * w]) {
                *c += u32::from(p);
            }
            bottom += 1;
        }
        while top < want_top {
            for (c, &p) in col.iter_mut().zip(&raw[top * w..(top + 1) * w]) {
                *c -= u32::from(p);
            }
            top += 1;
        }
        let rows = (bottom - top) as u32;
        let row = &raw[y * w..(y + 1) * w];
        let dst = &mut out[y * w..(y + 1) * w];
        // The window of column x is [x - radius, x + radius] clamped to the row. Three runs:
        // the left edge (the window grows), the middle (full width: the running sum gains a
        // column and loses one, without a test per pixel), the right edge (it shrinks).
        let dark = |p: u8, sum: u32, width: usize| {
            u8::from((u32::from(p) + delta) * rows * (width as u32) < sum)
        };
        let mut sum: u32 = col[..radius.min(w)].iter().sum();
        let grown = (radius + 1).min(w);
        let shrink = w.saturating_sub(radius).max(grown);
        for x in 0..grown {
            if x + radius < w {
                sum += col[x + radius];
            }
            dst[x] = dark(row[x], sum, (x + radius + 1).min(w));
        }
        let n = rows * (2 * radius + 1) as u32;
        for x in grown..shrink {
            sum = sum + col[x + radius] - col[x - radius - 1];
            dst[x] = u8::from((u32::from(row[x]) + delta) * n < sum);
        }
        for x in shrink..w {
            sum -= col[x - radius - 1];
            dst[x] = dark(row[x], sum, w - (x - radius));
        }
    }
}

/// The sensor noise of a frame, as the standard deviation in grey levels it would have if it
/// were Gaussian: the median absolute difference of horizontally adjacent pixels (every
/// third row) over 0.954 (the median of |N(0, 2 sigma^2)|). Edges are too few to move the
/// median; a clean frame gives 0-2, a noisy webcam 5-10.
pub(crate) fn noise_sigma(gray: &GrayImage) -> f32 {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    let mut hist = [0u32; 256];
    let mut n = 0u32;
    for y in (0..h).step_by(3) {
        let row = &raw[y * w..(y + 1) * w];
        for pair in row.windows(2) {
            hist[usize::from(pair[0].abs_diff(pair[1]))] += 1;
            n += 1;
        }
    }
    if n == 0 {
        return 0.0;
    }
    let mut seen = 0u32;
    for (d, &count) in hist.iter().enumerate() {
        seen += count;
        if 2 * seen >= n {
            return d as f32 / 0.954;
        }
    }
    0.0
}

/// The frame smoothed by a small Gaussian (1-4-1 each way, sigma about 0.6 pixel; edges
/// clamp): sensor noise at half its strength, for modules too small to average it out over,
/// while 2-pixel modules stay apart.
pub(crate) fn smooth(gray: &GrayImage) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    if w == 0 || h == 0 {
        return gray.clone();
    }
    // Rows first (up to 6 * 255), then columns.
    let mut rows = vec![0u16; w * h];
    for (src, dst) in raw.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        for x in 0..w {
            let (l, r) = (x.saturating_sub(1), (x + 1).min(w - 1));
            dst[x] = u16::from(src[l]) + 4 * u16::from(src[x]) + u16::from(src[r]);
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let (u, d) = (y.saturating_sub(1), (y + 1).min(h - 1));
        for x in 0..w {
            let sum = u32::from(rows[u * w + x])
                + 4 * u32::from(rows[y * w + x])
                + u32::from(rows[d * w + x]);
            out[y * w + x] = ((sum + 18) / 36) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_default()
}

/// A finder pattern (the 7x7 corner square): its centre, module size and how many scan rows
/// confirmed it. `dark` is false for light-on-dark (inverted) codes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Finder {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    pub count: u32,
    pub dark: bool,
}

/// The module size when five runs fit 1:1:3:1:1 (ZXing's tolerance, half a module on the
/// sides and one and a half in the middle, plus half a pixel).
fn ratio_module(runs: &[usize; 5]) -> Option<f32> {
    let total: usize = runs.iter().sum();
    if total < 7 {
        return None;
    }
    let m = total as f32 / 7.0;
    // Half a pixel more than ZXing: at 2-3 pixel modules one anti-aliased pixel is a third of
    // a module.
    let tol = m / 2.0 + 0.5;
    let side = |r: usize| (r as f32 - m).abs() < tol;
    (side(runs[0])
        && side(runs[1])
        && (runs[2] as f32 - 3.0 * m).abs() < 3.0 * m / 2.0 + 1.0
        && side(runs[3])
        && side(runs[4]))
    .then_some(m)
}

/// The five runs through (`x`, `y`) along a line (`step` apart in `bits`, `len` pixels long,
/// the pixel at `pos`), centred on a run of `centre` colour: the runs and the centre of the
/// middle run, or `None` when they are not 1:1:3:1:1 or longer than `max` in total.
fn cross_check(
    bits: &[u8],
    start: usize,
    step: usize,
    len: usize,
    pos: usize,
    centre: u8,
    max: usize,
) -> Option<([usize; 5], f32)> {
    let at = |i: usize| bits[start + i * step];
    if at(pos) != centre {
        return None;
    }
    let mut runs = [0usize; 5];
    // Backwards: the middle run, then the ring gap, then the ring.
    let mut i = pos as isize;
    for (slot, colour) in [(2usize, centre), (1, 1 - centre), (0, centre)] {
        while i >= 0 && at(i as usize) == colour && runs[slot] <= max {
            runs[slot] += 1;
            i -= 1;
        }
        if runs[slot] == 0 || runs[slot] > max {
            return None;
        }
    }
    let first = (i + 1) as usize + runs[0] + runs[1];
    let mut j = pos + 1;
    for (slot, colour) in [(2usize, centre), (3, 1 - centre), (4, centre)] {
        while j < len && at(j) == colour && runs[slot] <= max {
            runs[slot] += 1;
            j += 1;
        }
        if runs[slot] == 0 || runs[slot] > max {
            return None;
        }
    }
    if runs.iter().sum::<usize>() > max {
        return None;
    }
    ratio_module(&runs)?;
    Some((runs, first as f32 + runs[2] as f32 / 2.0))
}

/// Every finder pattern in the bitmap, dark-on-light and light-on-dark, merged across the
/// rows that saw it, most confirmed first.
pub(crate) fn finders(bits: &[u8], w: usize, h: usize) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    if bits.len() != w * h || w < 7 || h < 7 {
        return found;
    }
    for y in 0..h {
        let row = &bits[y * w..(y + 1) * w];
        let mut runs = [0usize; 5];
        let mut filled = 0usize;
        let mut run = 1usize;
        for x in 1..=w {
            if x < w && row[x] == row[x - 1] {
                run += 1;
                continue;
            }
            runs.rotate_left(1);
            runs[4] = run;
            run = 1;
            filled += 1;
            // The run that just ended is the last of the five; its colour is row[x - 1].
            if filled < 5 || ratio_module(&runs).is_none() {
                continue;
            }
            let centre = row[x - 1];
            let end = x;
            let cx = end - runs[4] - runs[3] - runs[2] / 2 - 1;
            let htotal: usize = runs.iter().sum();
            if let Some(f) = confirm(bits, w, h, cx, y, centre, htotal) {
                merge(&mut found, f);
            }
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.count));
    found
}

/// Cross-checks a row hit at (`cx`, `y`) vertically, then horizontally again through the
/// vertical centre.
fn confirm(
    bits: &[u8],
    w: usize,
    h: usize,
    cx: usize,
    y: usize,
    centre: u8,
    htotal: usize,
) -> Option<Finder> {
    let max = htotal * 2;
    let (vruns, vy) = cross_check(bits, cx, w, h, y, centre, max)?;
    let vtotal: usize = vruns.iter().sum();
    if 5 * htotal.abs_diff(vtotal) >= 3 * htotal.max(vtotal) {
        return None;
    }
    let ry = (vy as usize).min(h - 1);
    let (hruns, hx) = cross_check(bits, ry * w, 1, w, cx, centre, max)?;
    let htotal2: usize = hruns.iter().sum();
    if 5 * htotal2.abs_diff(vtotal) >= 3 * htotal2.max(vtotal) {
        return None;
    }
    Some(Finder {
        x: hx + 0.5,
        y: vy + 0.5,
        module: (htotal2 + vtotal) as f32 / 14.0,
        count: 1,
        dark: centre == 1,
    })
}

fn merge(found: &mut Vec<Finder>, f: Finder) {
    // Rows are scanned top to bottom, so a finder seen before lies near the end of the list:
    // stop looking once the candidates are well above this one (noise makes thousands).
    for g in found.iter_mut().rev() {
        if g.y + 8.0 * g.module.max(f.module) < f.y {
            break;
        }
        let near = (g.x - f.x).abs() <= g.module.max(f.module)
            && (g.y - f.y).abs() <= g.module.max(f.module);
        if near && g.dark == f.dark && (g.module - f.module).abs() <= g.module.max(1.0) {
            let n = g.count as f32;
            g.x = (g.x * n + f.x) / (n + 1.0);
            g.y = (g.y * n + f.y) / (n + 1.0);
            g.module = (g.module * n + f.module) / (n + 1.0);
            g.count += 1;
            return;
        }
    }
    found.push(f);
}

/// How far, in modules, the rest of a code may reach from one of its finders' centres: the
/// diagonal of a version-15 code (77 modules), whatever the rotation.
const REACH: f32 = 110.0;

/// The part of a `w` x `h` frame a code with one of `finders` can lie in, as `(x, y, width,
/// height)`: the whole frame when there are none.
pub(crate) fn region(
    finders: impl IntoIterator<Item = Finder>,
    w: usize,
    h: usize,
) -> (u32, u32, u32, u32) {
    let mut bounds: Option<(f32, f32, f32, f32)> = None;
    for f in finders {
        let r = REACH * f.module;
        let (x0, y0, x1, y1) = (f.x - r, f.y - r, f.x + r, f.y + r);
        bounds = Some(match bounds {
            None => (x0, y0, x1, y1),
            Some((a, b, c, d)) => (a.min(x0), b.min(y0), c.max(x1), d.max(y1)),
        });
    }
    let Some((x0, y0, x1, y1)) = bounds else {
        return (0, 0, w as u32, h as u32);
    };
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max) as u32;
    let (x0, y0) = (clamp(x0, w), clamp(y0, h));
    let (x1, y1) = (clamp(x1.ceil(), w), clamp(y1.ceil(), h));
    (x0, y0, x1 - x0, y1 - y0)
}

/// Three finders that may be the corners of one code: top-left (the right angle), top-right,
/// bottom-left, and the estimated distance between finder centres in modules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Corners {
    pub tl: Finder,
    pub tr: Finder,
    pub bl: Finder,
    pub span: f32,
    score: f32,
}

impl Corners {
    /// The three finders, top-left first.
    pub(crate) fn finders(&self) -> [Finder; 3] {
        [self.tl, self.tr, self.bl]
    }
}

/// The most code-like triples of `finders` (best first, at most `limit`): one polarity, similar
/// module sizes, a near-isosceles right angle, between 10 and 180 modules across.
pub(crate) fn triples(finders: &[Finder], limit: usize) -> Vec<Corners> {
    // The best-confirmed finders only: clutter can add dozens of one-row hits.
    let pool: Vec<&Finder> = finders.iter().take(16).collect();
    let mut out: Vec<Corners> = Vec::new();
    for i in 0..pool.len() {
        for j in i + 1..pool.len() {
            for k in j + 1..pool.len() {
                if let Some(c) = corners(pool[i], pool[j], pool[k]) {
                    out.push(c);
                }
            }
        }
    }
    out.sort_by(|a, b| a.score.total_cmp(&b.score));
    out.truncate(limit);
    out
}

fn corners(a: &Finder, b: &Finder, c: &Finder) -> Option<Corners> {
    if a.dark != b.dark || a.dark != c.dark {
        return None;
    }
    let (lo, hi) = (
        a.module.min(b.module).min(c.module),
        a.module.max(b.module).max(c.module),
    );
    if hi > lo * 1.7 {
        return None;
    }
    let d = |p: &Finder, q: &Finder| (p.x - q.x).hypot(p.y - q.y);
    let (ab, bc, ca) = (d(a, b), d(b, c), d(c, a));
    // The right angle is opposite the longest side.
    let (tl, p, q, hyp) = if bc >= ab && bc >= ca {
        (a, b, c, bc)
    } else if ca >= ab {
        (b, c, a, ca)
    } else {
        (c, a, b, ab)
    };
    let (l1, l2) = (d(tl, p), d(tl, q));
    if l1.min(l2) < l1.max(l2) * 0.6 {
        return None;
    }
    let right = l1.hypot(l2);
    if !(0.8..1.25).contains(&(hyp / right)) {
        return None;
    }
    let module = (a.module + b.module + c.module) / 3.0;
    let span = (l1 + l2) / 2.0 / module;
    if !(10.0..180.0).contains(&span) {
        return None;
    }
    // Clockwise in image coordinates (y down): top-right, then bottom-left.
    let cross = (p.x - tl.x) * (q.y - tl.y) - (p.y - tl.y) * (q.x - tl.x);
    let (tr, bl) = if cross > 0.0 { (p, q) } else { (q, p) };
    let score = (1.0 - l1.min(l2) / l1.max(l2))
        + (1.0 - hyp / right).abs()
        + (hi - lo) / hi
        + 1.0 / (a.count.min(b.count).min(c.count) as f32);
    Some(Corners {
        tl: *tl,
        tr: *tr,
        bl: *bl,
        span,
        score,
    })
}

/// The region the corners span, resampled (bilinear) so the code is upright with
/// [`MODULE_PX`] pixels per module (fewer when the side would pass [`RECTIFY_SIDE`]) and dark
/// on light, with a margin wide enough for the quiet zone and for the perspective an affine
/// map cannot follow. `scale` maps the corners' coordinates into `gray` (a finder found in a
/// downscaled copy, sampled at full size).
pub(crate) fn rectify(gray: &GrayImage, c: &Corners, scale: f32) -> GrayImage {
    // Finder centre to code edge (3.5 modules), a 4-module quiet zone, and 15% of the span
    // for perspective.
    let modules = c.span + 2.0 * (7.5 + 0.15 * c.span);
    let px = MODULE_PX.min(RECTIFY_SIDE / modules);
    let span_px = c.span * px;
    let margin = (7.5 + 0.15 * c.span) * px;
    let side = (span_px + 2.0 * margin).ceil().max(1.0) as u32;
    let (ox, oy) = (c.tl.x * scale, c.tl.y * scale);
    let ux = (
        (c.tr.x - c.tl.x) * scale / span_px,
        (c.tr.y - c.tl.y) * scale / span_px,
    );
    let vy = (
        (c.bl.x - c.tl.x) * scale / span_px,
        (c.bl.y - c.tl.y) * scale / span_px,
    );
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    let invert = !c.tl.dark;
    let mut out = vec![0u8; (side * side) as usize];
    for (oyi, row) in out.chunks_exact_mut(side as usize).enumerate() {
        let v = oyi as f32 + 0.5 - margin;
        for (oxi, px) in row.iter_mut().enumerate() {
            let u = oxi as f32 + 0.5 - margin;
            let sx = ox + u * ux.0 + v * vy.0 - 0.5;
            let sy = oy + u * ux.1 + v * vy.1 - 0.5;
            let value = bilinear(raw, w, h, sx, sy);
            *px = if invert { 255 - value } else { value };
        }
    }
    GrayImage::from_raw(side, side, out).unwrap_or_default()
}

/// The pixel value at (`x`, `y`) interpolated between its four neighbours (edges clamp).
fn bilinear(raw: &[u8], w: usize, h: usize, x: f32, y: f32) -> u8 {
    if w == 0 || h == 0 {
        return 255;
    }
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: usize, yy: usize| f32::from(raw[yy * w + xx]);
    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
    let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
    (top + (bottom - top) * fy + 0.5) as u8
}

/// The distance from a finder's centre to the outer edge of its ring along (`dx`, `dy`)
/// (3.5 modules), or `None` when the line leaves the image or the runs do not end.
fn ring_reach(bits: &[u8], w: usize, h: usize, f: &Finder, dx: f32, dy: f32) -> Option<f32> {
    let limit = f.module * 8.0;
    let centre = u8::from(f.dark);
    let mut colour = centre;
    let mut changes = 0;
    let mut t = 0.0f32;
    while t < limit {
        let (x, y) = (f.x + dx * t, f.y + dy * t);
        if x < 0.0 || y < 0.0 || x >= w as f32 || y >= h as f32 {
            return None;
        }
        let p = bits[y as usize * w + x as usize];
        if p != colour {
            colour = p;
            changes += 1;
            if changes == 3 {
                return Some(t);
            }
        }
        t += 0.5;
    }
    None
}

/// The module size along the line between two finders, measured on both of their rings
/// (what ZXing does: a finder's bounding box overstates it when the code is rotated).
fn module_between(bits: &[u8], w: usize, h: usize, a: &Finder, b: &Finder) -> Option<f32> {
    let d = (b.x - a.x).hypot(b.y - a.y);
    if d <= 0.0 {
        return None;
    }
    let (dx, dy) = ((b.x - a.x) / d, (b.y - a.y) / d);
    let mut sum = 0.0;
    let mut n = 0.0;
    for r in [
        ring_reach(bits, w, h, a, dx, dy),
        ring_reach(bits, w, h, a, -dx, -dy),
        ring_reach(bits, w, h, b, -dx, -dy),
        ring_reach(bits, w, h, b, dx, dy),
    ]
    .into_iter()
    .flatten()
    {
        sum += r;
        n += 1.0;
    }
    (n > 0.0).then(|| sum / n / 3.5)
}

/// A projective map from grid coordinates (modules) to image coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Homography([f64; 8]);

impl Homography {
    /// The map taking each `from[i]` to `to[i]`, or `None` when the points are degenerate.
    pub(crate) fn from_points(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<Self> {
        // x' = (a x + b y + c) / (g x + h y + 1), y' = (d x + e y + f) / (g x + h y + 1).
        let mut m = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let ((x, y), (u, v)) = (from[i], to[i]);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-9 {
                return None;
            }
            m.swap(col, pivot);
            let pivot_row = m[col];
            for (r, row) in m.iter_mut().enumerate() {
                if r != col {
                    let f = row[col] / pivot_row[col];
                    for (v, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                        *v -= f * p;
                    }
                }
            }
        }
        let mut p = [0.0; 8];
        for (i, v) in p.iter_mut().enumerate() {
            *v = m[i][8] / m[i][i];
        }
        Some(Homography(p))
    }

    /// The image point of grid point (`x`, `y`).
    pub(crate) fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let p = &self.0;
        let d = p[6] * x + p[7] * y + 1.0;
        (
            (p[0] * x + p[1] * y + p[2]) / d,
            (p[3] * x + p[4] * y + p[5]) / d,
        )
    }
}

/// The centre of the alignment pattern nearest (`ex`, `ey`) within `reach` pixels: a dark
/// module ringed by light, about `module` pixels each way, checked across and down.
fn alignment(
    bits: &[u8],
    w: usize,
    h: usize,
    (ex, ey): (f32, f32),
    module: f32,
    reach: f32,
    dark: bool,
) -> Option<(f32, f32)> {
    let centre = u8::from(dark);
    let fits = |r: usize| (r as f32 - module).abs() < module * 0.6 + 0.5;
    let x0 = (ex - reach).max(0.0) as usize;
    let x1 = ((ex + reach) as usize).min(w.saturating_sub(1));
    let y0 = (ey - reach).max(0.0) as usize;
    let y1 = ((ey + reach) as usize).min(h.saturating_sub(1));
    let max = (module * 4.0) as usize + 2;
    let mut best: Option<((f32, f32), f32)> = None;
    for y in y0..=y1 {
        let row = &bits[y * w..(y + 1) * w];
        let mut x = x0;
        while x <= x1 {
            if row[x] != centre || (x > 0 && row[x - 1] == centre) {
                x += 1;
                continue;
            }
            // A centre-coloured run starting at x, with its neighbouring runs.
            let mut e = x;
            while e < w && row[e] == centre {
                e += 1;
            }
            let run = e - x;
            let mut l = x;
            while l > 0 && row[l - 1] != centre {
                l -= 1;
            }
            let mut r = e;
            while r < w && row[r] != centre {
                r += 1;
            }
            let ok = l > 0 && r < w && fits(run) && fits(x - l) && fits(r - e);
            if ok {
                let cx = (x + e) / 2;
                let col_run = |from: usize, up: bool, colour: u8| {
                    let mut n = 0usize;
                    let mut yy = from;
                    while n <= max && bits[yy * w + cx] == colour {
                        n += 1;
                        if up {
                            if yy == 0 {
                                return (n, false);
                            }
                            yy -= 1;
                        } else {
                            if yy + 1 >= h {
                                return (n, false);
                            }
                            yy += 1;
                        }
                    }
                    (n, true)
                };
                let (up_c, ok_a) = col_run(y, true, centre);
                let (down_c, ok_b) = col_run(y, false, centre);
                let vrun = up_c + down_c - 1;
                let top = y + 1 - up_c;
                let bottom = y + down_c - 1;
                let (gap_up, ok_c) = if top > 0 {
                    col_run(top - 1, true, 1 - centre)
                } else {
                    (0, false)
                };
                let (gap_down, ok_d) = if bottom + 1 < h {
                    col_run(bottom + 1, false, 1 - centre)
                } else {
                    (0, false)
                };
                if ok_a && ok_b && ok_c && ok_d && fits(vrun) && fits(gap_up) && fits(gap_down) {
                    let c = ((x + e) as f32 / 2.0, (top + bottom + 1) as f32 / 2.0);
                    let dist = (c.0 - ex).hypot(c.1 - ey);
                    if dist <= reach && best.is_none_or(|(_, d)| dist < d) {
                        best = Some((c, dist));
                    }
                }
            }
            x = e;
        }
    }
    best.map(|(c, _)| c)
}

/// A sampled code: `size` x `size` modules, row-major, true = dark.
#[derive(Debug, Clone)]
pub(crate) struct Sampled {
    pub(crate) size: usize,
    bits: Vec<bool>,
}

impl Sampled {
    /// How many modules of the two timing patterns (row and column 6, between the finders)
    /// break the dark/light alternation.
    pub(crate) fn timing_errors(&self) -> usize {
        let n = self.size;
        (8..n - 8)
            .filter(|&i| {
                let want = i % 2 == 0;
                (self.bits[6 * n + i] != want) as usize + (self.bits[i * n + 6] != want) as usize
                    > 0
            })
            .count()
    }
}

impl rqrr::BitGrid for Sampled {
    fn size(&self) -> usize {
        self.size
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.bits[y * self.size + x]
    }
}

/// How module values are read from the frame and thresholded. [`Sampling::FIRST`] is what
/// every located code gets; the others are the retries for a code that was located but did not
/// decode (see [`super::decode`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sampling {
    /// Each module's value is the mean of a 3x3 patch of points over the middle half of the
    /// module instead of its centre alone: noise and screen moire average out.
    pub patch: bool,
    /// Module-space sharpening: `v + sharpen * (v - mean of the 4 neighbouring modules)`.
    /// Blur of sigma `b` modules mixes a module with its neighbours; about 0.6 undoes
    /// b = 0.5, 1.3 undoes b = 0.6.
    pub sharpen: f32,
    /// The side, in modules, of the window whose mean is each module's threshold (odd).
    pub window: usize,
}

impl Sampling {
    /// The first pass: module centres, a 7x7 local mean.
    pub(crate) const FIRST: Sampling = Sampling {
        patch: false,
        sharpen: 0.0,
        window: 7,
    };
    /// The retries, in order, each aimed at one way the first pass fails: noise and moire,
    /// blur of 0.3-0.5 module, blur of about 0.6 module, uneven light across a large code;
    /// then sharpening alone (a patch also averages a blurred module with its neighbours).
    pub(crate) const RETRIES: [Sampling; 7] = [
        Sampling {
            patch: true,
            sharpen: 0.0,
            window: 7,
        },
        Sampling {
            patch: true,
            sharpen: 0.7,
            window: 7,
        },
        Sampling {
            patch: true,
            sharpen: 1.4,
            window: 7,
        },
        Sampling {
            patch: true,
            sharpen: 1.0,
            window: 5,
        },
        Sampling {
            patch: true,
            sharpen: 0.0,
            window: 5,
        },
        Sampling {
            patch: false,
            sharpen: 0.7,
            window: 7,
        },
        Sampling {
            patch: false,
            sharpen: 1.4,
            window: 5,
        },
    ];
}

/// A grid the corners may span: its size in modules and the map from module to frame
/// coordinates (of the frame the finders were found in).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GridFit {
    dim: usize,
    hom: Homography,
    dark: bool,
}

/// The grids the corners may span: the estimated size and its neighbours, each fitted through
/// the finder centres and, from version 2 on, the bottom-right alignment pattern when one is
/// found (else the parallelogram's fourth corner).
pub(crate) fn fits(bits: &[u8], w: usize, h: usize, c: &Corners) -> Vec<GridFit> {
    let m1 = module_between(bits, w, h, &c.tl, &c.tr);
    let m2 = module_between(bits, w, h, &c.tl, &c.bl);
    let module = match (m1, m2) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => c.tl.module,
    };
    if module <= 0.0 {
        return Vec::new();
    }
    let d1 = (c.tr.x - c.tl.x).hypot(c.tr.y - c.tl.y);
    let d2 = (c.bl.x - c.tl.x).hypot(c.bl.y - c.tl.y);
    let est = ((d1 + d2) / 2.0 / module).round() as i32 + 7;
    let est = match est.rem_euclid(4) {
        0 => est + 1,
        2 => est - 1,
        3 => est - 2,
        _ => est,
    };
    [est, est + 4, est - 4]
        .into_iter()
        .filter(|dim| (21..=177).contains(dim))
        .filter_map(|dim| fit_dim(bits, w, h, c, dim as usize, module))
        .collect()
}

fn fit_dim(
    bits: &[u8],
    w: usize,
    h: usize,
    c: &Corners,
    dim: usize,
    module: f32,
) -> Option<GridFit> {
    let n = dim as f64;
    let span = (dim - 7) as f32;
    // The parallelogram's fourth finder centre, then the alignment pattern 3 modules in.
    let br = (c.tr.x + c.bl.x - c.tl.x, c.tr.y + c.bl.y - c.tl.y);
    let mut fourth = ((n - 3.5, n - 3.5), (f64::from(br.0), f64::from(br.1)));
    if dim > 21 {
        let k = 1.0 - 3.0 / span;
        let est = (c.tl.x + k * (br.0 - c.tl.x), c.tl.y + k * (br.1 - c.tl.y));
        for reach in [4.0, 8.0, 16.0] {
            if let Some(a) = alignment(bits, w, h, est, module, reach * module, c.tl.dark) {
                fourth = ((n - 6.5, n - 6.5), (f64::from(a.0), f64::from(a.1)));
                break;
            }
        }
    }
    let hom = Homography::from_points(
        [(3.5, 3.5), (n - 3.5, 3.5), (3.5, n - 3.5), fourth.0],
        [
            (f64::from(c.tl.x), f64::from(c.tl.y)),
            (f64::from(c.tr.x), f64::from(c.tr.y)),
            (f64::from(c.bl.x), f64::from(c.bl.y)),
            fourth.1,
        ],
    )?;
    Some(GridFit {
        dim,
        hom,
        dark: c.tl.dark,
    })
}

/// The grids `fits` gives, sampled the first way, most likely first: a right size and grid
/// leave the timing patterns nearly intact; a wrong one leaves them random, and decoding it
/// would only waste time.
pub(crate) fn sample(
    gray: &GrayImage,
    scale: f32,
    bits: &[u8],
    w: usize,
    h: usize,
    c: &Corners,
) -> Vec<Sampled> {
    let mut out: Vec<(usize, Sampled)> = fits(bits, w, h, c)
        .iter()
        .filter_map(|f| sample_fit(gray, scale, f, Sampling::FIRST))
        .map(|s| (s.timing_errors(), s))
        .filter(|(score, s)| score * 5 <= s.size)
        .collect();
    out.sort_by_key(|(score, _)| *score);
    out.into_iter().map(|(_, s)| s).collect()
}

/// The grid `fit` spans, read from the full-size frame `gray` (`scale` maps the fit's
/// coordinates into it) the `how` way; `None` when it runs off the frame.
pub(crate) fn sample_fit(
    gray: &GrayImage,
    scale: f32,
    fit: &GridFit,
    how: Sampling,
) -> Option<Sampled> {
    Some(module_values(gray, scale, fit, how.patch)?.threshold(how.sharpen, how.window))
}

/// The grey value of every module of a fit and of a 2-module border of quiet zone around it,
/// before thresholding: read once, thresholded several ways.
pub(crate) struct ModuleValues {
    dim: usize,
    dark: bool,
    values: Vec<f32>,
}

/// The quiet-zone border [`ModuleValues`] keeps, in modules.
const BORDER: usize = 2;

/// The module values of `fit` read from `gray` (bilinear), at each centre or averaged over a
/// 3x3 patch (`patch`); `None` when the grid runs off the frame.
pub(crate) fn module_values(
    gray: &GrayImage,
    scale: f32,
    fit: &GridFit,
    patch: bool,
) -> Option<ModuleValues> {
    let n = fit.dim + 2 * BORDER;
    let (gw, gh) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    let s64 = f64::from(scale);
    let offsets: &[f64] = if patch { &[-0.25, 0.0, 0.25] } else { &[0.0] };
    let mut values = vec![0f32; n * n];
    for y in 0..n {
        for x in 0..n {
            let (mx, my) = (
                x as f64 - BORDER as f64 + 0.5,
                y as f64 - BORDER as f64 + 0.5,
            );
            let (cx, cy) = fit.hom.map(mx, my);
            let (cx, cy) = (cx * s64, cy * s64);
            if cx < -1.0 || cy < -1.0 || cx > gw as f64 || cy > gh as f64 {
                return None;
            }
            let mut sum = 0.0f32;
            for &oy in offsets {
                for &ox in offsets {
                    let (px, py) = fit.hom.map(mx + ox, my + oy);
                    let (px, py) = (px * s64, py * s64);
                    sum += f32::from(bilinear(raw, gw, gh, px as f32 - 0.5, py as f32 - 0.5));
                }
            }
            values[y * n + x] = sum / (offsets.len() * offsets.len()) as f32;
        }
    }
    Some(ModuleValues {
        dim: fit.dim,
        dark: fit.dark,
        values,
    })
}

impl ModuleValues {
    /// The grid: each module (sharpened by `sharpen`, see [`Sampling`]) against the mean of
    /// the `window` x `window` modules around it, a local mean in module space, which follows
    /// blur and uneven light without pixel-level noise.
    pub(crate) fn threshold(&self, sharpen: f32, window: usize) -> Sampled {
        let (dim, n) = (self.dim, self.dim + 2 * BORDER);
        let sharpened;
        let values = if sharpen > 0.0 {
            let src = &self.values;
            let at = |x: usize, y: usize| src[y * n + x];
            sharpened = (0..n * n)
                .map(|i| {
                    let (x, y) = (i % n, i / n);
                    let v = at(x, y);
                    let nb = at(x.saturating_sub(1), y)
                        + at((x + 1).min(n - 1), y)
                        + at(x, y.saturating_sub(1))
                        + at(x, (y + 1).min(n - 1));
                    v + sharpen * (v - nb / 4.0)
                })
                .collect::<Vec<f32>>();
            &sharpened
        } else {
            &self.values
        };
        // Summed-area table for the window means.
        let mut sat = vec![0f32; (n + 1) * (n + 1)];
        for y in 0..n {
            let mut row = 0.0;
            for x in 0..n {
                row += values[y * n + x];
                sat[(y + 1) * (n + 1) + x + 1] = sat[y * (n + 1) + x + 1] + row;
            }
        }
        let r = window / 2;
        let mut grid = Vec::with_capacity(dim * dim);
        for y in BORDER..BORDER + dim {
            for x in BORDER..BORDER + dim {
                let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(n));
                let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(n));
                let sum = sat[y1 * (n + 1) + x1] + sat[y0 * (n + 1) + x0]
                    - sat[y0 * (n + 1) + x1]
                    - sat[y1 * (n + 1) + x0];
                let count = ((y1 - y0) * (x1 - x0)) as f32;
                let low = values[y * n + x] * count < sum;
                grid.push(low == self.dark);
            }
        }
        Sampled {
            size: dim,
            bits: grid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

    /// The code with `scale`-pixel modules on a white `size` frame, its top-left module at
    /// `at`; also its width in modules.
    fn draw(scale: u32, size: (u32, u32), at: (u32, u32)) -> (GrayImage, u32) {
        let code = qrcode::QrCode::new(URI.as_bytes()).unwrap();
        let n = code.width() as u32;
        let colors = code.to_colors();
        let img = GrayImage::from_fn(size.0, size.1, |x, y| {
            let inside = x >= at.0 && y >= at.1 && x < at.0 + n * scale && y < at.1 + n * scale;
            let dark = inside && {
                let (mx, my) = ((x - at.0) / scale, (y - at.1) / scale);
                colors[(my * n + mx) as usize] == qrcode::Color::Dark
            };
            image::Luma([if dark { 20 } else { 230 }])
        });
        (img, n)
    }

    fn bits_of(img: &GrayImage) -> Vec<u8> {
        let mut bits = Vec::new();
        binarize(img, 16, 5, &mut bits);
        bits
    }

    #[test]
    fn binarize_marks_dark_against_the_local_mean() {
        let img = GrayImage::from_fn(60, 40, |x, y| {
            // A dark square on a light gradient: the gradient alone stays light.
            let dark = (20..30).contains(&x) && (10..20).contains(&y);
            image::Luma([if dark { 40 } else { 150 + x as u8 / 4 }])
        });
        let bits = bits_of(&img);
        assert_eq!(bits.len(), 60 * 40);
        assert_eq!(bits[15 * 60 + 25], 1);
        assert_eq!(bits[30 * 60 + 50], 0);
        assert_eq!(bits.iter().map(|&b| usize::from(b)).sum::<usize>(), 100);
        let mut empty = vec![1];
        binarize(&GrayImage::new(0, 0), 4, 5, &mut empty);
        assert!(empty.is_empty());
    }

    /// The running sums of [`binarize`] against the window mean taken pixel by pixel, on every
    /// shape where its three runs (left edge, middle, right edge) meet or vanish: rows shorter
    /// than the window, exactly as wide, one wider.
    #[test]
    fn binarize_is_the_clamped_window_mean() {
        let mut byte = crate::qr::testutil::noise(0x9e37_79b9);
        for (w, h, radius) in [
            (1, 1, 4),
            (5, 3, 4),
            (9, 9, 4),
            (10, 7, 4),
            (37, 23, 6),
            (64, 48, 20),
        ] {
            let img = GrayImage::from_fn(w, h, |_, _| image::Luma([byte()]));
            let mut bits = Vec::new();
            binarize(&img, radius, 7, &mut bits);
            let (w, h) = (w as usize, h as usize);
            for y in 0..h {
                for x in 0..w {
                    let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
                    let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
                    let mut sum = 0u32;
                    for yy in y0..y1 {
                        for xx in x0..x1 {
                            sum += u32::from(img.get_pixel(xx as u32, yy as u32)[0]);
                        }
                    }
                    let n = ((x1 - x0) * (y1 - y0)) as u32;
                    let p = u32::from(img.get_pixel(x as u32, y as u32)[0]);
                    let want = u8::from((p + 7) * n < sum);
                    assert_eq!(bits[y * w + x], want, "{w}x{h} r{radius} at ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn noise_sigma_tells_a_clean_frame_from_a_noisy_one() {
        let (clean, _) = draw(3, (200, 150), (20, 20));
        assert!(noise_sigma(&clean) < 1.0, "{}", noise_sigma(&clean));
        // Uniform noise of +-40 around the picture: sigma 23.
        let mut seed = 12345u32;
        let noisy = GrayImage::from_fn(200, 150, |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let n = ((seed >> 16) % 81) as i32 - 40;
            image::Luma([(i32::from(clean.get_pixel(x, y)[0]) + n).clamp(0, 255) as u8])
        });
        let sigma = noise_sigma(&noisy);
        assert!((15.0..32.0).contains(&sigma), "{sigma}");
        assert_eq!(noise_sigma(&GrayImage::new(0, 0)), 0.0);
        assert_eq!(noise_sigma(&GrayImage::new(1, 5)), 0.0);
    }

    #[test]
    fn region_is_the_reach_of_the_finders_clamped_to_the_frame() {
        let f = |x: f32, y: f32, module: f32| Finder {
            x,
            y,
            module,
            count: 3,
            dark: true,
        };
        assert_eq!(region([], 640, 480), (0, 0, 640, 480));
        // 2-pixel modules: 220 pixels each way.
        assert_eq!(
            region([f(300.0, 240.0, 2.0)], 1280, 720),
            (80, 20, 440, 440)
        );
        // Two finders: the box around both; clamped at the frame's edges.
        assert_eq!(
            region([f(100.0, 100.0, 1.0), f(1200.0, 650.0, 1.0)], 1280, 720),
            (0, 0, 1280, 720)
        );
        assert_eq!(region([f(0.0, 0.0, 50.0)], 640, 480), (0, 0, 640, 480));
    }

    #[test]
    fn finds_the_three_finders_and_orders_them() {
        let (img, n) = draw(3, (300, 260), (50, 40));
        let bits = bits_of(&img);
        let found = finders(&bits, 300, 260);
        // The real finders are confirmed by every row through their centres (3 modules); data
        // modules can mimic one on a row or three.
        let strong: Vec<&Finder> = found.iter().filter(|f| f.count >= 6).collect();
        assert_eq!(strong.len(), 3, "{found:?}");
        assert_eq!(found[..3].iter().collect::<Vec<_>>(), strong);
        for f in &strong {
            assert!(f.dark && (f.module - 3.0).abs() < 0.5, "{f:?}");
        }
        let best = triples(&found, 1);
        assert_eq!(best.len(), 1);
        let c = best[0];
        // Finder centres are 3.5 modules in from the code's corners.
        let near = |f: &Finder, x: f32, y: f32| (f.x - x).abs() < 1.5 && (f.y - y).abs() < 1.5;
        let (lo, hi) = (3.5 * 3.0, (n as f32 - 3.5) * 3.0);
        assert!(near(&c.tl, 50.0 + lo, 40.0 + lo), "{c:?}");
        assert!(near(&c.tr, 50.0 + hi, 40.0 + lo), "{c:?}");
        assert!(near(&c.bl, 50.0 + lo, 40.0 + hi), "{c:?}");
        assert!((c.span - (n - 7) as f32).abs() < 1.0);
    }

    #[test]
    fn finds_light_on_dark_finders() {
        let (mut img, _) = draw(4, (300, 300), (40, 40));
        image::imageops::invert(&mut img);
        let bits = bits_of(&img);
        let found = finders(&bits, 300, 300);
        let best = triples(&found, 1);
        assert_eq!(best.len(), 1, "{found:?}");
        assert!(!best[0].tl.dark);
    }

    #[test]
    fn nothing_in_a_flat_or_striped_frame() {
        let flat = GrayImage::from_pixel(200, 100, image::Luma([128]));
        assert!(finders(&bits_of(&flat), 200, 100).is_empty());
        // Vertical stripes pass the row test but not the column cross-check.
        let stripes = GrayImage::from_fn(200, 100, |x, _| {
            image::Luma([if (x / 3) % 2 == 0 { 0 } else { 255 }])
        });
        assert!(finders(&bits_of(&stripes), 200, 100).is_empty());
    }

    #[test]
    fn smooth_spreads_a_point_one_four_one_and_keeps_flat_areas() {
        let mut img = GrayImage::from_pixel(5, 5, image::Luma([100]));
        assert_eq!(smooth(&img).as_raw(), img.as_raw());
        img.put_pixel(2, 2, image::Luma([255]));
        let s = smooth(&img);
        // 100 + 155 * (4 * 4) / 36, (4 * 1) / 36 and 1 / 36, rounded.
        assert_eq!(s.get_pixel(2, 2).0[0], 169);
        assert_eq!(s.get_pixel(1, 2).0[0], 117);
        assert_eq!(s.get_pixel(1, 1).0[0], 104);
        assert_eq!(s.get_pixel(0, 0).0[0], 100);
        assert_eq!(smooth(&GrayImage::new(0, 0)).dimensions(), (0, 0));
    }

    #[test]
    fn homography_maps_the_four_points() {
        let from = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (10.0, 10.0)];
        let to = [(5.0, 7.0), (25.0, 9.0), (3.0, 30.0), (28.0, 35.0)];
        let hom = Homography::from_points(from, to).unwrap();
        for (f, t) in from.iter().zip(&to) {
            let (x, y) = hom.map(f.0, f.1);
            assert!((x - t.0).abs() < 1e-6 && (y - t.1).abs() < 1e-6);
        }
        assert!(Homography::from_points([(0.0, 0.0); 4], to).is_none());
    }

    #[test]
    fn samples_a_grid_that_decodes() {
        let (img, n) = draw(3, (320, 240), (60, 30));
        let bits = bits_of(&img);
        let c = triples(&finders(&bits, 320, 240), 1)[0];
        let grids = sample(&img, 1.0, &bits, 320, 240, &c);
        let first = grids.into_iter().next().unwrap();
        assert_eq!(rqrr::BitGrid::size(&first), n as usize);
        assert_eq!(first.timing_errors(), 0);
        assert_eq!(rqrr::Grid::new(first).decode().unwrap().1, URI);
    }

    #[test]
    fn rectify_scales_to_module_px() {
        let (img, n) = draw(3, (320, 240), (60, 30));
        let bits = bits_of(&img);
        let c = triples(&finders(&bits, 320, 240), 1)[0];
        // Sampled at twice the scale, as for a finder found in a downscaled frame.
        let big = image::imageops::resize(&img, 640, 480, image::imageops::FilterType::Nearest);
        let crop = rectify(&big, &c, 2.0);
        let side = ((n - 7) as f32 + 2.0 * (7.5 + 0.15 * (n - 7) as f32)) * MODULE_PX;
        assert!(
            (crop.width() as f32 - side).abs() <= 2.0 * MODULE_PX,
            "{}",
            crop.width()
        );
        let (w, h) = (crop.width() as usize, crop.height() as usize);
        let raw = crop.as_raw();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x]);
        let texts: Vec<String> = prepared
            .detect_grids()
            .iter()
            .filter_map(|g| g.decode().ok().map(|d| d.1))
            .collect();
        assert_eq!(texts, vec![URI]);
    }

    /// A triple spanning 150 modules (a wrong triple, most likely) is rectified at fewer
    /// pixels per module, not into a 1200-pixel square.
    #[test]
    fn rectify_keeps_a_wide_triple_within_its_side() {
        let f = |x: f32, y: f32| Finder {
            x,
            y,
            module: 2.0,
            count: 3,
            dark: true,
        };
        let c = corners(&f(50.0, 50.0), &f(350.0, 50.0), &f(50.0, 350.0)).unwrap();
        assert!((c.span - 150.0).abs() < 1.0, "{}", c.span);
        let img = GrayImage::from_pixel(400, 400, image::Luma([200]));
        let crop = rectify(&img, &c, 1.0);
        assert!(crop.width() <= RECTIFY_SIDE as u32 + 1, "{}", crop.width());
        assert!(crop.width() >= RECTIFY_SIDE as u32 - 1, "{}", crop.width());
    }
}
