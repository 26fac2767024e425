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
