import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../i18n/i18n';
import { describe as describeError, isIpcError, toIpcError } from './errors';

beforeAll(() => startI18n('en'));

describe('isIpcError', () => {
  it('accepts a { kind, message } with a known kind', () => {
    expect(isIpcError({ kind: 'notFound', message: 'no account with id 7' })).toBe(true);
    expect(isIpcError({ kind: 'awsThrottled', message: 'slow down' })).toBe(true);
  });

  it('accepts extra fields (Rust may add some)', () => {
    expect(isIpcError({ kind: 'internal', message: 'x', detail: 1 })).toBe(true);
  });

  it('rejects an unknown kind', () => {
    expect(isIpcError({ kind: 'bogus', message: 'x' })).toBe(false);
  });

  it("rejects inherited property names as kinds (not just the Record's own keys)", () => {
    expect(isIpcError({ kind: 'toString', message: 'x' })).toBe(false);
    expect(isIpcError({ kind: 'constructor', message: 'x' })).toBe(false);
    expect(isIpcError({ kind: 'hasOwnProperty', message: 'x' })).toBe(false);
  });

  it('rejects a missing or non-string message or kind', () => {
    expect(isIpcError({ kind: 'notFound' })).toBe(false);
    expect(isIpcError({ kind: 'notFound', message: 42 })).toBe(false);
    expect(isIpcError({ message: 'x' })).toBe(false);
    expect(isIpcError({ kind: 1, message: 'x' })).toBe(false);
  });

  it('rejects non-objects', () => {
    for (const e of [null, undefined, 'notFound', 3, true]) expect(isIpcError(e)).toBe(false);
  });
});

describe('toIpcError', () => {
  it('returns an IpcError as it is', () => {
    const e = { kind: 'vaultLocked' as const, message: 'the vault is locked' };
    expect(toIpcError(e)).toBe(e);
  });

  it('turns a string rejection (from Tauri itself) into an internal error with that text', () => {
    expect(toIpcError('command foo not found')).toEqual({ kind: 'internal', message: 'command foo not found' });
  });

  it("keeps an Error's message", () => {
    expect(toIpcError(new TypeError('bad arg'))).toEqual({ kind: 'internal', message: 'bad arg' });
  });

  it('gives a generic message for anything else', () => {
    for (const e of [undefined, null, 42, { kind: 'bogus', message: 'x' }]) {
      expect(toIpcError(e)).toEqual({ kind: 'internal', message: 'Something went wrong' });
    }
  });
});

describe('describe', () => {
  it('capitalises the message of an ordinary error', () => {
    expect(describeError({ kind: 'invalidInput', message: 'invalid base32 secret' })).toBe('Invalid base32 secret');
  });

  it('explains a locked keyring, with the specifics after it', () => {
    expect(describeError({ kind: 'secretStoreLocked', message: 'no Secret Service' })).toBe(
      'The system keyring is not available: no Secret Service',
    );
  });

  it('handles rejections that are not IpcErrors', () => {
    expect(describeError('permission denied')).toBe('Permission denied');
    expect(describeError(new Error('boom'))).toBe('Boom');
    expect(describeError(undefined)).toBe('Something went wrong');
  });

  it('leaves an empty message empty', () => {
    expect(describeError({ kind: 'internal', message: '' })).toBe('');
  });
});

describe('describe in another language', () => {
  beforeAll(() => startI18n('pl'));
  afterAll(() => startI18n('en'));

  it("puts the kind's sentence first and Rust's English detail in brackets", () => {
    expect(describeError({ kind: 'invalidInput', message: 'invalid base32 secret' })).toBe(
      'Wprowadzone dane są nieprawidłowe. (invalid base32 secret)',
    );
    expect(describeError({ kind: 'secretStoreLocked', message: 'no Secret Service' })).toBe(
      'Systemowa baza kluczy jest niedostępna. (no Secret Service)',
    );
  });

  it('gives the sentence alone when there is no detail worth showing', () => {
    expect(describeError(undefined)).toBe('Coś poszło nie tak; szczegóły znajdziesz w dzienniku.');
    expect(describeError({ kind: 'internal', message: 'something went wrong; see the log for details' })).toBe(
      'Coś poszło nie tak; szczegóły znajdziesz w dzienniku.',
    );
    expect(describeError({ kind: 'vaultLocked', message: '' })).toBe(
      'Sejf jest zablokowany lub nie da się go otworzyć w obecnym stanie.',
    );
  });

  it('goes back to the English message when English is in force again', () => {
    startI18n('en');
    expect(describeError({ kind: 'invalidInput', message: 'invalid base32 secret' })).toBe('Invalid base32 secret');
    startI18n('pl');
  });
});
