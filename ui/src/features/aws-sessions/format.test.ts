import { describe, expect, it } from 'vitest';
import { DURATIONS, formatLeft } from './format';

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
    expect(DURATIONS[0][0]).toBe(0);
  });

  it('offers lengths from 15 minutes (the STS minimum) to 12 hours (the longest role session), shortest first', () => {
    const secs = DURATIONS.slice(1).map(([s]) => s);
    for (const s of secs) {
      expect(s).toBeGreaterThanOrEqual(900);
      expect(s).toBeLessThanOrEqual(43200);
    }
    expect([...secs].sort((a, b) => a - b)).toEqual(secs);
    expect(new Set(secs).size).toBe(secs.length);
  });
});
