// The scan dialog's pure text helpers. No DOM, no IPC, so the unit tests import this alone.
import type { OtpKindView } from '../../bindings/OtpKindView';
import type { ScanExport } from '../../bindings/ScanExport';
import type { ScannedAccount } from '../../bindings/ScannedAccount';
import { tr } from '../../i18n/i18n';

const t = tr('scan');

/** An account's kind in a word or two. */
export function kindLabel(kind: OtpKindView): string {
  switch (kind) {
    case 'totp':
      return t('kind.totp');
    case 'hotp':
      return t('kind.hotp');
    case 'steam':
      return 'Steam Guard';
  }
}

/** `6 digits`. */
export function digitsLabel(digits: number): string {
  return t('account.digits', { count: digits });
}

/** `every 30 s`. */
export function periodLabel(period: bigint | number): string {
  return t('account.every', { period: String(period) });
}

/** `1`, `1 and 3`, `1, 2 and 4`. */
export function listNumbers(ns: number[]): string {
  if (ns.length <= 1) return ns.join('');
  return t('list.and', { first: ns.slice(0, -1).join(', '), last: ns[ns.length - 1] });
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
  const opts = { count: e.seen.length, list: listNumbers(e.seen), of: e.of };
  if (e.missing.length === 0) return t('export.codesWhole', opts);
  return nextCode(e) === null ? t('export.codes', opts) : t('export.codesMore', opts);
}

/** A scanned account's kind, digits, algorithm and period, for its row in the list. */
export function describeAccount(a: ScannedAccount): string {
  const every = a.kind === 'totp' ? ` · ${periodLabel(a.period)}` : '';
  return `${kindLabel(a.kind)} · ${digitsLabel(a.digits)} · ${a.algorithm}${every}`;
}

/** Where a code was found, for "Found in …:": the screen and the clipboard in words, a file's
 * or a camera's name as it is. */
export function foundIn(origin: string): string {
  if (origin === 'clipboard') return t('found.clipboard');
  if (origin === 'screen (portal)') return t('found.portal');
  const screen = /^screen (\d+)$/.exec(origin);
  if (screen) return t('found.screen', { n: screen[1] });
  return t('found.other', { origin });
}
