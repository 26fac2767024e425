// The Settings screen's pure parts: words for durations and the look a theme setting gives.
// No DOM, no IPC, so the unit tests import this alone.
import type { DesktopShortcut } from '../../bindings/DesktopShortcut';
import type { ShortcutProblem } from '../../bindings/ShortcutProblem';
import type { Theme } from '../../bindings/Theme';
import type { TypeCodeProblem } from '../../bindings/TypeCodeProblem';
import { LANGUAGES, type Language, pickLanguage, tr } from '../../i18n/i18n';

const t = tr('settings');
const tc = tr('common');

/** The light or dark look for a theme setting, given whether the system is dark. */
export function effectiveTheme(theme: Theme, systemDark: boolean): 'light' | 'dark' {
  if (theme === 'system') return systemDark ? 'dark' : 'light';
  return theme;
}

/** The lock timeouts offered, in seconds (0: never). */
export const LOCK_CHOICES = [0, 60, 300, 900, 3600];

/** The clipboard clear times offered, in seconds. */
export const CLEAR_CHOICES = [10, 20, 30, 60, 90];

/** "3 seconds", "1 minute", "5 minutes", "1 hour". */
export function duration(secs: number): string {
  const [unit, count] = unitOf(secs);
  if (unit === 'hours') return tc('duration.hours', { count });
  if (unit === 'minutes') return tc('duration.minutes', { count });
  return tc('duration.seconds', { count });
}

/** How a clipboard clear time reads in its list: "After 30 seconds". */
export function clearLabel(secs: number): string {
  // As for the lock: each language declines the unit after its own preposition.
  const [unit, count] = unitOf(secs);
  if (unit === 'hours') return t('clear.afterHours', { count });
  if (unit === 'minutes') return t('clear.afterMinutes', { count });
  return t('clear.afterSeconds', { count });
}

/** How the lock setting reads in its list. */
export function lockLabel(secs: number): string {
  if (secs === 0) return t('lock.never');
  // Each language declines the unit after its own preposition, so each phrase has its own forms.
  const [unit, count] = unitOf(secs);
  if (unit === 'hours') return t('lock.afterHours', { count });
  if (unit === 'minutes') return t('lock.afterMinutes', { count });
  return t('lock.afterSeconds', { count });
}

function unitOf(secs: number): ['hours' | 'minutes' | 'seconds', number] {
  if (secs % 3600 === 0) return ['hours', secs / 3600];
  if (secs % 60 === 0) return ['minutes', secs / 60];
  return ['seconds', secs];
}

/** The offered choices, plus `value` when it is not one of them (set by hand or by a test). */
export function choicesWith(choices: number[], value: number): number[] {
  return choices.includes(value) ? choices : [...choices, value].sort((a, b) => a - b);
}

/** What the unlock screen's toast says after Twofold locked itself; null for a plain lock. */
export function lockedBecause(reason: string, lockAfterSecs: number | null): string | null {
  switch (reason) {
    case 'locked-idle':
    {
      if (!lockAfterSecs) return t('locked.idle');
      const [unit, count] = unitOf(lockAfterSecs);
      if (unit === 'hours') return t('locked.idleHours', { count });
      if (unit === 'minutes') return t('locked.idleMinutes', { count });
      return t('locked.idleSeconds', { count });
    }
    case 'locked-session':
      return t('locked.session');
    case 'locked-suspend':
      return t('locked.suspend');
    default:
      return null;
  }
}

/** A language's name in itself ("Polski"), the same in every catalogue. */
export function languageName(lang: Language): string {
  switch (lang) {
    case 'pl':
      return tc('language.pl');
    case 'ru':
      return tc('language.ru');
    default:
      return tc('language.en');
  }
}

/** The language setting's choices, [value, label]: the system's (named), then each language. */
export function languageChoices(preferred: readonly string[]): [string, string][] {
  return [
    ['system', tc('language.system', { name: languageName(pickLanguage('system', preferred)) })],
    ...LANGUAGES.map((lang): [string, string] => [lang, languageName(lang)]),
  ];
}

/** Why the lookup shortcut does not work here, in words. */
export function shortcutProblemText(p: ShortcutProblem): string {
  switch (p.kind) {
    case 'noPortal':
      return t('lookup.problem.noPortal', { detail: p.detail });
    case 'declined':
      return t('lookup.problem.declined');
    default:
      return t('lookup.problem.notTaken', { detail: p.detail });
  }
}

/** The lookup shortcut as the desktop holds it (Wayland), in words. */
export function desktopShortcutText(d: DesktopShortcut): string {
  return d.trigger ? t('lookup.desktop.bound', { trigger: d.trigger }) : t('lookup.desktop.unassigned');
}

/** Why Enter cannot type the code here, in words. */
export function typeCodeProblemText(p: TypeCodeProblem): string {
  switch (p) {
    case 'wayland':
      return t('lookup.typeProblem.wayland');
    case 'noDisplay':
      return t('lookup.typeProblem.noDisplay');
    default:
      return t('lookup.typeProblem.unsupported');
  }
}
