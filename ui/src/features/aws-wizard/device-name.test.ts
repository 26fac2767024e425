import { beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../../i18n/i18n';
import { deviceNameError } from './device-name';

beforeAll(() => startI18n('en'));

describe('deviceNameError', () => {
  it('accepts the characters IAM allows', () => {
    for (const name of ['twofold', 'ana-laptop', 'a_b+c=d,e.f@g', 'X', 'x'.repeat(226)]) {
      expect(deviceNameError(name)).toBeNull();
    }
  });

  it('asks for a name when there is none', () => {
    expect(deviceNameError('')).toBe('Enter a device name.');
  });

  it('explains spaces separately', () => {
    expect(deviceNameError('my phone')).toBe('No spaces: use letters, digits and _+=,.@-');
    expect(deviceNameError('tab\there')).toBe('No spaces: use letters, digits and _+=,.@-');
  });

  it('rejects other characters and names longer than 226', () => {
    const rule = 'Use 1 to 226 letters, digits or _+=,.@- only.';
    expect(deviceNameError('ana/phone')).toBe(rule);
    expect(deviceNameError('ana:phone')).toBe(rule);
    expect(deviceNameError('x'.repeat(227))).toBe(rule);
  });
});
