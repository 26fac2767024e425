// The security-key screen's pure text helpers. No DOM, no IPC, so the unit tests import this alone.
import type { FidoKeyView } from '../../bindings/FidoKeyView';
import type { FidoOption } from '../../bindings/FidoOption';

/** `on` or `off` for an option the key supports, else `not supported`. */
export function optionLabel(o: FidoOption, on: string, off: string): string {
  return o === 'on' ? on : o === 'off' ? off : 'not supported';
}

/** The key's PIN state in a few words, with the tries left. */
export function pinSummary(k: FidoKeyView): string {
  if (k.options.clientPin === 'unsupported') return 'not supported';
  if (k.options.clientPin === 'off') return 'not set';
  if (k.pinRetries === 0) return 'blocked (only a reset helps)';
  return `PIN set · ${k.pinRetries} ${k.pinRetries === 1 ? 'try' : 'tries'} left`;
}
