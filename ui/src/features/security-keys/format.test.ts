import { describe, expect, it } from 'vitest';
import type { FidoKeyView } from '../../bindings/FidoKeyView';
import type { FidoOption } from '../../bindings/FidoOption';
import { optionLabel, pinSummary } from './format';

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
