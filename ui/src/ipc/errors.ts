// Normalises whatever `invoke` rejects with into an IpcError, once. Features switch on `kind`.
import type { ErrorKind } from '../bindings/ErrorKind';
import type { IpcError } from '../bindings/IpcError';
import { language, tr } from '../i18n/i18n';

export type { ErrorKind, IpcError };

const t = tr('errors');

/** What `toIpcError` says when a rejection carries no message at all. */
const GENERIC = 'Something went wrong';
/** Rust's message for an `internal` error: the detail is in the log, not in the window. */
const RUST_GENERIC = 'something went wrong; see the log for details';

// One sentence per kind, for languages other than English. A Record, so the typecheck fails
// when Rust adds a kind this list lacks.
const SENTENCE: Record<ErrorKind, () => string> = {
  invalidInput: () => t('kind.invalidInput'),
  notFound: () => t('kind.notFound'),
  secretStoreLocked: () => t('kind.secretStoreLocked'),
  vaultLocked: () => t('kind.vaultLocked'),
  internal: () => t('kind.internal'),
  awsNotConnected: () => t('kind.awsNotConnected'),
  awsAccessDenied: () => t('kind.awsAccessDenied'),
  awsThrottled: () => t('kind.awsThrottled'),
  awsInvalidCode: () => t('kind.awsInvalidCode'),
  awsAlreadyExists: () => t('kind.awsAlreadyExists'),
  awsDeviceLimit: () => t('kind.awsDeviceLimit'),
  awsTokenUnknown: () => t('kind.awsTokenUnknown'),
  awsTokenInUse: () => t('kind.awsTokenInUse'),
  awsCredentials: () => t('kind.awsCredentials'),
  aws: () => t('kind.aws'),
  qrCode: () => t('kind.qrCode'),
  noCamera: () => t('kind.noCamera'),
  cameraDenied: () => t('kind.cameraDenied'),
  camera: () => t('kind.camera'),
  screenCapture: () => t('kind.screenCapture'),
  clipboard: () => t('kind.clipboard'),
  install: () => t('kind.install'),
  exportPasswordNeeded: () => t('kind.exportPasswordNeeded'),
  exportWrongPassword: () => t('kind.exportWrongPassword'),
  unknownExport: () => t('kind.unknownExport'),
  unreadableExport: () => t('kind.unreadableExport'),
  fileExists: () => t('kind.fileExists'),
  notVerified: () => t('kind.notVerified'),
};
// Own keys only: `in` or a plain lookup would also accept `toString` and the like.
const KINDS: ReadonlySet<string> = new Set(Object.keys(SENTENCE));

export function isIpcError(e: unknown): e is IpcError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.message === 'string' && typeof o.kind === 'string' && KINDS.has(o.kind);
}

export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return e;
  // A string rejection comes from Tauri itself (unknown command, denied permission, bad args).
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : GENERIC;
  return { kind: 'internal', message };
}

/** A sentence for the user, chosen by kind; the message carries the specifics. In English the
 * message is the whole story; in another language the kind's sentence comes first and Rust's
 * (English) message follows in brackets, since it names things. */
export function describe(e: unknown): string {
  const err = toIpcError(e);
  if (language() !== 'en') {
    const sentence = SENTENCE[err.kind]();
    const detail = err.message.trim();
    if (!detail || detail === GENERIC || detail === RUST_GENERIC) return sentence;
    return t('withDetail', { sentence, detail });
  }
  if (err.kind === 'secretStoreLocked') return `The system keyring is not available: ${err.message}`;
  // Every other message already says what happened and what to do.
  return capitalise(err.message);
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
