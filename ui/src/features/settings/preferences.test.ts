import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../../i18n/i18n';
import {
  choicesWith,
  clearLabel,
  desktopShortcutText,
  effectiveTheme,
  languageChoices,
  lockedBecause,
  lockLabel,
  shortcutProblemText,
  typeCodeProblemText,
} from './labels';

beforeAll(() => startI18n('en'));
afterEach(() => startI18n('en'));

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

  it('declines the minutes in Polish', () => {
    startI18n('pl');
    expect([60, 120, 300].map(lockLabel)).toEqual(['Po 1 minucie', 'Po 2 minutach', 'Po 5 minutach']);
    expect([60, 120, 300].map((secs) => lockedBecause('locked-idle', secs))).toEqual([
      'Twofold zablokował się po 1 minucie bezczynności.',
      'Twofold zablokował się po 2 minutach bezczynności.',
      'Twofold zablokował się po 5 minutach bezczynności.',
    ]);
  });
});

describe('clipboard words', () => {
  it('names the clear times as whole phrases', () => {
    expect([10, 60, 90].map(clearLabel)).toEqual(['After 10 seconds', 'After 1 minute', 'After 90 seconds']);
    startI18n('ru');
    expect([1, 3, 20, 21, 120].map(clearLabel)).toEqual([
      'Через 1 секунду',
      'Через 3 секунды',
      'Через 20 секунд',
      'Через 21 секунду',
      'Через 2 минуты',
    ]);
  });
});

describe('problems and languages', () => {
  it('words what Rust reports as kinds', () => {
    const noPortal = shortcutProblemText({ kind: 'noPortal', detail: 'xdg-desktop-portal is not running' });
    expect(noPortal).toContain('(xdg-desktop-portal is not running)');
    expect(noPortal).toContain('`twofold-app --lookup`');
    expect(shortcutProblemText({ kind: 'declined' })).toContain('“Use this shortcut” to ask again');
    expect(desktopShortcutText({ trigger: 'Super+K' })).toMatch(/^Your desktop runs this shortcut: Super\+K\. /);
    expect(desktopShortcutText({ trigger: null })).toContain('no keys for it yet');
    expect(shortcutProblemText({ kind: 'notTaken', detail: 'already taken' })).toBe(
      'The shortcut could not be taken: already taken',
    );
    expect(typeCodeProblemText('noDisplay')).toBe('Here: no X11 display to type into; the code is copied.');
    expect(typeCodeProblemText('wayland')).toBe(
      "Here: Wayland does not let an app type into another app's window; the code is copied.",
    );
  });

  it('offers the system language by its own name, then every language', () => {
    expect(languageChoices(['ru-RU'])).toEqual([
      ['system', 'System (Русский)'],
      ['en', 'English'],
      ['pl', 'Polski'],
      ['ru', 'Русский'],
    ]);
    startI18n('pl');
    expect(languageChoices(['de-DE'])[0]).toEqual(['system', 'Systemowy (English)']);
  });
});
