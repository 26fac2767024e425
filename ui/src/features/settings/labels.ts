// The Settings screen's pure parts: words for durations and the look a theme setting gives.
// No DOM, no IPC, so the unit tests import this alone.
import type { Theme } from '../../bindings/Theme';

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
  const [n, unit] =
    secs % 3600 === 0 ? [secs / 3600, 'hour'] : secs % 60 === 0 ? [secs / 60, 'minute'] : [secs, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** How the lock setting reads in its list. */
export function lockLabel(secs: number): string {
  return secs === 0 ? 'Never' : `After ${duration(secs)}`;
}

/** The offered choices, plus `value` when it is not one of them (set by hand or by a test). */
export function choicesWith(choices: number[], value: number): number[] {
  return choices.includes(value) ? choices : [...choices, value].sort((a, b) => a - b);
}

/** What the unlock screen's toast says after Twofold locked itself; null for a plain lock. */
export function lockedBecause(reason: string, lockAfterSecs: number | null): string | null {
  switch (reason) {
    case 'locked-idle':
      return lockAfterSecs
        ? `Twofold locked itself after ${duration(lockAfterSecs)} without use.`
        : 'Twofold locked itself after a while without use.';
    case 'locked-session':
      return 'Twofold locked when the screen locked.';
    case 'locked-suspend':
      return 'Twofold locked before the computer went to sleep.';
    default:
      return null;
  }
}
