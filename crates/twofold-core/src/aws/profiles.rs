//! The AWS CLI's shared files: `~/.aws/config` and `~/.aws/credentials` (or the files named by
//! `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`).
//!
//! Reading gives [`Profile`]s with the settings Twofold uses. The text is parsed by the AWS
//! SDK's own profile parser (`aws_config::profile::load`), so Twofold sees the profiles the SDK
//! signs with: `[profile x]` in the config file and `[x]` in the credentials file, `[default]`
//! and `[profile default]`, comments, continuation lines and sub-properties, and the SDK's
//! errors for what it rejects. Writing edits one section in place (every other line, comment
//! and blank line is kept byte for byte), keeps the file mode 0600 and replaces the file
//! atomically. Long-term keys are read only to let the SDK sign; Twofold never writes them
//! anywhere.

use std::path::{Path, PathBuf};

use aws_config::profile::{ProfileFileLoadError, ProfileSet};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use futures_util::FutureExt;

use crate::{Error, Result};

/// One profile's settings, merged from the config and credentials files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The profile name (`default` for `[default]`).
    pub name: String,
    /// `region`.
    pub region: Option<String>,
    /// `mfa_serial`: the MFA device ARN.
    pub mfa_serial: Option<String>,
    /// `role_arn`: a role to assume.
    pub role_arn: Option<String>,
    /// `source_profile`: where the role's base credentials come from.
    pub source_profile: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<i32>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub role_session_name: Option<String>,
    /// `credential_process`.
    pub credential_process: Option<String>,
    /// `endpoint_url`: where the SDK sends this profile's calls.
    pub endpoint_url: Option<String>,
    /// Whether the credentials file has keys for it.
    pub has_keys: bool,
}

/// The config file's path (`AWS_CONFIG_FILE`, else `~/.aws/config`).
pub fn config_path() -> PathBuf {
    env_path("AWS_CONFIG_FILE", "config")
}

/// The credentials file's path (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`).
pub fn credentials_path() -> PathBuf {
    env_path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

fn env_path(var: &str, file: &str) -> PathBuf {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(".aws").join(file))
            .unwrap_or_else(|| PathBuf::from(".aws").join(file)),
    }
}

/// An INI file as lines, to read sections and to change one without touching the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IniDoc {
    lines: Vec<String>,
    trailing_newline: bool,
    /// The file ends its lines with CRLF (written on Windows): new lines do too.
    crlf: bool,
}

/// Refuses text that would change the file's structure if written: control characters
/// (a line break starts a new key or section), and per `what` the characters that end a
/// section name or a key. Never strips anything: a value is written as it is or not at all.
fn check_ini_text(what: &'static str, name: &str, text: &str) -> Result<()> {
    let refuse = |problem| {
        Err(Error::UnsafeIniText {
            what,
            name: name.to_string(),
            problem,
        })
    };
    if text.chars().any(char::is_control) {
        return refuse("holds a line break or another control character");
    }
    if text.len() > 64 * 1024 {
        return refuse("is too long");
    }
    match what {
        "section" | "key" if text.trim().is_empty() => refuse("is empty"),
        "section" | "key" if text != text.trim() => refuse("starts or ends with a space"),
        "section" if text.contains(['[', ']']) => refuse("holds a bracket"),
        "key" if text.contains(['=', '[', ']', '#', ';']) => {
            refuse("holds '=', a bracket or a comment character")
        }
        // A value with leading spaces would be read back trimmed; one with a comment
        // character after a space would be cut there by the SDK's parser.
        _ if text != text.trim() => refuse("starts or ends with a space"),
        _ if text.contains(" #") || text.contains(" ;") => {
            refuse("holds a comment character after a space")
        }
        _ => Ok(()),
    }
}

fn section_name(line: &str) -> Option<&str> {
    let t = line.trim();
    t.strip_prefix('[')?.strip_suffix(']').map(str::trim)
}

fn key_value(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    if t.starts_with('#')
        || t.starts_with(';')
        || t.starts_with('[')
        || line.starts_with([' ', '\t'])
    {
        return None;
    }
    let (k, v) = t.split_once('=')?;
    Some((k.trim(), v.trim()))
}

impl IniDoc {
    /// Parses text (never fails: unknown lines are kept as they are).
    pub fn parse(text: &str) -> Self {
        // A file whose first line ends in CRLF is a CRLF file: one CR is taken off each line's
        // end and put back on writing. Any other CR is part of its line, so every text reads
        // back as itself once written.
        let crlf = text
            .split_once('\n')
            .is_some_and(|(first, _)| first.ends_with('\r'));
        let trailing_newline = text.ends_with('\n') || text.is_empty();
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut lines: Vec<String> = if text.is_empty() {
            Vec::new()
        } else {
            body.split('\n').map(str::to_string).collect()
        };
        if crlf {
            // Only a CR that a line feed follows is a line ending.
            let ended = if trailing_newline {
                lines.len()
            } else {
                lines.len() - 1
            };
            for line in &mut lines[..ended] {
                if line.ends_with('\r') {
                    line.pop();
                }
            }
        }
        IniDoc {
            lines,
            trailing_newline,
            crlf,
        }
    }

    /// Reads a file; a missing file is an empty document.
    pub fn load(path: &Path) -> Result<Self> {
        read_text(path).map(|t| IniDoc::parse(&t))
    }

    /// The text.
    pub fn to_text(&self) -> String {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut s = self.lines.join(eol);
        if self.trailing_newline && !self.lines.is_empty() {
            s.push_str(eol);
        }
        s
    }

    /// The keys and values of a section (first occurrence of the section).
    pub fn section(&self, name: &str) -> Option<Vec<(String, String)>> {
        let start = self
            .lines
            .iter()
            .position(|l| section_name(l) == Some(name))?;
        Some(
            self.lines[start + 1..]
                .iter()
                .take_while(|l| section_name(l).is_none())
                .filter_map(|l| key_value(l))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// Sets keys in a section, creating it at the end if needed. Existing keys are changed in
    /// place, new ones are added after the section's last key; nothing else moves. A section
    /// name, key or value that would change the file's structure (a line break, say) is
    /// refused with [`Error::UnsafeIniText`] before anything changes.
    pub fn set(&mut self, section: &str, pairs: &[(&str, &str)]) -> Result<()> {
        check_ini_text("section", section, section)?;
        for (key, value) in pairs {
            check_ini_text("key", key, key)?;
            check_ini_text("the value of key", key, value)?;
        }
        let start = match self
            .lines
            .iter()
            .position(|l| section_name(l) == Some(section))
        {
            Some(i) => i,
            None => {
                if self.lines.last().is_some_and(|l| !l.trim().is_empty()) {
                    self.lines.push(String::new());
                }
                self.lines.push(format!("[{section}]"));
                self.lines.len() - 1
            }
        };
        for (key, value) in pairs {
            let end = self.section_end(start);
            let existing = (start + 1..end)
                .find(|&i| key_value(&self.lines[i]).is_some_and(|(k, _)| k == *key));
            let line = format!("{key} = {value}");
            match existing {
                Some(i) => self.lines[i] = line,
                None => {
                    let last_key = (start + 1..end)
                        .rev()
                        .find(|&i| key_value(&self.lines[i]).is_some())
                        .unwrap_or(start);
                    self.lines.insert(last_key + 1, line);
                }
            }
        }
        Ok(())
    }

    fn section_end(&self, start: usize) -> usize {
        (start + 1..self.lines.len())
            .find(|&i| section_name(&self.lines[i]).is_some())
            .unwrap_or(self.lines.len())
    }

    /// Writes atomically with mode 0600. A symbolic link stays one: the file it points to is
    /// replaced, in its own folder.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::vault::write_private_file(&resolve_links(path)?, self.to_text().as_bytes())
    }

    /// Whether `section` holds long-term keys: an access key id without a session token.
    pub fn has_long_term_keys(&self, section: &str) -> bool {
        self.section(section).is_some_and(|kv| {
            let has = |k: &str| kv.iter().any(|(key, _)| key.eq_ignore_ascii_case(k));
            has("aws_access_key_id") && !has("aws_session_token")
        })
    }
}

/// The file a path names once symbolic links are followed (a dotfiles manager links
/// `~/.aws/credentials` elsewhere); the path itself when it is no link or does not exist.
fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    // As many hops as Linux follows.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)
                    .map_err(|e| Error::io(format!("reading the link {}", p.display()), e))?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(Error::io(
        format!("following the links from {}", path.display()),
        std::io::Error::other("too many levels of symbolic links"),
    ))
}

/// A file's text; a missing file reads as empty, as the AWS CLI and SDK treat it.
fn read_text(path: &Path) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
    }
}

/// Reads every profile from both files: `default` first, then by name.
pub fn load_profiles() -> Result<Vec<Profile>> {
    Files::read()?.profiles()
}

/// Finds one profile.
pub fn find_profile(name: &str) -> Result<Profile> {
    Files::read()?.find(name)
}

/// The profiles of a config file's and a credentials file's text, as [`load_profiles`] reads
/// them (for the fuzz harness, which has no files).
#[cfg(feature = "fuzz")]
pub(crate) fn profiles_from_text(config: &str, credentials: &str) -> Result<Vec<Profile>> {
    Files {
        config: PathBuf::from("config"),
        config_text: config.to_string(),
        credentials: PathBuf::from("credentials"),
        credentials_text: credentials.to_string(),
    }
    .profiles()
}

/// The two files, each with the path it was read from.
struct Files {
    config: PathBuf,
    config_text: String,
    credentials: PathBuf,
    credentials_text: String,
}

impl Files {
    /// Reads the files at [`config_path`] and [`credentials_path`], the ones the writer edits.
    /// (The SDK could find and read them itself, but it resolves the paths on its own and turns
    /// an unreadable file into an empty one with only a log line.)
    fn read() -> Result<Self> {
        let config = config_path();
        let credentials = credentials_path();
        Ok(Files {
            config_text: read_text(&config)?,
            credentials_text: read_text(&credentials)?,
            config,
            credentials,
        })
    }

    fn profiles(&self) -> Result<Vec<Profile>> {
        let config = parse(EnvConfigFileKind::Config, &self.config_text, &self.config)?;
        let credentials = parse(
            EnvConfigFileKind::Credentials,
            &self.credentials_text,
            &self.credentials,
        )?;
        let mut names: Vec<&str> = config.profiles().chain(credentials.profiles()).collect();
        // The SDK keeps profiles in a hash map; a steady order keeps lists and the first
        // choice (the default profile) the same from one run to the next.
        names.sort_by_key(|n| (*n != "default", *n));
        names.dedup();
        Ok(names
            .into_iter()
            .map(|name| {
                let in_config = config.get_profile(name);
                let in_credentials = credentials.get_profile(name);
                // The SDK reads the credentials file after the config file, so where both set
                // a key, the credentials file's value is the one it uses.
                let get = |key: &str| {
                    in_credentials
                        .and_then(|p| p.get(key))
                        .or_else(|| in_config.and_then(|p| p.get(key)))
                        .map(str::to_string)
                };
                Profile {
                    name: name.to_string(),
                    region: get("region"),
                    mfa_serial: get("mfa_serial"),
                    role_arn: get("role_arn"),
                    source_profile: get("source_profile"),
                    duration_seconds: get("duration_seconds").and_then(|v| v.parse().ok()),
                    external_id: get("external_id"),
                    role_session_name: get("role_session_name"),
                    credential_process: get("credential_process"),
                    endpoint_url: get("endpoint_url"),
                    has_keys: in_credentials.is_some_and(|p| p.get("aws_access_key_id").is_some()),
                }
            })
            .collect())
    }

    fn find(&self, name: &str) -> Result<Profile> {
        self.profiles()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::NoSuchProfile {
                name: name.to_string(),
                config: self.config.clone(),
                credentials: self.credentials.clone(),
            })
    }
}

/// Parses one file's text with the SDK's parser. Each file is parsed on its own so an error
/// names the file it is in, and so the credentials file's keys are told apart.
fn parse(kind: EnvConfigFileKind, text: &str, path: &Path) -> Result<ProfileSet> {
    let files = EnvConfigFiles::builder().with_contents(kind, text).build();
    // The parser gets the text and nothing else: no file system, no environment (it would
    // read `AWS_PROFILE` and `HOME`, which only matter when it finds files itself).
    let (fs, env) = (Fs::from_slice(&[]), Env::from_slice(&[]));
    // `load` is async for the file reads it can do. Given the text it reads nothing (in
    // aws-runtime 1.10, `env_config::source::load_config_file` awaits no I/O for
    // `FileContents`, and the rest is plain parsing), so it is ready on its first poll: this
    // works the same from sync code and from inside any async runtime. Every test below runs
    // through here, so an SDK that started to wait would fail them, not hang.
    match aws_config::profile::load(&fs, &env, &files, None).now_or_never() {
        Some(Ok(set)) => Ok(set),
        Some(Err(e)) => Err(Error::ProfileFile {
            path: path.to_path_buf(),
            reason: parse_reason(&e),
        }),
        None => Err(Error::ProfileFile {
            path: path.to_path_buf(),
            reason: "the AWS SDK's parser did not finish without waiting".into(),
        }),
    }
}

/// The SDK's error without the path, on one line: its parse error reads
/// `error parsing <path> on line N:\n  Expected ...`, and it has no path for text it was given.
fn parse_reason(e: &ProfileFileLoadError) -> String {
    let text = match e {
        ProfileFileLoadError::ParseError { 0: p, .. } => p.to_string(),
        other => other.to_string(),
    };
    let from_line = text
        .find(" on line ")
        .map_or(text.as_str(), |i| &text[i + 4..]);
    let one_line = from_line
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // Lowercase the SDK's capitalised message ("Expected ...") as core's messages are.
    match one_line.split_once(": ") {
        Some((at, msg)) => format!("{at}: {}", lowercase_first(msg)),
        None => lowercase_first(&one_line),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDS: &str = "# my keys, do not share\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key=secret0\n\n;old style comment\n[work]\n  # indented comment\naws_access_key_id   =   AKIAWORK\naws_secret_access_key = secret1\n\n[work-mfa]\naws_access_key_id = OLD\naws_secret_access_key = OLD\naws_session_token = OLD\n[last]\nregion=eu-west-1";

    #[test]
    fn editing_one_section_keeps_every_other_byte() {
        let mut doc = IniDoc::parse(CREDS);
        doc.set(
            "work-mfa",
            &[
                ("aws_access_key_id", "ASIANEW"),
                ("aws_secret_access_key", "S"),
                ("aws_session_token", "T"),
            ],
        )
        .unwrap();
        let out = doc.to_text();
        assert_eq!(out, CREDS.replace("[work-mfa]\naws_access_key_id = OLD\naws_secret_access_key = OLD\naws_session_token = OLD", "[work-mfa]\naws_access_key_id = ASIANEW\naws_secret_access_key = S\naws_session_token = T"));
        assert!(
            !out.ends_with('\n'),
            "the missing final newline stays missing"
        );
    }

    /// Found by the fuzz harness (issue 16): a file of one blank line was written back empty.
    // Found by the fuzz harness: a lone CR before a line's end was lost on the way back.
    #[test]
    fn a_lone_cr_is_kept_in_lf_and_crlf_files() {
        for text in [
            " \r\r\r\n[a]\n",
            "x\n\r\r\n",
            "[a]\r\nk = v\r\r\n\r\n",
            "[a]\r\nmixed\n",
            "X\r\n\r",
            "\r\n",
        ] {
            let written = IniDoc::parse(text).to_text();
            assert_eq!(IniDoc::parse(&written), IniDoc::parse(text), "{text:?}");
        }
        assert_eq!(IniDoc::parse(" \r\r\r\n").to_text(), " \r\r\r\n");
        assert_eq!(
            IniDoc::parse("[a]\r\nk = v\r\r\n").to_text(),
            "[a]\r\nk = v\r\r\n"
        );
    }

    #[test]
    fn a_file_of_blank_lines_is_written_back_as_it_was() {
        for text in ["\n", "\n\n", "", "x"] {
            assert_eq!(IniDoc::parse(text).to_text(), text, "{text:?}");
        }
    }

    #[test]
    fn a_new_section_goes_at_the_end_and_new_keys_after_the_last_key() {
        let mut doc = IniDoc::parse("[a]\nx = 1\n\n# between\n[b]\ny = 2\n");
        doc.set("a", &[("z", "3")]).unwrap();
        doc.set("c", &[("k", "v")]).unwrap();
        assert_eq!(
            doc.to_text(),
            "[a]\nx = 1\nz = 3\n\n# between\n[b]\ny = 2\n\n[c]\nk = v\n"
        );
        assert_eq!(
            doc.section("a").unwrap(),
            vec![("x".into(), "1".into()), ("z".into(), "3".into())]
        );
    }

    #[test]
    fn text_that_would_change_the_files_structure_is_refused_not_stripped() {
        let before = "[default]\naws_access_key_id = AKIA\n";
        let mut doc = IniDoc::parse(before);
        let refused = |doc: &mut IniDoc, section: &str, key: &str, value: &str| match doc
            .set(section, &[("aws_access_key_id", "ASIAOK"), (key, value)])
        {
            Err(Error::UnsafeIniText { what, .. }) => what,
            other => panic!("{section:?} {key:?} {value:?}: {other:?}"),
        };
        for value in [
            "t\n[prod]\naws_access_key_id = EVIL",
            "t\r[prod]",
            "t\rcredential_process = sh -c id",
            "a\u{0}b",
            "a\u{7f}b",
            "a\u{85}b",
            " padded",
            "x ; cut here",
            "x # cut here",
        ] {
            assert_eq!(
                refused(&mut doc, "s", "aws_session_token", value),
                "the value of key"
            );
        }
        for key in ["a\nb", "a=b", "[k]", "", " k", "#k"] {
            assert_eq!(refused(&mut doc, "s", key, "v"), "key");
        }
        for section in ["a]\n[prod", "a\nb", "p]", "", " s", "x\r"] {
            assert_eq!(refused(&mut doc, section, "k", "v"), "section");
        }
        // Nothing was changed by the refused calls, not even their first, valid pair.
        assert_eq!(doc.to_text(), before);
        // The message never shows the value.
        let e = doc
            .set("s", &[("aws_secret_access_key", "sekrit\nx")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("aws_secret_access_key") && !e.contains("sekrit"),
            "{e}"
        );
        // Values AWS does send are written as they are.
        doc.set("s", &[("aws_session_token", "FwoG+/ab==")])
            .unwrap();
        assert!(doc
            .to_text()
            .ends_with("[s]\naws_session_token = FwoG+/ab==\n"));
    }

    #[test]
    fn crlf_files_keep_crlf() {
        let text = "[default]\r\nregion = us-east-1\r\n\r\n[work]\r\nx = 1\r\n";
        let mut doc = IniDoc::parse(text);
        doc.set("work", &[("y", "2")]).unwrap();
        doc.set("new", &[("k", "v")]).unwrap();
        assert_eq!(
            doc.to_text(),
            "[default]\r\nregion = us-east-1\r\n\r\n[work]\r\nx = 1\r\ny = 2\r\n\r\n[new]\r\nk = v\r\n"
        );
        // An LF file stays LF.
        let mut doc = IniDoc::parse("[a]\nx = 1\n");
        doc.set("a", &[("y", "2")]).unwrap();
        assert_eq!(doc.to_text(), "[a]\nx = 1\ny = 2\n");
    }

    #[cfg(unix)]
    #[test]
    fn saving_through_a_symlink_replaces_the_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("dotfiles");
        std::fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("aws-credentials");
        std::fs::write(&real, "[a]\nx = 1\n").unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).unwrap();
        let link = aws.join("credentials");
        // A relative link, through a second link.
        std::os::unix::fs::symlink("../dotfiles/aws-credentials", aws.join("hop")).unwrap();
        std::os::unix::fs::symlink("hop", &link).unwrap();
        let mut doc = IniDoc::load(&link).unwrap();
        doc.set("a", &[("y", "2")]).unwrap();
        doc.save(&link).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(std::fs::symlink_metadata(aws.join("hop"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "[a]\nx = 1\ny = 2\n"
        );
        // No temporary file was left beside the link or the target.
        assert_eq!(std::fs::read_dir(&aws).unwrap().count(), 2);
        assert_eq!(std::fs::read_dir(&real_dir).unwrap().count(), 1);
    }

    #[test]
    fn long_term_keys_are_told_from_session_keys() {
        let doc = IniDoc::parse("[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n[base-mfa]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\n[other]\nregion = x\n");
        assert!(doc.has_long_term_keys("base"));
        assert!(!doc.has_long_term_keys("base-mfa"));
        assert!(!doc.has_long_term_keys("other"));
        assert!(!doc.has_long_term_keys("missing"));
    }

    /// The two files as text, at the usual paths (nothing is read from disk).
    fn files(config: &str, credentials: &str) -> Files {
        Files {
            config: PathBuf::from("/home/me/.aws/config"),
            config_text: config.into(),
            credentials: PathBuf::from("/home/me/.aws/credentials"),
            credentials_text: credentials.into(),
        }
    }

    fn profile<'a>(profiles: &'a [Profile], name: &str) -> &'a Profile {
        profiles.iter().find(|p| p.name == name).unwrap()
    }

    #[test]
    fn profiles_merge_both_files() {
        let config = "[default]\nregion = us-east-1\n[profile work]\nmfa_serial = arn:aws:iam::1:mfa/me\nduration_seconds = 3600\n[profile admin]\nrole_arn = arn:aws:iam::1:role/Admin\nsource_profile = work\nmfa_serial = arn:aws:iam::1:mfa/me\n[sso-session corp]\nsso_region = us-east-1\n";
        // CREDS itself does not parse (see below); the same file with its comment at column 0.
        let creds = CREDS.replace("  # indented comment", "# a comment");
        let profiles = files(config, &creds).profiles().unwrap();
        let work = profile(&profiles, "work");
        assert_eq!(work.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/me"));
        assert_eq!(work.duration_seconds, Some(3600));
        assert!(work.has_keys);
        let admin = profile(&profiles, "admin");
        assert_eq!(admin.source_profile.as_deref(), Some("work"));
        assert!(!admin.has_keys);
        assert!(!profiles.iter().any(|p| p.name.contains("corp")));
        assert_eq!(
            profile(&profiles, "last").region.as_deref(),
            Some("eu-west-1")
        );
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default", "admin", "last", "work", "work-mfa"]);
    }

    #[test]
    fn profile_prefix_belongs_in_the_config_file_only() {
        let config = "[profile work]\nregion = us-east-1\nmfa_serial = arn:aws:iam::1:mfa/me\n[stray]\nregion = ap-south-1\n";
        let creds = "[work]\naws_access_key_id = AKIAWORK\naws_secret_access_key = s\nregion = eu-west-1\n[profile oops]\naws_access_key_id = AKIAOOPS\naws_secret_access_key = s\n";
        let profiles = files(config, creds).profiles().unwrap();
        // [profile work] (config) and [work] (credentials) are one profile; where both set a
        // key, the credentials file wins, as in the SDK.
        let work = profile(&profiles, "work");
        assert_eq!(work.region.as_deref(), Some("eu-west-1"));
        assert_eq!(work.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/me"));
        assert!(work.has_keys);
        // The SDK ignores [x] in the config file and [profile x] in the credentials file.
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["work"]);
    }

    #[test]
    fn profile_default_replaces_default_in_the_config_file() {
        let config = "[default]\nregion = us-east-1\nmfa_serial = arn:aws:iam::1:mfa/old\n[profile default]\nregion = eu-west-1\n";
        let creds = "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n";
        let profiles = files(config, creds).profiles().unwrap();
        assert_eq!(profiles.len(), 1);
        let default = &profiles[0];
        assert_eq!(default.name, "default");
        assert_eq!(default.region.as_deref(), Some("eu-west-1"));
        assert_eq!(default.mfa_serial, None, "[default] is ignored as a whole");
        assert!(default.has_keys);
    }

    #[test]
    fn comments_continuations_and_sub_properties_read_as_the_sdk_reads_them() {
        let config = "# top\n[profile work] ; after the name\nRegion = eu-west-1 # after the value\nmfa_serial = arn:aws:iam::1:mfa/me ; after the value\nrole_session_name = me#adjacent\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\nexternal_id = first\n  second\nduration_seconds = 1h\n";
        // An indented line after a property continues it, even past a blank line and when it
        // looks like a comment (the end-to-end tests' credentials file has one).
        let creds = "[work]\naws_access_key_id =\naws_secret_access_key = s\n\n   ; indented\n";
        let work = files(config, creds).profiles().unwrap().remove(0);
        assert_eq!(
            work,
            Profile {
                name: "work".into(),
                // Keys are case-insensitive; a comment needs whitespace before it.
                region: Some("eu-west-1".into()),
                mfa_serial: Some("arn:aws:iam::1:mfa/me".into()),
                role_session_name: Some("me#adjacent".into()),
                external_id: Some("first\nsecond".into()),
                duration_seconds: None,
                has_keys: true,
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_malformed_file_is_an_error_naming_the_file_and_line() {
        let err = |config: &str, creds: &str| files(config, creds).profiles().unwrap_err();
        match err("region = us-east-1\n[default]\n", "") {
            Error::ProfileFile { path, reason } => {
                assert_eq!(path, Path::new("/home/me/.aws/config"));
                assert_eq!(reason, "line 1: expected a profile definition");
            }
            e => panic!("{e:?}"),
        }
        match err("[default]\nregion us-east-1\n", "") {
            Error::ProfileFile { reason, .. } => {
                assert_eq!(reason, "line 2: expected an '=' sign defining a property");
            }
            e => panic!("{e:?}"),
        }
        // An indented line right after a section header continues no property: the SDK
        // refuses the whole file (the old reader took it for a comment).
        let e = err("", CREDS);
        assert_eq!(
            e.to_string(),
            "cannot parse the AWS profile file /home/me/.aws/credentials: line 8: expected a property definition, found continuation"
        );
        match err("[profile work\nregion = us-east-1\n", "") {
            Error::ProfileFile { reason, .. } => {
                assert_eq!(reason, "line 1: profile definition must end with ']'");
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_missing_profile_names_both_files() {
        let f = files("[profile work]\nregion = us-east-1\n", "");
        let e = f.find("wrok").unwrap_err();
        assert!(matches!(
            &e,
            Error::NoSuchProfile { name, config, credentials }
                if name == "wrok"
                    && config == Path::new("/home/me/.aws/config")
                    && credentials == Path::new("/home/me/.aws/credentials")
        ));
        let msg = e.to_string();
        assert_eq!(
            msg,
            "no AWS profile \"wrok\" in /home/me/.aws/config or /home/me/.aws/credentials"
        );
        assert!(!msg.contains("--") && !msg.contains("twofold "), "{msg}");
        assert_eq!(f.find("work").unwrap().region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn missing_files_have_no_profiles() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_text(&dir.path().join("config")).unwrap(), "");
        assert!(matches!(read_text(dir.path()), Err(Error::Io { .. })));
        assert_eq!(files("", "").profiles().unwrap(), []);
    }

    // The parser is driven by one poll; inside a runtime (the app's async commands, the CLI's
    // sessions) that must neither block nor panic.
    #[tokio::test]
    async fn reading_works_inside_an_async_runtime() {
        let f = files("[default]\nregion = us-east-1\n", "");
        assert_eq!(
            f.find("default").unwrap().region.as_deref(),
            Some("us-east-1")
        );
    }
}
