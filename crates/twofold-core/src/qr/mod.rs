//! QR codes in and out.
//!
//! In: frames come from a [`FrameSource`] (an image file, a directory of images, the clipboard,
//! the screen, or the webcam in [`crate::camera`]); [`decode`] reads every code in a frame with
//! one pipeline; [`Payload`] says what a code's text means (an `otpauth://` account or a Google
//! Authenticator export). Out: an `otpauth://` URI as SVG (for the app) or as text for a
//! terminal. Both directions carry secrets, so they are shown only where the user asked.

pub mod decode;
pub mod live;
mod locate;
pub mod payload;
#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
mod portal;
pub mod scanned;
pub mod source;
#[cfg(test)]
pub(crate) mod testutil;

pub use decode::{decode_frame, decode_gray, decode_image, LiveState};
pub use payload::{Payload, QrContent};
pub use scanned::Scanned;
pub use source::{Clipboard, Frame, FrameSource, ImageDir, ImageFile, Screen};

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::{Error, Result};

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::QrEncode(e.to_string()))
}

/// The QR code as an SVG document (dark modules on white, with a quiet zone).
pub fn to_svg(text: &str) -> Result<Zeroizing<String>> {
    Ok(Zeroizing::new(
        code(text)?
            .render::<svg::Color<'_>>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    ))
}

/// The QR code as a PNG: `scale` pixels per module, black on white, with the 4-module quiet
/// zone. The bytes hold the secret; write them only where the user asked (a private file).
pub fn to_png(text: &str, scale: u32) -> Result<Zeroizing<Vec<u8>>> {
    let code = code(text)?;
    let n = code.width() as u32;
    let colors = code.to_colors();
    let scale = scale.clamp(1, 64);
    let side = (n + 8) * scale;
    let image = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + (mx - 4)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Zeroizing::new(Vec::new());
    image
        .write_to(
            &mut std::io::Cursor::new(&mut *png),
            image::ImageFormat::Png,
        )
        .map_err(|e| Error::QrEncode(format!("cannot write the PNG: {e}")))?;
    Ok(png)
}

/// The QR code drawn with Unicode half blocks, two modules per character cell, for a terminal.
/// Dark-on-light, so it scans on dark terminal themes too.
pub fn to_terminal(text: &str) -> Result<Zeroizing<String>> {
    Ok(Zeroizing::new(
        code(text)?
            .render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    ))
}

/// The texts of every QR code in the frame; [`Error::QrNotFound`] when there is none.
pub fn scan_frame(frame: &Frame) -> Result<Vec<String>> {
    let found = decode_image(&frame.image);
    if found.is_empty() {
        Err(Error::QrNotFound)
    } else {
        Ok(found)
    }
}

/// Reads frames from a live source (camera, screen) until one holds a QR code, the source
/// runs out, or `timeout` passes; returns that frame's origin and texts.
pub fn scan_until_found(
    source: &mut dyn FrameSource,
    timeout: std::time::Duration,
) -> Result<(String, Vec<String>)> {
    let started = std::time::Instant::now();
    while let Some(frame) = source.next_frame()? {
        let found = decode_image(&frame.image);
        if !found.is_empty() {
            return Ok((frame.origin, found));
        }
        if started.elapsed() >= timeout {
            break;
        }
    }
    Err(Error::QrNotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_svg_and_terminal() {
        let svg = to_svg("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(
            svg.starts_with("<?xml") && svg.contains("<svg"),
            "{}",
            &svg[..40]
        );
        let png = to_png("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", 6).unwrap();
        let back = image::load_from_memory(&png).unwrap();
        // The code's modules plus a 4-module quiet zone each side, 6 pixels each.
        let side = (code("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
            .unwrap()
            .width() as u32
            + 8)
            * 6;
        assert_eq!((back.width(), back.height()), (side, side));
        assert_eq!(
            decode_image(&back),
            vec!["otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".to_string()]
        );
        let t = to_terminal("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
        let lines: Vec<&str> = t.lines().collect();
        // Version 2 (25 modules) + 2 x 4 quiet zone = 33 columns, 17 rows of two.
        assert!(lines.len() >= 15, "{} lines", lines.len());
        assert!(lines
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count()));
    }
}
