// The scan dialog's pure text helpers. No DOM, no IPC, so the unit tests import this alone.
import type { ScanExport } from '../../bindings/ScanExport';
import type { ScannedAccount } from '../../bindings/ScannedAccount';

const KIND_LABEL = { totp: 'Time-based', hotp: 'Counter-based', steam: 'Steam Guard' } as const;

/** `1`, `1 and 3`, `1, 2 and 4`. */
export function listNumbers(ns: number[]): string {
  if (ns.length <= 1) return ns.join('');
  return `${ns.slice(0, -1).join(', ')} and ${ns[ns.length - 1]}`;
}

/** The export's code to scan after this scan (the app shows them in order), or null when the
 * scan held its last code. */
export function nextCode(e: ScanExport): number | null {
  const last = Math.max(0, ...e.seen);
  return last < e.of ? last + 1 : null;
}

/** Which codes of a multi-code export a scan held, and what is left: `code 1 of 2; scan the
 * others afterwards`. */
export function exportCodes(e: ScanExport): string {
  const held = `${e.seen.length === 1 ? 'code' : 'codes'} ${listNumbers(e.seen)} of ${e.of}`;
  if (e.missing.length === 0) return `${held}: the whole export`;
  return nextCode(e) === null ? held : `${held}; scan the others afterwards`;
}

/** A scanned account's kind, digits, algorithm and period, for its row in the list. */
export function describeAccount(a: ScannedAccount): string {
  const every = a.kind === 'totp' ? ` · every ${a.period} s` : '';
  return `${KIND_LABEL[a.kind]} · ${a.digits} digits · ${a.algorithm}${every}`;
}
