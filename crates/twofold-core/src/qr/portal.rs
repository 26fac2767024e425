//! The screen through xdg-desktop-portal's Screenshot portal, for Wayland sessions, where a
//! client cannot read the screen itself.
//!
//! One call: `org.freedesktop.portal.Screenshot.Screenshot` on the session bus, non-interactive.
//! The portal answers with a request object, then later a `Response` signal on it that names a
//! PNG file it wrote (usually into the user's Pictures folder). That file holds whatever the
//! screen showed, QR secrets included, so it is read once and deleted. This module owns only the
//! call and the file; the request exchange is [`crate::portal`], decoding is [`super::decode`],
//! dispatch is [`super::source`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use zbus::zvariant::Value;

use super::source::{load_image, Frame};
use crate::portal::{call_failure, request, CallFailure, RequestError, Vardict};
use crate::{Error, Result};

const SCREENSHOT_IFACE: &str = "org.freedesktop.portal.Screenshot";

/// How long to wait for the portal's answer. Long, because the desktop may ask the user first.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the `Screenshot` call itself may take: it only registers the request, but the bus
/// may have to start the portal first.
const CALL_TIMEOUT: Duration = Duration::from_secs(25);

/// The hint given whenever there is no usable portal.
const INSTALL_HINT: &str = "install xdg-desktop-portal and a backend for your desktop \
     (xdg-desktop-portal-gnome, -kde or -wlr), or save a screenshot and scan the file";

/// Takes one screenshot of the whole desktop through the portal, waiting at most `timeout` for
/// its answer, and returns it as a frame. The file the portal wrote is deleted before this
/// returns, whether or not it could be read.
pub fn capture_with_timeout(timeout: Duration) -> Result<Frame> {
    let conn = zbus::blocking::connection::Builder::session()
        .map(|b| b.method_timeout(CALL_TIMEOUT))
        .and_then(|b| b.build())
        .map_err(|e| {
            Error::ScreenCapture(format!(
                "the desktop portal is not available: there is no D-Bus session bus ({e}); \
                 save a screenshot and scan the file"
            ))
        })?;
    // The request runs on zbus's own executor (async-io), never on tokio: this is called from
    // the app's async commands, where starting a tokio runtime would panic.
    let answer = zbus::block_on(request::<_, Vardict>(
        conn.inner(),
        SCREENSHOT_IFACE,
        "Screenshot",
        timeout,
        |token| {
            let options: HashMap<&str, Value<'_>> = HashMap::from([
                ("handle_token", Value::from(token.to_owned())),
                ("interactive", Value::from(false)),
            ]);
            ("", options)
        },
    ))
    .map_err(|e| request_error(e, timeout))?;
    let mut results = answer.results;
    let uri = results.remove("uri").and_then(|v| String::try_from(v).ok());
    let path = uri_to_path(&response_to_uri(answer.code, uri)?)?;
    let file = Screenshot(path);
    let image = load_image(&file.0)?;
    drop(file);
    Ok(Frame {
        image,
        origin: "screen (portal)".into(),
    })
}

/// What a request that got no screenshot means for the user.
fn request_error(e: RequestError, timeout: Duration) -> Error {
    match e {
        RequestError::Token(e) => fail("no randomness for the request", &e),
        RequestError::Listen(e) => fail("cannot listen to the desktop portal", &e),
        RequestError::Call(e) => call_error(e),
        RequestError::Unreadable(e) => fail("the desktop portal's answer was unreadable", &e),
        RequestError::Closed => {
            Error::ScreenCapture("the session bus closed before the desktop portal answered".into())
        }
        RequestError::TimedOut => Error::ScreenCapture(format!(
            "the desktop portal did not answer within {} s (if it asked for permission, \
             allow twofold to take screenshots and scan again)",
            timeout.as_secs()
        )),
    }
}

/// The screenshot file; deleted when dropped.
struct Screenshot(PathBuf);

impl Drop for Screenshot {
    fn drop(&mut self) {
        // It may already be gone (a backend that cleans up); nothing else is worth reporting.
        let _ = std::fs::remove_file(&self.0);
    }
}

fn fail(what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::ScreenCapture(format!("{what}: {e}"))
}

/// What a failed `Screenshot` call means for the user.
fn call_error(e: zbus::Error) -> Error {
    match call_failure(&e, false) {
        CallFailure::NoPortal => Error::ScreenCapture(format!(
            "the desktop portal is not available on the session bus: {INSTALL_HINT}"
        )),
        CallFailure::NoInterface => Error::ScreenCapture(format!(
            "the desktop portal runs but offers no screenshots, so it has no backend for this \
             desktop: {INSTALL_HINT}"
        )),
        CallFailure::Other => fail("the desktop portal refused the screenshot", &e),
    }
}

/// The portal's answer as the screenshot's URI, or why there is none.
fn response_to_uri(code: u32, uri: Option<String>) -> Result<String> {
    match code {
        0 => uri.filter(|u| !u.is_empty()).ok_or_else(|| {
            Error::ScreenCapture("the desktop portal answered without a screenshot".into())
        }),
        1 => Err(Error::ScreenCapture(
            "the screenshot was cancelled (permission to capture the screen was refused or the \
             prompt was closed)"
                .into(),
        )),
        _ => Err(Error::ScreenCapture(
            "the desktop portal could not take a screenshot (its backend for this desktop \
             failed or does not allow it)"
                .into(),
        )),
    }
}

/// The local path of a `file://` URI (empty host or `localhost`), percent-decoded.
fn uri_to_path(uri: &str) -> Result<PathBuf> {
    let bad = || {
        Error::ScreenCapture(format!(
            "the desktop portal named a screenshot that is not a local file: {uri}"
        ))
    };
    let rest = uri
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("file://"))
        .map(|_| &uri[7..])
        .ok_or_else(bad)?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return Err(bad());
    }
    // A query or fragment is not part of the file's name.
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    if bytes.contains(&0) {
        return Err(bad());
    }
    Ok(bytes_to_path(bytes))
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt as _;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn file_uris_become_paths_with_percent_escapes_decoded() {
        let p = uri_to_path("file:///home/ana/Pictures/Screenshot.png").unwrap();
        assert_eq!(p, Path::new("/home/ana/Pictures/Screenshot.png"));
        assert_eq!(
            uri_to_path("file:///home/ana/Bilder/Bildschirmfoto%20vom%202024-05-01%2012-00-00.png")
                .unwrap(),
            Path::new("/home/ana/Bilder/Bildschirmfoto vom 2024-05-01 12-00-00.png")
        );
        // UTF-8 escaped byte by byte, and a literal '%' escaped as %25.
        assert_eq!(
            uri_to_path("file:///tmp/%C3%A9cran%25.png").unwrap(),
            Path::new("/tmp/écran%.png")
        );
        assert_eq!(
            uri_to_path("file://localhost/tmp/a.png").unwrap(),
            Path::new("/tmp/a.png")
        );
        assert_eq!(
            uri_to_path("FILE:///tmp/a.png").unwrap(),
            Path::new("/tmp/a.png")
        );
    }

    #[test]
    fn uris_that_are_not_local_files_are_refused() {
        for uri in [
            "",
            "/tmp/a.png",
            "https://example.com/a.png",
            "file://otherhost/tmp/a.png",
            "file://tmp/a.png",
            "file:///tmp/a%00.png",
        ] {
            let e = uri_to_path(uri).unwrap_err();
            assert!(e.to_string().contains("not a local file"), "{uri:?}: {e}");
        }
    }

    #[test]
    fn response_codes_map_to_a_uri_or_a_clear_error() {
        assert_eq!(
            response_to_uri(0, Some("file:///tmp/s.png".into())).unwrap(),
            "file:///tmp/s.png"
        );
        let e = response_to_uri(0, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "screen capture: the desktop portal answered without a screenshot"
        );
        let e = response_to_uri(1, Some("file:///tmp/s.png".into())).unwrap_err();
        assert!(matches!(e, Error::ScreenCapture(_)), "{e}");
        assert!(e.to_string().contains("cancelled"), "{e}");
        for code in [2, 3, 77] {
            let e = response_to_uri(code, None).unwrap_err();
            assert!(
                e.to_string().contains("could not take a screenshot"),
                "{code}: {e}"
            );
        }
    }

    #[test]
    fn a_missing_portal_and_a_portal_without_backend_are_told_apart() {
        let err = |name: &str| call_error(crate::portal::method_error(name)).to_string();
        let e = err("org.freedesktop.DBus.Error.ServiceUnknown");
        assert!(
            e.contains("the desktop portal is not available") && e.contains("xdg-desktop-portal"),
            "{e}"
        );
        let e = err("org.freedesktop.DBus.Error.UnknownMethod");
        assert!(e.contains("no backend for this desktop"), "{e}");
        let e = err("org.freedesktop.portal.Error.NotAllowed");
        assert!(e.contains("refused the screenshot"), "{e}");
    }

    #[test]
    fn the_screenshot_file_is_deleted_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("Screenshot.png");
        std::fs::write(&p, b"x").unwrap();
        drop(Screenshot(p.clone()));
        assert!(!p.exists());
        // Already gone is not an error.
        drop(Screenshot(p));
    }
}
