// Normalises whatever `invoke` rejects with into an IpcError, once. Features switch on `kind`.
import type { ErrorKind } from '../bindings/ErrorKind';
import type { IpcError } from '../bindings/IpcError';

export type { ErrorKind, IpcError };

const KINDS: readonly ErrorKind[] = [
  'invalidInput',
  'notFound',
  'secretStoreLocked',
  'vaultLocked',
  'internal',
  'awsNotConnected',
  'awsAccessDenied',
  'awsThrottled',
  'awsInvalidCode',
  'awsAlreadyExists',
  'awsDeviceLimit',
  'awsCredentials',
  'aws',
];

export function isIpcError(e: unknown): e is IpcError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.message === 'string' && KINDS.includes(o.kind as ErrorKind);
}

export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return e;
  // A string rejection comes from Tauri itself (unknown command, denied permission, bad args).
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : 'Something went wrong';
  return { kind: 'internal', message };
}

/** A sentence for the user, chosen by kind; the message carries the specifics. */
export function describe(e: unknown): string {
  const err = toIpcError(e);
  switch (err.kind) {
    case 'invalidInput':
    case 'notFound':
      return capitalise(err.message);
    case 'secretStoreLocked':
      return `The system keyring is not available: ${err.message}`;
    case 'vaultLocked':
      return capitalise(err.message);
    case 'internal':
      return capitalise(err.message);
    case 'awsNotConnected':
    case 'awsAccessDenied':
    case 'awsThrottled':
    case 'awsInvalidCode':
    case 'awsAlreadyExists':
    case 'awsDeviceLimit':
    case 'awsCredentials':
    case 'aws':
      return capitalise(err.message);
  }
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
