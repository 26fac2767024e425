import { beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../../i18n/i18n';
import { DURATIONS, durationLabel, formatLeft } from './format';

beforeAll(() => startI18n('en'));

describe('formatLeft', () => {
  it('says expired at and after zero', () => {
    expect(formatLeft(0)).toBe('expired');
    expect(formatLeft(-12)).toBe('expired');
  });

  it('pads seconds under an hour, but not the minutes', () => {
    expect(formatLeft(5)).toBe('0 min 05 s');
    expect(formatLeft(65)).toBe('1 min 05 s');
    expect(formatLeft(3599)).toBe('59 min 59 s');
  });

  it('adds hours from one hour on, padding minutes and seconds', () => {
    expect(formatLeft(3600)).toBe('1 h 00 min 00 s');
    expect(formatLeft(3725)).toBe('1 h 02 min 05 s');
    expect(formatLeft(43200)).toBe('12 h 00 min 00 s');
  });

  it('drops fractions of a second (the countdown passes Date.now() / 1000)', () => {
    expect(formatLeft(61.9)).toBe('1 min 01 s');
  });
});

describe('DURATIONS', () => {
  it('starts with 0, which leaves the length to the profile', () => {
    expect(DURATIONS[0]).toBe(0);
  });

  it('offers lengths from 15 minutes (the STS minimum) to 12 hours (the longest role session), shortest first', () => {
    const secs = DURATIONS.slice(1);
    for (const s of secs) {
      expect(s).toBeGreaterThanOrEqual(900);
      expect(s).toBeLessThanOrEqual(43200);
    }
    expect([...secs].sort((a, b) => a - b)).toEqual(secs);
    expect(new Set(secs).size).toBe(secs.length);
  });
});

describe('durationLabel', () => {
  it('names each length as the list shows it', () => {
    expect(DURATIONS.map(durationLabel)).toEqual([
      "The profile's setting (AWS default: 12 h, roles 1 h)",
      '15 minutes',
      '30 minutes',
      '1 hour',
      '2 hours',
      '4 hours',
      '8 hours',
      '12 hours',
    ]);
  });
});
