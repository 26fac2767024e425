import { beforeAll, describe, expect, it } from 'vitest';
import type { ScannedAccount } from '../../bindings/ScannedAccount';
import { startI18n } from '../../i18n/i18n';
import { describeAccount, exportCodes, foundIn, listNumbers, nextCode } from './format';

beforeAll(() => startI18n('en'));

describe('listNumbers', () => {
  it('writes nothing for no numbers', () => {
    expect(listNumbers([])).toBe('');
  });

  it('writes one number alone', () => {
    expect(listNumbers([3])).toBe('3');
  });

  it('joins two with "and"', () => {
    expect(listNumbers([1, 3])).toBe('1 and 3');
  });

  it('uses commas before the last "and"', () => {
    expect(listNumbers([1, 2, 4])).toBe('1, 2 and 4');
    expect(listNumbers([2, 3, 5, 8])).toBe('2, 3, 5 and 8');
  });

  it('keeps the order it is given', () => {
    expect(listNumbers([4, 1])).toBe('4 and 1');
  });
});

describe('exportCodes', () => {
  it('says which code was held and that others remain', () => {
    expect(exportCodes({ seen: [1], of: 2, missing: [2] })).toBe('code 1 of 2; scan the others afterwards');
  });

  it('uses the plural for several codes', () => {
    expect(exportCodes({ seen: [1, 3], of: 4, missing: [2, 4] })).toBe('codes 1 and 3 of 4; scan the others afterwards');
  });

  it('says nothing more after the last code (the earlier ones were scanned before)', () => {
    expect(exportCodes({ seen: [2], of: 2, missing: [1] })).toBe('code 2 of 2');
  });

  it('says when the whole export is in', () => {
    expect(exportCodes({ seen: [1, 2, 3], of: 3, missing: [] })).toBe('codes 1, 2 and 3 of 3: the whole export');
  });
});

describe('nextCode', () => {
  it('is the code after the last one held', () => {
    expect(nextCode({ seen: [1], of: 3, missing: [2, 3] })).toBe(2);
    expect(nextCode({ seen: [1, 2], of: 3, missing: [3] })).toBe(3);
  });

  it('is null once the last code was held', () => {
    expect(nextCode({ seen: [2], of: 2, missing: [1] })).toBeNull();
    expect(nextCode({ seen: [1, 2], of: 2, missing: [] })).toBeNull();
  });
});

describe('describeAccount', () => {
  it('gives a TOTP account its period', () => {
    expect(describeAccount(base())).toBe('Time-based · 6 digits · SHA1 · every 30 s');
  });

  it('leaves the period out for HOTP, which has none', () => {
    expect(describeAccount({ ...base(), kind: 'hotp', digits: 8, algorithm: 'SHA256' })).toBe(
      'Counter-based · 8 digits · SHA256',
    );
  });

  it('names Steam Guard', () => {
    expect(describeAccount({ ...base(), kind: 'steam', digits: 5 })).toBe('Steam Guard · 5 digits · SHA1');
  });
});

describe('foundIn', () => {
  it('names the screen and the clipboard in words, anything else as it is', () => {
    expect(foundIn('clipboard')).toBe('Found in clipboard:');
    expect(foundIn('screen 2')).toBe('Found in screen 2:');
    expect(foundIn('screen (portal)')).toBe('Found in screen (portal):');
    expect(foundIn('qr.png')).toBe('Found in qr.png:');
  });

  it('speaks Polish and Russian', () => {
    startI18n('pl');
    expect(foundIn('clipboard')).toBe('Znaleziono w schowku:');
    expect(describeAccount({ ...base(), digits: 6 })).toBe('Oparty na czasie · 6 cyfr · SHA1 · co 30 s');
    startI18n('ru');
    expect(exportCodes({ seen: [1, 3], of: 4, missing: [2, 4] })).toBe('коды 1 и 3 из 4; остальные отсканируйте потом');
    startI18n('en');
  });
});

function base(): ScannedAccount {
  return {
    index: 0,
    name: 'GitHub:ana',
    issuer: 'GitHub',
    account: 'ana',
    kind: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30n,
    existing: null,
    nameTaken: false,
  };
}
