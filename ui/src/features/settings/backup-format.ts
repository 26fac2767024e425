// Words for the Backups section; pure, so Vitest checks them without a window.
import type { BackupView } from '../../bindings/BackupView';

/** "3 minutes ago", "yesterday at 14:05"-free and locale-free: relative for the recent past,
 * else the UTC date and time. */
export function ago(unixSecs: number, now: Date): string {
  const secs = Math.max(0, Math.round(now.getTime() / 1000 - unixSecs));
  if (secs < 60) return 'just now';
  if (secs < 3600) {
    const m = Math.floor(secs / 60);
    return `${m} minute${m === 1 ? '' : 's'} ago`;
  }
  if (secs < 86400) {
    const hrs = Math.floor(secs / 3600);
    return `${hrs} hour${hrs === 1 ? '' : 's'} ago`;
  }
  return `on ${new Date(unixSecs * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The file name of a path, either separator. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The status line: off, or where backups go and the newest one. */
export function backupSummary(v: BackupView, now: Date): string {
  if (!v.on) return 'Automatic backups are off.';
  const where = `On: into ${v.folder}, keeping the newest ${v.keep}.`;
  if (!v.last) return `${where} No backup written yet.`;
  return `${where} Last backup ${ago(v.last.written, now)}: ${baseName(v.last.path)}.`;
}
