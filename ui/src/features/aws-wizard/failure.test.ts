import { describe, expect, it } from 'vitest';
import { afterConfirmFailure } from './failure';

describe('afterConfirmFailure', () => {
  it('keeps the user on the code fields when AWS refuses typed codes', () => {
    expect(afterConfirmFailure('awsInvalidCode', true)).toBe('codes');
    expect(afterConfirmFailure('invalidInput', true)).toBe('codes');
  });

  it('offers a retry when Twofold typed the codes itself', () => {
    expect(afterConfirmFailure('awsInvalidCode', false)).toBe('retry');
  });

  it('offers a retry for failures that may pass', () => {
    for (const kind of ['awsThrottled', 'awsNotConnected', 'aws', 'internal'] as const) {
      expect(afterConfirmFailure(kind, true)).toBe('retry');
      expect(afterConfirmFailure(kind, false)).toBe('retry');
    }
  });

  it('stops where retrying the same call cannot help', () => {
    for (const kind of ['awsAccessDenied', 'awsCredentials', 'vaultLocked', 'secretStoreLocked', 'notFound'] as const) {
      expect(afterConfirmFailure(kind, true)).toBe('stop');
    }
  });
});
