//! The About box: the version and commit (the same text as `twofold --version`), where the
//! `twofold` CLI is, and "Put twofold on PATH".

use twofold_core::install::{self, CliLocation, PathChange};
use twofold_core::version;

use crate::error::{ErrorKind, IpcError, Result};
use crate::models::{AboutView, CliView, PathChangeView};

/// The About box's content for a CLI found (or not) by core's rule.
pub fn about(cli: Option<CliLocation>) -> AboutView {
    AboutView {
        version: version::VERSION.into(),
        commit: version::COMMIT.into(),
        long_version: version::LONG_VERSION.into(),
        missing_cli: cli
            .is_none()
            .then(|| install::missing_cli_hint().to_string()),
        cli: cli.map(|c| CliView {
            path: c.path.display().to_string(),
            on_path: c.on_path,
        }),
        link_dir: install::link_dir().map(|d| d.display().to_string()),
        log_dir: twofold_core::logging::log_dir().map(|d| d.display().to_string()),
    }
}

/// The About box.
#[tauri::command]
pub fn app_about() -> AboutView {
    about(install::locate_cli())
}

/// What [`cli_put_on_path`] did, as the About box says it.
pub fn describe(change: PathChange) -> PathChangeView {
    match change {
        PathChange::AlreadyOnPath(p) => PathChangeView {
            message: format!("twofold is already on your PATH ({}).", p.display()),
            link: None,
        },
        PathChange::Linked { link, dir_on_path } => {
            let dir = link
                .parent()
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            let message = if dir_on_path {
                format!(
                    "Linked {}: open a new terminal and run `twofold --help`.",
                    link.display()
                )
            } else {
                format!(
                    "Linked {}. {dir} is not on your PATH yet: add `export PATH=\"{dir}:$PATH\"` to your shell's startup file, then open a new terminal.",
                    link.display()
                )
            };
            PathChangeView {
                message,
                link: Some(link.display().to_string()),
            }
        }
        PathChange::AddedToUserPath(dir) => PathChangeView {
            message: format!(
                "Added {} to your PATH: new terminals run twofold from there.",
                dir.display()
            ),
            link: None,
        },
    }
}

/// "Put twofold on PATH": a link in `~/.local/bin` (Linux) or `/usr/local/bin` (macOS), the
/// user `PATH` on Windows; nothing when `PATH` already finds this app's CLI.
#[tauri::command]
pub fn cli_put_on_path() -> Result<PathChangeView> {
    let cli = install::locate_cli()
        .ok_or_else(|| IpcError::new(ErrorKind::NotFound, install::missing_cli_hint()))?;
    Ok(describe(install::put_on_path(&cli.path)?))
}

/// Opens the log folder in the file manager.
#[tauri::command]
pub fn app_open_logs() -> Result<()> {
    let dir = twofold_core::logging::log_dir()
        .ok_or_else(|| IpcError::new(ErrorKind::NotFound, "there is no folder for logs"))?;
    std::fs::create_dir_all(&dir).map_err(IpcError::internal)?;
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(&dir)
        .spawn()
        .map_err(|e| {
            IpcError::new(
                ErrorKind::NotFound,
                format!("could not open {} ({opener}: {e})", dir.display()),
            )
        })?;
    // Reap the opener when it exits; the folder window lives on.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn about_shows_the_build_and_the_cli_or_how_to_get_it() {
        let a = about(None);
        assert_eq!(a.long_version, format!("{} ({})", a.version, a.commit));
        assert_eq!(a.cli, None);
        assert!(a.missing_cli.is_some());
        let a = about(Some(CliLocation {
            path: PathBuf::from("/usr/bin/twofold"),
            on_path: true,
        }));
        assert_eq!(
            a.cli,
            Some(CliView {
                path: "/usr/bin/twofold".into(),
                on_path: true
            })
        );
        assert_eq!(a.missing_cli, None);
    }

    #[test]
    fn a_link_outside_path_says_how_to_add_the_folder() {
        let v = describe(PathChange::Linked {
            link: PathBuf::from("/home/u/.local/bin/twofold"),
            dir_on_path: false,
        });
        assert!(
            v.message
                .contains("export PATH=\"/home/u/.local/bin:$PATH\""),
            "{}",
            v.message
        );
        let v = describe(PathChange::Linked {
            link: PathBuf::from("/home/u/.local/bin/twofold"),
            dir_on_path: true,
        });
        assert!(
            v.message.starts_with("Linked /home/u/.local/bin/twofold"),
            "{}",
            v.message
        );
        assert_eq!(v.link.as_deref(), Some("/home/u/.local/bin/twofold"));
    }
}
