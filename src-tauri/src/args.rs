//! The desktop app's command line: `twofold-app [--vault PATH] [--aws-config-dir DIR]`, with
//! `--help` and `--version` answered before any window opens.

use std::path::PathBuf;

use clap::Parser;

/// Two-factor codes and AWS MFA on your desktop. For the terminal, use `twofold`.
#[derive(Debug, Default, Parser)]
#[command(name = "twofold-app", version = twofold_core::version::LONG_VERSION)]
pub struct AppArgs {
    /// The vault file (default: the platform data directory).
    #[arg(long, env = "TWOFOLD_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// Use DIR/config and DIR/credentials as the AWS CLI's files, as AWS_CONFIG_FILE and
    /// AWS_SHARED_CREDENTIALS_FILE would (for a second AWS setup, and for tests, whose app cannot
    /// be given environment variables).
    #[arg(long, value_name = "DIR")]
    pub aws_config_dir: Option<PathBuf>,
    /// Keep the settings in DIR/settings.json instead of the platform config directory.
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Open the lookup window (in the running Twofold, if there is one): bind a desktop
    /// shortcut to `twofold-app --lookup` where global shortcuts do not work (Wayland).
    #[arg(long)]
    pub lookup: bool,
    /// Started at login (the autostart entry passes it): the window stays in the tray when
    /// Settings says "start minimised".
    #[arg(long)]
    pub autostart: bool,
    /// Tests: the images in DIR, played at a camera's pace, stand in for the webcam.
    #[cfg(feature = "test-hooks")]
    #[arg(long, value_name = "DIR", hide = true)]
    pub camera_frames: Option<PathBuf>,
    /// Tests: the simulated security key's state file.
    #[cfg(feature = "test-hooks")]
    #[arg(long, env = "TWOFOLD_FIDO_SIMULATOR", value_name = "PATH", hide = true)]
    pub fido_simulator: Option<PathBuf>,
    /// Tests: polkit is asked about process PID instead of the app (which runs as root in CI,
    /// and polkit never asks root).
    #[cfg(feature = "test-hooks")]
    #[arg(long, value_name = "PID", hide = true)]
    pub polkit_subject: Option<u32>,
}

impl AppArgs {
    /// Parses `args` (without the program name), or says what is wrong.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, clap::Error> {
        Self::try_parse_from(std::iter::once("twofold-app".to_string()).chain(args))
    }
}

/// Why the window cannot open here, when that is known before GTK tries: on Linux and the BSDs
/// a desktop session sets `WAYLAND_DISPLAY` or `DISPLAY`.
pub fn no_display_reason(env: impl Fn(&str) -> Option<String>) -> Option<&'static str> {
    if cfg!(any(windows, target_os = "macos")) {
        return None;
    }
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    (!set("WAYLAND_DISPLAY") && !set("DISPLAY")).then_some(
        "no display: run Twofold from a desktop session, or use `twofold` in the terminal \
         (`twofold --help`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> AppArgs {
        AppArgs::from_args(a.iter().map(|s| s.to_string())).unwrap()
    }

    #[test]
    fn both_spellings_of_each_option() {
        let a = parse(&["--vault", "/tmp/v.json", "--aws-config-dir=/x", "--lookup"]);
        assert_eq!(a.vault, Some("/tmp/v.json".into()));
        assert_eq!(a.aws_config_dir, Some("/x".into()));
        assert!(a.lookup);
        let a = parse(&["--config-dir", "/c"]);
        assert_eq!(a.config_dir, Some("/c".into()));
        assert!(!a.lookup);
    }

    #[cfg(feature = "test-hooks")]
    #[test]
    fn test_hooks_parse_in_a_test_build() {
        let a = parse(&[
            "--vault=/tmp/w.json",
            "--fido-simulator",
            "/k",
            "--camera-frames=/f",
            "--polkit-subject=42",
        ]);
        assert_eq!(a.polkit_subject, Some(42));
        assert_eq!(a.vault, Some("/tmp/w.json".into()));
        assert_eq!(a.fido_simulator, Some("/k".into()));
        assert_eq!(a.camera_frames, Some("/f".into()));
    }

    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn a_build_without_test_hooks_refuses_them() {
        for hook in ["--fido-simulator", "--camera-frames", "--polkit-subject"] {
            let e = AppArgs::from_args([hook.to_string(), "/x".to_string()]).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::UnknownArgument, "{hook}");
        }
    }

    #[test]
    fn unknown_options_and_version_are_answered_by_clap() {
        let e = AppArgs::from_args(["--vualt".to_string()]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::UnknownArgument);
        let e = AppArgs::from_args(["--version".to_string()]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayVersion);
        assert!(
            e.to_string().contains(twofold_core::version::LONG_VERSION),
            "{e}"
        );
    }

    #[test]
    #[cfg(not(any(windows, target_os = "macos")))]
    fn a_session_without_display_is_explained() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(no_display_reason(env(&[])).is_some_and(|r| r.starts_with("no display")));
        assert!(no_display_reason(env(&[("DISPLAY", "")])).is_some());
        assert_eq!(no_display_reason(env(&[("DISPLAY", ":99")])), None);
        assert_eq!(
            no_display_reason(env(&[("WAYLAND_DISPLAY", "wayland-0")])),
            None
        );
    }
}
