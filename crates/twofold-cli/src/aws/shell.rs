//! `twofold aws session --env`: the credentials as variable assignments for the shell the user
//! names, each value quoted so the shell reads it verbatim and runs nothing in it, whatever an
//! endpoint sent (core refuses odd credentials first; this is the second wall).

use clap::ValueEnum;

/// The shells `--env` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Shell {
    /// bash, zsh, dash and any POSIX sh: `export NAME='value'`.
    #[value(alias = "sh", alias = "zsh", alias = "posix")]
    Bash,
    /// fish: `set -gx NAME 'value'`.
    Fish,
    /// PowerShell: `$Env:NAME = 'value'`.
    #[value(alias = "pwsh")]
    Powershell,
}

impl Shell {
    /// PowerShell on Windows, else POSIX sh.
    pub(super) fn native() -> Self {
        if cfg!(windows) {
            Shell::Powershell
        } else {
            Shell::Bash
        }
    }

    /// One assignment of an environment variable, a line without its newline. `name` is one of
    /// ours (`AWS_...`), never user input.
    pub(super) fn export(self, name: &str, value: &str) -> String {
        match self {
            Shell::Bash => format!("export {name}={}", posix_quote(value)),
            Shell::Fish => format!("set -gx {name} {}", fish_quote(value)),
            Shell::Powershell => format!("$Env:{name} = {}", powershell_quote(value)),
        }
    }
}

/// POSIX single quotes: nothing inside is special but the quote itself, which ends the
/// string, is written as `'\''`.
fn posix_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish single quotes: only `\\` and `\'` are escapes inside them.
fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell single-quoted (verbatim) strings: a quote is doubled. PowerShell also takes the
/// typographic single quotes (U+2018 to U+201B) as quotes, so those are doubled too.
fn powershell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &[&str] = &[
        "$(touch /tmp/twofold-pwned)",
        "`touch /tmp/twofold-pwned`",
        "a'b",
        "'; touch /tmp/twofold-pwned; '",
        r"back\slash\'",
        "$HOME ${HOME} !! * ? ~ # & | ; < >",
        "line\nbreak",
        "\"double\"",
        "",
    ];

    #[test]
    fn posix_single_quotes_with_the_quote_escaped() {
        assert_eq!(Shell::Bash.export("AWS_X", "abc"), "export AWS_X='abc'");
        assert_eq!(Shell::Bash.export("AWS_X", "a'b"), r"export AWS_X='a'\''b'");
        assert_eq!(
            Shell::Bash.export("AWS_X", "$(id)`id`"),
            "export AWS_X='$(id)`id`'"
        );
    }

    /// Real bash: evaluating the output exports each value verbatim and runs nothing.
    #[cfg(unix)]
    #[test]
    fn bash_eval_exports_hostile_values_verbatim_and_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("pwned");
        for value in HOSTILE {
            let value = value.replace("/tmp/twofold-pwned", &marker.display().to_string());
            let line = Shell::Bash.export("AWS_SECRET_ACCESS_KEY", &value);
            let out = std::process::Command::new("bash")
                .args([
                    "-c",
                    r#"eval "$1"; printf %s "$AWS_SECRET_ACCESS_KEY""#,
                    "bash",
                    &line,
                ])
                .output()
                .unwrap();
            assert!(out.status.success(), "{line}: {out:?}");
            assert_eq!(String::from_utf8(out.stdout).unwrap(), value, "{line}");
            assert!(!marker.exists(), "{line} ran a command");
            // sh (dash on Debian) reads it the same way.
            let out = std::process::Command::new("sh")
                .args([
                    "-c",
                    r#"eval "$1"; printf %s "$AWS_SECRET_ACCESS_KEY""#,
                    "sh",
                    &line,
                ])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), value, "sh: {line}");
            assert!(!marker.exists(), "sh: {line} ran a command");
        }
    }

    #[test]
    fn fish_escapes_backslash_and_quote_only() {
        assert_eq!(Shell::Fish.export("AWS_X", "abc"), "set -gx AWS_X 'abc'");
        assert_eq!(
            Shell::Fish.export("AWS_X", r"a'b\c"),
            r"set -gx AWS_X 'a\'b\\c'"
        );
        assert_eq!(
            Shell::Fish.export("AWS_X", "$(id) (id) `id`"),
            "set -gx AWS_X '$(id) (id) `id`'"
        );
    }

    /// Reads a fish single-quoted string back as fish does, to check every hostile value.
    fn fish_unquote(s: &str) -> String {
        let inner = s.strip_prefix('\'').unwrap().strip_suffix('\'').unwrap();
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(n @ ('\\' | '\'')) => out.push(n),
                    Some(n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => out.push('\\'),
                },
                '\'' => panic!("unescaped quote in {s}"),
                c => out.push(c),
            }
        }
        out
    }

    /// Reads a PowerShell single-quoted string back as PowerShell does.
    fn powershell_unquote(s: &str) -> String {
        let quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
        let inner: Vec<char> = s.chars().collect();
        assert!(quote(inner[0]) && quote(inner[inner.len() - 1]));
        let inner = &inner[1..inner.len() - 1];
        let mut out = String::new();
        let mut i = 0;
        while i < inner.len() {
            if quote(inner[i]) {
                assert!(
                    i + 1 < inner.len() && quote(inner[i + 1]),
                    "lone quote in {s}"
                );
                i += 1;
            }
            out.push(inner[i]);
            i += 1;
        }
        out
    }

    #[test]
    fn powershell_doubles_every_kind_of_single_quote() {
        assert_eq!(
            Shell::Powershell.export("AWS_X", "it's $(x) `n"),
            "$Env:AWS_X = 'it''s $(x) `n'"
        );
        assert_eq!(
            Shell::Powershell.export("AWS_X", "\u{2019}; calc; \u{2018}"),
            "$Env:AWS_X = '\u{2019}\u{2019}; calc; \u{2018}\u{2018}'"
        );
    }

    #[test]
    fn every_hostile_value_reads_back_verbatim_in_fish_and_powershell() {
        for value in HOSTILE.iter().copied().chain(["\u{2018}x\u{201B}"]) {
            let fish = Shell::Fish.export("V", value);
            assert_eq!(
                fish_unquote(fish.strip_prefix("set -gx V ").unwrap()),
                value
            );
            let ps = Shell::Powershell.export("V", value);
            assert_eq!(
                powershell_unquote(ps.strip_prefix("$Env:V = ").unwrap()),
                value
            );
        }
    }

    #[test]
    fn the_default_is_the_platforms_shell() {
        assert_eq!(
            Shell::native(),
            if cfg!(windows) {
                Shell::Powershell
            } else {
                Shell::Bash
            }
        );
    }
}
