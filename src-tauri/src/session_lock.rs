//! The desktop session locking and the machine going to sleep, as D-Bus signals (Linux):
//!
//! - the screensaver's `ActiveChanged(true)` on the session bus (`org.freedesktop.ScreenSaver`,
//!   which KDE, Xfce and others emit; GNOME's, MATE's and Cinnamon's own names);
//! - logind's `Session.Lock` for this session and `Manager.PrepareForSleep(true)` on the
//!   system bus.
//!
//! Each signal is matched by interface and member only, not by sender: a forged one can only
//! lock the app, which costs the user an unlock and gives nothing away. Where a bus is missing
//! (a container, no logind) that source is skipped and logged. macOS and Windows have their
//! own notifications (`NSWorkspace` screen-lock, `WTS_SESSION_LOCK`), which this does not
//! listen to yet.

use crate::autolock::LockCause;

/// The screensaver interfaces whose `ActiveChanged(true)` means the screen locked.
pub const SCREENSAVERS: &[&str] = &[
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.mate.ScreenSaver",
    "org.cinnamon.ScreenSaver",
];

const LOGIN1_SESSION: &str = "org.freedesktop.login1.Session";
const LOGIN1_MANAGER: &str = "org.freedesktop.login1.Manager";

/// What a signal means for the vault: its interface, member and first argument when it is a
/// boolean.
pub fn classify(interface: &str, member: &str, arg: Option<bool>) -> Option<LockCause> {
    match (interface, member, arg) {
        (i, "ActiveChanged", Some(true)) if SCREENSAVERS.contains(&i) => Some(LockCause::Session),
        (LOGIN1_SESSION, "Lock", _) => Some(LockCause::Session),
        (LOGIN1_MANAGER, "PrepareForSleep", Some(true)) => Some(LockCause::Suspend),
        _ => None,
    }
}

/// Starts watching; `on_lock` runs (on a watcher thread) for every signal that should lock.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn watch(on_lock: impl Fn(LockCause) + Send + Sync + 'static) {
    use std::sync::Arc;
    let on_lock: Arc<dyn Fn(LockCause) + Send + Sync> = Arc::new(on_lock);
    let spawn = |name: &'static str, system: bool, rule: Rule| {
        let on_lock = on_lock.clone();
        let started = std::thread::Builder::new()
            .name(format!("lock-watch-{name}"))
            .spawn(move || {
                if let Err(e) = listen(system, rule, on_lock.as_ref()) {
                    tracing::info!("not watching {name}: {e}");
                }
            });
        if let Err(e) = started {
            tracing::warn!("cannot start the {name} watcher: {e}");
        }
    };
    spawn(
        "screensaver",
        false,
        Rule {
            interface: None,
            member: "ActiveChanged",
            own_session: false,
        },
    );
    spawn(
        "logind-lock",
        true,
        Rule {
            interface: Some(LOGIN1_SESSION),
            member: "Lock",
            own_session: true,
        },
    );
    spawn(
        "logind-sleep",
        true,
        Rule {
            interface: Some(LOGIN1_MANAGER),
            member: "PrepareForSleep",
            own_session: false,
        },
    );
}

/// Elsewhere nothing is watched yet (see the module's documentation).
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn watch(_on_lock: impl Fn(LockCause) + Send + Sync + 'static) {
    tracing::info!("session-lock signals are not watched on this platform yet");
}

#[cfg(all(unix, not(target_os = "macos")))]
struct Rule {
    interface: Option<&'static str>,
    member: &'static str,
    /// Only this process's logind session (all sessions when it cannot be found).
    own_session: bool,
}

/// Receives the rule's signals until the bus goes away.
#[cfg(all(unix, not(target_os = "macos")))]
fn listen(
    system: bool,
    rule: Rule,
    on_lock: &(dyn Fn(LockCause) + Send + Sync),
) -> zbus::Result<()> {
    let conn = if system {
        zbus::blocking::Connection::system()?
    } else {
        zbus::blocking::Connection::session()?
    };
    let mut builder = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .member(rule.member)?;
    if let Some(i) = rule.interface {
        builder = builder.interface(i)?;
    }
    let session_path = if rule.own_session {
        own_session(&conn)
    } else {
        None
    };
    if let Some(p) = &session_path {
        builder = builder.path(p.clone())?;
    }
    let messages =
        zbus::blocking::MessageIterator::for_match_rule(builder.build(), &conn, Some(16))?;
    for msg in messages {
        let msg = match msg {
            Ok(m) => m,
            Err(e) => {
                tracing::debug!("bad D-Bus message: {e}");
                continue;
            }
        };
        let header = msg.header();
        let (Some(interface), Some(member)) = (header.interface(), header.member()) else {
            continue;
        };
        let arg = msg.body().deserialize::<bool>().ok();
        if let Some(cause) = classify(interface.as_str(), member.as_str(), arg) {
            on_lock(cause);
        }
    }
    Ok(())
}

/// This process's logind session object, when logind knows it.
#[cfg(all(unix, not(target_os = "macos")))]
fn own_session(conn: &zbus::blocking::Connection) -> Option<zbus::zvariant::OwnedObjectPath> {
    let reply = conn
        .call_method(
            Some("org.freedesktop.login1"),
            "/org/freedesktop/login1",
            Some(LOGIN1_MANAGER),
            "GetSessionByPID",
            &(std::process::id()),
        )
        .ok()?;
    reply.body().deserialize().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screensavers_activating_and_logind_lock_and_sleep_lock() {
        for s in SCREENSAVERS {
            assert_eq!(
                classify(s, "ActiveChanged", Some(true)),
                Some(LockCause::Session)
            );
            assert_eq!(classify(s, "ActiveChanged", Some(false)), None);
        }
        assert_eq!(
            classify(LOGIN1_SESSION, "Lock", None),
            Some(LockCause::Session)
        );
        assert_eq!(classify(LOGIN1_SESSION, "Unlock", None), None);
        assert_eq!(
            classify(LOGIN1_MANAGER, "PrepareForSleep", Some(true)),
            Some(LockCause::Suspend)
        );
        // Waking up again is not a reason to lock.
        assert_eq!(
            classify(LOGIN1_MANAGER, "PrepareForSleep", Some(false)),
            None
        );
        // Another interface's ActiveChanged (a media player's, say) is not a lock.
        assert_eq!(
            classify("org.example.Player", "ActiveChanged", Some(true)),
            None
        );
    }
}
