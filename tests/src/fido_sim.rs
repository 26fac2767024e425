//! The simulated FIDO2 key for end-to-end tests of `twofold fido ...`.
//!
//! [`SimKeyFile`] owns a temporary state file of `twofold_core::fido::sim` and builds `twofold`
//! commands that use it (`TWOFOLD_FIDO_SIMULATOR`), with stdin closed and no PIN variables
//! inherited, so each test says exactly which PINs the CLI gets. Between commands a test can
//! read or edit the key's state: power-cycle it, choose what the simulated user does on a touch,
//! or move its power-up time back to close the reset window.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use twofold_core::fido::sim::{SimCredential, SimState, Touch, RESET_WINDOW_MS};

use crate::harness;

/// A simulated key whose state lives in a temporary file.
#[derive(Debug)]
pub struct SimKeyFile {
    _dir: tempfile::TempDir,
    /// The state file.
    pub path: PathBuf,
}

impl Default for SimKeyFile {
    fn default() -> Self {
        Self::new()
    }
}

impl SimKeyFile {
    /// A fresh key (no PIN, no credentials), powered up now.
    pub fn new() -> Self {
        let dir = harness::temp_dir();
        let path = dir.path().join("fido-key.json");
        SimState::fresh(now_ms())
            .save(&path)
            .expect("write simulator state");
        SimKeyFile { _dir: dir, path }
    }

    /// The key's state as the last command left it.
    pub fn state(&self) -> SimState {
        SimState::load(&self.path).expect("read simulator state")
    }

    /// Changes the key's state.
    pub fn edit(&self, f: impl FnOnce(&mut SimState)) {
        let mut s = self.state();
        f(&mut s);
        s.save(&self.path).expect("write simulator state");
    }

    /// Unplugs and replugs the key (clears the wrong-PIN streak, reopens the reset window).
    pub fn power_cycle(&self) {
        self.edit(|s| {
            s.plugged_in = true;
            s.consecutive_wrong = 0;
            s.powered_up_at_ms = now_ms();
        });
    }

    /// What the simulated user does when the key asks for a touch.
    pub fn set_touch(&self, touch: Touch) {
        self.edit(|s| {
            s.touch = touch;
            s.touch_timeout_ms = 50;
        });
    }

    /// Pulls the key out.
    pub fn unplug(&self) {
        self.edit(|s| s.plugged_in = false);
    }

    /// Moves the key's power-up time back past the 10 s a reset is accepted in.
    pub fn close_reset_window(&self) {
        self.edit(|s| s.powered_up_at_ms = now_ms().saturating_sub(RESET_WINDOW_MS + 5_000));
    }

    /// Stores a resident credential for `rp_id` and `user_name` on the key, as a website's
    /// passkey registration would; returns its id (base64url).
    pub fn add_credential(&self, rp_id: &str, user_name: &str) -> String {
        let id =
            twofold_core::fido::encode_credential_id(format!("{rp_id}/{user_name}").as_bytes());
        self.edit(|s| {
            s.credentials.push(SimCredential {
                rp_id: rp_id.into(),
                id: id.clone(),
                user_id: "dXNlcg".into(),
                user_name: user_name.into(),
            })
        });
        id
    }

    /// `twofold fido <args>` against this key, with `pin` / `new_pin` in the environment.
    pub fn cmd(&self, args: &[&str], pin: Option<&str>, new_pin: Option<&str>) -> Command {
        let mut cmd = Command::new(harness::cli_bin());
        cmd.arg("fido")
            .args(args)
            .env("TWOFOLD_FIDO_SIMULATOR", &self.path)
            .env_remove("TWOFOLD_FIDO_PIN")
            .env_remove("TWOFOLD_FIDO_NEW_PIN")
            .stdin(Stdio::null());
        if let Some(p) = pin {
            cmd.env("TWOFOLD_FIDO_PIN", p);
        }
        if let Some(p) = new_pin {
            cmd.env("TWOFOLD_FIDO_NEW_PIN", p);
        }
        cmd
    }

    /// Runs [`SimKeyFile::cmd`] and returns its output, whatever the exit status.
    pub fn run(&self, args: &[&str], pin: Option<&str>, new_pin: Option<&str>) -> Output {
        self.cmd(args, pin, new_pin)
            .output()
            .expect("run the twofold CLI")
    }
}

/// Unix milliseconds (the simulator's clock in the CLI is the system clock).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
