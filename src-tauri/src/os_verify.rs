//! The OS's own check that the person at the keyboard is the user, before the vault opens again
//! after a lock and before a secret leaves it.
//!
//! On Linux this is polkit: the app asks the authority (`org.freedesktop.PolicyKit1` on the
//! system bus) whether this process may perform [`ACTION`], allowing user interaction. The
//! action's policy (`src-tauri/polkit/app.twofold.Twofold.policy`, installed by the packages in
//! `/usr/share/polkit-1/actions`) says `auth_self`, so the desktop's authentication agent asks for
//! the user's own account password (or a fingerprint, where PAM is set up for one) and polkit
//! answers. Nothing secret passes through Twofold: the agent and PAM check the password.
//!
//! What it protects, said plainly: polkit decides whether the *app* goes on; it is not a key.
//! The vault key still comes from the keyring, which the desktop session unlocked at login, so
//! anything running as the user can read it without asking anyone. Verification keeps someone
//! at an unlocked desk from clicking the vault open again; a vault password is what protects
//! the secrets from software.
//!
//! macOS (LocalAuthentication) and Windows (Windows Hello) are not written: there,
//! [`Unavailable::Unsupported`] is reported and the vault password is the way back in.

use std::time::{Duration, Instant};

/// The polkit action the policy file declares.
pub const ACTION: &str = "app.twofold.Twofold.verify";

/// How long a verification counts, for the one operation it was asked for.
pub const GRANT_LIFETIME: Duration = Duration::from_secs(60);

/// Why the OS cannot verify the user here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// No polkit authority answers on the system bus (not installed, or not running).
    NoService,
    /// polkit runs but does not know Twofold's action: the policy file is not installed.
    NotInstalled,
    /// Not written for this OS yet.
    Unsupported,
}

/// The answer to a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The OS says it is the user.
    Verified,
    /// The user failed to authenticate (a wrong password), or the policy says no.
    Refused,
    /// The user closed the OS's dialog, or the app cancelled it.
    Dismissed,
    /// Authentication was needed but no authentication agent runs in this session.
    NoAgent,
    /// Verification is not possible here.
    Unavailable(Unavailable),
    /// The authority failed otherwise (the detail is for the log and the error's message).
    Failed(String),
}

/// Asks the OS to verify the user. [`Polkit`] is the real one; unit tests use a fake.
pub trait OsVerifier: Send + Sync {
    /// Whether verification is possible now, or why not (one quick D-Bus round trip).
    fn available(&self) -> Result<(), Unavailable>;
    /// Shows the OS's own dialog and waits for the answer. `cancel_id` names the request for
    /// [`OsVerifier::cancel`].
    fn verify(&self, cancel_id: &str) -> Verdict;
    /// Withdraws the request `cancel_id` (its `verify` then answers [`Verdict::Dismissed`]).
    fn cancel(&self, cancel_id: &str);
}

/// The platform's verifier: polkit on Linux and the BSDs, none elsewhere yet.
pub fn platform(#[allow(unused_variables)] subject_pid: Option<u32>) -> Box<dyn OsVerifier> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        Box::new(Polkit {
            subject_pid,
            bus: Default::default(),
        })
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        Box::new(Unsupported)
    }
}

/// No verification on this platform.
pub struct Unsupported;

impl OsVerifier for Unsupported {
    fn available(&self) -> Result<(), Unavailable> {
        Err(Unavailable::Unsupported)
    }
    fn verify(&self, _cancel_id: &str) -> Verdict {
        Verdict::Unavailable(Unavailable::Unsupported)
    }
    fn cancel(&self, _cancel_id: &str) {}
}

/// A verification that succeeded, usable once within [`GRANT_LIFETIME`]: the next unlock through
/// the keyring or the next secret shown takes it. It also knows the verification being asked,
/// so that one can be cancelled.
#[derive(Debug, Default)]
pub struct Grant {
    at: Option<Instant>,
    asking: Option<Asking>,
}

/// The verification in progress.
#[derive(Debug)]
struct Asking {
    /// Its cancellation id.
    id: String,
    /// The user cancelled it in Twofold.
    cancelled: bool,
}

impl Grant {
    /// The user was just verified.
    pub fn give(&mut self) {
        self.at = Some(Instant::now());
    }

    /// Uses the grant up: true when there was a fresh one.
    pub fn take(&mut self) -> bool {
        self.at
            .take()
            .is_some_and(|at| at.elapsed() <= GRANT_LIFETIME)
    }

    /// Forgets it (the vault locked).
    pub fn clear(&mut self) {
        self.at = None;
    }

    /// A verification with cancellation id `id` is being asked.
    pub fn asking(&mut self, id: String) {
        self.asking = Some(Asking {
            id,
            cancelled: false,
        });
    }

    /// The verification asked has been answered; true when the user had cancelled it.
    pub fn answered(&mut self) -> bool {
        self.asking.take().is_some_and(|a| a.cancelled)
    }

    /// Marks the verification being asked as cancelled; its id, to withdraw it.
    pub fn cancel(&mut self) -> Option<String> {
        let asking = self.asking.as_mut()?;
        asking.cancelled = true;
        Some(asking.id.clone())
    }
}

/// What polkit's `CheckAuthorization` answered, as a verdict. `interactive`: the request
/// allowed user interaction (then a challenge left unanswered means no agent could ask).
pub fn verdict_of(
    authorized: bool,
    challenge: bool,
    details: &std::collections::HashMap<String, String>,
    interactive: bool,
) -> Verdict {
    if authorized {
        Verdict::Verified
    } else if details.get("polkit.dismissed").map(String::as_str) == Some("true") {
        Verdict::Dismissed
    } else if challenge && interactive {
        Verdict::NoAgent
    } else {
        Verdict::Refused
    }
}

/// A D-Bus error from the authority, as a verdict.
pub fn verdict_of_error(name: &str, message: &str) -> Verdict {
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown"
        | "org.freedesktop.DBus.Error.NameHasNoOwner"
        | "org.freedesktop.DBus.Error.NoServer"
        | "org.freedesktop.DBus.Error.FileNotFound"
        | "org.freedesktop.DBus.Error.Spawn.ServiceNotFound" => {
            Verdict::Unavailable(Unavailable::NoService)
        }
        "org.freedesktop.PolicyKit1.Error.Cancelled" => Verdict::Dismissed,
        "org.freedesktop.PolicyKit1.Error.Failed" if message.contains("not registered") => {
            Verdict::Unavailable(Unavailable::NotInstalled)
        }
        _ => Verdict::Failed(format!("{name}: {message}")),
    }
}

/// A process as polkit names it: pid, start time (so a reused pid is another subject) and uid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    pub pid: u32,
    pub start_time: u64,
    pub uid: u32,
}

impl Process {
    /// Reads `/proc/<pid>/stat` (field 22, the start time in clock ticks since boot) and the
    /// owner of `/proc/<pid>`.
    #[cfg(unix)]
    pub fn of(pid: u32) -> std::io::Result<Process> {
        use std::os::unix::fs::MetadataExt;
        let dir = std::path::PathBuf::from(format!("/proc/{pid}"));
        let stat = std::fs::read_to_string(dir.join("stat"))?;
        let start_time = start_time_of_stat(&stat).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "unexpected /proc stat")
        })?;
        let uid = std::fs::metadata(&dir)?.uid();
        Ok(Process {
            pid,
            start_time,
            uid,
        })
    }
}

/// Field 22 of a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may
/// hold spaces and parentheses itself, so fields are counted after the last `)`.
pub fn start_time_of_stat(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // After the name: field 3 (state) is the first, so field 22 is the 20th.
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// polkit on the system bus.
#[cfg(all(unix, not(target_os = "macos")))]
pub struct Polkit {
    /// Tests: ask about this process instead of the app's own (the app runs as root in CI,
    /// whom polkit never asks).
    subject_pid: Option<u32>,
    /// One connection for the checks and their cancellation: polkit takes a cancellation only
    /// from the connection that asked.
    bus: std::sync::Mutex<Option<zbus::blocking::Connection>>,
}

#[cfg(all(unix, not(target_os = "macos")))]
mod polkit {
    use std::collections::HashMap;

    use zbus::zvariant::Value;

    use super::{verdict_of, verdict_of_error, Polkit, Process, Unavailable, Verdict, ACTION};

    const NAME: &str = "org.freedesktop.PolicyKit1";
    const PATH: &str = "/org/freedesktop/PolicyKit1/Authority";
    const INTERFACE: &str = "org.freedesktop.PolicyKit1.Authority";
    /// `CheckAuthorizationFlags.AllowUserInteraction`.
    const ALLOW_USER_INTERACTION: u32 = 1;

    impl Polkit {
        /// The system bus connection, made on first use and again after it failed.
        fn bus(&self) -> zbus::Result<zbus::blocking::Connection> {
            let mut bus = self.bus.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(c) = bus.as_ref() {
                return Ok(c.clone());
            }
            let c = zbus::blocking::Connection::system()?;
            *bus = Some(c.clone());
            Ok(c)
        }

        /// Forgets the connection after a failure that was not polkit's answer.
        fn drop_bus(&self) {
            *self.bus.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }

        fn subject(&self) -> Result<Process, Verdict> {
            let pid = self.subject_pid.unwrap_or_else(std::process::id);
            Process::of(pid).map_err(|e| Verdict::Failed(format!("process {pid}: {e}")))
        }

        fn check(&self, interactive: bool, cancel_id: &str) -> Verdict {
            let process = match self.subject() {
                Ok(p) => p,
                Err(v) => return v,
            };
            let conn = match self.bus() {
                Ok(c) => c,
                Err(e) => {
                    tracing::info!("no system bus for polkit: {e}");
                    return Verdict::Unavailable(Unavailable::NoService);
                }
            };
            let subject: HashMap<&str, Value<'_>> = HashMap::from([
                ("pid", Value::from(process.pid)),
                ("start-time", Value::from(process.start_time)),
                // polkit reads the uid as a signed 32-bit number.
                ("uid", Value::from(process.uid as i32)),
            ]);
            let details: HashMap<&str, &str> = HashMap::new();
            let flags = if interactive {
                ALLOW_USER_INTERACTION
            } else {
                0
            };
            let reply = conn.call_method(
                Some(NAME),
                PATH,
                Some(INTERFACE),
                "CheckAuthorization",
                &(("unix-process", subject), ACTION, details, flags, cancel_id),
            );
            match reply {
                Ok(msg) => match msg
                    .body()
                    .deserialize::<(bool, bool, HashMap<String, String>)>()
                {
                    Ok((authorized, challenge, details)) => {
                        verdict_of(authorized, challenge, &details, interactive)
                    }
                    Err(e) => Verdict::Failed(format!("unexpected polkit answer: {e}")),
                },
                Err(zbus::Error::MethodError(name, message, _)) => {
                    verdict_of_error(name.as_str(), message.as_deref().unwrap_or(""))
                }
                Err(e) => {
                    self.drop_bus();
                    Verdict::Failed(e.to_string())
                }
            }
        }
    }

    impl super::OsVerifier for Polkit {
        fn available(&self) -> Result<(), Unavailable> {
            match self.check(false, "") {
                Verdict::Unavailable(why) => Err(why),
                Verdict::Failed(e) => {
                    tracing::info!("polkit cannot be asked: {e}");
                    Err(Unavailable::NoService)
                }
                // Authorized already, a challenge (the agent will ask), or a policy that says
                // no (verification will fail, which is what the administrator wants).
                _ => Ok(()),
            }
        }

        fn verify(&self, cancel_id: &str) -> Verdict {
            self.check(true, cancel_id)
        }

        fn cancel(&self, cancel_id: &str) {
            let cancelled = self.bus().and_then(|conn| {
                conn.call_method(
                    Some(NAME),
                    PATH,
                    Some(INTERFACE),
                    "CancelCheckAuthorization",
                    &(cancel_id,),
                )
            });
            if let Err(e) = cancelled {
                tracing::debug!("cancelling the polkit check: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn answers_of_check_authorization() {
        let none = HashMap::new();
        assert_eq!(verdict_of(true, false, &none, true), Verdict::Verified);
        // A challenge with interaction allowed: polkit found no agent to ask.
        assert_eq!(verdict_of(false, true, &none, true), Verdict::NoAgent);
        // Without interaction a challenge is the normal "would ask" answer, not a verdict
        // about the user; `available` treats it as available.
        assert_eq!(verdict_of(false, true, &none, false), Verdict::Refused);
        assert_eq!(verdict_of(false, false, &none, true), Verdict::Refused);
        let dismissed = HashMap::from([("polkit.dismissed".to_string(), "true".to_string())]);
        assert_eq!(
            verdict_of(false, true, &dismissed, true),
            Verdict::Dismissed
        );
        assert_eq!(
            verdict_of(false, false, &dismissed, true),
            Verdict::Dismissed
        );
    }

    #[test]
    fn errors_of_the_authority() {
        assert_eq!(
            verdict_of_error("org.freedesktop.DBus.Error.ServiceUnknown", "x"),
            Verdict::Unavailable(Unavailable::NoService)
        );
        assert_eq!(
            verdict_of_error(
                "org.freedesktop.PolicyKit1.Error.Failed",
                "Action app.twofold.Twofold.verify is not registered"
            ),
            Verdict::Unavailable(Unavailable::NotInstalled)
        );
        assert_eq!(
            verdict_of_error("org.freedesktop.PolicyKit1.Error.Cancelled", ""),
            Verdict::Dismissed
        );
        assert!(matches!(
            verdict_of_error("org.freedesktop.PolicyKit1.Error.Failed", "other"),
            Verdict::Failed(m) if m.contains("other")
        ));
    }

    #[test]
    fn start_time_counts_fields_after_the_name() {
        // A name with spaces and a parenthesis, as `/proc/<pid>/stat` shows it unescaped.
        let stat = "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 \
                    1000 10 18446744073709551615";
        assert_eq!(start_time_of_stat(stat), Some(987_654));
        assert_eq!(start_time_of_stat("4242 (x) S 1"), None);
        assert_eq!(start_time_of_stat("no parenthesis"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_as_polkit_sees_it() {
        let me = Process::of(std::process::id()).unwrap();
        assert_eq!(me.pid, std::process::id());
        assert!(me.start_time > 0);
        // A file this process makes is owned by its (effective) uid.
        let made = tempfile::NamedTempFile::new().unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(me.uid, made.as_file().metadata().unwrap().uid());
        // A process that does not exist is an error, not a subject.
        assert!(Process::of(u32::MAX).is_err());
    }

    #[test]
    fn a_grant_is_used_once() {
        let mut g = Grant::default();
        assert!(!g.take());
        g.give();
        assert!(g.take());
        assert!(!g.take(), "used up");
        g.give();
        g.clear();
        assert!(!g.take(), "a lock forgets it");
    }

    #[test]
    fn a_cancel_names_the_verification_asked_and_is_reported_once() {
        let mut g = Grant::default();
        assert_eq!(g.cancel(), None, "nothing to cancel");
        g.asking("twofold-1-1".into());
        assert!(!g.answered(), "answered without a cancel");
        g.asking("twofold-1-2".into());
        assert_eq!(g.cancel().as_deref(), Some("twofold-1-2"));
        assert!(g.answered());
        assert!(!g.answered(), "reported once");
        assert_eq!(g.cancel(), None, "nothing asked any more");
    }
}
