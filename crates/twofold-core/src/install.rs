//! Where the `twofold` command is, and putting it on `PATH`.
//!
//! Both faces need the CLI's location: a `credential_process` profile names the binary the AWS
//! CLI should run. Packages put it where its app is: `/usr/bin` beside `twofold-app` (.deb,
//! .rpm), `Contents/MacOS` in the macOS bundle, the install folder on Windows: Tauri's sidecar
//! locations are all "beside the app's own binary". So the rule, for the app and for the CLI
//! itself (whose own binary is "beside" it), is: beside the running binary, else `PATH`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The CLI's file name on this platform.
pub const CLI_FILE: &str = if cfg!(windows) {
    "twofold.exe"
} else {
    "twofold"
};

/// A `twofold` binary that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliLocation {
    /// The binary.
    pub path: PathBuf,
    /// Whether `twofold` on `PATH` is this same binary.
    pub on_path: bool,
}

impl CliLocation {
    /// How a command line (a `credential_process`) should name it: `twofold` when `PATH` finds
    /// this very binary, else its absolute path (quoted when it has spaces).
    pub fn command(&self) -> String {
        if self.on_path {
            return "twofold".into();
        }
        let s = self.path.display().to_string();
        if s.contains(char::is_whitespace) {
            format!("\"{s}\"")
        } else {
            s
        }
    }
}

/// The first `twofold` in the directories of `path` (a `PATH` value).
pub fn first_on_path(path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(CLI_FILE))
        .find(|c| c.is_file())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The CLI that belongs with a program in `exe_dir`: beside it, else the first on `path`.
pub fn find_cli(exe_dir: Option<&Path>, path: Option<&OsStr>) -> Option<CliLocation> {
    let found = first_on_path(path);
    if let Some(beside) = exe_dir.map(|d| d.join(CLI_FILE)).filter(|p| p.is_file()) {
        let on_path = found.as_deref().is_some_and(|f| same_file(f, &beside));
        return Some(CliLocation {
            path: beside,
            on_path,
        });
    }
    found.map(|path| CliLocation {
        path,
        on_path: true,
    })
}

/// [`find_cli`] for this process: beside its binary, else on `$PATH`.
pub fn locate_cli() -> Option<CliLocation> {
    let exe = std::env::current_exe().ok();
    let dir = exe.as_deref().and_then(Path::parent);
    find_cli(dir, std::env::var_os("PATH").as_deref())
}

/// How to get the CLI when [`locate_cli`] finds none, in one sentence.
pub fn missing_cli_hint() -> &'static str {
    if cfg!(target_os = "linux") {
        "The twofold command-line tool is installed with Twofold's .deb or .rpm package as /usr/bin/twofold; from a source checkout, `make packages` builds it with the app."
    } else {
        "The twofold command-line tool ships inside the Twofold app; reinstall Twofold, then use About → Put twofold on PATH."
    }
}

/// What [`put_on_path`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathChange {
    /// `twofold` on `PATH` already is this binary; nothing changed.
    AlreadyOnPath(PathBuf),
    /// A link to the binary was made (or refreshed) in a folder.
    Linked {
        /// The link.
        link: PathBuf,
        /// Whether that folder is on this process's `PATH` (if not, the shell's startup file
        /// must add it).
        dir_on_path: bool,
    },
    /// The binary's folder was added to the user's `PATH` (Windows); new terminals see it.
    AddedToUserPath(PathBuf),
}

/// The folder [`put_on_path`] links into on this platform: `/usr/local/bin` on macOS (on every
/// default `PATH`), `~/.local/bin` elsewhere on Unix (per user, no root needed, on `PATH` in
/// Debian's, Ubuntu's and Fedora's default profiles). None on Windows (the user `PATH` is
/// changed instead).
pub fn link_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        None
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from("/usr/local/bin"))
    } else {
        directories::BaseDirs::new().map(|b| b.home_dir().join(".local/bin"))
    }
}

/// Makes `twofold` on `PATH` run `cli`: nothing if it already does; a link in [`link_dir`] on
/// Unix; the binary's folder appended to the user's `PATH` on Windows.
pub fn put_on_path(cli: &Path) -> Result<PathChange> {
    let path = std::env::var_os("PATH");
    if let Some(found) = first_on_path(path.as_deref()) {
        if same_file(&found, cli) {
            return Ok(PathChange::AlreadyOnPath(found));
        }
    }
    if cfg!(windows) {
        return add_to_user_path(cli);
    }
    let dir = link_dir().ok_or_else(|| Error::Install("no home folder".into()))?;
    let link = link_into(cli, &dir)?;
    let dir_on_path = path
        .as_deref()
        .is_some_and(|p| std::env::split_paths(p).any(|d| same_file(&d, &dir)));
    Ok(PathChange::Linked { link, dir_on_path })
}

/// Links `dir/twofold` to `cli`, creating `dir`. An existing link is replaced (an older
/// install's); an existing regular file is someone else's `twofold` and is left alone.
pub fn link_into(cli: &Path, dir: &Path) -> Result<PathBuf> {
    let cli = cli
        .canonicalize()
        .map_err(|e| Error::io(format!("reading {}", cli.display()), e))?;
    let link = dir.join(CLI_FILE);
    let manual = format!("ln -sf '{}' '{}'", cli.display(), link.display());
    let denied = |e| link_error(e, dir, &link, &manual);
    std::fs::create_dir_all(dir).map_err(denied)?;
    match std::fs::symlink_metadata(&link) {
        Ok(m) if m.file_type().is_symlink() => {
            if same_file(&link, &cli) {
                return Ok(link);
            }
            std::fs::remove_file(&link).map_err(denied)?;
        }
        Ok(_) => {
            return Err(Error::Install(format!(
                "{} already exists and is not a link to Twofold; remove it, or run: {manual}",
                link.display()
            )))
        }
        Err(_) => {}
    }
    symlink(&cli, &link).map_err(denied)?;
    Ok(link)
}

/// A failed link step as the user should read it: when the folder is not theirs to write, the
/// command that does it with `sudo`.
fn link_error(e: std::io::Error, dir: &Path, link: &Path, manual: &str) -> Error {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        Error::Install(format!(
            "{} is not writable for you; in a terminal, run: sudo {manual}",
            dir.display()
        ))
    } else {
        Error::io(format!("linking {}", link.display()), e)
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "links are made on Unix only",
    ))
}

/// Appends the binary's folder to the user's `Path` (HKCU\Environment) through .NET's
/// `SetEnvironmentVariable`, which also tells running programs (Explorer) that it changed, so
/// new terminals see it without signing out.
fn add_to_user_path(cli: &Path) -> Result<PathChange> {
    let dir = cli
        .parent()
        .ok_or_else(|| Error::Install(format!("{} has no folder", cli.display())))?;
    let script = "$d = $env:TWOFOLD_DIR; \
        $p = [Environment]::GetEnvironmentVariable('Path', 'User'); \
        $parts = @($p -split ';' | Where-Object { $_ -ne '' }); \
        if ($parts -notcontains $d) { \
          [Environment]::SetEnvironmentVariable('Path', (@($parts) + $d) -join ';', 'User') }";
    let out = std::process::Command::new("powershell.exe")
        .args(["-NoProfile", "-NonInteractive", "-Command", script])
        .env("TWOFOLD_DIR", dir)
        .output()
        .map_err(|e| Error::io("running powershell.exe", e))?;
    if !out.status.success() {
        return Err(Error::Install(format!(
            "powershell could not change the user Path: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(PathChange::AddedToUserPath(dir.to_path_buf()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn exe(dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).expect("create the folder");
        let p = dir.join(CLI_FILE);
        std::fs::write(&p, "#!/bin/sh\n").expect("write the binary");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        p
    }

    fn path_of(dirs: &[&Path]) -> std::ffi::OsString {
        std::env::join_paths(dirs).expect("a PATH value")
    }

    #[test]
    fn the_cli_beside_the_app_wins_over_path() {
        let t = tempfile::tempdir().unwrap();
        let (app, other) = (t.path().join("app"), t.path().join("bin"));
        let beside = exe(&app);
        exe(&other);
        let found = find_cli(Some(&app), Some(&path_of(&[&other]))).unwrap();
        assert_eq!(found.path, beside);
        assert!(!found.on_path);
        assert_eq!(found.command(), beside.display().to_string());
    }

    #[test]
    fn the_cli_beside_the_app_is_named_twofold_when_path_finds_it_too() {
        let t = tempfile::tempdir().unwrap();
        let app = t.path().join("usr/bin");
        exe(&app);
        let found = find_cli(Some(&app), Some(&path_of(&[&app]))).unwrap();
        assert!(found.on_path);
        assert_eq!(found.command(), "twofold");
    }

    #[test]
    fn without_a_cli_beside_the_app_path_is_searched_then_nothing() {
        let t = tempfile::tempdir().unwrap();
        let (app, bin, empty) = (
            t.path().join("app"),
            t.path().join("bin"),
            t.path().join("e"),
        );
        std::fs::create_dir_all(&app).unwrap();
        std::fs::create_dir_all(&empty).unwrap();
        let on_path = exe(&bin);
        let found = find_cli(Some(&app), Some(&path_of(&[&empty, &bin]))).unwrap();
        assert_eq!((found.path, found.on_path), (on_path, true));
        assert_eq!(find_cli(Some(&app), Some(&path_of(&[&empty]))), None);
        assert_eq!(find_cli(None, None), None);
    }

    #[test]
    fn a_path_with_spaces_is_quoted_for_the_command_line() {
        let loc = CliLocation {
            path: PathBuf::from("/Applications/My Apps/Twofold.app/Contents/MacOS/twofold"),
            on_path: false,
        };
        assert_eq!(
            loc.command(),
            "\"/Applications/My Apps/Twofold.app/Contents/MacOS/twofold\""
        );
    }

    #[test]
    fn linking_creates_the_folder_and_replaces_only_an_old_link() {
        let t = tempfile::tempdir().unwrap();
        let cli = exe(&t.path().join("new"));
        let old = exe(&t.path().join("old"));
        let dir = t.path().join("home/.local/bin");
        let link = link_into(&cli, &dir).unwrap();
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            cli.canonicalize().unwrap()
        );
        // again: nothing to do
        assert_eq!(link_into(&cli, &dir).unwrap(), link);
        // a link to an older install is moved over
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&old, &link).unwrap();
        link_into(&cli, &dir).unwrap();
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            cli.canonicalize().unwrap()
        );
        // someone else's file is left alone, and the message says how to do it by hand
        std::fs::remove_file(&link).unwrap();
        std::fs::write(&link, "theirs").unwrap();
        let e = link_into(&cli, &dir).unwrap_err().to_string();
        assert!(
            e.contains("not a link to Twofold") && e.contains("ln -sf"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "theirs");
    }

    #[test]
    fn an_unwritable_folder_says_which_command_to_run() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let (dir, link) = (
            Path::new("/usr/local/bin"),
            Path::new("/usr/local/bin/twofold"),
        );
        let e = link_error(denied, dir, link, "ln -sf 'a' 'b'").to_string();
        assert_eq!(
            e,
            "cannot put twofold on PATH: /usr/local/bin is not writable for you; in a terminal, run: sudo ln -sf 'a' 'b'"
        );
        let other = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = link_error(other, dir, link, "x").to_string();
        assert!(e.starts_with("linking /usr/local/bin/twofold"), "{e}");
    }
}
