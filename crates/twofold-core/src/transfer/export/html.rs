//! A printable page for a paper backup: one block per account with its name, issuer, account,
//! parameters, QR code (inline SVG) and secret in groups of four. Self-contained: inline CSS, no
//! script, no remote content, and a Content-Security-Policy that forbids loading any. Every
//! string from the vault is HTML-escaped.

use std::fmt::Write as _;

use zeroize::Zeroizing;

use crate::otp::OtpKind;
use crate::vault::Account;
use crate::{qr, Result};

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:2em;color:#000;background:#fff}\
h1{font-size:1.4em}\
.warn{border:2px solid #000;padding:.5em 1em}\
.account{display:flex;gap:1.5em;align-items:center;border:1px solid #888;padding:1em;margin:1em 0;\
break-inside:avoid;page-break-inside:avoid}\
.qr svg{width:180px;height:180px}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.2em 1em;margin:0}\
dt{font-weight:bold}dd{margin:0}\
.secret{font-family:ui-monospace,monospace;font-size:1.1em;letter-spacing:.05em;word-break:break-all}\
@media print{body{margin:0}.account{border-color:#000}}";

/// The page, as UTF-8 bytes.
pub(super) fn page(accounts: &[Account]) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(String::new());
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>Twofold paper backup</title>\n<style>",
    );
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Twofold paper backup</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"warn\">{} accounts. This page holds their secrets: anyone who sees it can \
         make your codes. Keep it as safe as the accounts themselves. To restore one, scan its \
         QR code or type its secret into an authenticator.</p>",
        accounts.len()
    );
    for a in accounts {
        block(&mut out, a)?;
    }
    out.push_str("</body>\n</html>\n");
    Ok(Zeroizing::new(std::mem::take(&mut *out).into_bytes()))
}

fn block(out: &mut String, a: &Account) -> Result<()> {
    let o = &a.otp;
    let svg = qr::to_svg(&a.to_uri())?;
    out.push_str("<section class=\"account\">\n<div class=\"qr\">");
    push_inline_svg(out, &svg);
    out.push_str("</div>\n<dl>\n");
    row(out, "Name", &a.name);
    row(out, "Issuer", &a.issuer);
    row(out, "Account", &a.account);
    let params = match o.kind {
        OtpKind::Steam => "Steam Guard, 5 characters, 30 s".to_string(),
        OtpKind::Totp => format!(
            "TOTP, {}, {} digits, {} s",
            o.algorithm.as_str(),
            o.digits,
            o.period
        ),
        OtpKind::Hotp => format!(
            "HOTP, {}, {} digits, next counter {}",
            o.algorithm.as_str(),
            o.digits,
            o.counter
        ),
    };
    row(out, "Type", &params);
    out.push_str("<dt>Secret</dt><dd class=\"secret\">");
    let secret = o.secret.to_base32();
    for (i, chunk) in secret.as_bytes().chunks(4).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // Base32 is ASCII letters and digits: nothing to escape.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out.push_str("</dd>\n</dl>\n</section>\n");
    Ok(())
}

fn row(out: &mut String, label: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    let _ = writeln!(out, "<dt>{label}</dt><dd>{}</dd>", escape(value));
}

/// Appends the `<svg>` element alone: no XML declaration (not allowed in HTML) and no namespace
/// attribute (HTML puts an inline `svg` in the SVG namespace itself, and the page then holds
/// no URL at all). Pieces are copied straight into `out`, which zeroizes: the drawing is the
/// secret.
fn push_inline_svg(out: &mut String, svg: &str) {
    const XMLNS: &str = r#" xmlns="http://www.w3.org/2000/svg""#;
    let svg = svg.find("<svg").map_or(svg, |i| &svg[i..]);
    match svg.find(XMLNS) {
        Some(i) => {
            out.push_str(&svg[..i]);
            out.push_str(&svg[i + XMLNS.len()..]);
        }
        None => out.push_str(svg),
    }
}

/// `s` safe as HTML text and in a quoted attribute.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{render, sample_accounts, Format};
    use super::*;

    #[test]
    fn the_page_holds_every_account_escaped_and_loads_nothing() {
        let accounts = sample_accounts();
        let bytes = render(&accounts, Format::Html, None).unwrap();
        let page = std::str::from_utf8(&bytes).unwrap();
        assert!(page.contains("ACME &lt;Ops&gt; &amp; &quot;co&quot;"));
        assert!(!page.contains("<Ops>"), "a name is not escaped");
        assert!(page.contains("JBSW Y3DP EHPK 3PXP"));
        assert!(page.contains("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"));
        assert!(page.contains("next counter 42"));
        assert_eq!(page.matches("<svg").count(), 3);
        assert_eq!(page.matches("class=\"account\"").count(), 3);
        assert!(page.contains("@media print"));
        let lower = page.to_ascii_lowercase();
        for banned in [
            "<script", "http:", "https:", "//", "<?xml", "<img", "<link", "url(",
        ] {
            assert!(!lower.contains(banned), "{banned} in the page");
        }
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(escape("plain ✓"), "plain ✓");
    }
}
