// System authentication (polkit on Linux): the OS's own dialog confirms it is the user before
// Twofold opens a vault it locked, or lets a secret out. Rust decides when it is needed and
// answers `notVerified`; these helpers ask the OS and try again.
import type { OsVerifyProblem } from '../../bindings/OsVerifyProblem';
import type { OsVerifyStatus } from '../../bindings/OsVerifyStatus';
import { tr } from '../../i18n/i18n';
import { osVerify, osVerifyStatus } from '../../ipc/commands';
import { isIpcError } from '../../ipc/errors';

const t = tr('vault');

/** Whether the OS can verify the user; "not available" when even that cannot be asked. */
export function verifyStatus(): Promise<OsVerifyStatus> {
  return osVerifyStatus().catch(() => ({ available: false, problem: 'noService' as const }));
}

/** Why the OS cannot verify the user, as a sentence. */
export function problemText(problem: OsVerifyProblem | null): string {
  switch (problem) {
    case 'notInstalled':
      return t('osVerify.problem.notInstalled');
    case 'unsupported':
      return t('osVerify.problem.unsupported');
    default:
      return t('osVerify.problem.noService');
  }
}

/** Rust's answer that the OS must confirm it is the user first. */
export function needsVerification(e: unknown): boolean {
  return isIpcError(e) && e.kind === 'notVerified';
}

/** Runs `f`; when Rust answers that the OS must confirm it is the user first, shows the OS's
 * dialog (`waiting(true)` while it is open) and runs `f` once more. A refusal rejects with
 * Rust's `notVerified` error. */
export async function withOsVerify<T>(f: () => Promise<T>, waiting: (on: boolean) => void = () => {}): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!needsVerification(e)) throw e;
  }
  await verifyNow(waiting);
  return f();
}

/** Shows the OS's dialog now (`waiting(true)` while it is open); rejects when it did not confirm. */
export async function verifyNow(waiting: (on: boolean) => void = () => {}): Promise<void> {
  waiting(true);
  try {
    await osVerify();
  } finally {
    waiting(false);
  }
}
