import { describe, expect, it } from 'vitest';
import type { BackupView } from '../../bindings/BackupView';
import { ago, backupSummary, baseName } from './backup-format';

const now = new Date('2026-12-06T12:00:00Z');
const t = now.getTime() / 1000;

describe('backup status words', () => {
  it('says how long ago, then the UTC time', () => {
    expect(ago(t - 5, now)).toBe('just now');
    expect(ago(t - 60, now)).toBe('1 minute ago');
    expect(ago(t - 7200, now)).toBe('2 hours ago');
    expect(ago(t - 3 * 86400, now)).toBe('on 2026-12-03 12:00 UTC');
  });

  it('names the file, whichever separator', () => {
    expect(baseName('/b/twofold-ab-20261206T120000Z-g3.twofold')).toBe('twofold-ab-20261206T120000Z-g3.twofold');
    expect(baseName('C:\\b\\x.twofold')).toBe('x.twofold');
  });

  it('summarises off, on without a file, and the last file', () => {
    const off: BackupView = { on: false, folder: null, keep: null, last: null, count: 0, problem: null };
    expect(backupSummary(off, now)).toBe('Automatic backups are off.');
    const on: BackupView = { on: true, folder: '/b', keep: 10, last: null, count: 0, problem: null };
    expect(backupSummary(on, now)).toBe('On: into /b, keeping the newest 10. No backup written yet.');
    const last = { ...on, count: 1, last: { path: '/b/x.twofold', generation: 3, written: t - 120 } };
    expect(backupSummary(last, now)).toBe('On: into /b, keeping the newest 10. Last backup 2 minutes ago: x.twofold.');
  });
});
