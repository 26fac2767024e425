// Only the pure part of dom.ts: the module touches `document` inside its functions, never on import.
import { describe, expect, it } from 'vitest';
import { groupCode } from './dom';

describe('groupCode', () => {
  it('splits a 6-digit code 3 + 3', () => {
    expect(groupCode('123456')).toBe('123 456');
  });

  it('splits 7- and 8-digit codes after the fourth digit', () => {
    expect(groupCode('1234567')).toBe('1234 567');
    expect(groupCode('12345678')).toBe('1234 5678');
  });

  it('leaves 5 characters or fewer whole (Steam Guard codes)', () => {
    expect(groupCode('2BFJK')).toBe('2BFJK');
    expect(groupCode('1234')).toBe('1234');
    expect(groupCode('')).toBe('');
  });

  it('groups longer codes by three', () => {
    expect(groupCode('123456789')).toBe('123 456 789');
    expect(groupCode('1234567890')).toBe('123 456 789 0');
  });
});
