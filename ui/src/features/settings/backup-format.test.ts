import { beforeAll, describe, expect, it } from 'vitest';
import type { BackupView } from '../../bindings/BackupView';
import { startI18n } from '../../i18n/i18n';
import { backupSummary, baseName } from './backup-format';

const now = new Date('2026-12-06T12:00:00Z');
const t = now.getTime() / 1000;

beforeAll(() => startI18n('en'));

describe('backup status words', () => {
  const off: BackupView = { on: false, folder: null, keep: null, last: null, count: 0, problem: null };
  const on: BackupView = { on: true, folder: '/b', keep: 10, last: null, count: 0, problem: null };
  const written = (secsAgo: number): BackupView => ({
    ...on,
    count: 1,
    last: { path: '/b/x.twofold', generation: 3, written: t - secsAgo },
  });

  it('names the file, whichever separator', () => {
    expect(baseName('/b/twofold-ab-20261206T120000Z-g3.twofold')).toBe('twofold-ab-20261206T120000Z-g3.twofold');
    expect(baseName('C:\\b\\x.twofold')).toBe('x.twofold');
  });

  it('summarises off, on without a file, and the last file', () => {
    expect(backupSummary(off, now)).toBe('Automatic backups are off.');
    expect(backupSummary(on, now)).toBe('On: into /b, keeping the newest 10. No backup written yet.');
    expect(backupSummary(written(120), now)).toBe('On: into /b, keeping the newest 10. Last backup 2 minutes ago: x.twofold.');
  });

  it('says how long ago, then the UTC time', () => {
    const last = (secsAgo: number) => backupSummary(written(secsAgo), now).replace(/^On: .*?\. /, '');
    expect(last(5)).toBe('Last backup just now: x.twofold.');
    expect(last(60)).toBe('Last backup 1 minute ago: x.twofold.');
    expect(last(7200)).toBe('Last backup 2 hours ago: x.twofold.');
    expect(last(3 * 86400)).toBe('Last backup on 2026-12-03 12:00 UTC: x.twofold.');
  });

  it('declines counts in Polish and Russian', () => {
    startI18n('pl');
    expect(backupSummary({ ...on, keep: 5 }, now)).toMatch(/5 najnowszych/);
    expect(backupSummary(written(120), now)).toMatch(/2 minuty temu/);
    expect(backupSummary(written(300), now)).toMatch(/5 minut temu/);
    startI18n('ru');
    expect(backupSummary(written(3600), now)).toMatch(/1 час назад/);
    expect(backupSummary(written(5 * 3600), now)).toMatch(/5 часов назад/);
    startI18n('en');
  });
});
