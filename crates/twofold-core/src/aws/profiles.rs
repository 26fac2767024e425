//! The AWS CLI's shared files: `~/.aws/config` and `~/.aws/credentials` (or the files named by
//! `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`).
//!
//! Reading gives [`Profile`]s with the settings Twofold uses. Writing edits one section in place
//! (every other line, comment and blank line is kept byte for byte), keeps the file mode 0600
//! and replaces the file atomically. Long-term keys are read only to let the SDK sign; Twofold
//! never writes them anywhere.

use std::path::{Path, PathBuf};

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
        IniDoc {
            lines: text.lines().map(str::to_string).collect(),
            trailing_newline: text.ends_with('\n') || text.is_empty(),
        }
    }

    /// Reads a file; a missing file is an empty document.
    pub fn load(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(t) => Ok(IniDoc::parse(&t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(IniDoc::default()),
            Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
        }
    }

    /// The text.
    pub fn to_text(&self) -> String {
        let mut s = self.lines.join("\n");
        if self.trailing_newline && !s.is_empty() {
            s.push('\n');
        }
        s
    }

    /// Section names in order.
    pub fn sections(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|l| section_name(l))
            .map(str::to_string)
            .collect()
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
    /// place, new ones are added after the section's last key; nothing else moves.
    pub fn set(&mut self, section: &str, pairs: &[(&str, &str)]) {
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
    }

    fn section_end(&self, start: usize) -> usize {
        (start + 1..self.lines.len())
            .find(|&i| section_name(&self.lines[i]).is_some())
            .unwrap_or(self.lines.len())
    }

    /// Writes atomically with mode 0600.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::vault::write_private_file(path, self.to_text().as_bytes())
    }
}

/// Reads every profile from both files.
pub fn load_profiles() -> Result<Vec<Profile>> {
    Ok(merge(
        &IniDoc::load(&config_path())?,
        &IniDoc::load(&credentials_path())?,
    ))
}

/// Finds one profile.
pub fn find_profile(name: &str) -> Result<Profile> {
    load_profiles()?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| Error::InvalidParameter {
            field: "profile",
            reason: format!(
                "no profile {name:?} in {} or {}",
                config_path().display(),
                credentials_path().display()
            ),
        })
}

/// Merges the two files' sections into profiles (config: `[profile X]`/`[default]`,
/// credentials: `[X]`).
pub fn merge(config: &IniDoc, credentials: &IniDoc) -> Vec<Profile> {
    let mut out: Vec<Profile> = Vec::new();
    fn entry(out: &mut Vec<Profile>, name: &str) -> usize {
        match out.iter().position(|p| p.name == name) {
            Some(i) => i,
            None => {
                out.push(Profile {
                    name: name.to_string(),
                    ..Default::default()
                });
                out.len() - 1
            }
        }
    }
    for section in config.sections() {
        let name = match section.strip_prefix("profile ") {
            Some(n) => n.trim().to_string(),
            None if section == "default" => section.clone(),
            None => continue, // [sso-session x], [services x]
        };
        let i = entry(&mut out, &name);
        for (k, v) in config.section(&section).unwrap_or_default() {
            apply(&mut out[i], &k, v);
        }
    }
    for section in credentials.sections() {
        let i = entry(&mut out, &section);
        for (k, v) in credentials.section(&section).unwrap_or_default() {
            if k == "aws_access_key_id" {
                out[i].has_keys = true;
            }
            apply(&mut out[i], &k, v);
        }
    }
    out
}

fn apply(p: &mut Profile, key: &str, value: String) {
    match key {
        "region" => p.region = Some(value),
        "mfa_serial" => p.mfa_serial = Some(value),
        "role_arn" => p.role_arn = Some(value),
        "source_profile" => p.source_profile = Some(value),
        "duration_seconds" => p.duration_seconds = value.parse().ok(),
        "external_id" => p.external_id = Some(value),
        "role_session_name" => p.role_session_name = Some(value),
        "credential_process" => p.credential_process = Some(value),
        _ => {}
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
        );
        let out = doc.to_text();
        assert_eq!(out, CREDS.replace("[work-mfa]\naws_access_key_id = OLD\naws_secret_access_key = OLD\naws_session_token = OLD", "[work-mfa]\naws_access_key_id = ASIANEW\naws_secret_access_key = S\naws_session_token = T"));
        assert!(
            !out.ends_with('\n'),
            "the missing final newline stays missing"
        );
    }

    #[test]
    fn a_new_section_goes_at_the_end_and_new_keys_after_the_last_key() {
        let mut doc = IniDoc::parse("[a]\nx = 1\n\n# between\n[b]\ny = 2\n");
        doc.set("a", &[("z", "3")]);
        doc.set("c", &[("k", "v")]);
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
    fn profiles_merge_both_files() {
        let config = IniDoc::parse("[default]\nregion = us-east-1\n[profile work]\nmfa_serial = arn:aws:iam::1:mfa/me\nduration_seconds = 3600\n[profile admin]\nrole_arn = arn:aws:iam::1:role/Admin\nsource_profile = work\nmfa_serial = arn:aws:iam::1:mfa/me\n[sso-session corp]\nsso_region = us-east-1\n");
        let profiles = merge(&config, &IniDoc::parse(CREDS));
        let work = profiles.iter().find(|p| p.name == "work").unwrap();
        assert_eq!(work.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/me"));
        assert_eq!(work.duration_seconds, Some(3600));
        assert!(work.has_keys);
        let admin = profiles.iter().find(|p| p.name == "admin").unwrap();
        assert_eq!(admin.source_profile.as_deref(), Some("work"));
        assert!(!admin.has_keys);
        assert!(!profiles.iter().any(|p| p.name.contains("corp")));
        assert_eq!(
            profiles
                .iter()
                .find(|p| p.name == "last")
                .unwrap()
                .region
                .as_deref(),
            Some("eu-west-1")
        );
    }
}
