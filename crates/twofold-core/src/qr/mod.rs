//! QR codes out: an `otpauth://` URI as SVG (for the app) or as text for a terminal.
//!
//! Decoding (camera, screen, files) is not here yet. The output contains the secret, so it is
//! returned in zeroizing strings and shown only where the user asked to see it.

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
