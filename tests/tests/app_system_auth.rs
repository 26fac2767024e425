//! System authentication with the real app under Xvfb and a real polkit: polkitd on the test
//! environment's system bus (scripts/test-env.sh), its text agent `pkttyagent` in a pty
//! (`script`), and PAM checking a real user's password through polkit-agent-helper-1.
//!
//! polkit never asks anything of root, which the app is in CI, so the app asks polkit about a
//! process of the test user instead (the test hook `--polkit-subject PID`), and the agent is
//! registered for that process. Everything else is what a desktop does: the app calls
//! `CheckAuthorization` with user interaction allowed, the agent asks for the password, PAM
//! checks it, polkit answers. Screenshots go to `$TWOFOLD_ARTIFACTS`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use twofold_e2e::app;
use twofold_e2e::harness::{self, ChildGuard};
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

const GITHUB: &str = "otpauth://totp/GitHub:dev@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";

/// A process of the test user: the subject polkit is asked about.
fn subject(user: &str) -> ChildGuard {
    ChildGuard::spawn(Command::new("setpriv").args([
        &format!("--reuid={user}"),
        &format!("--regid={user}"),
        "--clear-groups",
        "sleep",
        "3600",
    ]))
}

/// polkit's text agent for one process, in a pseudo-terminal (it reads the password from its
/// terminal), with what it prints collected.
struct Agent {
    _child: ChildGuard,
    stdin: ChildStdin,
    printed: Arc<Mutex<String>>,
}

impl Agent {
    /// Starts the agent for `pid` and returns once polkit has registered it (`--notify-fd`
    /// closes a FIFO then).
    fn start(pid: u32, dir: &Path) -> Agent {
        let ready = dir.join("agent-ready");
        harness::run_ok(Command::new("mkfifo").arg(&ready));
        let (tx, rx) = std::sync::mpsc::channel();
        let fifo = ready.clone();
        std::thread::spawn(move || {
            // Opens once the agent's shell opens it for writing; ends when the agent closes it.
            let mut buf = Vec::new();
            let read = std::fs::File::open(&fifo).and_then(|mut f| f.read_to_end(&mut buf));
            let _ = tx.send(read.map(drop));
        });
        let mut child = ChildGuard::spawn(
            Command::new("script")
                .args([
                    "-qfec",
                    &format!(
                        "exec pkttyagent --process {pid} --notify-fd 3 3>'{}'",
                        ready.display()
                    ),
                    "/dev/null",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        );
        let stdin = child.0.stdin.take().unwrap();
        let printed = Arc::new(Mutex::new(String::new()));
        for mut out in [
            Box::new(child.0.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.0.stderr.take().unwrap()),
        ] {
            let printed = printed.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 512];
                while let Ok(n) = out.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    printed
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        rx.recv_timeout(Duration::from_secs(15))
            .expect("pkttyagent registers with polkit")
            .expect("the agent's FIFO");
        Agent {
            _child: child,
            stdin,
            printed,
        }
    }

    fn printed(&self) -> String {
        self.printed.lock().unwrap().clone()
    }

    /// Waits until the agent has asked for a password `n` times in all.
    fn asked(&self, n: usize) -> bool {
        harness::poll(DEFAULT_WAIT, Duration::from_millis(50), || {
            (self.printed().matches("Password:").count() >= n).then_some(())
        })
        .is_some()
    }

    /// Waits until the agent has asked for a password `n` times in all, then types `password`.
    fn answer(&mut self, n: usize, password: &str) {
        assert!(
            self.asked(n),
            "the agent did not ask (prompt {n}); it printed: {}",
            self.printed()
        );
        writeln!(self.stdin, "{password}").unwrap();
        self.stdin.flush().unwrap();
    }
}

fn start(dir: &Path, subject: u32) -> Session {
    app::start_in(dir, &["--polkit-subject", &subject.to_string()])
}

#[test]
fn after_a_lock_polkit_asks_for_the_account_password_and_pam_checks_it() {
    harness::require_secret_service();
    let (user, password) = harness::require_polkit();
    let dir = harness::temp_dir();
    let subject = subject(&user);
    let mut agent = Agent::start(subject.0.id(), dir.path());
    let session = start(dir.path(), subject.0.id());
    session
        .invoke(
            "account_add_from_uri",
            json!({ "uri": GITHUB, "name": null }),
        )
        .unwrap()
        .unwrap();
    let status = session.invoke("os_verify_status", json!({})).unwrap();
    assert_eq!(
        status.unwrap(),
        json!({ "available": true, "problem": null })
    );

    // Locked by hand: the keyring alone no longer opens it, over IPC or on screen.
    session.click_on("#lock-vault");
    session.wait_for("#unlock-system", DEFAULT_WAIT).unwrap();
    assert!(session.find("#unlock-keyring").is_err());
    let refused = session
        .invoke(
            "vault_unlock",
            json!({ "password": null, "recoveryKey": null, "acceptRollback": false }),
        )
        .unwrap()
        .expect_err("the keyring alone does not open it after a lock");
    assert_eq!(refused["kind"], json!("notVerified"), "{refused}");
    session.shot("system-auth-01-locked.png");

    // A wrong password: PAM says no, polkit says no, the app stays locked and says so.
    session.click_on("#unlock-system");
    session.wait_for("#unlock-waiting", DEFAULT_WAIT).unwrap();
    session.shot("system-auth-02-waiting-for-the-agent.png");
    agent.answer(1, "not the password");
    session
        .wait_for_text("#vault-error", "did not confirm", DEFAULT_WAIT)
        .unwrap_or_else(|e| panic!("{e}; the agent printed: {}", agent.printed()));
    assert!(agent.printed().contains("AUTHENTICATION FAILED"));
    assert!(session.find(".accounts-view").is_err());
    session.shot("system-auth-03-wrong-password.png");

    // The right password opens it.
    session.click_on("#unlock-system");
    agent.answer(2, &password);
    session
        .wait_for(".accounts-view", DEFAULT_WAIT)
        .unwrap_or_else(|e| panic!("{e}; the agent printed: {}", agent.printed()));
    session.shot("system-auth-04-unlocked.png");

    // Showing the secret of a vault without a password asks polkit again.
    session.click_on(".account-row[data-issuer=\"GitHub\"] .edit-account");
    session.click_on("#edit-reveal");
    session
        .wait_for("#confirm-system-only", DEFAULT_WAIT)
        .unwrap();
    session.shot("system-auth-05-reveal-asks.png");
    session.click_on("#confirm-ok");
    agent.answer(3, &password);
    session
        .wait_for_text("#reveal-secret", "JBSW Y3DP EHPK 3PXP", DEFAULT_WAIT)
        .unwrap();
    session.shot("system-auth-06-secret-shown.png");
    session.click_on("#reveal-close");

    // Locked again, and cancelled in Twofold: the agent's request is withdrawn (last: the text
    // agent reads its password with a blocking read and takes no new request after a cancel;
    // a graphical agent just closes its dialog).
    session.click_on("#lock-vault");
    session.click_on("#unlock-system");
    session.wait_for("#unlock-waiting", DEFAULT_WAIT).unwrap();
    assert!(
        agent.asked(4),
        "the agent asks; it printed: {}",
        agent.printed()
    );
    session.click_on("#unlock-system-cancel");
    session
        .wait_for_text("#vault-error", "ancelled", DEFAULT_WAIT)
        .unwrap_or_else(|e| {
            session.shot("system-auth-cancel-failed.png");
            panic!("{e}; the agent printed: {}", agent.printed())
        });
    assert!(session.find(".accounts-view").is_err());
    session.shot("system-auth-07-cancelled.png");
}
