//! A deterministic corpus of QR frames for the scanner: AWS-style `otpauth://` codes as a webcam
//! pointed at a monitor sees them (small and large modules, 720p and 1080p frames with clutter,
//! rotation up to 45°, perspective, blur, noise, low contrast, uneven light, JPEG artefacts,
//! inverted codes) and frames with no code. Every image depends only on the seed, its condition
//! and its index, so a subset (what the tests use) holds the same images as the full corpus
//! (what `qr-bench` uses). Nothing is committed: it is generated into a temp or cache dir.
//!
//! [`HARD_CONDITIONS`] are a second set (issue 17), kept apart so the first set's figures stay
//! comparable: what a laptop webcam at arm's length gives, where zbar once read frames Twofold
//! missed (2-pixel modules at 30-45 degrees, photos of a screen with line moire, blur of about
//! half a module, heavy noise, codes under 120 pixels in a 720p frame) and their combinations.

use std::path::{Path, PathBuf};

use image::{GrayImage, Luma};
use imageproc::geometric_transformations::Projection;

/// The seed of the corpus the tests and the benchmark use.
pub const SEED: u64 = 0x7F0F_2024_0A11_CE55;

/// Images per condition in the full corpus (15 conditions: 300 images).
pub const PER_CONDITION: usize = 20;

/// The conditions, in the order the benchmark prints them.
pub const CONDITIONS: &[&str] = &[
    "clean",
    "small_modules",
    "large_modules",
    "clutter_1080p",
    "rotate_mild",
    "rotate_45",
    "perspective",
    "blur",
    "noise",
    "low_contrast",
    "uneven_light",
    "jpeg",
    "inverted",
    "webcam",
    "no_code",
];

/// The hard set (see the module docs), in the order the benchmark prints them.
pub const HARD_CONDITIONS: &[&str] = &[
    "tiny_upright",
    "tiny_rotated",
    "rotate_40",
    "screen_photo",
    "blur_module",
    "heavy_noise",
    "low_res",
    "tiny_rotated_noise",
    "screen_blur",
    "blur_noise",
];

/// Images per hard condition in the full hard set (10 conditions: 120 images).
pub const HARD_PER_CONDITION: usize = 12;

/// The conditions of the hard set a test decodes (see `tests/qr_scan.rs`): blur, 2-pixel
/// modules rotated, moire.
pub const HARD_TEST_CONDITIONS: &[&str] = &["blur_module", "tiny_rotated", "screen_photo"];

/// One corpus image and what it should decode to.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The image file.
    pub path: PathBuf,
    /// Which condition it shows.
    pub condition: String,
    /// The QR code's text, or `None` for a frame with no code.
    pub expected: Option<String>,
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, condition: &str, index: usize) -> Rng {
        let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
        for b in condition.bytes().chain((index as u64).to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x1000_0000_01B3);
        }
        Rng(h)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }
    fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
    fn sign(&mut self) -> f32 {
        if self.next() & 1 == 0 {
            -1.0
        } else {
            1.0
        }
    }
    fn gauss(&mut self) -> f32 {
        let (u1, u2) = (self.f().max(1e-7), self.f());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f32::consts::PI * u2).cos()
    }
}

/// An AWS-style URI: 64-character base32 seed, issuer "Amazon Web Services",
/// label `Amazon%20Web%20Services:user@123456789012`.
pub fn aws_uri(rng_seed: u64) -> String {
    let mut rng = Rng(rng_seed);
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let secret: String = (0..64)
        .map(|_| B32[(rng.next() % 32) as usize] as char)
        .collect();
    let names = [
        "alice",
        "bob",
        "carol",
        "deploy-bot",
        "ops.admin",
        "dave_ci",
    ];
    let user = names[(rng.next() % names.len() as u64) as usize];
    let account: String = (0..12)
        .map(|_| char::from(b'0' + (rng.next() % 10) as u8))
        .collect();
    format!(
        "otpauth://totp/Amazon%20Web%20Services:{user}@{account}?secret={secret}&issuer=Amazon%20Web%20Services"
    )
}

/// The parameters of one frame.
struct Look {
    size: (u32, u32),
    module: f32,
    angle: f32,
    skew: f32,
    clutter: bool,
    dark: f32,
    light: f32,
    background: f32,
    inverted: bool,
    blur: f32,
    noise: f32,
    uneven: f32,
    jpeg: Option<u8>,
    code: bool,
    /// Blur as a fraction of the module (added to `blur`, in pixels, once the module is known).
    blur_modules: f32,
    /// The code's width in pixels (quiet zone excluded), overriding `module`.
    code_px: Option<f32>,
    /// Line moire of a photographed screen: strength (0 = none).
    moire: f32,
}

fn look(condition: &str, rng: &mut Rng) -> Look {
    let mut l = Look {
        size: (1280, 720),
        module: rng.range(4.0, 7.0),
        angle: 0.0,
        skew: 0.0,
        clutter: true,
        dark: rng.range(10.0, 40.0),
        light: rng.range(215.0, 250.0),
        background: rng.range(170.0, 240.0),
        inverted: false,
        blur: 0.0,
        noise: 0.0,
        uneven: 0.0,
        jpeg: None,
        code: true,
        blur_modules: 0.0,
        code_px: None,
        moire: 0.0,
    };
    match condition {
        "clean" => l.clutter = false,
        "small_modules" => l.module = rng.range(2.0, 3.0),
        "large_modules" => l.module = rng.range(9.0, 12.0),
        "clutter_1080p" => {
            l.size = (1920, 1080);
            l.module = rng.range(3.0, 9.0);
        }
        "rotate_mild" => l.angle = rng.range(1.0, 10.0) * rng.sign(),
        "rotate_45" => l.angle = rng.range(10.0, 45.0) * rng.sign(),
        "perspective" => {
            l.skew = rng.range(0.08, 0.2);
            l.angle = rng.range(0.0, 8.0) * rng.sign();
        }
        "blur" => l.blur = rng.range(1.0, 2.2),
        "noise" => l.noise = rng.range(10.0, 28.0),
        "low_contrast" => {
            l.dark = rng.range(90.0, 115.0);
            l.light = l.dark + rng.range(35.0, 60.0);
            l.background = l.light - 5.0;
        }
        "uneven_light" => l.uneven = rng.range(0.45, 0.75),
        "jpeg" => l.jpeg = Some(rng.int(12, 35) as u8),
        "inverted" => {
            l.inverted = true;
            l.background = rng.range(20.0, 60.0);
        }
        "webcam" => {
            l.size = if rng.next() & 1 == 0 {
                (1280, 720)
            } else {
                (1920, 1080)
            };
            l.module = rng.range(4.0, 8.0);
            l.angle = rng.range(0.0, 20.0) * rng.sign();
            l.skew = rng.range(0.0, 0.1);
            l.blur = rng.range(0.6, 1.4);
            l.noise = rng.range(4.0, 10.0);
            l.uneven = rng.range(0.15, 0.4);
            l.dark = rng.range(40.0, 70.0);
            l.light = rng.range(170.0, 215.0);
            l.jpeg = Some(rng.int(45, 75) as u8);
        }
        // The hard set: 1080p as the corpus, except where the condition is a 720p
        // webcam frame.
        "tiny_upright" => {
            l.size = (1920, 1080);
            l.module = rng.range(2.0, 2.4);
        }
        "tiny_rotated" | "tiny_rotated_noise" => {
            l.size = if rng.next() & 1 == 0 {
                (1280, 720)
            } else {
                (1920, 1080)
            };
            l.module = rng.range(2.0, 2.5);
            l.angle = rng.range(30.0, 45.0) * rng.sign();
            if condition == "tiny_rotated_noise" {
                l.noise = rng.range(8.0, 16.0);
            }
        }
        "rotate_40" => {
            l.size = (1920, 1080);
            l.module = rng.range(3.0, 8.0);
            l.angle = rng.range(35.0, 45.0) * rng.sign();
        }
        "screen_photo" | "screen_blur" => {
            l.size = if rng.next() & 1 == 0 {
                (1280, 720)
            } else {
                (1920, 1080)
            };
            l.module = rng.range(3.0, 6.0);
            l.angle = rng.range(0.0, 8.0) * rng.sign();
            l.moire = rng.range(0.15, 0.35);
            l.blur = rng.range(0.6, 1.0);
            l.noise = rng.range(5.0, 12.0);
            if condition == "screen_blur" {
                l.blur_modules = rng.range(0.3, 0.45);
            }
        }
        "blur_module" | "blur_noise" => {
            l.module = rng.range(3.0, 7.0);
            l.blur_modules = rng.range(0.3, 0.6);
            if condition == "blur_noise" {
                l.blur_modules = rng.range(0.3, 0.45);
                l.noise = rng.range(10.0, 20.0);
                l.angle = rng.range(0.0, 20.0) * rng.sign();
            }
        }
        "heavy_noise" => {
            l.size = if rng.next() & 1 == 0 {
                (1280, 720)
            } else {
                (1920, 1080)
            };
            l.module = rng.range(3.0, 7.0);
            l.noise = rng.range(20.0, 35.0);
        }
        "low_res" => {
            l.code_px = Some(rng.range(100.0, 119.0));
            l.angle = rng.range(0.0, 10.0) * rng.sign();
            l.blur = rng.range(0.3, 0.6);
            l.noise = rng.range(3.0, 8.0);
        }
        "no_code" => {
            l.code = false;
            l.size = if rng.next() & 1 == 0 {
                (1280, 720)
            } else {
                (1920, 1080)
            };
        }
        _ => {}
    }
    l
}

fn clutter(img: &mut GrayImage, rng: &mut Rng, dark_ui: bool) {
    let (w, h) = img.dimensions();
    let shade = |rng: &mut Rng| {
        if dark_ui {
            rng.range(0.0, 110.0)
        } else {
            rng.range(60.0, 250.0)
        }
    };
    // Window-like panels, then text-like rows of small dark blocks, then lines.
    for _ in 0..rng.int(4, 10) {
        let (x, y) = (rng.int(0, w - 1), rng.int(0, h - 1));
        let (rw, rh) = (rng.int(40, w / 2), rng.int(20, h / 2));
        let v = shade(rng) as u8;
        fill(img, x, y, rw, rh, v);
    }
    for _ in 0..rng.int(5, 20) {
        let (mut x, y) = (rng.int(0, w - 1), rng.int(0, h - 1));
        let ch = rng.int(6, 14);
        let v = if dark_ui {
            rng.range(150.0, 230.0)
        } else {
            rng.range(0.0, 80.0)
        } as u8;
        for _ in 0..rng.int(5, 40) {
            let cw = rng.int(3, ch);
            fill(img, x, y, cw, ch, v);
            x += cw + rng.int(1, 6);
        }
    }
    for _ in 0..rng.int(2, 8) {
        let horizontal = rng.next() & 1 == 0;
        let v = shade(rng) as u8;
        if horizontal {
            fill(img, 0, rng.int(0, h - 1), w, rng.int(1, 3), v);
        } else {
            fill(img, rng.int(0, w - 1), 0, rng.int(1, 3), h, v);
        }
    }
}

fn fill(img: &mut GrayImage, x: u32, y: u32, w: u32, h: u32, v: u8) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, Luma([v]));
        }
    }
}

/// Draws the frame for `look`, or `None` when the text does not fit in a QR code.
fn render(text: &str, l: &Look, rng: &mut Rng) -> Option<GrayImage> {
    let (w, h) = l.size;
    let mut blur = l.blur;
    let mut img = GrayImage::from_pixel(w, h, Luma([l.background as u8]));
    if l.clutter {
        clutter(&mut img, rng, l.inverted);
    }
    if l.code {
        let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
        let n = code.width();
        let colors = code.to_colors();
        let quiet = 4usize;
        let total = (n + 2 * quiet) as f32;
        let module = l.code_px.map_or(l.module, |px| px / n as f32);
        blur += l.blur_modules * module;
        let side = total * module;
        let max_side = (w.min(h) as f32) * 0.92;
        let side = side.min(max_side);
        // Centre such that the rotated, skewed square stays inside the frame.
        let reach = side * 0.75 + side * l.skew;
        let cx = rng.range(
            reach.min(w as f32 / 2.0),
            (w as f32 - reach).max(w as f32 / 2.0),
        );
        let cy = rng.range(
            reach.min(h as f32 / 2.0),
            (h as f32 - reach).max(h as f32 / 2.0),
        );
        let (s, c) = l.angle.to_radians().sin_cos();
        let half = side / 2.0;
        let mut to = [(0.0f32, 0.0f32); 4];
        for (i, (dx, dy)) in [(-half, -half), (half, -half), (half, half), (-half, half)]
            .into_iter()
            .enumerate()
        {
            let jx = rng.range(-1.0, 1.0) * l.skew * side;
            let jy = rng.range(-1.0, 1.0) * l.skew * side;
            to[i] = (cx + dx * c - dy * s + jx, cy + dx * s + dy * c + jy);
        }
        let from = [(0.0, 0.0), (total, 0.0), (total, total), (0.0, total)];
        let inverse = Projection::from_control_points(to, from)?;
        let (dark, light) = if l.inverted {
            (l.light, l.dark)
        } else {
            (l.dark, l.light)
        };
        let x0 = to.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0) as u32;
        let x1 = to
            .iter()
            .map(|p| p.0)
            .fold(f32::MIN, f32::max)
            .min(w as f32 - 1.0) as u32;
        let y0 = to.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0) as u32;
        let y1 = to
            .iter()
            .map(|p| p.1)
            .fold(f32::MIN, f32::max)
            .min(h as f32 - 1.0) as u32;
        for y in y0..=y1 {
            for x in x0..=x1 {
                // 2x2 supersampling for anti-aliased module edges.
                let (mut sum, mut inside) = (0.0f32, 0u32);
                for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    let (u, v) = inverse * (x as f32 + ox, y as f32 + oy);
                    if u < 0.0 || v < 0.0 || u >= total || v >= total {
                        continue;
                    }
                    inside += 1;
                    let (mx, my) = (u as usize, v as usize);
                    let is_dark = mx >= quiet
                        && my >= quiet
                        && mx < quiet + n
                        && my < quiet + n
                        && colors[(my - quiet) * n + (mx - quiet)] == qrcode::Color::Dark;
                    sum += if is_dark { dark } else { light };
                }
                if inside > 0 {
                    let old = f32::from(img.get_pixel(x, y).0[0]);
                    let v = (sum + old * (4 - inside) as f32) / 4.0;
                    img.put_pixel(x, y, Luma([v as u8]));
                }
            }
        }
    }
    if l.moire > 0.0 {
        moire(&mut img, l.moire, rng);
    }
    if blur > 0.0 {
        img = imageproc::filter::gaussian_blur_f32(&img, blur);
    }
    if l.uneven > 0.0 {
        // A light falling off from one point: a lamp, a vignette, a glare.
        let (lx, ly) = (rng.range(0.0, w as f32), rng.range(0.0, h as f32));
        let far = (w as f32).hypot(h as f32);
        for (x, y, p) in img.enumerate_pixels_mut() {
            let d = (x as f32 - lx).hypot(y as f32 - ly) / far;
            p.0[0] = (f32::from(p.0[0]) * (1.0 - l.uneven * d.min(1.0))) as u8;
        }
    }
    if l.noise > 0.0 {
        for p in img.pixels_mut() {
            p.0[0] = (f32::from(p.0[0]) + rng.gauss() * l.noise).clamp(0.0, 255.0) as u8;
        }
    }
    Some(img)
}

/// A photographed screen: the pixel rows show as fine dark lines (a period of 2-5 pixels, a few
/// degrees off the horizontal) whose strength beats in broad bands across the frame, the
/// camera's sampling grid against the screen's.
fn moire(img: &mut GrayImage, strength: f32, rng: &mut Rng) {
    use std::f32::consts::TAU;
    let period = rng.range(2.2, 5.0);
    let (s, c) = rng.range(-6.0, 6.0).to_radians().sin_cos();
    let band = rng.range(40.0, 140.0);
    let (bs, bc) = rng.range(0.0, 180.0).to_radians().sin_cos();
    let phase = rng.range(0.0, TAU);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (x, y) = (x as f32, y as f32);
        let line = 0.5 + 0.5 * (TAU * (-x * s + y * c) / period).cos();
        let beat = 0.6 + 0.4 * (TAU * (x * bc + y * bs) / band + phase).cos();
        let k = 1.0 - strength * line * beat;
        p.0[0] = (f32::from(p.0[0]) * k) as u8;
    }
}

/// Generates `per_condition` images of each of `conditions` into `dir`, writes
/// `dir/manifest.json`, and returns the entries.
pub fn generate(
    dir: &Path,
    seed: u64,
    conditions: &[&str],
    per_condition: usize,
) -> std::io::Result<Vec<Entry>> {
    std::fs::create_dir_all(dir)?;
    let mut entries = Vec::new();
    for condition in conditions {
        for i in 0..per_condition {
            let mut rng = Rng::new(seed, condition, i);
            let l = look(condition, &mut rng);
            let text = aws_uri(rng.next());
            let img = render(&text, &l, &mut rng)
                .ok_or_else(|| std::io::Error::other("the text does not fit a QR code"))?;
            let ext = if l.jpeg.is_some() { "jpg" } else { "png" };
            let path = dir.join(format!("{condition}-{i:03}.{ext}"));
            match l.jpeg {
                Some(q) => {
                    let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
                    image::codecs::jpeg::JpegEncoder::new_with_quality(file, q)
                        .encode_image(&img)
                        .map_err(std::io::Error::other)?;
                }
                None => img.save(&path).map_err(std::io::Error::other)?,
            }
            entries.push(Entry {
                path,
                condition: condition.to_string(),
                expected: l.code.then_some(text),
                width: l.size.0,
                height: l.size.1,
            });
        }
    }
    let manifest: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "file": e.path.file_name().map(|n| n.to_string_lossy().into_owned()),
                "condition": e.condition, "expected": e.expected,
                "width": e.width, "height": e.height,
            })
        })
        .collect();
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&serde_json::json!({ "seed": seed, "images": manifest }))
            .map_err(std::io::Error::other)?,
    )?;
    Ok(entries)
}

/// A QR code of `text` alone on white with a 4-module quiet zone, `module` pixels per module
/// (fixtures, CLI tests).
pub fn plain_code(text: &str, module: u32) -> Option<GrayImage> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let n = code.width() as u32;
    let colors = code.to_colors();
    let side = (n + 8) * module;
    Some(GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + (mx - 4)) as usize] == qrcode::Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    }))
}
