//! Locking by itself: after a while without use, and when the desktop session locks or the
//! machine goes to sleep ([`crate::session_lock`]).
//!
//! "Use" is the user's: a key or a click in a window (the UI reports it through
//! `app_activity`, at most every few seconds), the lookup window, the tray. The codes' own
//! refreshes are not use, or an open window would never lock.

use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::state::AppState;

/// The idle clock: when the app was last used and how long it may sit idle.
#[derive(Debug)]
pub struct AutoLock {
    clock: Mutex<Clock>,
    wake: Notify,
}

#[derive(Debug, Clone, Copy)]
struct Clock {
    last_use: Instant,
    timeout: Option<Duration>,
}

impl AutoLock {
    /// A clock that starts now; `timeout` `None` never locks.
    pub fn new(timeout: Option<Duration>) -> Self {
        AutoLock {
            clock: Mutex::new(Clock {
                last_use: Instant::now(),
                timeout,
            }),
            wake: Notify::new(),
        }
    }

    fn clock(&self) -> std::sync::MutexGuard<'_, Clock> {
        self.clock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The user did something: the idle time starts again.
    pub fn touch(&self) {
        self.clock().last_use = Instant::now();
    }

    /// A new timeout (from Settings), counted from the last use.
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        self.clock().timeout = timeout;
        self.wake.notify_one();
    }

    /// Returns once the app has gone `timeout` without use. A touch or a new timeout while
    /// waiting moves the deadline; with no timeout it waits for one to be set.
    pub async fn idle(&self) {
        loop {
            let c = *self.clock();
            match c.timeout.map(|t| c.last_use + t) {
                None => self.wake.notified().await,
                Some(deadline) if Instant::now() >= deadline => return,
                Some(deadline) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {}
                        () = self.wake.notified() => {}
                    }
                }
            }
        }
    }
}

/// The timeout for a `lock_after_secs` setting (0: never).
pub fn timeout_of(secs: u32) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs.into()))
}

/// Why the app locked itself; the event's reason, for the unlock screen to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockCause {
    /// The user locked (button, tray).
    User,
    /// No use for the set time.
    Idle,
    /// The desktop session locked.
    Session,
    /// The machine is going to sleep.
    Suspend,
}

impl LockCause {
    /// The `vault://changed` reason.
    pub fn reason(self) -> &'static str {
        match self {
            LockCause::User => "locked",
            LockCause::Idle => "locked-idle",
            LockCause::Session => "locked-session",
            LockCause::Suspend => "locked-suspend",
        }
    }
}

/// Locks the app now (if the vault is open, or anything secret is held) and tells every window.
pub fn lock_now<R: Runtime>(app: &AppHandle<R>, cause: LockCause) {
    let state = app.state::<AppState>();
    let was_open = state.is_unlocked();
    state.lock();
    crate::lookup::hide(app);
    if was_open || cause == LockCause::User {
        tracing::info!(cause = cause.reason(), "locked");
        crate::events::vault_changed(app, cause.reason());
    }
}

/// Runs the idle lock for the life of the app.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            app.state::<AppState>().autolock().idle().await;
            lock_now(&app, LockCause::Idle);
            // The idle time starts again from the lock, so a locked app is not re-locked in a
            // tight loop.
            app.state::<AppState>().autolock().touch();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn fires_after_the_timeout_counted_from_the_last_use() {
        let lock = AutoLock::new(Some(Duration::from_secs(60)));
        let start = Instant::now();
        tokio::time::sleep(Duration::from_secs(30)).await;
        lock.touch();
        lock.idle().await;
        assert_eq!(start.elapsed(), Duration::from_secs(90));
    }

    #[tokio::test(start_paused = true)]
    async fn a_touch_while_waiting_moves_the_deadline() {
        let lock = std::sync::Arc::new(AutoLock::new(Some(Duration::from_secs(60))));
        let start = Instant::now();
        let waiter = tokio::spawn({
            let lock = lock.clone();
            async move {
                lock.idle().await;
                start.elapsed()
            }
        });
        tokio::time::sleep(Duration::from_secs(50)).await;
        lock.touch();
        // The waiter wakes at 60 s, sees the touch, and waits until 110 s.
        assert_eq!(waiter.await.unwrap(), Duration::from_secs(110));
    }

    #[tokio::test(start_paused = true)]
    async fn never_waits_for_a_timeout_and_a_shorter_one_applies_at_once() {
        let lock = std::sync::Arc::new(AutoLock::new(None));
        let start = Instant::now();
        let waiter = tokio::spawn({
            let lock = lock.clone();
            async move {
                lock.idle().await;
                start.elapsed()
            }
        });
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!waiter.is_finished(), "never means never");
        // Idle for an hour already: a 5-minute timeout is past, so it fires now.
        lock.set_timeout(Some(Duration::from_secs(300)));
        assert_eq!(waiter.await.unwrap(), Duration::from_secs(3600));
    }

    #[test]
    fn zero_is_never() {
        assert_eq!(timeout_of(0), None);
        assert_eq!(timeout_of(300), Some(Duration::from_secs(300)));
    }
}
