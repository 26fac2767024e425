// Words for the Backups section; pure, so Vitest checks them without a window.
import type { BackupView } from '../../bindings/BackupView';
import { tr } from '../../i18n/i18n';

const t = tr('settings');

/** How long ago `unixSecs` was: relative for the recent past, else the UTC date and time
 * ("2026-12-03 12:00", the form of the backup file names, the same in every language). */
type Since = { kind: 'now' } | { kind: 'minutes' | 'hours'; count: number } | { kind: 'date'; date: string };

function since(unixSecs: number, now: Date): Since {
  const secs = Math.max(0, Math.round(now.getTime() / 1000 - unixSecs));
  if (secs < 60) return { kind: 'now' };
  if (secs < 3600) return { kind: 'minutes', count: Math.floor(secs / 60) };
  if (secs < 86400) return { kind: 'hours', count: Math.floor(secs / 3600) };
  return { kind: 'date', date: new Date(unixSecs * 1000).toISOString().slice(0, 16).replace('T', ' ') };
}

/** The file name of a path, either separator. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The status line: off, or where backups go and the newest one. */
export function backupSummary(v: BackupView, now: Date): string {
  if (!v.on) return t('backups.summary.off');
  const where = t('backups.summary.on', { count: v.keep ?? 0, folder: v.folder ?? '' });
  if (!v.last) return `${where} ${t('backups.summary.noneYet')}`;
  // A sentence of its own per kind of "when": each language places and declines it its own way.
  const file = baseName(v.last.path);
  const s = since(v.last.written, now);
  let last: string;
  switch (s.kind) {
    case 'now':
      last = t('backups.summary.lastJustNow', { file });
      break;
    case 'minutes':
      last = t('backups.summary.lastMinutes', { count: s.count, file });
      break;
    case 'hours':
      last = t('backups.summary.lastHours', { count: s.count, file });
      break;
    default:
      last = t('backups.summary.lastDate', { date: s.date, file });
  }
  return `${where} ${last}`;
}
