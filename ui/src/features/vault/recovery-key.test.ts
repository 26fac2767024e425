import { describe, expect, it } from 'vitest';
import type { VaultStatus } from '../../bindings/VaultStatus';
import { keyringOnly } from '../settings/vault';
import { keyGroups } from './recovery-key';

describe('recovery key display', () => {
  it('splits the grouped key into its fourteen groups', () => {
    const key = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX';
    const groups = keyGroups(key);
    expect(groups).toHaveLength(14);
    expect(groups[0]).toBe('ABCD');
    expect(groups.join('-')).toBe(key);
  });
});

describe('keyring-only vaults', () => {
  const base: VaultStatus = {
    state: 'unlocked',
    path: '/v',
    keyringSlot: true,
    passwordSlot: false,
    recoverySlot: false,
    reason: null,
    rolledBack: null,
    verifyFirst: false,
  };
  it('are the ones with the keyring as the only way in', () => {
    expect(keyringOnly(base)).toBe(true);
    expect(keyringOnly({ ...base, recoverySlot: true })).toBe(false);
    expect(keyringOnly({ ...base, passwordSlot: true })).toBe(false);
    expect(keyringOnly({ ...base, keyringSlot: false, passwordSlot: true })).toBe(false);
  });
});
