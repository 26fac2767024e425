//! Reading QR codes out of a frame: the one pipeline every frame source goes through.
//!
//! rqrr (a port of quirc) finds and decodes codes in a grayscale image; what is here decides
//! which images it sees. The steps run in order and stop at the first one that reads a code,
//! cheapest and most often successful first, so a clean frame costs one rqrr pass:
//!
//! 1. the frame in grayscale, downscaled (area average) when its long side is over
//!    [`WORK_SIZE`];
//! 2. the same image inverted, for light-on-dark codes;
//! 3. when the frame was downscaled, the full resolution (small modules);
//! 4. a 3x3-smoothed, contrast-stretched copy and its inversion (noise, JPEG blocks, low
//!    contrast, blur);
//! 5. half the working size (noise and uneven light average out, huge modules shrink).

use image::{DynamicImage, GrayImage};

/// The long side, in pixels, frames are downscaled to before the first attempt.
pub const WORK_SIZE: u32 = 1280;

/// The long side above which even the full-resolution attempt is downscaled.
const MAX_SIZE: u32 = 2048;

/// Every distinct text found in the frame, in the order found; empty when none was read.
pub fn decode_image(image: &DynamicImage) -> Vec<String> {
    decode_gray(&image.to_luma8())
}

/// [`decode_image`] for a frame that is already grayscale.
pub fn decode_gray(gray: &GrayImage) -> Vec<String> {
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let long = w.max(h);
    let work = if long > WORK_SIZE {
        downscale(gray, WORK_SIZE)
    } else {
        gray.clone()
    };
    let found = read(&work, false);
    if !found.is_empty() {
        return found;
    }
    let found = read(&work, true);
    if !found.is_empty() {
        return found;
    }
    if long > WORK_SIZE {
        let full = if long > MAX_SIZE {
            downscale(gray, MAX_SIZE)
        } else {
            gray.clone()
        };
        let found = read_both(&full);
        if !found.is_empty() {
            return found;
        }
    }
    let smooth = stretch(&box3(&work));
    let found = read_both(&smooth);
    if !found.is_empty() {
        return found;
    }
    let half = downscale(&work, work.width().max(work.height()) / 2);
    read_both(&half)
}

fn read_both(gray: &GrayImage) -> Vec<String> {
    let found = read(gray, false);
    if found.is_empty() {
        read(gray, true)
    } else {
        found
    }
}

/// One rqrr pass: every grid it finds that decodes.
fn read(gray: &GrayImage, invert: bool) -> Vec<String> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    let mut prepared = if invert {
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| 255 - raw[y * w + x])
    } else {
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x])
    };
    let mut out: Vec<String> = Vec::new();
    for grid in prepared.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
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

/// A 3x3 box blur (edges clamp): takes the edge off sensor noise and JPEG blocks.
fn box3(src: &GrayImage) -> GrayImage {
    let (w, h) = (src.width() as usize, src.height() as usize);
    let raw = src.as_raw();
    // Horizontal pass, then vertical.
    let mut tmp = vec![0u16; w * h];
    for y in 0..h {
        let row = &raw[y * w..(y + 1) * w];
        for x in 0..w {
            let l = row[x.saturating_sub(1)];
            let r = row[(x + 1).min(w - 1)];
            tmp[y * w + x] = u16::from(l) + u16::from(row[x]) + u16::from(r);
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let up = y.saturating_sub(1) * w;
        let mid = y * w;
        let down = (y + 1).min(h - 1) * w;
        for x in 0..w {
            let s = u32::from(tmp[up + x]) + u32::from(tmp[mid + x]) + u32::from(tmp[down + x]);
            out[mid + x] = (s / 9) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| src.clone())
}

/// Stretches the 1st..99th percentile of the histogram over 0..255 (low-contrast frames).
fn stretch(src: &GrayImage) -> GrayImage {
    let raw = src.as_raw();
    let mut hist = [0usize; 256];
    for &p in raw {
        hist[p as usize] += 1;
    }
    let cut = raw.len() / 100;
    let (mut lo, mut acc) = (0usize, 0usize);
    while lo < 255 && acc + hist[lo] <= cut {
        acc += hist[lo];
        lo += 1;
    }
    let (mut hi, mut acc) = (255usize, 0usize);
    while hi > 0 && acc + hist[hi] <= cut {
        acc += hist[hi];
        hi -= 1;
    }
    if hi <= lo + 1 {
        return src.clone();
    }
    let span = (hi - lo) as u32;
    let lut: Vec<u8> = (0..256u32)
        .map(|v| ((v.saturating_sub(lo as u32)).min(span) * 255 / span) as u8)
        .collect();
    let out = raw.iter().map(|&p| lut[p as usize]).collect();
    GrayImage::from_raw(src.width(), src.height(), out).unwrap_or_else(|| src.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code drawn with `scale` pixels per module on a `size` frame, at (`x`, `y`).
    pub(crate) fn draw(text: &str, scale: u32, size: (u32, u32), at: (u32, u32)) -> GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width() as u32;
        let colors = code.to_colors();
        let mut img = GrayImage::from_pixel(size.0, size.1, image::Luma([255]));
        for my in 0..n {
            for mx in 0..n {
                if colors[(my * n + mx) as usize] == qrcode::Color::Dark {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            img.put_pixel(
                                at.0 + mx * scale + dx,
                                at.1 + my * scale + dy,
                                image::Luma([0]),
                            );
                        }
                    }
                }
            }
        }
        img
    }

    const URI: &str = "otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

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

    #[test]
    fn downscale_and_stretch_keep_sizes() {
        let img = draw(URI, 4, (1000, 500), (0, 0));
        let d = downscale(&img, 300);
        assert_eq!(d.dimensions(), (300, 150));
        assert_eq!(stretch(&img).dimensions(), (1000, 500));
        assert_eq!(box3(&img).dimensions(), (1000, 500));
    }
}
