// Normalises whatever `invoke` rejects with into an IpcError, once. Features switch on `kind`.
import type { ErrorKind } from '../bindings/ErrorKind';
import type { IpcError } from '../bindings/IpcError';

export type { ErrorKind, IpcError };

// A Record, so the typecheck fails when Rust adds a kind this list lacks.
const KIND_RECORD: Record<ErrorKind, true> = {
  invalidInput: true,
  notFound: true,
  secretStoreLocked: true,
  vaultLocked: true,
  internal: true,
  awsNotConnected: true,
  awsAccessDenied: true,
  awsThrottled: true,
  awsInvalidCode: true,
  awsAlreadyExists: true,
  awsDeviceLimit: true,
  awsTokenUnknown: true,
  awsTokenInUse: true,
  awsCredentials: true,
  aws: true,
  qrCode: true,
  noCamera: true,
  cameraDenied: true,
  camera: true,
  screenCapture: true,
  clipboard: true,
  install: true,
  exportPasswordNeeded: true,
  exportWrongPassword: true,
  unknownExport: true,
  unreadableExport: true,
  fileExists: true,
};
// Own keys only: `in` or a plain lookup would also accept `toString` and the like.
const KINDS: ReadonlySet<string> = new Set(Object.keys(KIND_RECORD));

export function isIpcError(e: unknown): e is IpcError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.message === 'string' && typeof o.kind === 'string' && KINDS.has(o.kind);
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
  if (err.kind === 'secretStoreLocked') return `The system keyring is not available: ${err.message}`;
  // Every other message already says what happened and what to do.
  return capitalise(err.message);
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
