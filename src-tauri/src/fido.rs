//! `FidoState`: which keys the app talks to (USB HID, or the test simulator) and the cancel
//! token of the operation waiting for a touch, so the window's Cancel button can stop it.
//!
//! It is managed next to [`crate::AppState`] rather than inside it because it needs no vault
//! and tests build it on its own. It holds no PIN.

#[cfg(any(test, feature = "test-hooks"))]
use std::path::PathBuf;
use std::sync::Mutex;

use twofold_core::fido::{AuthenticatorFinder, CancelToken};

/// The `State` type the FIDO commands take.
pub type FidoStateRef<'a> = tauri::State<'a, FidoState>;

/// A finder the commands can share across threads.
pub type SharedFinder = std::sync::Arc<dyn AuthenticatorFinder + Send + Sync>;

/// The keys' finder and the running operation's cancel token.
pub struct FidoState {
    finder: SharedFinder,
    running: Mutex<Option<(u64, CancelToken)>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl FidoState {
    /// State over `finder`.
    pub fn new(finder: SharedFinder) -> Self {
        FidoState {
            finder,
            running: Mutex::new(None),
            next_id: Default::default(),
        }
    }

    /// USB keys.
    pub fn usb() -> Self {
        Self::new(std::sync::Arc::new(twofold_core::fido::hid::HidFinder))
    }

    /// USB keys, or the simulator at `simulator` (tests).
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn from_simulator(simulator: Option<PathBuf>) -> Self {
        match simulator {
            Some(path) => Self::new(std::sync::Arc::new(twofold_core::fido::sim::SimFinder {
                path,
            })),
            None => Self::usb(),
        }
    }

    /// The finder (a cheap clone, to move into a worker).
    pub fn finder(&self) -> SharedFinder {
        self.finder.clone()
    }

    /// Remembers the token of the operation that now waits for a touch, and returns its id
    /// for [`FidoState::finish`]. One at a time: a new one cancels the previous.
    pub fn start(&self, token: CancelToken) -> u64 {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, old)) = running.replace((id, token)) {
            old.cancel();
        }
        id
    }

    /// Forgets operation `id` once it has finished.
    pub fn finish(&self, id: u64) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.as_ref().is_some_and(|(i, _)| *i == id) {
            *running = None;
        }
    }

    /// Cancels the running operation, if any. Returns whether there was one.
    pub fn cancel(&self) -> bool {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match running {
            Some((_, t)) => {
                t.cancel();
                true
            }
            None => false,
        }
    }
}

impl std::fmt::Debug for FidoState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FidoState").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_running_token_once() {
        let state = FidoState::from_simulator(Some("/nonexistent".into()));
        assert!(!state.cancel());
        let t = CancelToken::new();
        let id = state.start(t.clone());
        assert!(state.cancel());
        state.finish(id);
        assert!(t.is_cancelled());
        assert!(!state.cancel());
    }
}
