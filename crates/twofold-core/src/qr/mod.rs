//! QR codes in and out.
//!
//! In: frames come from a [`FrameSource`] (an image file, a directory of images, the clipboard,
//! the screen, or the webcam in [`crate::camera`]); [`decode`] reads every code in a frame with
//! one pipeline; [`Payload`] says what a code's text means (an `otpauth://` account or a Google
//! Authenticator export). Out: an `otpauth://` URI as SVG (for the app) or as text for a
//! terminal. Both directions carry secrets, so they are shown only where the user asked.

pub mod decode;
pub mod live;
pub mod payload;
pub mod source;
#[cfg(test)]
pub(crate) mod testutil;

pub use decode::{decode_gray, decode_image};
pub use payload::Payload;
pub use source::{Clipboard, Frame, FrameSource, ImageDir, ImageFile, Screen};

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::{Error, Result};

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        Error::InvalidParameter {
            field: "qr code",
            reason: format!("cannot encode the text: {e}"),
        }
    })
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
        let t = to_terminal("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
        let lines: Vec<&str> = t.lines().collect();
        // Version 2 (25 modules) + 2 x 4 quiet zone = 33 columns, 17 rows of two.
        assert!(lines.len() >= 15, "{} lines", lines.len());
        assert!(lines
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count()));
    }
}
