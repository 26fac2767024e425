import { beforeAll, describe, expect, it } from 'vitest';
import type { FidoKeyView } from '../../bindings/FidoKeyView';
import type { FidoOption } from '../../bindings/FidoOption';
import type { FidoReason } from '../../bindings/FidoReason';
import { startI18n } from '../../i18n/i18n';
import { marker, withNodes } from '../../components/dom';
import { fidoMessage, optionLabel, pinSummary } from './format';

beforeAll(() => startI18n('en'));

function key(clientPin: FidoOption, pinRetries: number | null): FidoKeyView {
  return {
    device: { path: '/dev/hidraw0', vendorId: '1050', productId: '0407', product: 'YubiKey' },
    versions: ['FIDO_2_0'],
    extensions: [],
    aaguid: '00000000000000000000000000000000',
    options: { clientPin, rk: 'on', uv: 'unsupported', credMgmt: 'on', bioEnroll: 'unsupported' },
    minPinLength: 4,
    pinRetries,
  };
}

describe('optionLabel', () => {
  it('uses the given words for on and off', () => {
    expect(optionLabel('on', 'yes', 'no')).toBe('yes');
    expect(optionLabel('off', 'yes', 'no')).toBe('no');
  });

  it('says when the key does not support the option', () => {
    expect(optionLabel('unsupported', 'yes', 'no')).toBe('not supported');
  });
});

describe('pinSummary', () => {
  it('says when the key has no PIN support or no PIN', () => {
    expect(pinSummary(key('unsupported', null))).toBe('not supported');
    expect(pinSummary(key('off', null))).toBe('not set');
  });

  it('counts the tries left, singular for one', () => {
    expect(pinSummary(key('on', 8))).toBe('PIN set · 8 tries left');
    expect(pinSummary(key('on', 1))).toBe('PIN set · 1 try left');
  });

  it('says a PIN with no tries left is blocked', () => {
    expect(pinSummary(key('on', 0))).toBe('blocked (only a reset helps)');
  });
});

describe('fidoMessage', () => {
  const failure = (reason: FidoReason, message: string, retries: number | null = null) => ({
    kind: 'invalidInput',
    message,
    reason,
    retries,
  });

  it('reads as the message Rust wrote, in English', () => {
    expect(fidoMessage(failure('pinInvalid', 'wrong PIN: 7 tries left before the key blocks its PIN', 7))).toBe(
      'Wrong PIN: 7 tries left before the key blocks its PIN',
    );
    expect(fidoMessage(failure('cancelled', 'cancelled: nothing was changed'))).toBe('Cancelled: nothing was changed');
  });

  it('keeps the details the key gave', () => {
    expect(fidoMessage(failure('pinPolicy', 'the new PIN is not accepted: too simple'))).toBe(
      'The new PIN is not accepted: too simple',
    );
    expect(fidoMessage(failure('device', 'security key error: CTAP status 0x7F'))).toBe(
      'Security key error: CTAP status 0x7F',
    );
  });

  it('says what any other error says', () => {
    expect(fidoMessage({ kind: 'internal', message: 'boom' })).toBe('Boom');
  });

  it('speaks Polish and Russian, with the right plural', () => {
    startI18n('pl');
    expect(fidoMessage(failure('pinInvalid', '', 3))).toBe('Błędny PIN: pozostały 3 próby, zanim klucz zablokuje PIN');
    startI18n('ru');
    expect(fidoMessage(failure('pinInvalid', '', 5))).toBe('Неверный PIN: осталось 5 попыток, прежде чем ключ заблокирует PIN');
    startI18n('en');
  });
});

describe('withNodes', () => {
  it('puts nodes where their markers are', () => {
    const parts = withNodes(`Type the word ${marker('word')} below.`, { word: { nodeName: 'CODE' } as unknown as Node });
    expect(parts.length).toBe(3);
    expect(parts[0]).toBe('Type the word ');
    expect(parts[2]).toBe(' below.');
  });
});
