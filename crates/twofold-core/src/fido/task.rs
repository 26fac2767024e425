//! Running a blocking key operation off the caller's thread, with a cancel.
//!
//! [`spawn`] starts the work on a worker thread and returns an [`Operation`]. Cancelling sets a
//! shared flag ([`CancelToken`]) and makes [`Operation::wait`] return [`FidoError::Cancelled`]
//! at once. What the flag can stop depends on where the work is:
//!
//! - between steps of an [`ops`](super::ops) function (e.g. after the PIN check, before
//!   makeCredential; between makeCredential and getAssertion): always; no further command is
//!   sent to the key;
//! - the simulator's wait for a touch, and the HID backend's wait for the touch of a reset
//!   (it sends CTAPHID_CANCEL): at once;
//! - a `ctap-hid-fido2` call already waiting for a touch (makeCredential, getAssertion): not
//!   from outside, because that crate holds the device for the whole blocking read. The key
//!   gives up on its own (typically after 30 s) or when touched; the worker then ends and its
//!   result is dropped. The test credential is not resident, so a late touch stores nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::{FidoError, FidoResult};

/// A shared "please stop" flag, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the operation to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once cancelled: call it between steps.
    pub fn check(&self) -> FidoResult<()> {
        if self.is_cancelled() {
            Err(FidoError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// A key operation running on a worker thread.
#[derive(Debug)]
pub struct Operation<T> {
    rx: mpsc::Receiver<FidoResult<T>>,
    cancel: CancelToken,
}

/// Runs `work` on a new thread; `work` gets the operation's [`CancelToken`] to pass on.
pub fn spawn<T, F>(work: F) -> Operation<T>
where
    T: Send + 'static,
    F: FnOnce(&CancelToken) -> FidoResult<T> + Send + 'static,
{
    let cancel = CancelToken::new();
    let (tx, rx) = mpsc::channel();
    let token = cancel.clone();
    std::thread::spawn(move || {
        // Nobody listening (the caller cancelled and went away) is fine.
        let _ = tx.send(work(&token));
    });
    Operation { rx, cancel }
}

impl<T> Operation<T> {
    /// Asks the operation to stop (see the module docs for what it can interrupt).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// A token to cancel the operation from elsewhere (a UI handler, a Ctrl-C handler).
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// The result if the operation has finished, without blocking.
    pub fn try_result(&self) -> Option<FidoResult<T>> {
        if self.cancel.is_cancelled() {
            return Some(Err(FidoError::Cancelled));
        }
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(worker_died())),
        }
    }

    /// Blocks until the operation finishes or is cancelled.
    pub fn wait(self) -> FidoResult<T> {
        loop {
            if self.cancel.is_cancelled() {
                return Err(FidoError::Cancelled);
            }
            match self.rx.recv_timeout(Duration::from_millis(20)) {
                Ok(r) => return r,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(worker_died()),
            }
        }
    }
}

fn worker_died() -> FidoError {
    FidoError::Device("the operation stopped unexpectedly (worker thread panicked)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawn_returns_the_result() {
        let op = spawn(|_| Ok(42));
        assert_eq!(op.wait(), Ok(42));
    }

    #[test]
    fn cancel_returns_at_once_and_the_worker_sees_it() {
        let (seen_tx, seen_rx) = mpsc::channel();
        let op = spawn(move |cancel: &CancelToken| {
            while !cancel.is_cancelled() {
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = seen_tx.send(());
            cancel.check().map(|_| 0)
        });
        assert!(op.try_result().is_none());
        op.cancel();
        assert_eq!(op.wait(), Err(FidoError::Cancelled));
        seen_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("worker saw the cancel");
    }

    #[test]
    fn a_panicking_worker_is_an_error_not_a_hang() {
        let op: Operation<()> = spawn(|_| panic!("boom"));
        assert!(matches!(op.wait(), Err(FidoError::Device(_))));
    }
}
