//! Codes on the clipboard: a copied code is marked as a secret for clipboard managers (they
//! keep it out of their history), and is cleared again, after a delay or when the app quits,
//! if the clipboard still holds it. Reading a QR image off the clipboard is
//! [`crate::qr::source::Clipboard`]; this module only writes text.

use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::{Error, Result};

/// The text clipboard, as [`CodeClipboard`] needs it: the system's ([`SystemClipboard`]) or a
/// test double.
pub trait TextClipboard: Send {
    /// Puts `text` on the clipboard, marked as a secret clipboard managers do not keep.
    fn set_secret(&mut self, text: &str) -> Result<()>;
    /// The clipboard's text, `None` when it holds none.
    fn text(&mut self) -> Result<Option<String>>;
    /// Empties the clipboard.
    fn clear(&mut self) -> Result<()>;
}

/// The system clipboard through `arboard`. Kept open for the app's life: on X11 the clipboard's
/// content lives in the process that set it.
pub struct SystemClipboard(arboard::Clipboard);

impl std::fmt::Debug for SystemClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SystemClipboard")
    }
}

fn clipboard_error(e: arboard::Error) -> Error {
    Error::Clipboard(e.to_string())
}

impl SystemClipboard {
    /// Opens the system clipboard.
    pub fn open() -> Result<Self> {
        arboard::Clipboard::new()
            .map(SystemClipboard)
            .map_err(clipboard_error)
    }
}

impl TextClipboard for SystemClipboard {
    fn set_secret(&mut self, text: &str) -> Result<()> {
        let set = self.0.set();
        // Linux: the `x-kde-passwordManagerHint: secret` target KDE's Klipper and other
        // managers honour; Windows: kept out of clipboard history and cloud sync; macOS: the
        // `org.nspasteboard.ConcealedType` marker.
        #[cfg(all(
            unix,
            not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
        ))]
        let set = arboard::SetExtLinux::exclude_from_history(set);
        #[cfg(windows)]
        let set = arboard::SetExtWindows::exclude_from_cloud(
            arboard::SetExtWindows::exclude_from_history(set),
        );
        #[cfg(target_os = "macos")]
        let set = arboard::SetExtApple::exclude_from_history(set);
        set.text(text).map_err(clipboard_error)
    }

    fn text(&mut self) -> Result<Option<String>> {
        match self.0.get_text() {
            Ok(t) => Ok(Some(t)),
            Err(arboard::Error::ContentNotAvailable) => Ok(None),
            Err(e) => Err(clipboard_error(e)),
        }
    }

    fn clear(&mut self) -> Result<()> {
        self.0.clear().map_err(clipboard_error)
    }
}

type Opener<C> = Box<dyn Fn() -> Result<C> + Send + Sync>;

/// The codes the app copies: which one was copied last and not cleared yet, so it can be
/// cleared later (after the delay, or when the app quits) without wiping what the user copied
/// since.
pub struct CodeClipboard<C: TextClipboard = SystemClipboard> {
    open: Opener<C>,
    inner: Mutex<Inner<C>>,
}

struct Inner<C> {
    clipboard: Option<C>,
    /// The code copied last, until it is cleared or replaced on the clipboard.
    pending: Option<Zeroizing<String>>,
}

impl<C: TextClipboard> std::fmt::Debug for CodeClipboard<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeClipboard(<redacted>)")
    }
}

impl CodeClipboard<SystemClipboard> {
    /// The system clipboard, opened on the first copy (a headless process never opens it).
    pub fn system() -> Self {
        CodeClipboard::new(SystemClipboard::open)
    }
}

impl<C: TextClipboard> CodeClipboard<C> {
    /// A code clipboard over what `open` returns, called on the first use.
    pub fn new(open: impl Fn() -> Result<C> + Send + Sync + 'static) -> Self {
        CodeClipboard {
            open: Box::new(open),
            inner: Mutex::new(Inner {
                clipboard: None,
                pending: None,
            }),
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut C, &mut Option<Zeroizing<String>>) -> Result<T>,
    ) -> Result<T> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let inner = &mut *inner;
        if inner.clipboard.is_none() {
            inner.clipboard = Some((self.open)()?);
        }
        match inner.clipboard.as_mut() {
            Some(c) => f(c, &mut inner.pending),
            None => Err(Error::Clipboard("the clipboard could not be opened".into())),
        }
    }

    /// Copies `code`, marked as a secret, and remembers it for [`CodeClipboard::clear_if_holding`]
    /// and [`CodeClipboard::clear_pending`].
    pub fn copy(&self, code: &str) -> Result<()> {
        self.with(|c, pending| {
            c.set_secret(code)?;
            *pending = Some(Zeroizing::new(code.to_string()));
            Ok(())
        })
    }

    /// Clears the clipboard if it still holds `code` (the user may have copied something else
    /// since); returns whether it did.
    pub fn clear_if_holding(&self, code: &str) -> Result<bool> {
        self.with(|c, pending| {
            if pending.as_deref().is_some_and(|p| p.as_str() == code) {
                *pending = None;
            }
            let held = c.text()?.map(Zeroizing::new);
            if held.as_deref().is_some_and(|h| h.as_str() == code) {
                c.clear()?;
                return Ok(true);
            }
            Ok(false)
        })
    }

    /// When the app quits: clears the clipboard if it still holds the last code copied and not
    /// cleared yet; returns whether it did. Opens nothing when no code was copied.
    pub fn clear_pending(&self) -> Result<bool> {
        let pending = {
            let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            inner.pending.clone()
        };
        match pending {
            Some(code) => self.clear_if_holding(&code),
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A clipboard in memory: its text, and whether that text was marked as a secret.
    #[derive(Clone, Default)]
    struct Fake(Arc<Mutex<(Option<String>, bool)>>);

    impl TextClipboard for Fake {
        fn set_secret(&mut self, text: &str) -> Result<()> {
            *self.0.lock().unwrap() = (Some(text.into()), true);
            Ok(())
        }
        fn text(&mut self) -> Result<Option<String>> {
            Ok(self.0.lock().unwrap().0.clone())
        }
        fn clear(&mut self) -> Result<()> {
            *self.0.lock().unwrap() = (None, false);
            Ok(())
        }
    }

    impl Fake {
        /// The user copies something in another app.
        fn user_copies(&self, text: &str) {
            *self.0.lock().unwrap() = (Some(text.into()), false);
        }
        fn held(&self) -> Option<String> {
            self.0.lock().unwrap().0.clone()
        }
    }

    fn clipboard() -> (Fake, CodeClipboard<Fake>) {
        let fake = Fake::default();
        let handle = fake.clone();
        (fake, CodeClipboard::new(move || Ok(handle.clone())))
    }

    // See: issue 16: the copied code was not cleared when the app quit within the 30 s.
    #[test]
    fn issue16_quitting_clears_the_code_if_the_clipboard_still_holds_it() {
        let (fake, cb) = clipboard();
        cb.copy("123456").unwrap();
        assert_eq!(fake.held().as_deref(), Some("123456"));
        assert!(fake.0.lock().unwrap().1, "marked as a secret");
        assert!(cb.clear_pending().unwrap());
        assert_eq!(fake.held(), None);
        // Nothing left to clear.
        fake.user_copies("later");
        assert!(!cb.clear_pending().unwrap());
        assert_eq!(fake.held().as_deref(), Some("later"));
    }

    #[test]
    fn what_the_user_copied_since_is_never_cleared() {
        let (fake, cb) = clipboard();
        cb.copy("123456").unwrap();
        fake.user_copies("my notes");
        assert!(!cb.clear_pending().unwrap());
        assert!(!cb.clear_if_holding("123456").unwrap());
        assert_eq!(fake.held().as_deref(), Some("my notes"));
    }

    #[test]
    fn the_timed_clear_and_the_quit_clear_do_not_repeat() {
        let (fake, cb) = clipboard();
        cb.copy("111111").unwrap();
        cb.copy("222222").unwrap();
        // The first copy's timer: the clipboard holds the second code, which stays.
        assert!(!cb.clear_if_holding("111111").unwrap());
        assert_eq!(fake.held().as_deref(), Some("222222"));
        // The second's timer clears it; quitting afterwards finds nothing to clear.
        assert!(cb.clear_if_holding("222222").unwrap());
        fake.user_copies("222222");
        assert!(
            !cb.clear_pending().unwrap(),
            "the user's own copy of it stays"
        );
        assert_eq!(fake.held().as_deref(), Some("222222"));
    }

    #[test]
    fn nothing_is_opened_until_a_code_is_copied() {
        let cb = CodeClipboard::<Fake>::new(|| Err(Error::Clipboard("no display".into())));
        assert!(!cb.clear_pending().unwrap());
        assert!(matches!(cb.copy("1"), Err(Error::Clipboard(_))));
        assert_eq!(format!("{cb:?}"), "CodeClipboard(<redacted>)");
    }
}
