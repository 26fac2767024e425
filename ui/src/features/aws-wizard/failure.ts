// Where the wizard goes when turning a device on fails, by the error's kind. No DOM, no IPC.
import type { ErrorKind } from '../../ipc/errors';

/**
 * - `codes`: back to the code fields with the error (the user typed codes AWS refused).
 * - `retry`: the failure may pass (throttling, the network, Twofold's own codes landing on a
 *   window AWS had already seen): offer Retry beside Abort.
 * - `stop`: retrying the same call cannot help (no permission, expired credentials, a locked
 *   vault): offer only Abort and Close, and the message says what to fix.
 */
export type ConfirmFailure = 'codes' | 'retry' | 'stop';

export function afterConfirmFailure(kind: ErrorKind, typedCodes: boolean): ConfirmFailure {
  switch (kind) {
    case 'awsInvalidCode':
    case 'invalidInput':
      return typedCodes ? 'codes' : 'retry';
    case 'awsThrottled':
    case 'awsNotConnected':
    case 'aws':
    case 'internal':
      return 'retry';
    default:
      return 'stop';
  }
}
