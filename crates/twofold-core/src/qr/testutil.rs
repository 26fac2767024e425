//! Test frames: a QR code drawn into a grayscale image, and noise to put around it.

use image::GrayImage;

/// The code for `text` drawn with `scale` pixels per module on a white `size` frame, its top
/// left corner at `at`.
pub(crate) fn draw(text: &str, scale: u32, size: (u32, u32), at: (u32, u32)) -> GrayImage {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("encodable test text");
    let n = code.width() as u32;
    let colors = code.to_colors();
    GrayImage::from_fn(size.0, size.1, |x, y| {
        let inside = x >= at.0 && y >= at.1 && x < at.0 + n * scale && y < at.1 + n * scale;
        let dark = inside
            && colors[(((y - at.1) / scale) * n + (x - at.0) / scale) as usize]
                == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    })
}

/// A repeatable stream of pseudo-random grey levels (xorshift32 from `seed`, which must not be
/// zero), for noise frames.
pub(crate) fn noise(mut seed: u32) -> impl FnMut() -> u8 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed >> 24) as u8
    }
}
