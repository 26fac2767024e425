import { beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../../i18n/i18n';
import { choicesWith, effectiveTheme, lockedBecause, lockLabel } from './labels';

beforeAll(() => startI18n('en'));

describe('effectiveTheme', () => {
  it('follows the system only when asked to', () => {
    expect(effectiveTheme('system', true)).toBe('dark');
    expect(effectiveTheme('system', false)).toBe('light');
    expect(effectiveTheme('light', true)).toBe('light');
    expect(effectiveTheme('dark', false)).toBe('dark');
  });
});

describe('lock words', () => {
  it('names the offered timeouts and any other value in seconds', () => {
    expect(lockLabel(0)).toBe('Never');
    expect(lockLabel(60)).toBe('After 1 minute');
    expect(lockLabel(300)).toBe('After 5 minutes');
    expect(lockLabel(3600)).toBe('After 1 hour');
    expect(lockLabel(3)).toBe('After 3 seconds');
    expect(lockLabel(90)).toBe('After 90 seconds');
  });

  it('lists a value set elsewhere in its place', () => {
    expect(choicesWith([0, 60, 300], 60)).toEqual([0, 60, 300]);
    expect(choicesWith([0, 60, 300], 3)).toEqual([0, 3, 60, 300]);
  });

  it('says why the app locked itself, and nothing for a plain lock', () => {
    expect(lockedBecause('locked-idle', 300)).toBe('Twofold locked itself after 5 minutes without use.');
    expect(lockedBecause('locked-session', 300)).toMatch(/screen locked/);
    expect(lockedBecause('locked', 300)).toBeNull();
  });
});
