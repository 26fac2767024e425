// Every word the UI shows comes from a message catalogue (i18next, plural rules from
// Intl.PluralRules). One namespace per feature, one JSON file per namespace and language in
// ./locales/<lang>/<ns>.json; English is the fallback for a key a language lacks, and the
// catalogue test keeps every language complete.
//
// Use: a module-level translator bound to its namespace (`tr` with the feature's name), then
// `t` with a key, and `{ count: n }` for a plural, when rendering. `t` reads the language in force at call time.
import i18next, { type TOptions } from 'i18next';
import { CATALOGUES, LANGUAGES, type Language } from './catalogues';

export { LANGUAGES, type Language };

let active: Language = 'en';

/** The language a setting means: itself, or for "system" the first of the OS's languages shipped. */
export function pickLanguage(setting: string, preferred: readonly string[]): Language {
  if ((LANGUAGES as readonly string[]).includes(setting)) return setting as Language;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

let desktopLanguages: readonly string[] = [];

/** The desktop's languages as Rust read them (Linux: LANGUAGE, LC_ALL, LC_MESSAGES, LANG). */
export function setDesktopLanguages(tags: readonly string[]): void {
  desktopLanguages = tags;
}

/** The OS's preferred languages: the desktop's as Rust read them, then the web view's (which
 * on Linux knows them only when the locale is installed in the C library). */
export function systemLanguages(): readonly string[] {
  const web = navigator.languages?.length ? navigator.languages : [navigator.language];
  return [...desktopLanguages, ...web];
}

/** Loads the catalogues (bundled, so synchronously) and switches to `lang`. */
export function startI18n(lang: Language): void {
  active = lang;
  if (!i18next.isInitialized) {
    void i18next.init({
      lng: lang,
      fallbackLng: 'en',
      resources: CATALOGUES,
      initAsync: false,
      interpolation: { escapeValue: false }, // the DOM helpers set text, never HTML
      returnNull: false,
    });
  } else {
    void i18next.changeLanguage(lang);
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** The language in force. */
export function language(): Language {
  return active;
}

/** A translator bound to one namespace: `t('key', { count, name })`. */
export type Translate = (key: string, options?: TOptions) => string;

export function tr(ns: string): Translate {
  return (key, options) => i18next.t(key, { ...options, ns }) as string;
}

/** A date and time in the language in force ("7 Dec 2026, 15:40"). */
export function formatDateTime(secs: number): string {
  return new Date(secs * 1000).toLocaleString(active, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A date in the language in force ("7 Dec 2026"). */
export function formatDate(secs: number): string {
  return new Date(secs * 1000).toLocaleDateString(active, { dateStyle: 'medium' });
}
