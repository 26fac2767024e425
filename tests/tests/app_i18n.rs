//! The app in each language, with the real app under Xvfb. Polish comes from the desktop's
//! language (the app started with `LANGUAGE=pl`, as a Polish desktop session starts it) and
//! Russian both ways (the desktop's language, and the Settings choice, which applies without a
//! restart). Every screen and dialog of the tour is screenshotted per language
//! (`i18n-<lang>-<screen>.png` in `$TWOFOLD_ARTIFACTS`) and checked for English left over: no
//! phrase of the English catalogue that the language translates may show on it. An error from
//! Rust shows its kind's sentence in the language, with Rust's detail after it, and the lock
//! choices show the language's plural forms.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use twofold_e2e::harness::{self, Driver};
use twofold_e2e::tour;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

/// Every text of a language's catalogues: namespace and key (plural suffix dropped) to forms.
fn catalogue(lang: &str) -> BTreeMap<String, Vec<String>> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Vec<String>>) {
        match v {
            Value::String(s) => {
                let base = ["_zero", "_one", "_two", "_few", "_many", "_other"]
                    .iter()
                    .find_map(|suffix| prefix.strip_suffix(suffix))
                    .unwrap_or(prefix);
                out.entry(base.to_string()).or_default().push(s.clone());
            }
            Value::Object(map) => {
                for (k, v) in map {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            }
            _ => {}
        }
    }
    let dir = harness::workspace_root()
        .join("ui/src/i18n/locales")
        .join(lang);
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ns = path.file_stem().unwrap().to_string_lossy().into_owned();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        walk(&ns, &v, &mut out);
    }
    out
}

/// The English phrases `lang` translates: the parts of each English text between placeholders,
/// long enough to be unmistakable (12 characters and a space), that the language's own text for
/// that key does not contain. Seeing one on a screen in `lang` is English left over.
fn english_phrases(lang: &str) -> BTreeSet<String> {
    let en = catalogue("en");
    let other = catalogue(lang);
    let mut phrases = BTreeSet::new();
    for (key, texts) in &en {
        let theirs = other.get(key).cloned().unwrap_or_default().join("\n");
        for text in texts {
            for part in text.split("{{") {
                let part = part.split_once("}}").map_or(part, |(_, rest)| rest);
                let phrase = part.trim_matches(|c: char| !c.is_alphanumeric());
                if phrase.chars().count() >= 12 && phrase.contains(' ') && !theirs.contains(phrase)
                {
                    phrases.insert(phrase.to_string());
                }
            }
        }
    }
    phrases
}

/// What a screen shows: its visible text, and the names, hints and placeholders of its controls.
const VISIBLE_TEXT: &str = "\
    const root = document.querySelector('dialog[open]') ?? document.body; \
    const parts = [root.innerText]; \
    for (const el of root.querySelectorAll('[aria-label],[placeholder],[title]')) { \
      if (!el.getClientRects().length) continue; \
      for (const a of ['aria-label', 'placeholder', 'title']) { \
        const v = el.getAttribute(a); if (v) parts.push(v); \
      } \
    } \
    return parts.join('\\n');";

/// How far the open dialog (else the page) scrolls sideways, with the elements that stick out
/// past its right edge; "" when nothing does. Longer words (Russian, Polish) must wrap, not
/// push a dialog wider than the window.
const SIDEWAYS: &str = "\
    const root = document.querySelector('dialog[open]') || document.scrollingElement; \
    const over = root.scrollWidth - root.clientWidth; \
    if (over <= 1) return ''; \
    const edge = root.getBoundingClientRect().right; \
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
      (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : ''); \
    const wide = [...root.querySelectorAll('*')] \
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > edge + 1) \
      .slice(-4).map((e) => `${name(e)} (${Math.round(e.getBoundingClientRect().width)} px)`); \
    return `${over} px too wide: ${wide.join(', ')}`;";

/// Screenshots a screen and records the English phrases it shows, and any sideways overflow.
struct Check {
    lang: &'static str,
    phrases: BTreeSet<String>,
    leftovers: BTreeMap<String, Vec<String>>,
    overflows: BTreeMap<String, String>,
    screens: usize,
}

impl Check {
    fn new(lang: &'static str) -> Self {
        let phrases = english_phrases(lang);
        assert!(
            phrases.len() > 300,
            "{lang}: only {} phrases to look for",
            phrases.len()
        );
        Check {
            lang,
            phrases,
            leftovers: BTreeMap::new(),
            overflows: BTreeMap::new(),
            screens: 0,
        }
    }

    fn screen(&mut self, session: &Session, name: &str) {
        // A dialog that just opened paints on the next frame.
        session.settle().unwrap();
        let lang = session
            .execute("return document.documentElement.lang;", &[])
            .unwrap();
        assert_eq!(lang, json!(self.lang), "{name}: <html lang>");
        session.shot(&format!("i18n-{}-{name}.png", self.lang));
        let text = session.execute(VISIBLE_TEXT, &[]).unwrap();
        let text = text.as_str().unwrap_or_default();
        let seen: Vec<String> = self
            .phrases
            .iter()
            .filter(|p| text.contains(p.as_str()))
            .cloned()
            .collect();
        eprintln!("i18n {} {name}: {} English phrases", self.lang, seen.len());
        if !seen.is_empty() {
            self.leftovers.insert(name.to_string(), seen);
        }
        let sideways = session.execute(SIDEWAYS, &[]).unwrap();
        if let Some(s) = sideways.as_str().filter(|s| !s.is_empty()) {
            eprintln!("i18n {} {name}: {s}", self.lang);
            self.overflows.insert(name.to_string(), s.to_string());
        }
        self.screens += 1;
    }

    fn assert_clean(&self) {
        assert!(self.screens >= 15, "only {} screens seen", self.screens);
        assert!(
            self.overflows.is_empty(),
            "{}: screens wider than their window: {:#?}",
            self.lang,
            self.overflows
        );
        assert!(
            self.leftovers.is_empty(),
            "English on {} screens in {}: {:#?}",
            self.leftovers.len(),
            self.lang,
            self.leftovers
        );
    }
}

fn start(driver: &Driver, dir: &std::path::Path) -> Session {
    let vault = dir.join("vault.json");
    let config = dir.join("config");
    Session::start_with_args(
        &driver.url,
        &harness::app_bin(),
        &[
            "--vault",
            vault.to_str().unwrap(),
            "--config-dir",
            config.to_str().unwrap(),
        ],
    )
    .expect("start the app under WebDriver")
}

/// The texts of the lock-timeout choices in Settings.
fn lock_choices(session: &Session) -> Vec<String> {
    session.click_on("#settings-open");
    session
        .wait_for(
            "dialog#settings-dialog[open] #setting-lock-after option",
            DEFAULT_WAIT,
        )
        .unwrap();
    let v = session
        .execute(
            "return [...document.querySelectorAll('#setting-lock-after option')].map((o) => o.textContent);",
            &[],
        )
        .unwrap();
    session.click_on("dialog#settings-dialog [data-testid=dialog-close]");
    serde_json::from_value(v).unwrap()
}

/// Chooses a language in Settings and waits for the window to render anew in it (the page
/// reloads, so this is done through the select, not an IPC call that would never answer).
fn choose_language(session: &Session, language: &str, expect_lang: &str) {
    session.click_on("#settings-open");
    session
        .wait_for(
            "dialog#settings-dialog[open] #setting-language",
            DEFAULT_WAIT,
        )
        .unwrap();
    session
        .execute(
            "const s = document.getElementById('setting-language'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change'));",
            &[json!(language)],
        )
        .unwrap();
    session
        .wait_until(&format!("the window in {expect_lang}"), DEFAULT_WAIT, |s| {
            let v = s.execute(
                "return document.querySelector('.accounts-view') ? document.documentElement.lang : null;",
                &[],
            )?;
            Ok((v == json!(expect_lang)).then_some(()))
        })
        .unwrap();
    let saved = session.invoke("settings_get", json!({})).unwrap().unwrap();
    assert_eq!(saved["settings"]["language"], json!(language));
}

#[test]
fn polish_from_the_desktop_language_on_every_screen_then_russian_and_english_from_settings() {
    harness::require_secret_service();
    let driver = Driver::start_with_env(&[("LANGUAGE", "pl"), ("LANG", "pl_PL.UTF-8")]);
    let dir = harness::temp_dir();
    let session = start(&driver, dir.path());
    let mut check = Check::new("pl");
    let notes = tour::every_screen(&session, &mut |s, name| check.screen(s, name));
    eprintln!("i18n pl: {notes:?}");
    check.assert_clean();

    // Unlock again (the tour ends locked) and look at plural forms and an error from Rust.
    session.click_on("#unlock-system");
    session.wait_for(".accounts-view", DEFAULT_WAIT).unwrap();
    let choices = lock_choices(&session);
    for want in [
        "Nigdy",
        "Po 1 minucie",
        "Po 5 minutach",
        "Po 15 minutach",
        "Po 1 godzinie",
    ] {
        assert!(choices.iter().any(|c| c == want), "{want} in {choices:?}");
    }
    session.click_on("#add-account");
    session.wait_for("#uri-input", DEFAULT_WAIT).unwrap();
    session.type_into("#uri-input", "https://example.com");
    session.click_on("#add-submit");
    let error = session
        .wait_until("the error in Polish", DEFAULT_WAIT, |s| {
            let v = s.execute(
                "const e = document.getElementById('add-error'); return e && !e.hidden ? e.textContent : null;",
                &[],
            )?;
            Ok(v.as_str().map(str::to_string))
        })
        .unwrap();
    session.shot("i18n-pl-error.png");
    assert!(
        error.starts_with("Wprowadzone dane są nieprawidłowe. (") && error.contains("otpauth"),
        "the kind in Polish, Rust's detail after it: {error}"
    );
    session.click_on("#add-cancel");

    // The Settings choice wins over the desktop's language, at once.
    choose_language(&session, "ru", "ru");
    session.shot("i18n-ru-from-settings.png");
    let choices = lock_choices(&session);
    for want in [
        "Никогда",
        "Через 1 минуту",
        "Через 5 минут",
        "Через 15 минут",
        "Через 1 час",
    ] {
        assert!(choices.iter().any(|c| c == want), "{want} in {choices:?}");
    }
    choose_language(&session, "en", "en");
    let choices = lock_choices(&session);
    assert!(
        choices.iter().any(|c| c == "After 5 minutes"),
        "{choices:?}"
    );
    session.shot("i18n-en-from-settings.png");
}

#[test]
fn russian_from_the_desktop_language_on_every_screen() {
    harness::require_secret_service();
    let driver = Driver::start_with_env(&[("LANGUAGE", "ru"), ("LANG", "ru_RU.UTF-8")]);
    let dir = harness::temp_dir();
    let session = start(&driver, dir.path());
    let mut check = Check::new("ru");
    let notes = tour::every_screen(&session, &mut |s, name| check.screen(s, name));
    eprintln!("i18n ru: {notes:?}");
    check.assert_clean();
}
