// The session dialog's pure parts: the session lengths offered and the time-left text. No DOM,
// no IPC, so the unit tests import this alone.
import { tr } from '../../i18n/i18n';

const t = tr('sessions');
const tc = tr('common');

/** Session lengths in seconds, shortest first; 0 leaves it to the profile's duration_seconds,
 * else AWS's default. */
export const DURATIONS: number[] = [0, 900, 1800, 3600, 7200, 14400, 28800, 43200];

/** How a session length reads in its list: "The profile's setting (…)", "15 minutes", "1 hour". */
export function durationLabel(secs: number): string {
  if (secs === 0) return t('durationProfile');
  if (secs % 3600 === 0) return tc('duration.hours', { count: secs / 3600 });
  if (secs % 60 === 0) return tc('duration.minutes', { count: secs / 60 });
  return tc('duration.seconds', { count: secs });
}

/** `1 h 02 min 05 s`-style time left. */
export function formatLeft(secs: number): string {
  if (secs <= 0) return t('left.expired');
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = Math.floor(secs % 60);
  const p = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? t('left.hms', { h: hh, m: p(mm), s: p(ss) }) : t('left.ms', { m: mm, s: p(ss) });
}
