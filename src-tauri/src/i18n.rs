//! The few words Rust draws itself (the tray menu), from the UI's own catalogue (namespace
//! `tray` in `ui/src/i18n/locales/<lang>/tray.json`), so every language the UI ships has them and
//! the catalogue test keeps them complete. The UI tells Rust which language it chose
//! (`ui_language_set`), so the tray follows the same setting and OS languages as the windows.

use std::collections::HashMap;

use crate::settings::LANGUAGES;

const CATALOGUES: [(&str, &str); 3] = [
    ("en", include_str!("../../ui/src/i18n/locales/en/tray.json")),
    ("pl", include_str!("../../ui/src/i18n/locales/pl/tray.json")),
    ("ru", include_str!("../../ui/src/i18n/locales/ru/tray.json")),
];

/// The tray menu's words in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayWords(HashMap<String, String>);

impl TrayWords {
    /// The words of `language`, English for a language or key not shipped.
    pub fn of(language: &str) -> Self {
        let parse = |lang: &str| -> HashMap<String, String> {
            CATALOGUES
                .iter()
                .find(|(l, _)| *l == lang)
                .and_then(|(_, text)| serde_json::from_str(text).ok())
                .unwrap_or_default()
        };
        let mut words = parse("en");
        words.extend(parse(language));
        TrayWords(words)
    }

    /// One word; `key` itself when even English lacks it (a test catches that).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// "Copy code: {label}" in this language.
    pub fn copy_code(&self, label: &str) -> String {
        self.get("copyCode").replace("{{label}}", label)
    }
}

/// A language the UI may report: one it ships, else English.
pub fn shipped(language: &str) -> &'static str {
    LANGUAGES
        .iter()
        .find(|l| **l == language)
        .copied()
        .unwrap_or("en")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_language_has_the_tray_words() {
        assert_eq!(CATALOGUES.map(|(l, _)| l), LANGUAGES);
        for (lang, text) in CATALOGUES {
            let own: HashMap<String, String> = serde_json::from_str(text).unwrap();
            for key in ["copyCode", "show", "lookup", "lock", "quit"] {
                assert!(own.contains_key(key), "{lang} lacks {key}");
            }
        }
        assert_eq!(TrayWords::of("pl").get("lock"), "Zablokuj");
        assert_eq!(TrayWords::of("ru").copy_code("AWS"), "Скопировать код: AWS");
        assert_eq!(TrayWords::of("xx").get("quit"), "Quit");
        assert_eq!(shipped("ru"), "ru");
        assert_eq!(shipped("de"), "en");
    }
}

/// The desktop's languages, most wanted first, as Linux and the BSDs give them to programs
/// (`LANGUAGE`, then the first of `LC_ALL`, `LC_MESSAGES`, `LANG`), as BCP 47 tags (`pl-PL`).
/// The web view's `navigator.languages` says the same only when the locale is installed in the
/// C library; these variables are what the user chose either way. Empty on macOS and Windows,
/// whose web views report the OS's languages themselves.
pub fn system_languages(env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return Vec::new();
    }
    let tag = |locale: &str| -> Option<String> {
        let base = locale.split(['.', '@']).next()?.trim();
        (!base.is_empty() && base != "C" && base != "POSIX").then(|| base.replace('_', "-"))
    };
    let mut out: Vec<String> = env("LANGUAGE")
        .unwrap_or_default()
        .split(':')
        .filter_map(tag)
        .collect();
    if let Some(locale) = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
    {
        out.extend(tag(&locale));
    }
    out.dedup();
    out
}

#[cfg(test)]
mod system_tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    fn the_desktop_languages_come_from_the_posix_variables() {
        assert_eq!(
            system_languages(env(&[("LANGUAGE", "pl:en_GB"), ("LANG", "pl_PL.UTF-8")])),
            ["pl", "en-GB", "pl-PL"]
        );
        assert_eq!(
            system_languages(env(&[
                ("LC_ALL", "ru_RU.UTF-8@euro"),
                ("LANG", "en_US.UTF-8")
            ])),
            ["ru-RU"]
        );
        assert_eq!(
            system_languages(env(&[("LANG", "C.UTF-8")])),
            Vec::<String>::new()
        );
        assert_eq!(system_languages(env(&[])), Vec::<String>::new());
    }
}
