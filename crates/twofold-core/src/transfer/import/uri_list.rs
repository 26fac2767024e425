//! `otpauth://` URIs, one per line: the plain-text export of Aegis, Ente, WinAuth, FreeOTP and
//! others. Blank lines and `#` comments are ignored; every other line is an entry.

use super::{not_format, text, Format, Parsed, Skipped};
use crate::otp::uri::OtpUri;
use crate::vault::NewAccount;
use crate::Result;

/// A text whose first meaningful line is an `otpauth://` URI.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    text(bytes)
        .and_then(|t| entries(t).next())
        .is_some_and(|(_, line)| line.to_ascii_lowercase().starts_with("otpauth://"))
}

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<Parsed>> {
    let t = text(bytes).ok_or_else(|| not_format(Format::UriList, "it is not text"))?;
    Ok(entries(t)
        .enumerate()
        .map(|(i, (_, line))| {
            OtpUri::parse(&without_nulls(line))
                .map(|uri| NewAccount {
                    uri,
                    name: None,
                    tags: Vec::new(),
                })
                .map_err(|e| Skipped {
                    entry: i + 1,
                    label: label_of(line),
                    reason: e.to_string(),
                })
        })
        .collect())
}

/// The lines that are entries, with their line numbers.
fn entries(t: &str) -> impl Iterator<Item = (usize, &str)> {
    t.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// Ente writes `algorithm=null&digits=null&period=null` (and an empty `issuer`) for "the
/// default"; dropping those parameters gives exactly that.
fn without_nulls(line: &str) -> String {
    let Some((head, query)) = line.split_once('?') else {
        return line.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let default = v.is_empty() || v.eq_ignore_ascii_case("null");
            !(default && matches!(k, "algorithm" | "digits" | "period" | "issuer" | "counter"))
        })
        .collect();
    format!("{head}?{}", kept.join("&"))
}

/// The label part of a URI (never its query, which holds the secret), for a skipped entry.
pub(super) fn label_of(line: &str) -> String {
    let path = line.split('?').next().unwrap_or("");
    let label = path.rsplit('/').next().unwrap_or("");
    percent_encoding::percent_decode_str(label)
        .decode_utf8_lossy()
        .chars()
        .take(80)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{read, Format};
    use crate::otp::{Algorithm, OtpKind};

    const LIST: &str = "\u{feff}# exported by an app\n\
        otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\n\
        \n\
        otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQ&counter=7&algorithm=sha256\n\
        otpauth://totp/Bad%20One?secret=JBSWY3DPEHPK3PX1\n\
        otpauth://steam/Steam:gamer?secret=JBSWY3DPEHPK3PXP\n\
        otpauth://totp/Ente:carol?secret=JBSWY3DPEHPK3PXP&issuer&algorithm=null&digits=null&period=null&codeDisplay=%7B%22pinned%22%3Afalse%7D\n";

    #[test]
    fn every_good_line_is_an_account_and_every_bad_one_is_named() {
        let e = read(LIST.as_bytes(), None, None).unwrap();
        assert_eq!(e.format, Format::UriList);
        let got: Vec<_> = e
            .accounts
            .iter()
            .map(|a| {
                (
                    a.uri.issuer.as_str(),
                    a.uri.account.as_str(),
                    a.uri.otp.kind,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("ACME", "alice", OtpKind::Totp),
                ("Corp", "bob", OtpKind::Hotp),
                ("Steam", "gamer", OtpKind::Steam),
                ("Ente", "carol", OtpKind::Totp),
            ]
        );
        assert_eq!(e.accounts[1].uri.otp.counter, 7);
        assert_eq!(e.accounts[1].uri.otp.algorithm, Algorithm::Sha256);
        let carol = &e.accounts[3].uri.otp;
        assert_eq!(
            (carol.digits, carol.period, carol.algorithm),
            (6, 30, Algorithm::Sha1)
        );
        assert_eq!(e.skipped.len(), 1);
        assert_eq!(e.skipped[0].entry, 3);
        assert_eq!(e.skipped[0].label, "Bad One");
        assert!(
            e.skipped[0].reason.contains("character 16"),
            "{}",
            e.skipped[0].reason
        );
        assert!(
            !e.skipped[0].to_string().contains("JBSW"),
            "no secret in the reason"
        );
    }

    #[test]
    fn the_real_link_list_matches_the_independent_decoding() {
        use super::super::samples::{check, Differences};
        check(
            "otpauth_uri_list",
            Format::UriList,
            Differences {
                // The same file read as WinAuth's export, whose links have no issuer: the
                // decoder then swaps issuer and account, as Aegis does for WinAuth. Twofold
                // reads a link list as the links say.
                unread: &["otpauth_uri_list/plain.txt#winauth"],
                ..Differences::default()
            },
        );
    }

    #[test]
    fn text_that_is_not_a_list_is_not_taken_for_one() {
        assert!(read(
            b"hello\notpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
            None,
            None
        )
        .is_err());
    }
}
