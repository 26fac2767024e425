import { beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../i18n/i18n';
import { CIRC, countdownFace } from './countdown';

beforeAll(() => startI18n('en'));

describe('countdownFace', () => {
  it('shows a full ring at the start of a period', () => {
    const f = countdownFace(30, 30);
    expect(f.dashOffset).toBeCloseTo(0);
    expect(f.label).toBe('30');
    expect(f.expiring).toBe(false);
    expect(f.ariaLabel).toBe('30 seconds left');
  });

  it('empties the ring in proportion to the time used', () => {
    expect(countdownFace(15, 30).dashOffset).toBeCloseTo(CIRC / 2);
    expect(countdownFace(0, 30).dashOffset).toBeCloseTo(CIRC);
  });

  it('rounds the seconds up, so a fresh second is never shown as the one before', () => {
    expect(countdownFace(12.1, 30).label).toBe('13');
    expect(countdownFace(0.2, 30).label).toBe('1');
    expect(countdownFace(0.2, 30).ariaLabel).toBe('1 second left');
  });

  it('marks the last five seconds as expiring', () => {
    expect(countdownFace(5.5, 30).expiring).toBe(false);
    expect(countdownFace(5, 30).expiring).toBe(true);
    expect(countdownFace(1, 30).expiring).toBe(true);
  });

  it('clamps a code that is already past its period', () => {
    const f = countdownFace(-2.5, 30);
    expect(f.dashOffset).toBeCloseTo(CIRC);
    expect(f.label).toBe('0');
    expect(f.ariaLabel).toBe('0 seconds left');
    expect(f.expiring).toBe(true);
  });

  it('clamps more time than a period (clock skew) to a full ring', () => {
    expect(countdownFace(45, 30).dashOffset).toBeCloseTo(0);
  });

  it('shows an empty ring for a zero period rather than dividing by it', () => {
    const f = countdownFace(10, 0);
    expect(f.dashOffset).toBeCloseTo(CIRC);
    expect(Number.isFinite(f.dashOffset)).toBe(true);
  });
});
