// The security-key screen's pure text helpers. No DOM, no IPC, so the unit tests import this alone.
import type { FidoIpcError } from '../../bindings/FidoIpcError';
import type { FidoKeyView } from '../../bindings/FidoKeyView';
import type { FidoOption } from '../../bindings/FidoOption';
import { tr } from '../../i18n/i18n';
import { describe } from '../../ipc/errors';

const t = tr('keys');

/** `on` or `off` for an option the key supports, else `not supported`. */
export function optionLabel(o: FidoOption, on: string, off: string): string {
  return o === 'on' ? on : o === 'off' ? off : t('option.unsupported');
}

/** An option's state in one word, for its chip's tooltip. */
export function optionState(o: FidoOption): string {
  switch (o) {
    case 'on':
      return t('option.on');
    case 'off':
      return t('option.off');
    case 'unsupported':
      return t('option.absent');
  }
}

/** The key's PIN state in a few words, with the tries left. */
export function pinSummary(k: FidoKeyView): string {
  if (k.options.clientPin === 'unsupported') return t('pin.unsupported');
  if (k.options.clientPin === 'off') return t('pin.notSet');
  if (k.pinRetries === 0) return t('pin.blocked');
  if (k.pinRetries === null) return t('pin.set');
  return t('pin.triesLeft', { count: k.pinRetries });
}

function fidoFailure(e: unknown): FidoIpcError | null {
  return typeof e === 'object' && e !== null && 'reason' in e ? (e as FidoIpcError) : null;
}

/** The rest of `message` after an English `prefix`, or null when it does not start with it. */
function after(message: string, prefix: string): string | null {
  return message.toLowerCase().startsWith(prefix.toLowerCase()) ? message.slice(prefix.length) : null;
}

/** A failed key command in words for the user, chosen by its reason; details the key or the
 * system gave stay as they came. Anything else reads as `describe` says. */
export function fidoMessage(e: unknown): string {
  const f = fidoFailure(e);
  if (!f) return describe(e);
  switch (f.reason) {
    case 'noDevice':
      return t('failure.noDevice');
    case 'deviceNotFound':
      return t('failure.deviceNotFound');
    case 'pinInvalid':
      return t('failure.pinInvalid', { count: f.retries ?? 0 });
    case 'pinAuthBlocked':
      return f.retries === null ? t('failure.pinAuthBlocked') : t('failure.pinAuthBlockedTries', { count: f.retries });
    case 'pinBlocked':
      return t('failure.pinBlocked');
    case 'pinRequired':
      return t('failure.pinRequired');
    case 'pinNotSet':
      return t('failure.pinNotSet');
    case 'pinAlreadySet':
      return t('failure.pinAlreadySet');
    case 'pinPolicy': {
      const detail = after(f.message, 'the new PIN is not accepted: ');
      return detail === null ? describe(e) : t('failure.pinPolicy', { detail });
    }
    case 'userActionTimeout':
      return t('failure.userActionTimeout');
    case 'operationDenied':
      return t('failure.operationDenied');
    case 'resetWindowClosed':
      return t('failure.resetWindowClosed');
    case 'resetNotConfirmed':
      return t('failure.resetNotConfirmed');
    case 'unsupported': {
      const what = after(f.message, 'this key does not support ');
      return what === null ? describe(e) : t('failure.unsupported', { what });
    }
    case 'disconnected':
      return t('failure.disconnected');
    case 'credentialNotFound':
      return t('failure.credentialNotFound');
    case 'verificationFailed':
      return t('failure.verificationFailed');
    case 'cancelled':
      return t('failure.cancelled');
    // The count of keys and the key's own error words come only inside the message.
    case 'multipleDevices':
    case 'device':
      return describe(e);
  }
}

