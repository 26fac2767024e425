// The settings in force in this window: loaded once, kept current by `settings://changed`
// (Settings may be changed in the main window while the lookup window is open), and applied
// where they show: the language and the theme here, hidden codes by whoever subscribes.
import type { Settings } from '../../bindings/Settings';
import { type Language, pickLanguage, setDesktopLanguages, startI18n, systemLanguages } from '../../i18n/i18n';
import { appActivity, settingsGet, uiLanguageSet } from '../../ipc/commands';
import { onSettingsChanged } from '../../ipc/events';
import { effectiveTheme } from './labels';

let current: Settings | null = null;
/** The language this window was rendered in; null until `startPreferences` chose it. */
let shown: Language | null = null;
const listeners = new Set<(s: Settings) => void>();
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function paintTheme() {
  document.documentElement.dataset.theme = effectiveTheme(current?.theme ?? 'system', darkQuery.matches);
}

/** The language a language setting gives in this session. */
function languageOf(setting: string): Language {
  return pickLanguage(setting, systemLanguages());
}

function apply(s: Settings) {
  current = s;
  // Another language: the window renders anew in it (every screen, dialogs included). The
  // vault stays unlocked: it lives in Rust, not in this page.
  if (shown !== null && languageOf(s.language) !== shown) {
    window.location.reload();
    return;
  }
  paintTheme();
  for (const l of listeners) l(s);
}

/** Loads the settings and keeps them current, and starts the catalogues in the language they
 * give; the theme follows at once. Resolves once the first screen may render. */
export async function startPreferences(): Promise<void> {
  paintTheme();
  darkQuery.addEventListener('change', paintTheme);
  onSettingsChanged(apply);
  let loaded: Settings | null = null;
  try {
    const view = await settingsGet();
    setDesktopLanguages(view.systemLanguages);
    loaded = view.settings;
  } catch {
    // The defaults (system language and theme, codes shown) stay; Settings shows the error
    // when opened.
  }
  // A change heard while loading is at least as new as what was read.
  const settings = current ?? loaded;
  shown = languageOf(settings?.language ?? 'system');
  startI18n(shown);
  // The tray menu is drawn by Rust: the main window tells it the language (after every reload).
  if (window.location.hash !== '#lookup') uiLanguageSet(shown).catch(() => undefined);
  if (settings) apply(settings);
}

/** The settings in force, once loaded. */
export function currentSettings(): Settings | null {
  return current;
}

/** Calls `fn` now (when loaded) and after every change; returns the unsubscribe. */
export function watchSettings(fn: (s: Settings) => void): () => void {
  listeners.add(fn);
  if (current) fn(current);
  return () => listeners.delete(fn);
}

/** Minimum time between two activity reports to Rust. */
const ACTIVITY_EVERY_MS = 5000;

/** Reports the user's keys, clicks and scrolls as use, for the idle lock (at most every 5 s). */
export function reportActivity(): void {
  let last = 0;
  const report = () => {
    const now = Date.now();
    if (now - last < ACTIVITY_EVERY_MS) return;
    last = now;
    appActivity().catch(() => undefined);
  };
  for (const type of ['keydown', 'pointerdown', 'wheel']) {
    window.addEventListener(type, report, { capture: true, passive: true });
  }
}
